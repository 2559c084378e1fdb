package kafka

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// Tests of group metadata records (group_meta.go): the time a group became
// empty survives a restart.

// gtMeta returns the last group metadata value of each group in store (a
// tombstone removes the group) and the names of the groups tombstoned.
func gtMeta(t *testing.T, store groupStore) (last map[string]kmsg.GroupMetadataValue, tombstoned []string) {
	t.Helper()
	last = make(map[string]kmsg.GroupMetadataValue)
	err := store.replay(func(b *kmsg.RecordBatch) error {
		recs, err := groupBatchRecords(b)
		if err != nil {
			return err
		}
		for _, r := range recs {
			var k kmsg.GroupMetadataKey
			if err := k.ReadFrom(r.Key); err != nil || k.Version != 2 {
				continue
			}
			if r.Value == nil {
				delete(last, k.Group)
				tombstoned = append(tombstoned, k.Group)
				continue
			}
			v := kmsg.NewGroupMetadataValue()
			if err := v.ReadFrom(r.Value); err != nil {
				return err
			}
			last[k.Group] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return last, tombstoned
}

// gtMemberCommitLeave makes a one-member group, commits offset 1 to t/0 as
// that member, and has it leave: the group is Empty from clk's time.
func gtMemberCommitLeave(t *testing.T, gs *groups, group string) {
	t.Helper()
	a := gtStable(t, gs, group)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(5, group, a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 1}})), nil)
	gtLeave(t, gs, group, a.MemberID)
}

// TestGroupMetaEmptySinceSurvivesRestart: a group restarted less than the
// retention after it emptied expires retention after it emptied, not after
// the load.
func TestGroupMetaEmptySinceSurvivesRestart(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	gtMemberCommitLeave(t, gs, "g")
	emptied := clk.now()
	clk.advance(gtRetention / 2)
	gs.close()

	last, _ := gtMeta(t, store)
	if v, ok := last["g"]; !ok || len(v.Members) != 0 || v.CurrentStateTimestamp != emptied.UnixMilli() || v.Version != 3 {
		t.Fatalf("last metadata of g: %+v (present %v), want Empty since %v", v, ok, emptied)
	}

	gs = newExpiringGroupsForTest(t, store, clk)
	gtSweep(t, gs, 0, 0)
	clk.advance(gtRetention/2 - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); got["t"][0] != 1 {
		t.Fatalf("just before retention since emptied: %v", got)
	}
	clk.advance(time.Millisecond)
	gtSweep(t, gs, 1, 1)
	if _, tomb := gtMeta(t, store); !slices.Equal(tomb, []string{"g"}) {
		t.Fatalf("metadata tombstones: %v, want [g]", tomb)
	}
}

// TestGroupMetaRejoinedBeforeRestart: a group that emptied and then got a
// member again before the restart counts as empty since the load.
func TestGroupMetaRejoinedBeforeRestart(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	gtMemberCommitLeave(t, gs, "g")
	clk.advance(time.Hour)
	gtStable(t, gs, "g")
	clk.advance(time.Hour)
	gs.close()

	last, _ := gtMeta(t, store)
	if v := last["g"]; len(v.Members) != 1 || v.Leader == nil || v.Protocol == nil {
		t.Fatalf("last metadata of g: %+v, want the rebalanced generation with its member", v)
	}

	gs = newExpiringGroupsForTest(t, store, clk) // no member comes back
	clk.advance(gtRetention - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); got["t"][0] != 1 {
		t.Fatalf("just before retention since the load: %v", got)
	}
	clk.advance(time.Millisecond)
	gtSweep(t, gs, 1, 1)
}

// TestGroupMetaTombstones: DeleteGroups and expiry tombstone the group's
// metadata record, and a restart brings neither group back.
func TestGroupMetaTombstones(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	gs := newExpiringGroupsForTest(t, store, clk)
	gtMemberCommitLeave(t, gs, "deleted")
	gtMemberCommitLeave(t, gs, "expired")
	// A member that left without committing: nothing but metadata.
	a := gtStable(t, gs, "bare")
	gtLeave(t, gs, "bare", a.MemberID)

	r := kmsg.NewPtrDeleteGroupsRequest()
	r.Version = 2
	r.Groups = []string{"deleted"}
	for _, g := range gtCall[*kmsg.DeleteGroupsResponse](t, gs, r).Groups {
		gtWantCode(t, "delete "+g.Group, g.ErrorCode, nil)
	}
	clk.advance(gtRetention)
	gtSweep(t, gs, 1, 2)
	gs.close()

	last, tomb := gtMeta(t, store)
	if len(last) != 0 {
		t.Fatalf("metadata left after deletion and expiry: %v", last)
	}
	slices.Sort(tomb)
	if !slices.Equal(tomb, []string{"bare", "deleted", "expired"}) {
		t.Fatalf("metadata tombstones: %v", tomb)
	}
	if got := gtTombstones(t, store); !slices.Equal(got, []string{"deleted/t/0", "expired/t/0"}) {
		t.Fatalf("offset tombstones: %v", got)
	}

	gs = newExpiringGroupsForTest(t, store, clk)
	if got := gtListed(t, gs); len(got) != 0 {
		t.Fatalf("listed after restart: %v", got)
	}
	for _, name := range []string{"deleted", "expired", "bare"} {
		if got := gtFetch(t, gs, 8, name, nil); len(got) != 0 {
			t.Fatalf("%s after restart: %v", name, got)
		}
	}
}

// TestGroupMetaOldLog: a log of offset records only, as written before
// group metadata records, loads as before: every group counts as empty
// since the load.
func TestGroupMetaOldLog(t *testing.T) {
	clk := newGTClock()
	store := &groupMemStore{}
	old := clk.now().Add(-10 * gtRetention)
	for _, rec := range []kmsg.Record{
		groupOffsetRecord("a", groupTP{"t", 0}, &groupOffset{offset: 5, leaderEpoch: 2, metadata: "meta", timestamp: old.UnixMilli()}),
		groupOffsetRecord("a", groupTP{"t", 1}, &groupOffset{offset: 6, leaderEpoch: -1, metadata: "meta", timestamp: old.UnixMilli()}),
		groupOffsetRecord("b", groupTP{"t", 0}, &groupOffset{offset: 7, leaderEpoch: -1, metadata: "meta", timestamp: old.UnixMilli()}),
		groupOffsetRecord("b", groupTP{"t", 0}, nil),
	} {
		if err := store.append(context.Background(), groupBuildBatch([]kmsg.Record{rec}, old)); err != nil {
			t.Fatal(err)
		}
	}
	gs := newExpiringGroupsForTest(t, store, clk)
	if got := gtListed(t, gs); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("listed: %v", got)
	}
	if got := gtFetch(t, gs, 8, "a", nil); got["t"][0] != 5 || got["t"][1] != 6 {
		t.Fatalf("offsets of a: %v", got)
	}
	clk.advance(gtRetention - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	clk.advance(time.Millisecond)
	gtSweep(t, gs, 2, 1)
	if _, tomb := gtMeta(t, store); len(tomb) != 0 {
		t.Fatalf("metadata tombstones for groups that never had metadata: %v", tomb)
	}
}

// TestGroupMetaDurableInLog is TestGroupMetaEmptySinceSurvivesRestart over
// a real log, reopened.
func TestGroupMetaDurableInLog(t *testing.T) {
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
	if _, err := l.CreateTopic("t", 1, nil); err != nil {
		t.Fatal(err)
	}
	gtMemberCommitLeave(t, gs, "g")
	clk.advance(gtRetention / 2)
	gs.close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, gs = open()
	clk.advance(gtRetention/2 - time.Millisecond)
	gtSweep(t, gs, 0, 0)
	if got := gtFetch(t, gs, 8, "g", nil); got["t"][0] != 1 {
		t.Fatalf("after reopen, just before retention since emptied: %v", got)
	}
	clk.advance(time.Millisecond)
	gtSweep(t, gs, 1, 1)
	gs.close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, gs = open()
	defer l.Close()
	defer gs.close()
	if got := gtListed(t, gs); len(got) != 0 {
		t.Fatalf("listed after the second reopen: %v", got)
	}
}
