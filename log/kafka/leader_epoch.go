package kafka

// OffsetForLeaderEpoch: v0–4.
//
// Every partition has had one leader epoch, 0, since it was created. For a
// requested epoch of 0 or less the answer is epoch 0 ending at the high
// watermark; for a later epoch (which this broker never had) it is
// UNDEFINED (-1, -1), as Kafka answers. A current leader epoch above 0
// (v2+) is UNKNOWN_LEADER_EPOCH. Unknown partitions are
// UNKNOWN_TOPIC_OR_PARTITION.

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func (s *Server) offsetForLeaderEpoch(req *kmsg.OffsetForLeaderEpochRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.OffsetForLeaderEpochResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewOffsetForLeaderEpochResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewOffsetForLeaderEpochResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.LeaderEpoch, sp.EndOffset = -1, -1
			p, err := s.log.Partition(rt.Topic, rp.Partition)
			switch {
			case err != nil:
				sp.ErrorCode = kerr.UnknownTopicOrPartition.Code
			case req.Version >= 2 && rp.CurrentLeaderEpoch > 0:
				sp.ErrorCode = kerr.UnknownLeaderEpoch.Code
			case rp.LeaderEpoch <= 0:
				sp.LeaderEpoch, sp.EndOffset = 0, p.HighWatermark()
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}
