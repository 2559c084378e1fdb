package kafka

// The server: listeners, connections, framing and dispatch.
//
// Each connection has two goroutines. The reader reads size-prefixed frames
// (a frame larger than Config.MaxRequestBytes, a header kmsg cannot parse,
// an unknown API key, a version outside versions.go or a malformed body
// closes the connection, as Kafka does) and queues decoded requests; the
// handler answers them one at a time, in order, so that a client may
// pipeline requests and an idempotent producer's batches are appended in the
// order sent. The one exception to "unsupported means close" is
// ApiVersions: a version above ours gets the v0-format UNSUPPORTED_VERSION
// answer of KIP-511 with our ranges, so that the client retries lower.
//
// Response headers are v1 (correlation ID and an empty tag section) for
// flexible versions and v0 otherwise; ApiVersions' response header is
// always v0. A produce with acks=0 gets no response. A panic in a handler
// is logged and closes that connection only.
//
// Config.Metrics, when set, learns of connections opened and closed and of
// each request answered, timed from the start of its handling until its
// response is written (an acks=0 produce: until it is handled).

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

const (
	defaultMaxRequestBytes = 100 << 20
	// pipelineDepth is how many decoded requests a connection's reader may
	// hold ahead of its handler; clients pipeline at most 5 produces.
	pipelineDepth = 8
	// maxKeptResponseBuffer bounds the response buffer a connection keeps
	// for reuse; fetch responses of a few MiB are common.
	maxKeptResponseBuffer = 16 << 20
)

// Server is the Kafka-protocol server.
type Server struct {
	log      *log.Log
	cfg      Config
	logger   *slog.Logger
	enforcer *enforcer
	frames   framePool // request frames, reused for produce requests
	reads    framePool // fetch read buffers

	ctx    context.Context // ends at Close; every connection's context derives from it
	cancel context.CancelFunc

	mu        sync.Mutex
	self      node    // set by the first Serve
	groups    *groups // started by the first Serve, which knows the advertised address
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	closed    bool
	wg        sync.WaitGroup // connection goroutines
}

// observeCommit tells the Observer which groups commit offsets of which
// topics: that is how a consumer shows itself (fetches carry no group).
func (s *Server) observeCommit(req kmsg.Request) {
	commit, ok := req.(*kmsg.OffsetCommitRequest)
	if !ok || s.cfg.Observer == nil {
		return
	}
	for _, t := range commit.Topics {
		s.cfg.Observer.ObserveConsumer(t.Topic, commit.Group)
	}
}

// New returns a server over l. schemas may be nil when no topic enforces.
func New(l *log.Log, schemas Schemas, cfg Config, logger *slog.Logger) (*Server, error) {
	if l == nil {
		return nil, errors.New("kafka: nil log")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DefaultPartitions <= 0 {
		cfg.DefaultPartitions = 1
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = defaultMaxRequestBytes
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		log:       l,
		cfg:       cfg,
		logger:    logger,
		enforcer:  newEnforcer(schemas, logger),
		ctx:       ctx,
		cancel:    cancel,
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[net.Conn]struct{}),
	}, nil
}

// Serve accepts connections on ln until Close; it returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.start(ln); err != nil {
		ln.Close()
		if errors.Is(err, errServerClosed) {
			return nil
		}
		return err
	}
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("kafka: accept: %w", err)
		}
		if !s.track(c) {
			c.Close()
			return nil
		}
		go s.serveConn(c)
	}
}

var errServerClosed = errors.New("kafka: server closed")

// start registers ln and, on the first call, starts the group coordinator
// with this node's advertised address, which defaults to ln's.
func (s *Server) start(ln net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errServerClosed
	}
	if s.groups == nil {
		s.self = advertised(s.cfg, ln.Addr())
		g, err := newGroups(s.log, s.self, s.cfg, s.logger)
		if err != nil {
			return fmt.Errorf("kafka: start group coordinator: %w", err)
		}
		s.groups = g
	}
	s.listeners[ln] = struct{}{}
	return nil
}

// advertised is the node clients are told to connect to: the configured
// host and port, else the listener's. A wildcard listener advertises
// localhost; set Config.AdvertisedHost to be reachable from elsewhere.
func advertised(cfg Config, addr net.Addr) node {
	n := node{ID: cfg.NodeID, Host: cfg.AdvertisedHost, Port: cfg.AdvertisedPort}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		host, port = "localhost", "9092"
	}
	if n.Host == "" {
		n.Host = host
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			n.Host = "localhost"
		}
	}
	if n.Port == 0 {
		p, _ := strconv.Atoi(port)
		n.Port = int32(p)
	}
	return n
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

// Close stops accepting, closes connections and waits for handlers.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cancel()
	var err error
	for ln := range s.listeners {
		if cerr := ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = cerr
		}
	}
	for c := range s.conns {
		c.Close()
	}
	g := s.groups
	s.mu.Unlock()

	s.wg.Wait()
	if g != nil {
		g.close()
	}
	return err
}

// request is one decoded request frame.
type request struct {
	key      int16
	version  int16
	corr     int32
	clientID string
	kreq     kmsg.Request // nil for an ApiVersions above our range
	frame    *[]byte      // the bytes kreq was decoded from (its []byte fields alias them)
}

// serveConn runs one connection until the client or the server ends it.
func (s *Server) serveConn(c net.Conn) {
	defer s.wg.Done()
	if m := s.cfg.Metrics; m != nil {
		m.Connection(1)
		defer m.Connection(-1) // before wg.Done: after Close the gauge is back to 0
	}
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	remote := c.RemoteAddr().String()
	logger := s.logger.With("remote", remote)

	reqs := make(chan *request, pipelineDepth)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(reqs)
		// A read error ends the connection's context too, so that a long
		// poll or a rebalance wait of a departed client stops early.
		defer cancel()
		s.readRequests(ctx, c, reqs, logger)
	}()
	defer func() {
		// Unblock the reader (in Read or queueing) before waiting for it.
		cancel()
		c.Close()
		<-readerDone
	}()

	// Requests are handled one at a time, in order, as Kafka does; but a
	// produce's wait for its fsync moves to the writer, which answers in
	// order too. So the next produce is written while the previous one's
	// fsync runs, and pipelined produces share fsyncs (group commit)
	// instead of queueing one fsync each.
	replies := make(chan reply, pipelineDepth)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		s.writeReplies(ctx, cancel, c, replies, logger)
	}()
	defer func() {
		close(replies)
		<-writerDone
	}()
	for r := range reqs {
		var start time.Time
		if s.cfg.Metrics != nil {
			start = time.Now()
		}
		rp, err := s.handle(ctx, r, remote, logger)
		if err != nil {
			logger.Warn("kafka: closing connection", "api", kmsg.NameForKey(r.key), "version", r.version, "client", r.clientID, "err", err)
			return
		}
		rp.start = start
		if rp.resp == nil && s.cfg.Metrics != nil {
			s.cfg.Metrics.Request(kmsg.NameForKey(r.key), time.Since(start)) // acks=0: no response to wait for
		}
		if _, ok := r.kreq.(*kmsg.ProduceRequest); ok {
			// Produce keeps nothing of its request: the log copied the
			// batches, and the response and its wait hold none of it. Other
			// requests may (group metadata), so only produce frames are
			// reused.
			s.frames.put(r.frame)
		}
		select {
		case replies <- rp:
		case <-ctx.Done():
			return
		}
	}
}

// reply is a handled request on its way to the client: resp is nil for an
// acks=0 produce; wait, when set, must return before resp is sent;
// release, when set, is called once resp is encoded (it frees buffers resp
// aliases); start is when its handling began, for Config.Metrics.
type reply struct {
	r       *request
	resp    kmsg.Response
	wait    func(context.Context)
	release func()
	start   time.Time
}

// writeReplies sends a connection's responses in request order, each after
// its wait, until replies is closed. A failed write ends the connection
// (cancel), and what is still queued is dropped.
func (s *Server) writeReplies(ctx context.Context, cancel context.CancelFunc, c net.Conn, replies <-chan reply, logger *slog.Logger) {
	var buf []byte
	for rp := range replies {
		if rp.wait != nil {
			rp.wait(ctx)
		}
		if rp.resp == nil {
			continue
		}
		buf = appendResponse(buf[:0], rp.r, rp.resp)
		if rp.release != nil {
			rp.release()
		}
		if _, err := c.Write(buf); err != nil {
			logger.Debug("kafka: write response", "err", err)
			cancel()
			for range replies { // let the handler loop finish; nothing more is sent
			}
			return
		}
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.Request(kmsg.NameForKey(rp.r.key), time.Since(rp.start))
		}
		if cap(buf) > maxKeptResponseBuffer {
			buf = nil // do not pin a very large fetch response per idle connection
		}
	}
}

// readRequests reads and decodes frames into reqs until the connection
// fails, a frame is bad, or ctx ends.
func (s *Server) readRequests(ctx context.Context, c net.Conn, reqs chan<- *request, logger *slog.Logger) {
	br := bufio.NewReaderSize(c, 64<<10)
	for {
		bp := s.frames.get()
		frame, err := readFrameInto(br, s.cfg.MaxRequestBytes, *bp)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				logger.Debug("kafka: read request", "err", err)
			}
			return
		}
		r, err := parseRequest(frame)
		if err != nil {
			logger.Debug("kafka: bad request", "err", err)
			return
		}
		*bp = frame
		r.frame = bp
		select {
		case reqs <- r:
		case <-ctx.Done():
			return
		}
	}
}

// readFrame reads one size-prefixed frame of at most limit bytes. A frame
// is read in chunks as it arrives, so a peer that only announces a large
// size does not make us allocate it.
func readFrame(r io.Reader, limit int32) ([]byte, error) {
	return readFrameInto(r, limit, nil)
}

// framePool keeps request buffers for reuse: produce requests are the big
// and frequent ones, and allocating (and zeroing) megabytes per request
// costs the broker more than storing them.
type framePool struct{ pool sync.Pool }

// maxPooledFrame bounds the buffers kept.
const maxPooledFrame = 16 << 20

func (p *framePool) get() *[]byte {
	if bp, ok := p.pool.Get().(*[]byte); ok {
		return bp
	}
	return new([]byte)
}

func (p *framePool) put(bp *[]byte) {
	if bp == nil || cap(*bp) > maxPooledFrame {
		return
	}
	p.pool.Put(bp)
}

// readFrameInto is readFrame reading into buf when it is large enough, so
// that a connection can reuse the buffers of produce requests.
func readFrameInto(r io.Reader, limit int32, buf []byte) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(size[:]))
	if n < 0 || n > limit {
		return nil, fmt.Errorf("frame of %d bytes outside [0, %d]", n, limit)
	}
	// A frame is read into a buffer of its size at once when that is
	// modest; a larger claim grows the buffer as bytes actually arrive, so
	// that a client cannot make the server allocate 100 MiB by saying so.
	const chunk = 8 << 20
	var frame []byte
	if int(n) <= cap(buf) {
		frame = buf[:n]
	} else {
		frame = make([]byte, min(int(n), chunk))
	}
	read := 0
	for {
		m, err := io.ReadFull(r, frame[read:])
		read += m
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("frame of %d bytes: %w", n, err)
		}
		if read == int(n) {
			return frame, nil
		}
		frame = append(frame, make([]byte, min(int(n), 2*len(frame))-len(frame))...)
	}
}

// parseRequest decodes a frame (without its size prefix): the request
// header (v1, or v2 for flexible versions) and the body. It fails for an
// unknown key, a version outside versions.go (except ApiVersions, whose
// body is then left unread), and a body kmsg cannot decode.
func parseRequest(frame []byte) (*request, error) {
	rd := kbin.Reader{Src: frame}
	r := &request{key: rd.Int16(), version: rd.Int16(), corr: rd.Int32()}
	if cid := rd.NullableString(); cid != nil {
		r.clientID = *cid
	}
	if !rd.Ok() {
		return nil, errors.New("short request header")
	}
	v, ok := supported(r.key)
	if !ok {
		return nil, fmt.Errorf("unsupported api key %d", r.key)
	}
	if r.version < 0 || r.version < v.min || r.version > v.max {
		if r.key == apiVersionsKey && r.version > v.max {
			return r, nil // answered with the v0 fallback
		}
		return nil, fmt.Errorf("%s v%d outside v%d-v%d", kmsg.NameForKey(r.key), r.version, v.min, v.max)
	}
	req := kmsg.RequestForKey(r.key)
	req.SetVersion(r.version)
	if req.IsFlexible() {
		kmsg.SkipTags(&rd)
		if !rd.Ok() {
			return nil, errors.New("short request header tags")
		}
	}
	if err := req.ReadFrom(rd.Src); err != nil {
		return nil, fmt.Errorf("%s v%d body: %w", kmsg.NameForKey(r.key), r.version, err)
	}
	r.kreq = req
	return r, nil
}

// appendResponse appends the framed response to dst.
func appendResponse(dst []byte, r *request, resp kmsg.Response) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(r.corr))
	if resp.IsFlexible() && resp.Key() != apiVersionsKey {
		dst = append(dst, 0) // response header v1: no tags
	}
	dst = resp.AppendTo(dst)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

// handle answers one request; a nil response means none is sent. An
// error (including a recovered panic) closes the connection.
func (s *Server) handle(ctx context.Context, r *request, remote string, logger *slog.Logger) (rp reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			logger.Error("kafka: panic handling request", "api", kmsg.NameForKey(r.key), "version", r.version,
				"client", r.clientID, "panic", p, "stack", string(debug.Stack()))
			rp, err = reply{}, fmt.Errorf("panic: %v", p)
		}
	}()
	if r.kreq == nil {
		return reply{r: r, resp: s.apiVersionsFallback()}, nil
	}
	switch req := r.kreq.(type) {
	case *kmsg.ApiVersionsRequest:
		return reply{r: r, resp: s.apiVersions(req)}, nil
	case *kmsg.ProduceRequest:
		resp, wait := s.produce(ctx, req, r.clientID)
		return reply{r: r, resp: resp, wait: wait}, nil
	case *kmsg.FetchRequest:
		resp, release := s.fetch(ctx, req)
		return reply{r: r, resp: resp, release: release}, nil
	case *kmsg.ListOffsetsRequest:
		return reply{r: r, resp: s.listOffsets(req)}, nil
	case *kmsg.MetadataRequest:
		return reply{r: r, resp: s.metadata(req)}, nil
	case *kmsg.CreateTopicsRequest:
		return reply{r: r, resp: s.createTopics(req)}, nil
	case *kmsg.DeleteTopicsRequest:
		return reply{r: r, resp: s.deleteTopics(req)}, nil
	case *kmsg.CreatePartitionsRequest:
		return reply{r: r, resp: s.createPartitions(req)}, nil
	case *kmsg.DescribeConfigsRequest:
		return reply{r: r, resp: s.describeConfigs(req)}, nil
	case *kmsg.AlterConfigsRequest:
		return reply{r: r, resp: s.alterConfigs(req)}, nil
	case *kmsg.IncrementalAlterConfigsRequest:
		return reply{r: r, resp: s.incrementalAlterConfigs(req)}, nil
	case *kmsg.InitProducerIDRequest:
		return reply{r: r, resp: s.initProducerID(req)}, nil
	case *kmsg.OffsetForLeaderEpochRequest:
		return reply{r: r, resp: s.offsetForLeaderEpoch(req)}, nil
	case *kmsg.DescribeClusterRequest:
		return reply{r: r, resp: s.describeCluster(req)}, nil
	}
	// The coordinator shows who sent group requests (DescribeGroups).
	if resp, ok := s.groups.handle(withGroupClient(ctx, r.clientID, remote), r.kreq); ok {
		s.observeCommit(r.kreq)
		return reply{r: r, resp: resp}, nil
	}
	return reply{}, errors.New("no handler")
}
