package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charterhq/charter/registry/postgres/postgrestest"
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
