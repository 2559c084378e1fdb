package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charterhq/charter/registry/postgres/postgrestest"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The HTTP benchmarks are a load run over loopback: many concurrent
// clients against the real server, reporting requests per second. A
// trivial net/http handler is measured the same way in the same run, as the
// ceiling the registry's reads are compared with (see BENCHMARKS.md).

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
}

// drive runs do from 32 concurrent clients and reports req/s.
func drive(b *testing.B, do func(c *http.Client, i int64) error) {
	b.Helper()
	client := benchClient()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := do(client, n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func expect200(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func BenchmarkHTTP(b *testing.B) {
	b.Run("trivial-handler", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		body := []byte(`{"schema":"\"string\""}`)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			w.Write(body)
		})}
		go srv.Serve(ln)
		defer srv.Close()
		url := "http://" + ln.Addr().String() + "/schemas/ids/1"
		drive(b, func(c *http.Client, _ int64) error { return expect200(c.Get(url)) })
	})

	base := startServer(b)
	schema := `{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"}]}"}`
	if err := expect200(http.Post(base+"/subjects/orders-value/versions", "application/json", strings.NewReader(schema))); err != nil {
		b.Fatal(err)
	}
	b.Run("schema-by-id", func(b *testing.B) {
		drive(b, func(c *http.Client, _ int64) error { return expect200(c.Get(base + "/schemas/ids/1")) })
	})
	b.Run("lookup", func(b *testing.B) {
		drive(b, func(c *http.Client, _ int64) error {
			return expect200(c.Post(base+"/subjects/orders-value", "application/json", strings.NewReader(schema)))
		})
	})
	b.Run("register-sqlite", func(b *testing.B) { benchRegister(b, base) })
	if os.Getenv(postgrestest.URLVar) != "" {
		pg := startServer(b, "--database", postgrestest.URL(b))
		b.Run("register-postgres", func(b *testing.B) { benchRegister(b, pg) })
	}
}

// benchRegister registers new versions, each a compatible evolution, spread
// over 64 subjects so that writers contend as a real fleet would.
func benchRegister(b *testing.B, base string) {
	r := time.Now().UnixNano() // fresh field names for each of the benchmark's runs
	drive(b, func(c *http.Client, i int64) error {
		body := fmt.Sprintf(`{"schema":"{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"f%d_%d\",\"type\":\"int\",\"default\":0}]}"}`, r, i)
		return expect200(c.Post(fmt.Sprintf("%s/subjects/bench-%d-value/versions", base, i%64), "application/json", strings.NewReader(body)))
	})
}

// BenchmarkBrokerProcess drives a separate `charter serve` process the way
// a producer fleet would — franz-go, 1 KiB records, acks=all, enforcement
// on — then reads everything back with a consumer, and reports both
// throughputs and the process's peak resident memory (VmHWM), which must
// stay under 256 MiB. With the broker in its own process, client and broker
// do not share a Go runtime, as in production.
func BenchmarkBrokerProcess(b *testing.B) {
	bin := buildBinary(b)
	c := startChild(b, bin, "--data-dir", b.TempDir(), "--kafka-addr", "127.0.0.1:0")
	defer c.kill()
	if err := expect200(http.Post(c.base+"/subjects/load-value/versions", "application/json", strings.NewReader(`{"schema":"\"bytes\""}`))); err != nil {
		b.Fatal(err)
	}
	client, err := kgo.NewClient(kgo.SeedBrokers(c.kafka), kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic("load"),
		kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(0))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	value := wireValue(1, strings.Repeat("x", 1024-5))
	ctx := context.Background()
	if err := client.ProduceSync(ctx, &kgo.Record{Value: value}).FirstErr(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(value)))
	b.ResetTimer()
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range b.N {
		wg.Add(1)
		client.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
			}
			wg.Done()
		})
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d produces failed", n)
	}
	produced := float64(b.N) / b.Elapsed().Seconds()

	// Then read everything back with a fresh consumer, timed on its own.
	consumer, err := kgo.NewClient(kgo.SeedBrokers(c.kafka), kgo.ConsumeTopics("load"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxBytes(64<<20))
	if err != nil {
		b.Fatal(err)
	}
	defer consumer.Close()
	start := time.Now()
	for n := 0; n < b.N+1; {
		fs := consumer.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			b.Fatal(err)
		}
		n += fs.NumRecords()
	}
	consumed := float64(b.N+1) / time.Since(start).Seconds()
	b.ReportMetric(produced, "produce-records/s")
	b.ReportMetric(consumed, "consume-records/s")
	b.ReportMetric(float64(peakRSS(b, c.cmd.Process.Pid))/(1<<20), "peak-RSS-MiB")
}

// peakRSS reads a process's peak resident set size from /proc.
func peakRSS(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}
