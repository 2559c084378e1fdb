package kafka_test

// End-to-end tests of the group coordinator through the server with
// franz-go consumer groups.

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/charterhq/charter/log"
	"github.com/charterhq/charter/log/kafka"
)

// gtBroker starts a server over the log in dir; stop (also run at cleanup)
// closes both.
func gtBroker(tb testing.TB, dir string) (addr string, stop func()) {
	tb.Helper()
	l, err := log.Open(dir, log.Options{})
	if err != nil {
		tb.Fatalf("log.Open: %v", err)
	}
	srv, err := kafka.New(l, nil, kafka.Config{GroupInitialRebalanceDelay: testRebalanceDelay}, testLogger(tb))
	if err != nil {
		tb.Fatalf("kafka.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
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
	}
	tb.Cleanup(stop)
	return ln.Addr().String(), stop
}

// gtProduce writes n records to each of partitions partitions of topic.
func gtProduce(tb testing.TB, addr, topic string, partitions int32, n int) {
	tb.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		tb.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range partitions {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: fmt.Appendf(nil, "%d-%d", p, i)})
		}
	}
	if err := cl.ProduceSync(testContext(tb), recs...).FirstErr(); err != nil {
		tb.Fatalf("produce: %v", err)
	}
}

// gtConsumer is a group member polling in the background and tracking the
// partitions it owns (from the rebalance callbacks) and what it consumed.
type gtConsumer struct {
	cl     *kgo.Client
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	owned map[int32]bool
	seen  map[string]bool // "partition/offset"
}

func gtStartConsumer(tb testing.TB, addr, group, topic string, opts ...kgo.Opt) *gtConsumer {
	tb.Helper()
	c := &gtConsumer{owned: make(map[int32]bool), seen: make(map[string]bool), done: make(chan struct{})}
	change := func(add bool) func(context.Context, *kgo.Client, map[string][]int32) {
		return func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, p := range m[topic] {
				if add {
					c.owned[p] = true
				} else {
					delete(c.owned, p)
				}
			}
		}
	}
	cl, err := kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(addr),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.HeartbeatInterval(200 * time.Millisecond),
		kgo.FetchMaxWait(200 * time.Millisecond),
		kgo.OnPartitionsAssigned(change(true)),
		kgo.OnPartitionsRevoked(change(false)),
		kgo.OnPartitionsLost(change(false)),
	}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	c.cl = cl
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() {
		defer close(c.done)
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			c.mu.Lock()
			fs.EachRecord(func(r *kgo.Record) { c.seen[fmt.Sprintf("%d/%d", r.Partition, r.Offset)] = true })
			c.mu.Unlock()
		}
	}()
	tb.Cleanup(c.stop)
	return c
}

// stop stops polling and closes the client (which leaves the group unless
// it is a static member).
func (c *gtConsumer) stop() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	<-c.done
	c.cl.Close()
	c.cancel = nil
}

func (c *gtConsumer) ownedPartitions() []int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ps []int32
	for p := range c.owned {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// gtSettle waits until the group is Stable with exactly the members
// consumers, the broker's assignments and the clients' owned partitions
// agree, and each of the topic's partitions is owned by exactly one
// member; with balanced set each owns an equal share.
func gtSettle(tb testing.TB, adm *kadm.Client, group, topic string, partitions int32, balanced bool, consumers ...*gtConsumer) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var why string
	for time.Now().Before(deadline) {
		why = gtSettled(adm, group, topic, partitions, balanced, consumers)
		if why == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("group %s never settled with %d members: %s", group, len(consumers), why)
}

func gtSettled(adm *kadm.Client, group, topic string, partitions int32, balanced bool, consumers []*gtConsumer) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	described, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		return err.Error()
	}
	d := described[group]
	if d.Err != nil {
		return d.Err.Error()
	}
	if d.State != "Stable" || len(d.Members) != len(consumers) {
		return fmt.Sprintf("state %s with %d members", d.State, len(d.Members))
	}
	brokerView := make(map[int32]int)
	for _, m := range d.Members {
		a, ok := m.Assigned.AsConsumer()
		if !ok {
			return "a member without a consumer assignment"
		}
		for _, t := range a.Topics {
			if t.Topic == topic {
				for _, p := range t.Partitions {
					brokerView[p]++
				}
			}
		}
	}
	clientView := make(map[int32]int)
	for i, c := range consumers {
		owned := c.ownedPartitions()
		if balanced && len(owned) != int(partitions)/len(consumers) {
			return fmt.Sprintf("consumer %d owns %v", i, owned)
		}
		for _, p := range owned {
			clientView[p]++
		}
	}
	for p := range partitions {
		if brokerView[p] != 1 || clientView[p] != 1 {
			return fmt.Sprintf("partition %d: assigned %d times, owned %d times", p, brokerView[p], clientView[p])
		}
	}
	return ""
}

func testGroupRebalance(t *testing.T, balancer kgo.GroupBalancer) {
	const topic, group, partitions = "events", "workers", 6
	addr, _ := gtBroker(t, t.TempDir())
	adm := mustAdmin(t, addr)
	mustCreateTopic(t, adm, topic, partitions, nil)
	gtProduce(t, addr, topic, partitions, 10)

	start := func() *gtConsumer {
		return gtStartConsumer(t, addr, group, topic, kgo.Balancers(balancer))
	}
	c1 := start()
	gtSettle(t, adm, group, topic, partitions, true, c1)
	c2 := start()
	gtSettle(t, adm, group, topic, partitions, true, c1, c2)
	c3 := start()
	gtSettle(t, adm, group, topic, partitions, true, c1, c2, c3)

	// Every record is consumed by someone.
	deadline := time.Now().Add(20 * time.Second)
	for {
		all := make(map[string]bool)
		for _, c := range []*gtConsumer{c1, c2, c3} {
			c.mu.Lock()
			for k := range c.seen {
				all[k] = true
			}
			c.mu.Unlock()
		}
		if len(all) == partitions*10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumed %d of %d records", len(all), partitions*10)
		}
		time.Sleep(50 * time.Millisecond)
	}

	c2.stop()
	gtSettle(t, adm, group, topic, partitions, true, c1, c3)
	c1.stop()
	gtSettle(t, adm, group, topic, partitions, true, c3)
	c4 := start()
	gtSettle(t, adm, group, topic, partitions, true, c3, c4)
}

func TestGroupE2ECooperativeSticky(t *testing.T) {
	testGroupRebalance(t, kgo.CooperativeStickyBalancer())
}

func TestGroupE2ERange(t *testing.T) {
	testGroupRebalance(t, kgo.RangeBalancer())
}

// TestGroupE2ECommitsSurviveRestart commits through a consumer group,
// restarts log and server over the same directory, and resumes from the
// committed offsets.
func TestGroupE2ECommitsSurviveRestart(t *testing.T) {
	const topic, group, partitions = "orders", "billing", 3
	dir := t.TempDir()
	addr, stop := gtBroker(t, dir)
	adm := mustAdmin(t, addr)
	mustCreateTopic(t, adm, topic, partitions, nil)
	gtProduce(t, addr, topic, partitions, 10)

	cl := mustClient(t, addr,
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.FetchMaxWait(200*time.Millisecond),
	)
	ctx := testContext(t)
	for n := 0; n < partitions*10; {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d records: %v", n, err)
		}
		n += len(fs.Records())
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
	cl.Close()

	check := func(adm *kadm.Client, when string) {
		t.Helper()
		offsets, err := adm.FetchOffsets(testContext(t), group)
		if err != nil {
			t.Fatalf("%s: fetch offsets: %v", when, err)
		}
		for p := range int32(partitions) {
			o, ok := offsets.Lookup(topic, p)
			if !ok || o.Err != nil || o.At != 10 {
				t.Fatalf("%s: partition %d: %+v (found %v)", when, p, o, ok)
			}
		}
	}
	check(adm, "before restart")
	stop()

	addr, _ = gtBroker(t, dir)
	adm = mustAdmin(t, addr)
	check(adm, "after restart")
	groups, err := adm.ListGroups(testContext(t))
	if err != nil || !slices.Contains(groups.Groups(), group) {
		t.Fatalf("list groups after restart: %v %v", groups.Groups(), err)
	}

	// A new member resumes where the group left off.
	gtProduce(t, addr, topic, partitions, 1)
	cl = mustClient(t, addr,
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(200*time.Millisecond),
	)
	ctx = testContext(t)
	var got []*kgo.Record
	for len(got) < partitions {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d records after restart: %v", len(got), err)
		}
		got = append(got, fs.Records()...)
	}
	for _, r := range got {
		if r.Offset != 10 {
			t.Fatalf("after restart consumed %d/%d", r.Partition, r.Offset)
		}
	}
}

// TestGroupE2ESessionTimeout has a member that joins, is assigned
// partitions and then never heartbeats: the coordinator expires it and the
// remaining consumer gets every partition.
func TestGroupE2ESessionTimeout(t *testing.T) {
	const topic, group, partitions = "jobs", "runners", 6
	addr, _ := gtBroker(t, t.TempDir())
	adm := mustAdmin(t, addr)
	mustCreateTopic(t, adm, topic, partitions, nil)

	a := gtStartConsumer(t, addr, group, topic, kgo.Balancers(kgo.RangeBalancer()))
	gtSettle(t, adm, group, topic, partitions, true, a)

	// The silent member speaks the protocol by hand.
	raw := mustClient(t, addr)
	ctx := testContext(t)
	meta := kmsg.NewConsumerMemberMetadata()
	meta.Topics = []string{topic}
	join := kmsg.NewPtrJoinGroupRequest()
	join.Group = group
	join.SessionTimeoutMillis = 1000
	join.RebalanceTimeoutMillis = 10000
	join.ProtocolType = "consumer"
	join.Protocols = []kmsg.JoinGroupRequestProtocol{{Name: "range", Metadata: meta.AppendTo(nil)}}
	jr, err := join.RequestWith(ctx, raw)
	if err != nil || jr.ErrorCode != kerr.MemberIDRequired.Code {
		t.Fatalf("first join: %v %+v", err, jr)
	}
	join.MemberID = jr.MemberID
	jr, err = join.RequestWith(ctx, raw)
	if err != nil || jr.ErrorCode != 0 {
		t.Fatalf("join: %v %v", err, kerr.ErrorForCode(jr.ErrorCode))
	}
	sr0 := kmsg.NewPtrSyncGroupRequest()
	sr0.Group, sr0.MemberID, sr0.Generation = group, jr.MemberID, jr.Generation
	sr, err := sr0.RequestWith(ctx, raw)
	if err != nil || sr.ErrorCode != 0 {
		t.Fatalf("sync: %v %+v", err, sr)
	}
	var assigned kmsg.ConsumerMemberAssignment
	if err := assigned.ReadFrom(sr.MemberAssignment); err != nil || len(assigned.Topics) != 1 || len(assigned.Topics[0].Partitions) != partitions/2 {
		t.Fatalf("silent member's assignment: %+v %v", assigned, err)
	}

	// It never heartbeats: it expires and a takes everything back.
	gtSettle(t, adm, group, topic, partitions, true, a)
	hb := kmsg.NewPtrHeartbeatRequest()
	hb.Group, hb.MemberID, hb.Generation = group, jr.MemberID, jr.Generation
	hr, err := hb.RequestWith(ctx, raw)
	if err != nil || hr.ErrorCode != kerr.UnknownMemberID.Code {
		t.Fatalf("expired member's heartbeat: %v %+v", err, hr)
	}
}

// TestGroupE2EOldVersions runs a two-member group and commits with the
// protocol versions of older Kafka releases (JoinGroup v2 without
// MEMBER_ID_REQUIRED, v4 with it; OffsetCommit v3/v4, OffsetFetch v3/v4).
func TestGroupE2EOldVersions(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    *kversion.Versions
	}{
		{"kafka-0.11", kversion.V0_11_0()},
		{"kafka-2.2", kversion.V2_2_0()},
		{"latest", kversion.Stable()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const topic, group, partitions = "logs", "old", 4
			addr, _ := gtBroker(t, t.TempDir())
			adm := mustAdmin(t, addr)
			mustCreateTopic(t, adm, topic, partitions, nil)
			gtProduce(t, addr, topic, partitions, 5)
			opts := []kgo.Opt{kgo.MaxVersions(tc.v), kgo.Balancers(kgo.RoundRobinBalancer()), kgo.AutoCommitInterval(100 * time.Millisecond)}
			c1 := gtStartConsumer(t, addr, group, topic, opts...)
			c2 := gtStartConsumer(t, addr, group, topic, opts...)
			gtSettle(t, adm, group, topic, partitions, true, c1, c2)
			// Autocommits (at these versions) reach the end of every partition.
			deadline := time.Now().Add(20 * time.Second)
			for {
				offsets, err := adm.FetchOffsets(testContext(t), group)
				if err != nil {
					t.Fatal(err)
				}
				done := true
				for p := range int32(partitions) {
					o, ok := offsets.Lookup(topic, p)
					done = done && ok && o.Err == nil && o.At == 5
				}
				if done {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("committed offsets: %+v", offsets)
				}
				time.Sleep(50 * time.Millisecond)
			}
			c1.stop()
			gtSettle(t, adm, group, topic, partitions, true, c2)
		})
	}
}

// TestGroupE2EKcat consumes with librdkafka's balanced consumer (kcat -G)
// and finds its offsets committed.
func TestGroupE2EKcat(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed; .ci/run installs it (apt-get install kcat)")
	}
	const topic, group, partitions = "clicks", "kcat-group", 3
	addr, _ := gtBroker(t, t.TempDir())
	adm := mustAdmin(t, addr)
	mustCreateTopic(t, adm, topic, partitions, nil)
	gtProduce(t, addr, topic, partitions, 5)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat, "-b", addr, "-G", group, "-e", "-f", "%p:%o\\n",
		"-X", "auto.offset.reset=earliest", "-X", "auto.commit.interval.ms=100", topic)
	stderr := &gtWatch{cancel: cancel, trigger: "Protocol parse failure"}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if stderr.triggered() {
		t.Fatalf("librdkafka cannot parse a response:\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("kcat -G: %v\n%s\n%s", err, out, stderr.String())
	}
	if n := strings.Count(string(out), "\n"); n != partitions*5 {
		t.Fatalf("kcat consumed %d records:\n%s", n, out)
	}
	offsets, err := adm.FetchOffsets(testContext(t), group)
	if err != nil {
		t.Fatal(err)
	}
	for p := range int32(partitions) {
		if o, ok := offsets.Lookup(topic, p); !ok || o.At != 5 {
			t.Fatalf("partition %d: %+v (found %v)", p, o, ok)
		}
	}
}

// gtWatch collects a process's output and cancels when trigger shows up.
type gtWatch struct {
	mu      sync.Mutex
	b       strings.Builder
	trigger string
	cancel  func()
	hit     bool
}

func (w *gtWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if !w.hit && strings.Contains(w.b.String(), w.trigger) {
		w.hit = true
		w.cancel()
	}
	return len(p), nil
}

func (w *gtWatch) triggered() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hit
}

func (w *gtWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
