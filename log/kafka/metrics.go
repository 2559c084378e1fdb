package kafka

// How the server reports to Config.Metrics. The calls themselves sit where
// things happen (serveConn and writeReplies for connections and requests,
// producePartition for batches, fetch for answers); these are the helpers
// that map what happened onto the interface's small, fixed vocabulary.

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// rejectReason is the Metrics reason for a batch refused with code, other
// than by enforcement (RejectSchemaID).
func rejectReason(code int16) string {
	switch code {
	case kerr.CorruptMessage.Code:
		return RejectCorrupt
	case kerr.MessageTooLarge.Code:
		return RejectTooLarge
	}
	return RejectOther
}

// rejectTopic counts every batch of rt as refused for reason, when rt
// exists: an unknown topic's name must not become a metric label.
func (s *Server) rejectTopic(rt *kmsg.ProduceRequestTopic, reason string) {
	if s.cfg.Metrics == nil {
		return
	}
	if _, ok := s.log.Topic(rt.Topic); !ok {
		return
	}
	for range rt.Partitions {
		s.cfg.Metrics.Rejected(rt.Topic, reason, 0)
	}
}

// countFetched tells Config.Metrics the record bytes of resp by topic;
// total is their sum.
func (s *Server) countFetched(resp *kmsg.FetchResponse, total int) {
	if s.cfg.Metrics == nil || total == 0 {
		return
	}
	for i := range resp.Topics {
		st := &resp.Topics[i]
		n := 0
		for j := range st.Partitions {
			n += len(st.Partitions[j].RecordBatches)
		}
		if n > 0 {
			s.cfg.Metrics.Fetched(st.Topic, n)
		}
	}
}
