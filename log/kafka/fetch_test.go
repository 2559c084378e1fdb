package kafka_test

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

func TestListOffsets(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "times", 1, nil)
	ctx := testContext(t)
	p := mustClient(t, b.addr, kgo.DefaultProduceTopic("times"))
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for i := range 3 {
		r := kgo.StringRecord("v")
		r.Timestamp = base.Add(time.Duration(i) * time.Minute)
		if err := p.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	lookup := func(lo kadm.ListedOffsets, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		o, ok := lo.Lookup("times", 0)
		if !ok || o.Err != nil {
			t.Fatalf("lookup: %v %v", ok, o.Err)
		}
		return o.Offset
	}
	if got := lookup(adm.ListStartOffsets(ctx, "times")); got != 0 {
		t.Errorf("start offset %d", got)
	}
	if got := lookup(adm.ListEndOffsets(ctx, "times")); got != 3 {
		t.Errorf("end offset %d", got)
	}
	if got := lookup(adm.ListOffsetsAfterMilli(ctx, base.Add(30*time.Second).UnixMilli(), "times")); got != 1 {
		t.Errorf("offset after +30s: %d, want 1", got)
	}

	// Every version, raw, including v0's OldStyleOffsets and a timestamp
	// after the last record.
	raw := dialRaw(t, b.addr)
	corr := int32(0)
	for v := int16(0); v <= 6; v++ {
		for _, tc := range []struct {
			ts, want, wantTS int64
		}{
			{-1, 3, -1},
			{-2, 0, -1},
			{base.Add(time.Minute).UnixMilli(), 1, base.Add(time.Minute).UnixMilli()},
			{base.Add(time.Hour).UnixMilli(), -1, -1},
		} {
			req := kmsg.NewPtrListOffsetsRequest()
			req.SetVersion(v)
			rt := kmsg.NewListOffsetsRequestTopic()
			rt.Topic = "times"
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Timestamp, rp.MaxNumOffsets = tc.ts, 1
			rt.Partitions = append(rt.Partitions, rp)
			req.Topics = append(req.Topics, rt)
			corr++
			raw.send(req, corr)
			sp := raw.receive(req, corr).(*kmsg.ListOffsetsResponse).Topics[0].Partitions[0]
			if sp.ErrorCode != 0 {
				t.Fatalf("v%d ts %d: %v", v, tc.ts, kerr.ErrorForCode(sp.ErrorCode))
			}
			got, gotTS := sp.Offset, sp.Timestamp
			if v == 0 {
				got, gotTS = -1, tc.wantTS
				if len(sp.OldStyleOffsets) == 1 {
					got = sp.OldStyleOffsets[0]
				}
			}
			if got != tc.want || gotTS != tc.wantTS {
				t.Errorf("v%d ts %d: offset %d ts %d, want %d ts %d", v, tc.ts, got, gotTS, tc.want, tc.wantTS)
			}
		}
	}
}

func TestFetch_LongPoll(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "poll", 2, nil)
	ctx := testContext(t)

	// A consumer waits on empty partitions, then receives what is produced.
	c := mustClient(t, b.addr, kgo.ConsumeTopics("poll"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(10*time.Second))
	got := make(chan []*kgo.Record, 1)
	go func() {
		for {
			fs := c.PollFetches(ctx)
			if recs := fs.Records(); len(recs) > 0 || ctx.Err() != nil {
				got <- recs
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // let the consumer's fetch start waiting
	p := mustClient(t, b.addr, kgo.DefaultProduceTopic("poll"))
	if err := p.ProduceSync(ctx, kgo.StringRecord("wake up")).FirstErr(); err != nil {
		t.Fatal(err)
	}
	select {
	case recs := <-got:
		if len(recs) != 1 || string(recs[0].Value) != "wake up" {
			t.Fatalf("consumer got %v", recs)
		}
	case <-ctx.Done():
		t.Fatal("consumer never received the record")
	}

	// Raw: a fetch with nothing to return answers empty after MaxWait;
	// a fetch past the end is OFFSET_OUT_OF_RANGE at once.
	cl := mustClient(t, b.addr)
	fetch := func(offset int64, wait int32) kmsg.FetchResponseTopicPartition {
		req := kmsg.NewPtrFetchRequest()
		req.SetVersion(11)
		req.MaxWaitMillis, req.MinBytes, req.MaxBytes = wait, 1, 1<<20
		req.SessionEpoch = -1
		rt := kmsg.NewFetchRequestTopic()
		rt.Topic = "poll"
		for _, part := range []int32{0, 1} {
			rp := kmsg.NewFetchRequestTopicPartition()
			rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = part, offset, 1<<20
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatal(err)
		}
		if resp.SessionID != 0 {
			t.Errorf("fetch session %d, want 0", resp.SessionID)
		}
		for _, sp := range resp.Topics[0].Partitions {
			if sp.HighWatermark == 1 {
				return sp
			}
		}
		return resp.Topics[0].Partitions[0]
	}
	if sp := fetch(1, 100); sp.ErrorCode != 0 || len(sp.RecordBatches) != 0 || sp.LastStableOffset != 1 {
		t.Errorf("fetch at the end: %v, %d bytes, LSO %d", kerr.ErrorForCode(sp.ErrorCode), len(sp.RecordBatches), sp.LastStableOffset)
	}
	if sp := fetch(5, 10000); sp.ErrorCode != kerr.OffsetOutOfRange.Code {
		t.Errorf("fetch past the end: %v, want OFFSET_OUT_OF_RANGE", kerr.ErrorForCode(sp.ErrorCode))
	}
}

func TestFetch_MaxBytesStillReturnsOneBatch(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	mustCreateTopic(t, mustAdmin(t, b.addr), "big", 1, nil)
	c := dialRaw(t, b.addr)
	for i := range 3 {
		req := produceRequest("big", -1, makeBatch(string(make([]byte, 2000))))
		c.send(req, int32(i))
		c.receive(req, int32(i))
	}
	req := kmsg.NewPtrFetchRequest()
	req.SetVersion(4)
	req.MaxBytes = 10
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic = "big"
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.PartitionMaxBytes = 10
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	c.send(req, 9)
	sp := c.receive(req, 9).(*kmsg.FetchResponse).Topics[0].Partitions[0]
	if sp.ErrorCode != 0 || sp.HighWatermark != 3 {
		t.Fatalf("fetch: %v, high watermark %d", kerr.ErrorForCode(sp.ErrorCode), sp.HighWatermark)
	}
	var rb kmsg.RecordBatch
	if err := rb.ReadFrom(sp.RecordBatches); err != nil {
		t.Fatalf("returned bytes are not a batch: %v", err)
	}
	if int(rb.Length)+12 != len(sp.RecordBatches) {
		t.Errorf("returned %d bytes, want exactly one batch of %d", len(sp.RecordBatches), rb.Length+12)
	}
}
