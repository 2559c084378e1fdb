package kafka

// ListOffsets: v0–6.
//
// Timestamp -1 is the latest offset (the high watermark), -2 the earliest
// (the log start offset); both answer timestamp -1. A timestamp ≥ 0 is the
// first offset whose record timestamp is at least it, with that record's
// timestamp, or offset -1 and timestamp -1 when there is none. Other
// negative timestamps (-3, max timestamp, is v7+) are INVALID_REQUEST. v0
// answers in OldStyleOffsets (at most MaxNumOffsets, one here). v4+
// answers leader epoch 0 for a found offset. The isolation level does not
// matter: there are no transactions.

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const (
	latestTimestamp   = -1
	earliestTimestamp = -2
)

func (s *Server) listOffsets(req *kmsg.ListOffsetsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewListOffsetsResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewListOffsetsResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.Timestamp, sp.Offset, sp.LeaderEpoch = -1, -1, -1
			sp.ErrorCode = s.listOffset(rt.Topic, rp, &sp)
			if req.Version == 0 && sp.ErrorCode == 0 {
				sp.OldStyleOffsets = []int64{}
				if sp.Offset >= 0 && rp.MaxNumOffsets > 0 {
					sp.OldStyleOffsets = []int64{sp.Offset}
				}
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func (s *Server) listOffset(topic string, rp kmsg.ListOffsetsRequestTopicPartition, sp *kmsg.ListOffsetsResponseTopicPartition) int16 {
	p, err := s.log.Partition(topic, rp.Partition)
	if err != nil {
		return kerr.UnknownTopicOrPartition.Code
	}
	switch ts := rp.Timestamp; {
	case ts == latestTimestamp:
		sp.Offset, sp.LeaderEpoch = p.HighWatermark(), 0
	case ts == earliestTimestamp:
		sp.Offset, sp.LeaderEpoch = p.LogStartOffset(), 0
	case ts >= 0:
		if off, at, ok := p.OffsetForTime(ts); ok {
			sp.Offset, sp.Timestamp, sp.LeaderEpoch = off, at, 0
		}
	default:
		return kerr.InvalidRequest.Code
	}
	return 0
}
