package kafka

// InitProducerId: v0–4.
//
// A null transactional ID (an idempotent producer) always gets a new
// producer ID with epoch 0 from the log, durable across restarts; a
// producer bumping its epoch (v3+: ProducerID/ProducerEpoch set) gets a
// new ID too, which is how Kafka treats idempotent producers. An empty
// transactional ID is INVALID_REQUEST; any other is
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED: transactions are not supported
// (the transaction APIs are not advertised).

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func (s *Server) initProducerID(req *kmsg.InitProducerIDRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.InitProducerIDResponse)
	resp.ProducerID, resp.ProducerEpoch = -1, -1
	switch {
	case req.TransactionalID != nil && *req.TransactionalID == "":
		resp.ErrorCode = kerr.InvalidRequest.Code
		return resp
	case req.TransactionalID != nil:
		s.logger.Info("kafka: refused a transactional producer: transactions are not supported", "transactional_id", *req.TransactionalID)
		resp.ErrorCode = kerr.TransactionalIDAuthorizationFailed.Code
		return resp
	}
	id, epoch, err := s.log.NewProducerID()
	if err != nil {
		s.logger.Error("kafka: new producer ID", "err", err)
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code // retriable
		return resp
	}
	resp.ProducerID, resp.ProducerEpoch = id, epoch
	return resp
}
