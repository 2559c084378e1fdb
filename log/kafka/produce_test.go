package kafka_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

func TestProduce_RoundTripEveryCodec(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	adm := mustAdmin(t, b.addr)
	codecs := []struct {
		name  string
		codec kgo.CompressionCodec
	}{
		{"none", kgo.NoCompression()},
		{"gzip", kgo.GzipCompression()},
		{"snappy", kgo.SnappyCompression()},
		{"lz4", kgo.Lz4Compression()},
		{"zstd", kgo.ZstdCompression()},
	}
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			topic := "codec-" + c.name
			mustCreateTopic(t, adm, topic, 2, nil)
			// The default client: idempotent, acks=all.
			p := mustClient(t, b.addr, kgo.DefaultProduceTopic(topic), kgo.ProducerBatchCompression(c.codec))
			ctx := testContext(t)
			const n = 200
			var recs []*kgo.Record
			for i := range n {
				r := kgo.KeyStringRecord(fmt.Sprintf("k%d", i%7), strings.Repeat(fmt.Sprintf("value %d ", i), 20))
				recs = append(recs, r)
			}
			if err := p.ProduceSync(ctx, recs...).FirstErr(); err != nil {
				t.Fatalf("produce: %v", err)
			}
			got := consume(t, b.addr, topic, n)
			if len(got) != n {
				t.Fatalf("consumed %d records, want %d", len(got), n)
			}
			want := make(map[string]bool, n)
			for _, r := range recs {
				want[string(r.Key)+"/"+string(r.Value)] = true
			}
			perPartition := map[int32]int64{}
			for _, r := range got {
				if !want[string(r.Key)+"/"+string(r.Value)] {
					t.Fatalf("unexpected record %q", r.Value)
				}
				if r.Offset != perPartition[r.Partition] {
					t.Fatalf("partition %d: offset %d, want %d", r.Partition, r.Offset, perPartition[r.Partition])
				}
				perPartition[r.Partition]++
			}
		})
	}
}

func TestProduce_AcksAndIdempotence(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "acks", 1, nil)
	ctx := testContext(t)
	for _, tc := range []struct {
		name string
		opts []kgo.Opt
	}{
		{"idempotent acks=all", nil},
		{"acks=all", []kgo.Opt{kgo.DisableIdempotentWrite(), kgo.RequiredAcks(kgo.AllISRAcks())}},
		{"acks=1", []kgo.Opt{kgo.DisableIdempotentWrite(), kgo.RequiredAcks(kgo.LeaderAck())}},
	} {
		p := mustClient(t, b.addr, append([]kgo.Opt{kgo.DefaultProduceTopic("acks")}, tc.opts...)...)
		for i := range 50 {
			if err := p.ProduceSync(ctx, kgo.StringRecord(fmt.Sprint(i))).FirstErr(); err != nil {
				t.Fatalf("%s: produce %d: %v", tc.name, i, err)
			}
		}
	}
	got := consume(t, b.addr, "acks", 150)
	for i, r := range got {
		if r.Offset != int64(i) || string(r.Value) != fmt.Sprint(i%50) {
			t.Fatalf("record %d: offset %d value %q", i, r.Offset, r.Value)
		}
	}
}

func TestProduce_DuplicateSequenceAnswersOriginalOffset(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	mustCreateTopic(t, mustAdmin(t, b.addr), "dup", 1, nil)
	c := dialRaw(t, b.addr)
	ip := kmsg.NewPtrInitProducerIDRequest()
	ip.SetVersion(4)
	c.send(ip, 1)
	pid := c.receive(ip, 1).(*kmsg.InitProducerIDResponse)
	if pid.ErrorCode != 0 || pid.ProducerID < 0 {
		t.Fatalf("InitProducerId: error %d, id %d", pid.ErrorCode, pid.ProducerID)
	}
	batch := func(seq int32, v string) []byte {
		raw := makeBatch(v)
		// Set producer ID, epoch and sequence, then recompute the CRC.
		rb := kmsg.RecordBatch{}
		if err := rb.ReadFrom(raw); err != nil {
			t.Fatal(err)
		}
		rb.ProducerID, rb.ProducerEpoch, rb.FirstSequence = pid.ProducerID, pid.ProducerEpoch, seq
		return reseal(rb.AppendTo(nil))
	}
	offsets := []int64{}
	for i, bt := range [][]byte{batch(0, "a"), batch(1, "b"), batch(1, "b")} {
		req := produceRequest("dup", -1, bt)
		c.send(req, int32(10+i))
		resp := c.receive(req, int32(10+i)).(*kmsg.ProduceResponse)
		p := resp.Topics[0].Partitions[0]
		if p.ErrorCode != 0 {
			t.Fatalf("produce %d: %v", i, kerr.ErrorForCode(p.ErrorCode))
		}
		offsets = append(offsets, p.BaseOffset)
	}
	if offsets[0] != 0 || offsets[1] != 1 || offsets[2] != 1 {
		t.Errorf("offsets %v, want [0 1 1]", offsets)
	}
	// A gap in sequences is refused.
	req := produceRequest("dup", -1, batch(5, "gap"))
	c.send(req, 20)
	if code := c.receive(req, 20).(*kmsg.ProduceResponse).Topics[0].Partitions[0].ErrorCode; code != kerr.OutOfOrderSequenceNumber.Code {
		t.Errorf("gap: error %v, want OUT_OF_ORDER_SEQUENCE_NUMBER", kerr.ErrorForCode(code))
	}
}

func TestProduce_BadBatches(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	mustCreateTopic(t, mustAdmin(t, b.addr), "bad", 1, map[string]*string{"max.message.bytes": ptr("500")})
	good := makeBatch("ok")
	corrupt := append([]byte(nil), good...)
	corrupt[len(corrupt)-2] ^= 0xff
	control := append([]byte(nil), good...)
	control[22] |= 0x20
	two := append(append([]byte(nil), good...), good...)
	c := dialRaw(t, b.addr)
	for i, tc := range []struct {
		name  string
		topic string
		batch []byte
		want  *kerr.Error
	}{
		{"crc", "bad", corrupt, kerr.CorruptMessage},
		{"control", "bad", reseal(control), kerr.InvalidRecord},
		{"two batches", "bad", two, kerr.InvalidRecord},
		{"empty", "bad", nil, kerr.InvalidRecord},
		{"too large", "bad", makeBatch(strings.Repeat("x", 600)), kerr.MessageTooLarge},
		{"unknown topic", "nope", good, kerr.UnknownTopicOrPartition},
	} {
		req := produceRequest(tc.topic, -1, tc.batch)
		c.send(req, int32(i))
		resp := c.receive(req, int32(i)).(*kmsg.ProduceResponse)
		if code := resp.Topics[0].Partitions[0].ErrorCode; code != tc.want.Code {
			t.Errorf("%s: error %v, want %v", tc.name, kerr.ErrorForCode(code), tc.want)
		}
	}
	end, err := mustAdmin(t, b.addr).ListEndOffsets(testContext(t), "bad")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := end.Lookup("bad", 0); o.Offset != 0 {
		t.Errorf("end offset %d after only bad batches, want 0", o.Offset)
	}
}

// With enforcement on, a batch whose CRC is wrong is CORRUPT_MESSAGE
// whether its records would pass enforcement (the log's check catches it)
// or not (enforcement's failure makes it look at the CRC), and nothing of
// either is stored.
func TestProduce_CorruptUnderEnforcement(t *testing.T) {
	schemas := &fakeSchemas{subjects: map[int][]string{1: {"strict-value"}}}
	b := mustStart(t, kafka.Config{}, schemas)
	mustCreateTopic(t, mustAdmin(t, b.addr), "strict", 1, map[string]*string{"charter.value.schema.id.validation": ptr("true")})
	flip := func(batch []byte) []byte {
		batch = append([]byte(nil), batch...)
		batch[len(batch)-2] ^= 0xff
		return batch
	}
	c := dialRaw(t, b.addr)
	for i, tc := range []struct {
		name  string
		batch []byte
		want  *kerr.Error
	}{
		{"valid records, bad CRC", flip(makeBatch(string(withSchemaID(1, "x")))), kerr.CorruptMessage},
		{"invalid records, bad CRC", flip(makeBatch("no schema id")), kerr.CorruptMessage},
		{"invalid records", makeBatch("no schema id"), kerr.InvalidRecord},
	} {
		req := produceRequest("strict", -1, tc.batch)
		c.send(req, int32(i))
		resp := c.receive(req, int32(i)).(*kmsg.ProduceResponse)
		if code := resp.Topics[0].Partitions[0].ErrorCode; code != tc.want.Code {
			t.Errorf("%s: error %v, want %v", tc.name, kerr.ErrorForCode(code), tc.want)
		}
	}
	end, err := mustAdmin(t, b.addr).ListEndOffsets(testContext(t), "strict")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := end.Lookup("strict", 0); o.Offset != 0 {
		t.Errorf("end offset %d after only bad batches, want 0", o.Offset)
	}
}

func TestProduce_AutoCreate(t *testing.T) {
	t.Run("on", func(t *testing.T) {
		b := mustStart(t, kafka.Config{AutoCreateTopics: true, DefaultPartitions: 3}, nil)
		p := mustClient(t, b.addr, kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic("auto"))
		if err := p.ProduceSync(testContext(t), kgo.StringRecord("hi")).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
		td, err := mustAdmin(t, b.addr).ListTopics(testContext(t), "auto")
		if err != nil {
			t.Fatal(err)
		}
		if d := td["auto"]; d.Err != nil || len(d.Partitions) != 3 {
			t.Errorf("auto topic: err %v, %d partitions, want 3", d.Err, len(d.Partitions))
		}
		// Produce itself creates too (a raw request without Metadata first).
		c := dialRaw(t, b.addr)
		req := produceRequest("auto-raw", -1, makeBatch("x"))
		c.send(req, 1)
		if code := c.receive(req, 1).(*kmsg.ProduceResponse).Topics[0].Partitions[0].ErrorCode; code != 0 {
			t.Errorf("raw produce to a new topic: %v", kerr.ErrorForCode(code))
		}
	})
	t.Run("off", func(t *testing.T) {
		b := mustStart(t, kafka.Config{}, nil)
		cl := mustClient(t, b.addr)
		req := kmsg.NewPtrMetadataRequest()
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = ptr("never")
		req.Topics = append(req.Topics, rt)
		req.AllowAutoTopicCreation = true
		resp, err := req.RequestWith(testContext(t), cl)
		if err != nil {
			t.Fatal(err)
		}
		if err := kerr.ErrorForCode(resp.Topics[0].ErrorCode); !errors.Is(err, kerr.UnknownTopicOrPartition) {
			t.Errorf("metadata of an unknown topic: %v, want UNKNOWN_TOPIC_OR_PARTITION", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
