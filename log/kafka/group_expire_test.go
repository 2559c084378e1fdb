package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// Unit tests of offset expiry (group_expire.go) on a fake clock: sweeps
// are run by hand with expireOffsets; the e2e test runs the real loop.

const gtRetention = 7 * 24 * time.Hour

// gtClock is a clock tests move by hand; timers call it too, so it locks.
type gtClock struct {
	mu sync.Mutex
	t  time.Time
}

func newGTClock() *gtClock {
	return &gtClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *gtClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *gtClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newExpiringGroupsForTest is newGroupsForTest on clk with gtRetention:
// a coordinator started (and loaded) at clk's time; store nil: in memory.
func newExpiringGroupsForTest(t *testing.T, store groupStore, clk *gtClock) *groups {
	t.Helper()
	if store == nil {
		store = &groupMemStore{}
	}
	gs := newGroupsWith(store, gtNode, nil)
	gs.initialRebalanceDelay = 0
	gs.minSessionTimeout = time.Millisecond
	gs.now = clk.now
	gs.retention = gtRetention
	if err := gs.load(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gs.close)
	return gs
}

// gtSweep runs one expiry sweep and checks what it reports.
func gtSweep(t *testing.T, gs *groups, wantOffsets, wantRemoved int) {
	t.Helper()
	offsets, removed := gs.expireOffsets(context.Background())
	if offsets != wantOffsets || removed != wantRemoved {
		t.Fatalf("sweep expired %d offsets and removed %d groups, want %d and %d", offsets, removed, wantOffsets, wantRemoved)
	}
}

// gtListed returns the names ListGroups shows.
func gtListed(t *testing.T, gs *groups) []string {
	t.Helper()
	r := kmsg.NewPtrListGroupsRequest()
	r.Version = 4
	var names []string
	for _, g := range gtCall[*kmsg.ListGroupsResponse](t, gs, r).Groups {
		names = append(names, g.Group)
	}
	return names
}

func gtLeave(t *testing.T, gs *groups, group, memberID string) {
	t.Helper()
	l := kmsg.NewPtrLeaveGroupRequest()
	l.Group, l.MemberID = group, memberID
	gtWantCode(t, "leave", gtCall[*kmsg.LeaveGroupResponse](t, gs, l).ErrorCode, nil)
}

// gtTombstones returns "group/topic/partition" of every tombstone in store.
func gtTombstones(t *testing.T, store *groupMemStore) []string {
	t.Helper()
	var out []string
	err := store.replay(func(b *kmsg.RecordBatch) error {
		recs, err := groupBatchRecords(b)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Value != nil || len(r.Key) < 2 || r.Key[1] == 2 { // group metadata: see gtMeta
				continue
			}
			var k kmsg.OffsetCommitKey
			if err := k.ReadFrom(r.Key); err != nil {
				return err
			}
			out = append(out, fmt.Sprintf("%s/%s/%d", k.Group, k.Topic, k.Partition))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGroupExpireKeepsGroupsWithMembers(t *testing.T) {
	clk := newGTClock()
	gs := newExpiringGroupsForTest(t, nil, clk)

	// "stable" has a member; "rebalancing" has one and a second joining.
	a := gtStable(t, gs, "stable")
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "stable", a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 1}})), nil)
	b := gtStable(t, gs, "rebalancing")
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "rebalancing", b.MemberID, b.Generation, map[string]map[int32]int64{"t": {0: 2}})), nil)
	first := gtJoin(t, gs, gtJoinReq(5, "rebalancing", ""))
	gtWantCode(t, "second member's first join", first.ErrorCode, kerr.MemberIDRequired)
	joined := gtJoinAsync(t, gs, gtJoinReq(5, "rebalancing", first.MemberID))
	gtWaitState(t, gs, "rebalancing", "PreparingRebalance")
	// "pending" was handed a member ID (KIP-394) that has not joined yet.
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "pending", "", -1, map[string]map[int32]int64{"t": {0: 3}})), nil)
	gtWantCode(t, "pending join", gtJoin(t, gs, gtJoinReq(5, "pending", "")).ErrorCode, kerr.MemberIDRequired)

	clk.advance(10 * gtRetention)
	gtSweep(t, gs, 0, 0)
	for group, want := range map[string]int64{"stable": 1, "rebalancing": 2, "pending": 3} {
		if got := gtFetch(t, gs, 5, group, map[string][]int32{"t": {0}}); got["t"][0] != want {
			t.Errorf("%s after a sweep: %v, want offset %d", group, got, want)
		}
	}
	if got := gtListed(t, gs); !slices.Equal(got, []string{"pending", "rebalancing", "stable"}) {
		t.Errorf("listed after a sweep: %v", got)
	}

	// The rebalance completes: the group is kept as it becomes Stable.
	gtWantCode(t, "first member rejoins", gtJoin(t, gs, gtJoinReq(5, "rebalancing", b.MemberID)).ErrorCode, nil)
	gtWantCode(t, "second member joins", gtRecv(t, joined).ErrorCode, nil)
}

func TestGroupExpireEmptyGroup(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)

	a := gtStable(t, gs, "g")
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "g", a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 10, 1: 11}})), nil)
	// A member for longer than the retention: counting starts when it leaves.
	clk.advance(2 * gtRetention)
	gtSweep(t, gs, 0, 0)
	gtLeave(t, gs, "g", a.MemberID)
	if d := gtDescribe(t, gs, 5, "g")[0]; d.State != "Empty" {
		t.Fatalf("after leave: %s", d.State)
	}

	clk.advance(gtRetention - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); len(got["t"]) != 2 {
		t.Fatalf("just before retention: %v", got)
	}

	clk.advance(time.Millisecond)
	gtSweep(t, gs, 2, 1)
	if got := gtTombstones(t, store); !slices.Equal(got, []string{"g/t/0", "g/t/1"}) {
		t.Fatalf("tombstones written: %v", got)
	}
	check := func(gs *groups, when string) {
		t.Helper()
		for _, v := range []int16{1, 5, 8} {
			if got := gtFetch(t, gs, v, "g", map[string][]int32{"t": {0, 1}}); got["t"][0] != -1 || got["t"][1] != -1 {
				t.Fatalf("%s: fetch v%d: %v, want -1", when, v, got)
			}
		}
		if got := gtFetch(t, gs, 8, "g", nil); len(got) != 0 {
			t.Fatalf("%s: fetch all: %v", when, got)
		}
		if got := gtListed(t, gs); len(got) != 0 {
			t.Fatalf("%s: listed %v", when, got)
		}
		d := gtDescribe(t, gs, 6, "g")[0]
		if d.State != "Dead" || d.ErrorCode != kerr.GroupIDNotFound.Code {
			t.Fatalf("%s: described %s, error %v", when, d.State, kerr.ErrorForCode(d.ErrorCode))
		}
	}
	check(gs, "after expiry")

	// A restart replays the tombstones: nothing comes back.
	gs.close()
	check(newExpiringGroupsForTest(t, store, clk), "after restart")
}

func TestGroupExpireStandaloneByCommitTime(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	commit := func(offsets map[int32]int64) {
		t.Helper()
		gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "solo", "", -1, map[string]map[int32]int64{"t": offsets})), nil)
	}

	commit(map[int32]int64{0: 10, 1: 11})
	clk.advance(4 * 24 * time.Hour)
	commit(map[int32]int64{1: 21, 2: 22})
	clk.advance(3 * 24 * time.Hour)

	// Partition 0 was committed 7 days ago; 1 and 2 only 3 days ago.
	gtSweep(t, gs, 1, 0)
	if got := gtFetch(t, gs, 8, "solo", map[string][]int32{"t": {0, 1, 2}}); got["t"][0] != -1 || got["t"][1] != 21 || got["t"][2] != 22 {
		t.Fatalf("after partial expiry: %v", got)
	}
	if got := gtListed(t, gs); !slices.Equal(got, []string{"solo"}) {
		t.Fatalf("after partial expiry listed %v", got)
	}
	if got := gtTombstones(t, store); !slices.Equal(got, []string{"solo/t/0"}) {
		t.Fatalf("tombstones after partial expiry: %v", got)
	}

	clk.advance(4 * 24 * time.Hour)
	gtSweep(t, gs, 2, 1)
	if got := gtListed(t, gs); len(got) != 0 {
		t.Fatalf("after full expiry listed %v", got)
	}
	// The name is free: a new commit makes a new group.
	commit(map[int32]int64{0: 30})
	if got := gtFetch(t, gs, 8, "solo", nil); len(got["t"]) != 1 || got["t"][0] != 30 {
		t.Fatalf("after a new commit: %v", got)
	}
}

// TestGroupExpireCommitToEmptyGroup: an offset committed to a group that
// is already empty lives its full retention.
func TestGroupExpireCommitToEmptyGroup(t *testing.T) {
	clk := newGTClock()
	gs := newExpiringGroupsForTest(t, nil, clk)
	a := gtStable(t, gs, "g")
	gtWantCode(t, "member commit", gtCommit(t, gs, gtCommitReq(5, "g", a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 1}})), nil)
	gtLeave(t, gs, "g", a.MemberID)
	clk.advance(5 * 24 * time.Hour)
	gtWantCode(t, "standalone commit", gtCommit(t, gs, gtCommitReq(5, "g", "", -1, map[string]map[int32]int64{"t": {1: 2}})), nil)
	clk.advance(2 * 24 * time.Hour)
	gtSweep(t, gs, 1, 0)
	if got := gtFetch(t, gs, 8, "g", nil); len(got["t"]) != 1 || got["t"][1] != 2 {
		t.Fatalf("after the sweep: %v", got)
	}
}

// TestGroupExpireAfterRestart: a loaded group counts as empty since the
// load, however old its commits.
func TestGroupExpireAfterRestart(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "g", "", -1, map[string]map[int32]int64{"t": {0: 1}})), nil)
	gs.close()

	clk.advance(3 * gtRetention)
	gs = newExpiringGroupsForTest(t, store, clk)
	gtSweep(t, gs, 0, 0)
	clk.advance(gtRetention - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); got["t"][0] != 1 {
		t.Fatalf("before retention since the load: %v", got)
	}
	clk.advance(time.Millisecond)
	gtSweep(t, gs, 1, 1)
}

func TestGroupExpireEmptyGroupWithoutOffsets(t *testing.T) {
	clk := newGTClock()
	gs := newExpiringGroupsForTest(t, nil, clk)
	a := gtStable(t, gs, "g")
	gtLeave(t, gs, "g", a.MemberID)
	if got := gtListed(t, gs); !slices.Equal(got, []string{"g"}) {
		t.Fatalf("after leave: %v", got)
	}
	gtSweep(t, gs, 0, 1)
	if got := gtListed(t, gs); len(got) != 0 {
		t.Fatalf("after the sweep: %v", got)
	}
}

func TestGroupExpireNever(t *testing.T) {
	clk := newGTClock()
	gs := newExpiringGroupsForTest(t, nil, clk)
	gs.retention = -1
	a := gtStable(t, gs, "g")
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "g", a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 1}})), nil)
	gtLeave(t, gs, "g", a.MemberID)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "solo", "", -1, map[string]map[int32]int64{"t": {0: 2}})), nil)
	clk.advance(100 * gtRetention)
	gtSweep(t, gs, 0, 0)
	if got := gtListed(t, gs); !slices.Equal(got, []string{"g", "solo"}) {
		t.Fatalf("listed: %v", got)
	}
}

// TestGroupExpireFailingStore: a sweep whose tombstones cannot be written
// changes nothing, and the next one does the work.
func TestGroupExpireFailingStore(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "g", "", -1, map[string]map[int32]int64{"t": {0: 1}})), nil)
	clk.advance(gtRetention)
	store.mu.Lock()
	store.fail = errors.New("disk on fire")
	store.mu.Unlock()
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); got["t"][0] != 1 {
		t.Fatalf("after a failed sweep: %v", got)
	}
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	gtSweep(t, gs, 1, 1)
}

// TestGroupExpireDurableInLog expires offsets over a real log and reopens
// it: the tombstones are in __consumer_offsets, so the expired offsets do
// not come back, and the others do.
func TestGroupExpireDurableInLog(t *testing.T) {
	dir := t.TempDir()
	clk := newGTClock()
	open := func() (*log.Log, *groups) {
		t.Helper()
		l, err := log.Open(dir, log.Options{})
		if err != nil {
			t.Fatalf("log.Open: %v", err)
		}
		store, err := newGroupLogStore(l)
		if err != nil {
			l.Close()
			t.Fatal(err)
		}
		gs := newExpiringGroupsForTest(t, store, clk)
		gs.l = l
		return l, gs
	}

	l, gs := open()
	if _, err := l.CreateTopic("t", 2, nil); err != nil {
		t.Fatal(err)
	}
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "old", "", -1, map[string]map[int32]int64{"t": {0: 1, 1: 2}})), nil)
	clk.advance(gtRetention / 2)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, "new", "", -1, map[string]map[int32]int64{"t": {0: 3}})), nil)
	clk.advance(gtRetention / 2)
	p, err := l.Partition(groupOffsetsTopic, 0)
	if err != nil {
		t.Fatal(err)
	}
	before := p.HighWatermark()
	gtSweep(t, gs, 2, 1)
	if after := p.HighWatermark(); after != before+2 {
		t.Fatalf("%s high watermark %d after the sweep, want %d (two tombstones)", groupOffsetsTopic, after, before+2)
	}
	gs.close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, gs = open()
	defer l.Close()
	defer gs.close()
	if got := gtFetch(t, gs, 8, "old", nil); len(got) != 0 {
		t.Fatalf("expired offsets came back: %v", got)
	}
	if got := gtFetch(t, gs, 8, "new", nil); got["t"][0] != 3 {
		t.Fatalf("kept offsets after reopen: %v", got)
	}
	if got := gtListed(t, gs); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("listed after reopen: %v", got)
	}
}
