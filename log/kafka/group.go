package kafka

// The group coordinator: every consumer group (classic protocol) and its
// committed offsets. This file holds the coordinator's types, its start and
// stop, and the dispatch of group requests; group_member.go is the
// membership state machine (JoinGroup, SyncGroup, Heartbeat, LeaveGroup),
// group_offsets.go the committed offsets and their durability in
// __consumer_offsets, group_meta.go the group metadata records kept there
// too, group_expire.go the expiry of offsets (offsets.retention),
// group_admin.go FindCoordinator, ListGroups, DescribeGroups and
// DeleteGroups.
//
// Locking: groups.mu guards the map of groups; each group has its own mu
// guarding its state, and a commitMu that serialises the writes of its
// offsets to the log (so the log and memory agree on the order of commits
// to one key). No lock is held while a request waits for a rebalance:
// JoinGroup and SyncGroup register a waiter under the group lock, release
// it, and block on the waiter's channel or ctx. Timers (rebalance, pending
// sync, session) are time.AfterFunc callbacks that take the group lock and
// check a token, so a timer that fired after being replaced does nothing.
// Group metadata records are queued under the group lock and written by
// one goroutine (groupWriter), so no group lock is held across their fsync.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// node is this broker as clients reach it.
type node struct {
	ID   int32
	Host string
	Port int32
}

// groupOffsetsTopic is the compacted internal topic holding committed offsets.
const groupOffsetsTopic = "__consumer_offsets"

// Defaults of new coordinators.
const (
	defaultInitialRebalanceDelay = time.Second // Kafka: 3 s
	defaultMinSessionTimeout     = time.Second // Kafka: 6 s; lenient for a development broker
	defaultMaxSessionTimeout     = 30 * time.Minute
	defaultMaxMetadataBytes      = 4096 // offset.metadata.max.bytes
)

// Defaults of Config.OffsetsRetention and OffsetsRetentionCheckInterval,
// Kafka's: offsets.retention.minutes and offsets.retention.check.interval.ms.
const (
	defaultOffsetsRetention      = 7 * 24 * time.Hour
	defaultOffsetsRetentionCheck = 10 * time.Minute
)

// groups is the coordinator of every consumer group (classic protocol):
// membership, rebalances, session timeouts, and committed offsets, which
// it keeps durable in the compacted internal topic __consumer_offsets.
type groups struct {
	l     *log.Log // nil in some unit tests: then every topic is accepted
	store groupStore
	// writer writes group metadata records, and the tombstones of deleted
	// and expired groups, in order (see group_meta.go).
	writer *groupWriter
	self   node
	logger *slog.Logger

	// initialRebalanceDelay is group.initial.rebalance.delay.ms: the first
	// rebalance of an empty group waits this long for more members,
	// extended by as much for each member that joins meanwhile, up to the
	// rebalance timeout. 0 completes it as soon as every member joined.
	initialRebalanceDelay time.Duration
	// minSessionTimeout and maxSessionTimeout bound JoinGroup's session
	// timeout (group.{min,max}.session.timeout.ms).
	minSessionTimeout time.Duration
	maxSessionTimeout time.Duration
	// maxMetadataBytes is offset.metadata.max.bytes.
	maxMetadataBytes int
	// retention is offsets.retention.minutes; negative: offsets never
	// expire. See group_expire.go.
	retention time.Duration
	// now is the clock of commit times, "empty since" and expiry; tests
	// move it. Session and rebalance timers run on real time.
	now func() time.Time
	// stopExpiry ends the expiry loop started by newGroups, and expiryDone
	// is closed when it has returned; both nil when no loop runs.
	stopExpiry context.CancelFunc
	expiryDone chan struct{}

	closed atomic.Bool

	mu     sync.Mutex
	groups map[string]*group
}

// newGroups loads committed offsets from l and starts the coordinator,
// with the expiry of offsets that cfg's OffsetsRetention asks for.
func newGroups(l *log.Log, self node, cfg Config, logger *slog.Logger) (*groups, error) {
	store, err := newGroupLogStore(l)
	if err != nil {
		return nil, err
	}
	gs := newGroupsWith(store, self, logger)
	gs.l = l
	if cfg.OffsetsRetention != 0 {
		gs.retention = cfg.OffsetsRetention
	}
	if cfg.GroupInitialRebalanceDelay != 0 {
		gs.initialRebalanceDelay = max(cfg.GroupInitialRebalanceDelay, 0)
	}
	if err := gs.load(); err != nil {
		gs.writer.close()
		return nil, err
	}
	every := cfg.OffsetsRetentionCheckInterval
	if every <= 0 {
		every = defaultOffsetsRetentionCheck
	}
	gs.startExpiry(every)
	return gs, nil
}

// newGroupsWith returns a coordinator over store without loading it.
func newGroupsWith(store groupStore, self node, logger *slog.Logger) *groups {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	gs := &groups{
		store:                 store,
		self:                  self,
		logger:                logger.With("component", "groups"),
		initialRebalanceDelay: defaultInitialRebalanceDelay,
		minSessionTimeout:     defaultMinSessionTimeout,
		maxSessionTimeout:     defaultMaxSessionTimeout,
		maxMetadataBytes:      defaultMaxMetadataBytes,
		retention:             defaultOffsetsRetention,
		now:                   time.Now,
		groups:                make(map[string]*group),
	}
	gs.writer = newGroupWriter(store, func() time.Time { return gs.now() }, gs.logger)
	return gs
}

// handle answers the group APIs: FindCoordinator, JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, OffsetDelete,
// ListGroups, DescribeGroups, DeleteGroups. ok is false for any other
// request. It may block (JoinGroup and SyncGroup wait for the rebalance)
// until ctx ends.
//
// The client's ID and address, shown by DescribeGroups, are taken from ctx
// when the server put them there with withGroupClient.
func (g *groups) handle(ctx context.Context, req kmsg.Request) (resp kmsg.Response, ok bool) {
	switch r := req.(type) {
	case *kmsg.FindCoordinatorRequest:
		return g.findCoordinator(r), true
	case *kmsg.JoinGroupRequest:
		return g.joinGroup(ctx, r), true
	case *kmsg.SyncGroupRequest:
		return g.syncGroup(ctx, r), true
	case *kmsg.HeartbeatRequest:
		return g.heartbeat(r), true
	case *kmsg.LeaveGroupRequest:
		return g.leaveGroup(r), true
	case *kmsg.OffsetCommitRequest:
		return g.offsetCommit(ctx, r), true
	case *kmsg.OffsetFetchRequest:
		return g.offsetFetch(r), true
	case *kmsg.OffsetDeleteRequest:
		return g.offsetDelete(ctx, r), true
	case *kmsg.ListGroupsRequest:
		return g.listGroups(r), true
	case *kmsg.DescribeGroupsRequest:
		return g.describeGroups(r), true
	case *kmsg.DeleteGroupsRequest:
		return g.deleteGroups(ctx, r), true
	}
	return nil, false
}

// close stops the coordinator's timers and its expiry loop (waiting for a
// sweep in progress), answers every waiting JoinGroup and SyncGroup with
// COORDINATOR_NOT_AVAILABLE, and writes the group metadata records still
// queued. It does not close the log.
func (g *groups) close() {
	if g.closed.Swap(true) {
		return
	}
	if g.stopExpiry != nil {
		g.stopExpiry()
		<-g.expiryDone
	}
	g.mu.Lock()
	all := make([]*group, 0, len(g.groups))
	for _, gr := range g.groups {
		all = append(all, gr)
	}
	g.mu.Unlock()
	for _, gr := range all {
		gr.mu.Lock()
		gr.shutdown()
		gr.mu.Unlock()
	}
	g.writer.close()
}

// get returns the group named name, creating it (Empty) when create is set;
// nil when it does not exist and create is not set.
func (g *groups) get(name string, create bool) *group {
	g.mu.Lock()
	defer g.mu.Unlock()
	gr := g.groups[name]
	if gr == nil && create {
		gr = newGroup(g, name)
		g.groups[name] = gr
	}
	return gr
}

// lock returns the group named name locked, skipping groups deleted
// meanwhile (see get for create); nil when it does not exist.
func (g *groups) lock(name string, create bool) *group {
	for {
		gr := g.get(name, create)
		if gr == nil {
			return nil
		}
		gr.mu.Lock()
		if !gr.dead {
			return gr
		}
		gr.mu.Unlock()
	}
}

// remove drops gr from the map (if it is still the group of its name).
func (g *groups) remove(gr *group) {
	g.mu.Lock()
	if g.groups[gr.name] == gr {
		delete(g.groups, gr.name)
	}
	g.mu.Unlock()
}

// groupClientKey is the context key of the requesting client's identity.
type groupClientKey struct{}

// groupClient is who sent a request: its client ID and address.
type groupClient struct {
	ID   string
	Host string
}

// withGroupClient returns ctx carrying the client ID and address (host or
// host:port) of the connection a request came on; the coordinator shows
// them in DescribeGroups and uses the client ID in member IDs.
func withGroupClient(ctx context.Context, clientID, host string) context.Context {
	return context.WithValue(ctx, groupClientKey{}, groupClient{ID: clientID, Host: host})
}

func groupClientFrom(ctx context.Context) groupClient {
	c, _ := ctx.Value(groupClientKey{}).(groupClient)
	if c.ID == "" {
		c.ID = "consumer"
	}
	return c
}

// newMemberID returns prefix-<uuid>, as Kafka does (prefix: the instance
// ID for static members, else the client ID).
func newGroupMemberID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return prefix + "-" + string(s[:])
}
