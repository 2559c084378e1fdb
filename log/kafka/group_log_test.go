package kafka

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// TestGroupOffsetsDurableInLog commits through a coordinator over a real
// log, reopens the log, and finds the offsets (and the deletions) again.
func TestGroupOffsetsDurableInLog(t *testing.T) {
	dir := t.TempDir()
	open := func() (*log.Log, *groups) {
		t.Helper()
		l, err := log.Open(dir, log.Options{})
		if err != nil {
			t.Fatalf("log.Open: %v", err)
		}
		gs, err := newGroups(l, gtNode, Config{}, nil)
		if err != nil {
			l.Close()
			t.Fatalf("newGroups: %v", err)
		}
		gs.initialRebalanceDelay = 0
		return l, gs
	}

	l, gs := open()
	topic, ok := l.Topic(groupOffsetsTopic)
	if !ok || topic.Partitions != 1 || topic.Configs["cleanup.policy"] != "compact" {
		t.Fatalf("%s: %+v (exists %v)", groupOffsetsTopic, topic, ok)
	}
	if _, err := l.CreateTopic("t", 3, nil); err != nil {
		t.Fatal(err)
	}
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(7, "keep", "", -1, map[string]map[int32]int64{"t": {0: 10, 1: 11, 2: 12}})), nil)
	gtWantCode(t, "recommit", gtCommit(t, gs, gtCommitReq(8, "keep", "", -1, map[string]map[int32]int64{"t": {1: 21}})), nil)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(3, "drop", "", -1, map[string]map[int32]int64{"t": {0: 1}})), nil)
	gtWantCode(t, "unknown topic", gtCommit(t, gs, gtCommitReq(3, "keep", "", -1, map[string]map[int32]int64{"nope": {0: 1}})), kerr.UnknownTopicOrPartition)
	gtWantCode(t, "unknown partition", gtCommit(t, gs, gtCommitReq(3, "keep", "", -1, map[string]map[int32]int64{"t": {3: 1}})), kerr.UnknownTopicOrPartition)
	dg := kmsg.NewPtrDeleteGroupsRequest()
	dg.Groups = []string{"drop"}
	if code := gtCall[*kmsg.DeleteGroupsResponse](t, gs, dg).Groups[0].ErrorCode; code != 0 {
		t.Fatalf("delete: %v", kerr.ErrorForCode(code))
	}
	gs.close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, gs = open()
	defer l.Close()
	defer gs.close()
	got := gtFetch(t, gs, 8, "keep", nil)
	if len(got["t"]) != 3 || got["t"][0] != 10 || got["t"][1] != 21 || got["t"][2] != 12 {
		t.Fatalf("after reopen: %v", got)
	}
	if got := gtFetch(t, gs, 8, "drop", nil); len(got) != 0 {
		t.Fatalf("deleted group's offsets came back: %v", got)
	}
	if d := gtDescribe(t, gs, 5, "drop")[0]; d.State != "Dead" {
		t.Fatalf("deleted group: %+v", d)
	}
	// Commits keep working after the reload.
	gtWantCode(t, "commit after reload", gtCommit(t, gs, gtCommitReq(8, "keep", "", -1, map[string]map[int32]int64{"t": {0: 30}})), nil)
	if got := gtFetch(t, gs, 1, "keep", map[string][]int32{"t": {0}}); got["t"][0] != 30 {
		t.Fatalf("commit after reload: %v", got)
	}
}
