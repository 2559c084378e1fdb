package kafka_test

// Throughput over loopback with franz-go: 1 KiB records (each with a
// Confluent schema-ID header), acks=all, idempotent, uncompressed, into a
// topic of 3 partitions. Targets: this server with enforcement off and on
// (a fake registry answering from a map), and franz-go's kfake, a
// one-broker in-memory cluster, as a peer. Run with
//
//	go test -run XXX -bench . -benchtime 100000x ./log/kafka/

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/log/kafka"
)

const (
	benchTopic       = "bench"
	benchRecordBytes = 1024
)

type benchTarget struct {
	name  string
	start func(b *testing.B) string // returns the address, with benchTopic created
}

var benchTargets = []benchTarget{
	{"charter/enforce=off", func(b *testing.B) string { return startCharterBench(b, false) }},
	{"charter/enforce=on", func(b *testing.B) string { return startCharterBench(b, true) }},
	{"kfake", func(b *testing.B) string {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, benchTopic))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.Close)
		return c.ListenAddrs()[0]
	}},
}

func startCharterBench(b *testing.B, enforce bool) string {
	schemas := &fakeSchemas{subjects: map[int][]string{1: {benchTopic + "-value"}}}
	br := mustStart(b, kafka.Config{}, schemas)
	var configs map[string]*string
	if enforce {
		configs = map[string]*string{"charter.value.schema.id.validation": ptr("true")}
	}
	mustCreateTopic(b, mustAdmin(b, br.addr), benchTopic, 3, configs)
	return br.addr
}

func benchValue() []byte {
	v := withSchemaID(1, "")
	r := rand.New(rand.NewPCG(1, 2))
	for len(v) < benchRecordBytes {
		v = append(v, byte(r.Uint32()))
	}
	return v
}

func reportThroughput(b *testing.B, n int, elapsed time.Duration) {
	b.ReportMetric(float64(n)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(n)*benchRecordBytes/1e6/elapsed.Seconds(), "MB/s")
}

func benchProducer(b *testing.B, addr string) *kgo.Client {
	return mustClient(b, addr,
		kgo.DefaultProduceTopic(benchTopic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.MaxBufferedRecords(100_000),
	)
}

// produceN produces n records and waits for every acknowledgement.
func produceN(b *testing.B, cl *kgo.Client, n int) {
	ctx := context.Background()
	value := benchValue()
	errs := make(chan error, 1)
	for range n {
		cl.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	select {
	case err := <-errs:
		b.Fatalf("produce: %v", err)
	default:
	}
}

func BenchmarkProduce(b *testing.B) {
	for _, tgt := range benchTargets {
		b.Run(tgt.name, func(b *testing.B) {
			cl := benchProducer(b, tgt.start(b))
			produceN(b, cl, 1000) // warm up: connections, producer ID, metadata
			b.ResetTimer()
			start := time.Now()
			produceN(b, cl, b.N)
			reportThroughput(b, b.N, time.Since(start))
		})
	}
}

func BenchmarkConsume(b *testing.B) {
	for _, tgt := range benchTargets {
		b.Run(tgt.name, func(b *testing.B) {
			addr := tgt.start(b)
			produceN(b, benchProducer(b, addr), b.N)
			cl := mustClient(b, addr,
				kgo.ConsumeTopics(benchTopic),
				kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
				kgo.FetchMaxBytes(50<<20),
			)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for n := 0; n < b.N; {
				fs := cl.PollFetches(ctx)
				fs.EachError(func(t string, p int32, err error) { b.Fatalf("fetch %s/%d: %v", t, p, err) })
				n += fs.NumRecords()
			}
			reportThroughput(b, b.N, time.Since(start))
		})
	}
}
