package kafka

// Fetch: v4–12 (RecordBatch v2; v13 would name topics by ID).
//
// Partitions are read in request order, each up to its PartitionMaxBytes
// and all together up to the request's MaxBytes, except that the first
// partition with data returns at least one whole batch (KIP-74). Batches
// are returned exactly as stored; a partition without data has an empty,
// never null, record set (librdkafka rejects null). HighWatermark and
// LastStableOffset are the log's high watermark (there are no
// transactions), LogStartOffset its start. A fetch offset outside [log start, high watermark] is
// OFFSET_OUT_OF_RANGE; an unknown partition UNKNOWN_TOPIC_OR_PARTITION.
//
// Long poll: while fewer than MinBytes are available and no partition has
// an error, the fetch waits for any partition's high watermark to move,
// until MaxWaitMillis pass or the connection ends. Fetch sessions (v7+,
// KIP-227) are declined: every answer has SessionID 0, which makes clients
// send full fetches; an incremental fetch (SessionID ≠ 0) is
// FETCH_SESSION_ID_NOT_FOUND. No preferred read replica (-1).
//
// Config.Metrics learns the record bytes each answer carries, per topic
// (only topics that exist have partitions with data).

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

func (s *Server) fetch(ctx context.Context, req *kmsg.FetchRequest) (kmsg.Response, func()) {
	if req.SessionID != 0 {
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		resp.ErrorCode = kerr.FetchSessionIDNotFound.Code
		return resp, nil
	}
	// Read buffers come from a pool and go back once the response that
	// aliases them is encoded (release).
	bufs := &fetchBuffers{pool: &s.reads}
	var deadline <-chan time.Time
	if req.MaxWaitMillis > 0 {
		t := time.NewTimer(time.Duration(req.MaxWaitMillis) * time.Millisecond)
		defer t.Stop()
		deadline = t.C
	}
	for {
		// The wait channels are taken before reading, so that an append
		// between the read and the wait still wakes us.
		resp, total, failed, waits := s.fetchOnce(req, bufs)
		if failed || total >= int(req.MinBytes) || deadline == nil || len(waits) == 0 {
			s.countFetched(resp, total)
			return resp, bufs.release
		}
		bufs.release() // nothing of this answer is sent
		if !waitAny(ctx, waits, deadline) {
			resp, total, _, _ = s.fetchOnce(req, bufs)
			s.countFetched(resp, total)
			return resp, bufs.release
		}
	}
}

// fetchOnce reads what the request asks for as of now. It returns the
// response, the record bytes in it, whether any partition failed, and the
// channels that close when each partition's high watermark moves.
func (s *Server) fetchOnce(req *kmsg.FetchRequest, bufs *fetchBuffers) (resp *kmsg.FetchResponse, total int, failed bool, waits []<-chan struct{}) {
	resp = req.ResponseKind().(*kmsg.FetchResponse)
	remaining := int64(req.MaxBytes)
	if remaining <= 0 {
		remaining = math.MaxInt32
	}
	resp.Topics = make([]kmsg.FetchResponseTopic, len(req.Topics))
	for i, rt := range req.Topics {
		st := &resp.Topics[i]
		*st = kmsg.NewFetchResponseTopic()
		st.Topic = rt.Topic
		st.Partitions = make([]kmsg.FetchResponseTopicPartition, len(rt.Partitions))
		for j, rp := range rt.Partitions {
			sp := &st.Partitions[j]
			*sp = kmsg.NewFetchResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
			sp.PreferredReadReplica = -1
			// Never null: librdkafka rejects a null record set
			// ("invalid MessageSetSize -1"); Kafka sends an empty one.
			sp.RecordBatches = []byte{}
			if req.IsolationLevel == 1 {
				sp.AbortedTransactions = []kmsg.FetchResponseTopicPartitionAbortedTransaction{}
			}
			p, err := s.log.Partition(rt.Topic, rp.Partition)
			if err != nil {
				sp.ErrorCode = kerr.UnknownTopicOrPartition.Code
				failed = true
				continue
			}
			if w := p.Wait(); w != nil {
				waits = append(waits, w)
			}
			hw, start := p.HighWatermark(), p.LogStartOffset()
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = hw, hw, start
			if rp.FetchOffset < start || rp.FetchOffset > hw {
				sp.ErrorCode = kerr.OffsetOutOfRange.Code
				failed = true
				continue
			}
			max := min(int64(rp.PartitionMaxBytes), remaining)
			if rp.FetchOffset == hw || rp.PartitionMaxBytes <= 0 || max <= 0 && total > 0 {
				continue
			}
			bp := bufs.get()
			data, err := p.ReadInto(rp.FetchOffset, int32(max), *bp)
			*bp = data
			if err != nil {
				if errors.Is(err, log.ErrOffsetOutOfRange) {
					sp.ErrorCode = kerr.OffsetOutOfRange.Code
				} else {
					s.logger.Error("kafka: read partition", "topic", rt.Topic, "partition", rp.Partition, "err", err)
					sp.ErrorCode = kerr.KafkaStorageError.Code
				}
				failed = true
				continue
			}
			sp.RecordBatches = data
			// Reread so the watermarks cover every batch returned.
			hw = p.HighWatermark()
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = hw, hw, p.LogStartOffset()
			total += len(data)
			remaining -= int64(len(data))
		}
	}
	return resp, total, failed, waits
}

// waitAny waits until one of waits is closed (true), or deadline fires or
// ctx ends (false).
func waitAny(ctx context.Context, waits []<-chan struct{}, deadline <-chan time.Time) bool {
	if len(waits) == 1 {
		select {
		case <-waits[0]:
			return true
		case <-deadline:
		case <-ctx.Done():
		}
		return false
	}
	woke := make(chan struct{})
	stop := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for _, w := range waits {
		wg.Go(func() {
			select {
			case <-w:
				once.Do(func() { close(woke) })
			case <-stop:
			}
		})
	}
	defer wg.Wait()
	defer close(stop)
	select {
	case <-woke:
		return true
	case <-deadline:
	case <-ctx.Done():
	}
	return false
}

// fetchBuffers are the read buffers one fetch took from the server's pool.
type fetchBuffers struct {
	pool  *framePool
	taken []*[]byte
}

func (f *fetchBuffers) get() *[]byte {
	bp := f.pool.get()
	f.taken = append(f.taken, bp)
	return bp
}

// release gives every buffer back; the response that aliased them must be
// encoded or dropped by then.
func (f *fetchBuffers) release() {
	for _, bp := range f.taken {
		f.pool.put(bp)
	}
	f.taken = f.taken[:0]
}
