package kafka_test

// Throughput over loopback with franz-go: 1 KiB records (each with a
// Confluent schema-ID header), acks=all, idempotent, uncompressed, into a
// topic of 3 partitions. Targets: this server with enforcement off and on
// (a fake registry answering from a map), and franz-go's kfake, a
// one-broker in-memory cluster, as a peer.
//
// Each runs with one client and with three: three producers sharing the
// topic, or three consumers with a partition each, as a consumer group of
// three would split it. One consumer measures franz-go as much as the
// broker: it keeps one fetch in flight per broker and decodes each
// response before asking for the next, so the broker idles while it
// decodes. Three show what the broker serves. Run with
//
//	go test -run '^$' -bench 'Produce|Consume' -benchtime 400000x ./log/kafka/

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/log/kafka"
)

const (
	benchTopic       = "bench"
	benchPartitions  = 3
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
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(benchPartitions, benchTopic))
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
	mustCreateTopic(b, mustAdmin(b, br.addr), benchTopic, benchPartitions, configs)
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

func benchProducer(b *testing.B, addr string, opts ...kgo.Opt) *kgo.Client {
	return mustClient(b, addr, append([]kgo.Opt{
		kgo.DefaultProduceTopic(benchTopic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.MaxBufferedRecords(100_000),
	}, opts...)...)
}

// produceN produces n records and waits for every acknowledgement. It
// reports failures with Error, so that it can run in goroutines.
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
		b.Error(err)
	}
	select {
	case err := <-errs:
		b.Errorf("produce: %v", err)
	default:
	}
}

// clientCounts are the numbers of producers or consumers each target runs
// with.
var clientCounts = []int{1, 3}

func BenchmarkProduce(b *testing.B) {
	for _, tgt := range benchTargets {
		for _, clients := range clientCounts {
			b.Run(fmt.Sprintf("%s/producers=%d", tgt.name, clients), func(b *testing.B) {
				addr := tgt.start(b)
				producers := make([]*kgo.Client, clients)
				for i := range producers {
					producers[i] = benchProducer(b, addr)
					produceN(b, producers[i], 1000) // warm up: connections, producer ID, metadata
				}
				if b.Failed() {
					b.FailNow()
				}
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for i, cl := range producers {
					n := b.N / clients
					if i == 0 {
						n += b.N % clients
					}
					wg.Go(func() { produceN(b, cl, n) })
				}
				wg.Wait()
				if b.Failed() {
					b.FailNow()
				}
				reportThroughput(b, b.N, time.Since(start))
			})
		}
	}
}

func BenchmarkConsume(b *testing.B) {
	for _, tgt := range benchTargets {
		for _, clients := range clientCounts {
			b.Run(fmt.Sprintf("%s/consumers=%d", tgt.name, clients), func(b *testing.B) {
				addr := tgt.start(b)
				// Round robin, so that each of three consumers has a third.
				producer := benchProducer(b, addr, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
				if produceN(b, producer, b.N); b.Failed() {
					b.FailNow()
				}
				consumers := make([]*kgo.Client, clients)
				for i := range consumers {
					from := kgo.NewOffset().AtStart()
					assign := kgo.ConsumeTopics(benchTopic)
					if clients > 1 {
						partitions := map[int32]kgo.Offset{}
						for p := i; p < benchPartitions; p += clients {
							partitions[int32(p)] = from
						}
						assign = kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{benchTopic: partitions})
					}
					consumers[i] = mustClient(b, addr, assign, kgo.ConsumeResetOffset(from), kgo.FetchMaxBytes(50<<20))
				}
				b.ResetTimer()
				start := time.Now()
				var consumed atomic.Int64
				var wg sync.WaitGroup
				for _, cl := range consumers {
					wg.Go(func() { consumeShare(b, cl, &consumed) })
				}
				wg.Wait()
				if b.Failed() {
					b.FailNow()
				}
				reportThroughput(b, b.N, time.Since(start))
			})
		}
	}
}

// consumeShare polls cl until the consumers together have read b.N records
// (the producer spreads them over the partitions unevenly).
func consumeShare(b *testing.B, cl *kgo.Client, consumed *atomic.Int64) {
	for consumed.Load() < int64(b.N) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				b.Errorf("fetch %s/%d: %v", t, p, err)
			}
		})
		if b.Failed() {
			return
		}
		consumed.Add(int64(fs.NumRecords()))
	}
}
