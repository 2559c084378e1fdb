package kafka

// Produce: v3–12 (RecordBatch v2 only; v13 would name topics by ID).
//
// acks must be -1, 0 or 1 (INVALID_REQUIRED_ACKS); acks=0 gets no
// response. Transactional produce is not supported
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED). An unknown topic is created when
// Config.AutoCreateTopics is on. Each partition carries exactly one batch,
// checked here before anything is stored: magic 2, a length matching the
// bytes sent, at least one record with consistent offset deltas, no control
// batch (INVALID_RECORD), a known codec and zstd only from v7
// (UNSUPPORTED_COMPRESSION_TYPE), a valid CRC-32C (CORRUPT_MESSAGE), at most
// the topic's max.message.bytes (MESSAGE_TOO_LARGE). Then, on topics not
// starting with "_", enforcement checks schema IDs: any invalid record
// rejects the whole batch with INVALID_RECORD, and from v8 ErrorRecords
// names each invalid record (by index) and ErrorMessage summarises; a
// registry failure is REQUEST_TIMED_OUT, so clients retry. Finally the
// batch is appended, fsynced before the answer unless acks=0. The log's
// errors map to CORRUPT_MESSAGE, OUT_OF_ORDER_SEQUENCE_NUMBER,
// INVALID_PRODUCER_EPOCH and UNKNOWN_TOPIC_OR_PARTITION; an idempotent
// producer's retry of a stored batch succeeds with the original offset.
// The partitions of one request are appended concurrently.
//
// Config.Metrics learns of each batch stored (records and bytes; not an
// idempotent retry's, which stores nothing) and each batch refused, with
// its reason, when its topic exists: refusals of unknown topics are not
// counted, so that topic labels stay the topics there are.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// RecordBatch v2 header layout (kafka-broker.md §3.1).
const (
	batchHeaderLen    = 61
	batchLengthOffset = 8
	batchMagicOffset  = 16
	batchAttrOffset   = 21
	batchLastDelta    = 23
	batchCountOffset  = 57

	attrCodecMask     = 0x07
	attrTransactional = 0x10
	attrControl       = 0x20
	codecZstd         = 4
)

func (s *Server) produce(ctx context.Context, req *kmsg.ProduceRequest, clientID string) (kmsg.Response, func(context.Context)) {
	resp := req.ResponseKind().(*kmsg.ProduceResponse)
	resp.Topics = make([]kmsg.ProduceResponseTopic, len(req.Topics))
	var jobs []func()
	waits := make([]func(context.Context), 0, 1)
	var wmu sync.Mutex
	for i, rt := range req.Topics {
		st := &resp.Topics[i]
		*st = kmsg.NewProduceResponseTopic()
		st.Topic = rt.Topic
		st.Partitions = make([]kmsg.ProduceResponseTopicPartition, len(rt.Partitions))
		for j := range rt.Partitions {
			sp := &st.Partitions[j]
			*sp = kmsg.NewProduceResponseTopicPartition()
			sp.Partition = rt.Partitions[j].Partition
			sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = -1, -1, -1
		}
		fail := func(code int16, msg string) {
			for j := range st.Partitions {
				st.Partitions[j].ErrorCode = code
				if msg != "" {
					st.Partitions[j].ErrorMessage = errMessage(msg)
				}
			}
		}
		switch {
		case req.TransactionID != nil:
			fail(kerr.TransactionalIDAuthorizationFailed.Code, "transactions are not supported")
			s.rejectTopic(&rt, RejectOther)
			continue
		case req.Acks != -1 && req.Acks != 0 && req.Acks != 1:
			fail(kerr.InvalidRequiredAcks.Code, fmt.Sprintf("acks %d is not -1, 0 or 1", req.Acks))
			s.rejectTopic(&rt, RejectOther)
			continue
		}
		t, ok := s.log.Topic(rt.Topic)
		if !ok && s.cfg.AutoCreateTopics {
			var code int16
			if t, code = s.autoCreate(rt.Topic); code != 0 {
				fail(code, "")
				continue
			}
			ok = true
		}
		if !ok {
			fail(kerr.UnknownTopicOrPartition.Code, "")
			continue
		}
		for j, rp := range rt.Partitions {
			sp := &st.Partitions[j]
			jobs = append(jobs, func() {
				if wait := s.producePartition(ctx, req, t, rp.Records, sp, clientID); wait != nil {
					wmu.Lock()
					waits = append(waits, wait)
					wmu.Unlock()
				}
			})
		}
	}
	switch len(jobs) {
	case 0:
	case 1:
		jobs[0]()
	default:
		var wg sync.WaitGroup
		for _, job := range jobs {
			wg.Go(job)
		}
		wg.Wait()
	}
	if req.Acks == 0 {
		return nil, nil
	}
	if len(waits) == 0 {
		return resp, nil
	}
	return resp, func(ctx context.Context) {
		for _, wait := range waits {
			wait(ctx)
		}
	}
}

// producePartition writes one partition's batch, filling sp. With acks 1
// or -1 the batch is not durable yet: the function returned waits for its
// fsync and then completes sp (an fsync failure turns sp into an error).
func (s *Server) producePartition(ctx context.Context, req *kmsg.ProduceRequest, t log.Topic, batch []byte, sp *kmsg.ProduceResponseTopicPartition, clientID string) func(context.Context) {
	fail := func(code int16, msg string) {
		sp.ErrorCode = code
		if msg != "" {
			sp.ErrorMessage = errMessage(msg)
		}
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.Rejected(t.Name, rejectReason(code), 0)
		}
	}
	p, err := s.log.Partition(t.Name, sp.Partition)
	if err != nil {
		fail(kerr.UnknownTopicOrPartition.Code, "")
		return nil
	}
	if code, msg := checkBatch(batch, req.Version, maxMessageBytes(t)); code != 0 {
		fail(code, msg)
		return nil
	}
	rejected, err := s.enforcer.check(ctx, t, batch)
	if errors.Is(err, errCorrupt) {
		// Bad compressed data or record framing, which the header
		// checks above cannot see.
		fail(kerr.CorruptMessage.Code, err.Error())
		return nil
	}
	if err != nil {
		s.logger.Warn("kafka: cannot check schema IDs", "topic", t.Name, "partition", sp.Partition, "client", clientID, "err", err)
		fail(kerr.RequestTimedOut.Code, "schema IDs could not be checked: "+err.Error())
		return nil
	}
	if len(rejected) > 0 {
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.Rejected(t.Name, RejectSchemaID, len(rejected))
		}
		sp.ErrorCode = kerr.InvalidRecord.Code
		sp.ErrorRecords = make([]kmsg.ProduceResponseTopicPartitionErrorRecord, len(rejected))
		for i, r := range rejected {
			er := kmsg.NewProduceResponseTopicPartitionErrorRecord()
			er.RelativeOffset, er.ErrorMessage = r.Index, errMessage(r.Message)
			sp.ErrorRecords[i] = er
		}
		msg := fmt.Sprintf("%d of the batch's records rejected; %s", len(rejected), rejected[0].Message)
		sp.ErrorMessage = errMessage(msg)
		s.logger.Debug("kafka: rejected batch", "topic", t.Name, "partition", sp.Partition, "client", clientID, "reason", msg)
		return nil
	}
	var res log.AppendResult
	var wait func(context.Context) error
	if req.Acks != 0 {
		res, wait, err = p.AppendDeferred(ctx, batch)
	} else {
		res, err = p.Append(ctx, batch, false)
	}
	if err != nil {
		code := appendErrorCode(err)
		if code == kerr.UnknownServerError.Code {
			s.logger.Error("kafka: append", "topic", t.Name, "partition", sp.Partition, "err", err)
			fail(code, "the batch could not be stored")
			return nil
		}
		fail(code, err.Error())
		return nil
	}
	sp.BaseOffset = res.BaseOffset
	sp.LogStartOffset = res.LogStartOffset
	if s.cfg.Metrics != nil && !res.Duplicate {
		// Counted once stored: a failed fsync after this is a storage
		// error, logged, not a refusal of the batch.
		s.cfg.Metrics.Produced(t.Name, int(int32(binary.BigEndian.Uint32(batch[batchCountOffset:]))), len(batch))
	}
	if s.cfg.Observer != nil {
		s.cfg.Observer.ObserveProducer(t.Name, clientID)
	}
	if wait == nil {
		return nil
	}
	return func(ctx context.Context) {
		if err := wait(ctx); err != nil {
			code := appendErrorCode(err)
			if code == kerr.UnknownServerError.Code {
				s.logger.Error("kafka: fsync", "topic", t.Name, "partition", sp.Partition, "err", err)
				code = kerr.KafkaStorageError.Code
			}
			sp.BaseOffset, sp.LogStartOffset = -1, -1
			sp.ErrorCode, sp.ErrorMessage = code, errMessage("the batch could not be made durable")
		}
	}
}

// appendErrorCode maps an Append error to a Kafka error code.
func appendErrorCode(err error) int16 {
	switch {
	case errors.Is(err, log.ErrCorruptBatch):
		return kerr.CorruptMessage.Code
	case errors.Is(err, log.ErrOutOfOrderSequence):
		return kerr.OutOfOrderSequenceNumber.Code
	case errors.Is(err, log.ErrInvalidProducerEpoch):
		return kerr.InvalidProducerEpoch.Code
	case errors.Is(err, log.ErrUnknownTopic):
		return kerr.UnknownTopicOrPartition.Code
	case errors.Is(err, log.ErrClosed), errors.Is(err, context.Canceled):
		// Shutting down: clients retry elsewhere (here, after a restart).
		return kerr.NotLeaderForPartition.Code
	}
	return kerr.UnknownServerError.Code
}

func maxMessageBytes(t log.Topic) int {
	if v, ok := t.Configs[cfgMaxMessageBytes]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return defaultMaxMessageBytes
}

// checkBatch validates what Kafka validates of a produced RecordBatch
// before storing it; code 0 means valid.
func checkBatch(b []byte, version int16, maxBytes int) (code int16, msg string) {
	if len(b) < batchHeaderLen {
		return kerr.InvalidRecord.Code, fmt.Sprintf("produce v%d must carry exactly one record batch; got %d bytes", version, len(b))
	}
	if n := int(int32(binary.BigEndian.Uint32(b[batchLengthOffset:]))); n+12 != len(b) {
		return kerr.InvalidRecord.Code, fmt.Sprintf("produce v%d must carry exactly one record batch; batch length %d, %d bytes sent", version, n, len(b))
	}
	if magic := b[batchMagicOffset]; magic != 2 {
		return kerr.InvalidRecord.Code, fmt.Sprintf("record batch magic %d; only 2 is supported", magic)
	}
	if len(b) > maxBytes {
		return kerr.MessageTooLarge.Code, fmt.Sprintf("record batch of %d bytes is larger than max.message.bytes %d", len(b), maxBytes)
	}
	attrs := binary.BigEndian.Uint16(b[batchAttrOffset:])
	switch codec := attrs & attrCodecMask; {
	case codec > codecZstd:
		return kerr.UnsupportedCompressionType.Code, fmt.Sprintf("unknown compression codec %d", codec)
	case codec == codecZstd && version < 7:
		return kerr.UnsupportedCompressionType.Code, fmt.Sprintf("zstd needs produce v7 or later, not v%d", version)
	}
	if attrs&attrControl != 0 {
		return kerr.InvalidRecord.Code, "clients may not produce control batches"
	}
	if attrs&attrTransactional != 0 {
		return kerr.InvalidRecord.Code, "transactional batches are not supported"
	}
	count := int32(binary.BigEndian.Uint32(b[batchCountOffset:]))
	lastDelta := int32(binary.BigEndian.Uint32(b[batchLastDelta:]))
	if count <= 0 || lastDelta != count-1 {
		return kerr.InvalidRecord.Code, fmt.Sprintf("record batch of %d records has last offset delta %d", count, lastDelta)
	}
	// The CRC is checked once, by log.Append; enforcement, which reads the
	// records before, checks it only for a batch that fails, so that
	// corruption is CORRUPT_MESSAGE rather than INVALID_RECORD.
	return 0, ""
}
