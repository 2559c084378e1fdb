package kafka_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
	"github.com/charterhq/charter/log/kafka"
)

// testRebalanceDelay is how long new groups of the tests' brokers wait for
// their first members, shorter than the 1 s default.
const testRebalanceDelay = 100 * time.Millisecond

// broker is a server on 127.0.0.1:0 over a log in a temporary directory.
type broker struct {
	addr string
	log  *log.Log
	srv  *kafka.Server
}

// fakeSchemas answers SubjectsOf from a map and counts the questions.
type fakeSchemas struct {
	mu       sync.Mutex
	subjects map[int][]string
	asked    atomic.Int64
}

func (f *fakeSchemas) SubjectsOf(ctx context.Context, id int) ([]string, error) {
	f.asked.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.subjects[id], nil
}

func testLogger(tb testing.TB) *slog.Logger {
	if os.Getenv("KAFKA_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// mustStart starts a broker. While the log package is still the agreed-API
// placeholder (Open answers "not implemented") the test is skipped.
func mustStart(tb testing.TB, cfg kafka.Config, schemas kafka.Schemas) *broker {
	tb.Helper()
	l, err := log.Open(tb.TempDir(), log.Options{})
	if err != nil {
		tb.Fatalf("log.Open: %v", err)
	}
	if cfg.GroupInitialRebalanceDelay == 0 {
		cfg.GroupInitialRebalanceDelay = testRebalanceDelay
	}
	srv, err := kafka.New(l, schemas, cfg, testLogger(tb))
	if err != nil {
		tb.Fatalf("kafka.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			tb.Errorf("Serve: %v", err)
		}
		if err := l.Close(); err != nil {
			tb.Errorf("log Close: %v", err)
		}
	})
	return &broker{addr: ln.Addr().String(), log: l, srv: srv}
}

func mustClient(tb testing.TB, addr string, opts ...kgo.Opt) *kgo.Client {
	tb.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cl.Close)
	return cl
}

func mustAdmin(tb testing.TB, addr string) *kadm.Client {
	tb.Helper()
	return kadm.NewClient(mustClient(tb, addr))
}

func mustCreateTopic(tb testing.TB, adm *kadm.Client, topic string, partitions int32, configs map[string]*string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := adm.CreateTopic(ctx, partitions, 1, configs, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		tb.Fatalf("create topic %s: %v (%s)", topic, err, resp.ErrMessage)
	}
}

func testContext(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// consume reads n records of topic from the start.
func consume(tb testing.TB, addr, topic string, n int, opts ...kgo.Opt) []*kgo.Record {
	tb.Helper()
	cl := mustClient(tb, addr, append([]kgo.Opt{
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, opts...)...)
	ctx := testContext(tb)
	var got []*kgo.Record
	for len(got) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			tb.Fatalf("consumed %d of %d records of %s: %v", len(got), n, topic, err)
		}
		fs.EachError(func(t string, p int32, err error) { tb.Fatalf("fetch %s/%d: %v", t, p, err) })
		got = append(got, fs.Records()...)
	}
	return got
}

// rawConn is a plain TCP connection speaking framed requests.
type rawConn struct {
	tb testing.TB
	c  net.Conn
}

func dialRaw(tb testing.TB, addr string) *rawConn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &rawConn{tb: tb, c: c}
}

func (r *rawConn) write(b []byte) {
	r.tb.Helper()
	if _, err := r.c.Write(b); err != nil {
		r.tb.Fatalf("write: %v", err)
	}
}

// send writes req framed with correlation ID corr.
func (r *rawConn) send(req kmsg.Request, corr int32) {
	r.tb.Helper()
	f := kmsg.NewRequestFormatter(kmsg.FormatterClientID("raw-test"))
	r.write(f.AppendRequest(nil, req, corr))
}

// readFrame reads one response frame: its correlation ID and the rest.
func (r *rawConn) readFrame() (int32, []byte, error) {
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var size [4]byte
	if _, err := io.ReadFull(r.c, size[:]); err != nil {
		return 0, nil, err
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(r.c, body); err != nil {
		return 0, nil, err
	}
	if len(body) < 4 {
		return 0, nil, io.ErrUnexpectedEOF
	}
	return int32(binary.BigEndian.Uint32(body)), body[4:], nil
}

// receive reads the response to req, checking its correlation ID.
func (r *rawConn) receive(req kmsg.Request, corr int32) kmsg.Response {
	r.tb.Helper()
	got, body, err := r.readFrame()
	if err != nil {
		r.tb.Fatalf("read %s response: %v", kmsg.NameForKey(req.Key()), err)
	}
	if got != corr {
		r.tb.Fatalf("correlation ID %d, want %d", got, corr)
	}
	resp := req.ResponseKind()
	if resp.IsFlexible() && req.Key() != 18 {
		if len(body) == 0 || body[0] != 0 {
			r.tb.Fatalf("response header tags %x, want one 0 byte", body[:min(1, len(body))])
		}
		body = body[1:]
	}
	if err := resp.ReadFrom(body); err != nil {
		r.tb.Fatalf("decode %s response: %v", kmsg.NameForKey(req.Key()), err)
	}
	return resp
}

// expectClosed checks that the server closed the connection.
func (r *rawConn) expectClosed() {
	r.tb.Helper()
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64)
	for {
		_, err := r.c.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			r.tb.Fatalf("connection still open")
		}
		return
	}
}
