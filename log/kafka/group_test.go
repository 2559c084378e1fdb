package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Unit tests of the coordinator through groups.handle with kmsg requests,
// over an in-memory offset store (group_log_test.go runs it over a real
// log, group_e2e_test.go through the server with franz-go).

var gtNode = node{ID: 7, Host: "127.0.0.1", Port: 19092}

func newGroupsForTest(t *testing.T, store *groupMemStore) *groups {
	t.Helper()
	if store == nil {
		store = &groupMemStore{}
	}
	gs := newGroupsWith(store, gtNode, nil)
	gs.initialRebalanceDelay = 0
	gs.minSessionTimeout = time.Millisecond
	if err := gs.load(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gs.close)
	return gs
}

func gtCall[R kmsg.Response](t *testing.T, gs *groups, req kmsg.Request) R {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, ok := gs.handle(ctx, req)
	if !ok {
		t.Fatalf("%T not handled", req)
	}
	if resp.GetVersion() != req.GetVersion() {
		t.Fatalf("%T: response version %d, request %d", resp, resp.GetVersion(), req.GetVersion())
	}
	// Every answer must encode and decode at its version.
	b := resp.AppendTo(nil)
	back := resp.RequestKind().ResponseKind()
	back.SetVersion(resp.GetVersion())
	if err := back.ReadFrom(b); err != nil {
		t.Fatalf("%T v%d does not round-trip: %v", resp, resp.GetVersion(), err)
	}
	return resp.(R)
}

type gtProto struct {
	name string
	meta string
}

func gtJoinReq(version int16, group, memberID string, protos ...gtProto) *kmsg.JoinGroupRequest {
	r := kmsg.NewPtrJoinGroupRequest()
	r.Version = version
	r.Group = group
	r.MemberID = memberID
	r.SessionTimeoutMillis = 10000
	r.RebalanceTimeoutMillis = 2000
	r.ProtocolType = "consumer"
	if len(protos) == 0 {
		protos = []gtProto{{"range", "m"}}
	}
	for _, p := range protos {
		jp := kmsg.NewJoinGroupRequestProtocol()
		jp.Name = p.name
		jp.Metadata = []byte(p.meta)
		r.Protocols = append(r.Protocols, jp)
	}
	return r
}

func gtJoin(t *testing.T, gs *groups, r *kmsg.JoinGroupRequest) *kmsg.JoinGroupResponse {
	t.Helper()
	return gtCall[*kmsg.JoinGroupResponse](t, gs, r)
}

// joinNew joins a new member with the KIP-394 dance (v5).
func gtJoinNew(t *testing.T, gs *groups, group string, protos ...gtProto) *kmsg.JoinGroupResponse {
	t.Helper()
	r := gtJoin(t, gs, gtJoinReq(5, group, "", protos...))
	if r.ErrorCode != kerr.MemberIDRequired.Code || r.MemberID == "" {
		t.Fatalf("first join: code %d member %q, want MEMBER_ID_REQUIRED with an ID", r.ErrorCode, r.MemberID)
	}
	return gtJoin(t, gs, gtJoinReq(5, group, r.MemberID, protos...))
}

// joinAsync joins in a goroutine; the answer arrives on the channel.
func gtJoinAsync(t *testing.T, gs *groups, r *kmsg.JoinGroupRequest) <-chan *kmsg.JoinGroupResponse {
	ch := make(chan *kmsg.JoinGroupResponse, 1)
	go func() {
		resp, _ := gs.handle(context.Background(), r)
		ch <- resp.(*kmsg.JoinGroupResponse)
	}()
	return ch
}

func gtSyncReq(version int16, group, groupMember string, gen int32, assign map[string]string) *kmsg.SyncGroupRequest {
	r := kmsg.NewPtrSyncGroupRequest()
	r.Version = version
	r.Group = group
	r.MemberID = groupMember
	r.Generation = gen
	for id, a := range assign {
		ga := kmsg.NewSyncGroupRequestGroupAssignment()
		ga.MemberID = id
		ga.MemberAssignment = []byte(a)
		r.GroupAssignment = append(r.GroupAssignment, ga)
	}
	return r
}

func gtSyncAsync(gs *groups, r *kmsg.SyncGroupRequest) <-chan *kmsg.SyncGroupResponse {
	ch := make(chan *kmsg.SyncGroupResponse, 1)
	go func() {
		resp, _ := gs.handle(context.Background(), r)
		ch <- resp.(*kmsg.SyncGroupResponse)
	}()
	return ch
}

func gtRecv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	panic("unreachable")
}

func gtHeartbeat(t *testing.T, gs *groups, group, groupMember string, gen int32) int16 {
	t.Helper()
	r := kmsg.NewPtrHeartbeatRequest()
	r.Version = 3
	r.Group, r.MemberID, r.Generation = group, groupMember, gen
	return gtCall[*kmsg.HeartbeatResponse](t, gs, r).ErrorCode
}

func gtDescribe(t *testing.T, gs *groups, version int16, names ...string) []kmsg.DescribeGroupsResponseGroup {
	t.Helper()
	r := kmsg.NewPtrDescribeGroupsRequest()
	r.Version = version
	r.Groups = names
	return gtCall[*kmsg.DescribeGroupsResponse](t, gs, r).Groups
}

func gtWantCode(t *testing.T, what string, got int16, want *kerr.Error) {
	t.Helper()
	var w int16
	if want != nil {
		w = want.Code
	}
	if got != w {
		t.Fatalf("%s: error %v, want %v", what, kerr.ErrorForCode(got), want)
	}
}

func TestGroupFindCoordinator(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	for v := int16(0); v <= 3; v++ {
		r := kmsg.NewPtrFindCoordinatorRequest()
		r.Version = v
		r.CoordinatorKey = "g"
		resp := gtCall[*kmsg.FindCoordinatorResponse](t, gs, r)
		if resp.ErrorCode != 0 || resp.NodeID != 7 || resp.Host != "127.0.0.1" || resp.Port != 19092 {
			t.Fatalf("v%d: %+v", v, resp)
		}
	}
	r := kmsg.NewPtrFindCoordinatorRequest()
	r.Version = 4
	r.CoordinatorType = 1
	r.CoordinatorKeys = []string{"a", "b"}
	resp := gtCall[*kmsg.FindCoordinatorResponse](t, gs, r)
	if len(resp.Coordinators) != 2 || resp.Coordinators[1].Key != "b" || resp.Coordinators[1].NodeID != 7 || resp.Coordinators[0].ErrorCode != 0 {
		t.Fatalf("v4: %+v", resp.Coordinators)
	}
	r.CoordinatorType = 2
	resp = gtCall[*kmsg.FindCoordinatorResponse](t, gs, r)
	gtWantCode(t, "share type", resp.Coordinators[0].ErrorCode, kerr.InvalidRequest)
}

func TestGroupJoinSyncSingle(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	j := gtJoinNew(t, gs, "g")
	gtWantCode(t, "join", j.ErrorCode, nil)
	if j.Generation != 1 || j.LeaderID != j.MemberID || len(j.Members) != 1 || *j.Protocol != "range" ||
		string(j.Members[0].ProtocolMetadata) != "m" {
		t.Fatalf("join: %+v", j)
	}
	if d := gtDescribe(t, gs, 5, "g"); d[0].State != "CompletingRebalance" {
		t.Fatalf("state %s", d[0].State)
	}
	gtWantCode(t, "heartbeat while completing", gtHeartbeat(t, gs, "g", j.MemberID, 1), nil)
	s := gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", j.MemberID, 1, map[string]string{j.MemberID: "A"}))
	gtWantCode(t, "sync", s.ErrorCode, nil)
	if string(s.MemberAssignment) != "A" {
		t.Fatalf("assignment %q", s.MemberAssignment)
	}
	gtWantCode(t, "heartbeat", gtHeartbeat(t, gs, "g", j.MemberID, 1), nil)
	gtWantCode(t, "heartbeat old generation", gtHeartbeat(t, gs, "g", j.MemberID, 0), kerr.IllegalGeneration)
	gtWantCode(t, "heartbeat unknown member", gtHeartbeat(t, gs, "g", "nobody", 1), kerr.UnknownMemberID)
	gtWantCode(t, "heartbeat unknown group", gtHeartbeat(t, gs, "nogroup", "nobody", 1), kerr.UnknownMemberID)

	d := gtDescribe(t, gs, 5, "g")[0]
	if d.State != "Stable" || d.Protocol != "range" || d.ProtocolType != "consumer" || len(d.Members) != 1 ||
		string(d.Members[0].MemberAssignment) != "A" || string(d.Members[0].ProtocolMetadata) != "m" {
		t.Fatalf("describe: %+v", d)
	}
	// Sync again in Stable: the same assignment.
	s = gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(5, "g", j.MemberID, 1, nil))
	if string(s.MemberAssignment) != "A" || *s.Protocol != "range" {
		t.Fatalf("sync again: %+v", s)
	}
	gtWantCode(t, "sync old generation", gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", j.MemberID, 0, nil)).ErrorCode, kerr.IllegalGeneration)
	gtWantCode(t, "sync unknown member", gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", "x", 1, nil)).ErrorCode, kerr.UnknownMemberID)
}

func TestGroupJoinV0(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	// v0–v3: no MEMBER_ID_REQUIRED, the first join completes.
	for _, v := range []int16{0, 1, 3} {
		group := "g" + string(rune('0'+v))
		j := gtJoin(t, gs, gtJoinReq(v, group, ""))
		gtWantCode(t, "join", j.ErrorCode, nil)
		if j.MemberID == "" || j.Generation != 1 || j.LeaderID != j.MemberID {
			t.Fatalf("v%d: %+v", v, j)
		}
		s := gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(0, group, j.MemberID, 1, nil))
		gtWantCode(t, "sync", s.ErrorCode, nil)
		if len(s.MemberAssignment) == 0 { // an empty consumer assignment, decodable
			t.Fatal("no assignment bytes")
		}
		l := kmsg.NewPtrLeaveGroupRequest()
		l.Group, l.MemberID = group, j.MemberID
		gtWantCode(t, "leave", gtCall[*kmsg.LeaveGroupResponse](t, gs, l).ErrorCode, nil)
		gtWantCode(t, "leave twice", gtCall[*kmsg.LeaveGroupResponse](t, gs, l).ErrorCode, kerr.UnknownMemberID)
		if d := gtDescribe(t, gs, 0, group)[0]; d.State != "Empty" || len(d.Members) != 0 {
			t.Fatalf("after leave: %+v", d)
		}
	}
}

// stable brings a new member alone into a stable group and returns it.
func gtStable(t *testing.T, gs *groups, group string) *kmsg.JoinGroupResponse {
	t.Helper()
	j := gtJoinNew(t, gs, group)
	gtWantCode(t, "join", j.ErrorCode, nil)
	s := gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, group, j.MemberID, j.Generation, map[string]string{j.MemberID: "all"}))
	gtWantCode(t, "sync", s.ErrorCode, nil)
	return j
}

func TestGroupRebalanceTwoMembers(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	a := gtStable(t, gs, "g")

	// B asks to join: it gets an ID; its join then waits for A.
	first := gtJoin(t, gs, gtJoinReq(5, "g", "", gtProto{"range", "b"}))
	gtWantCode(t, "B first join", first.ErrorCode, kerr.MemberIDRequired)
	bch := gtJoinAsync(t, gs, gtJoinReq(5, "g", first.MemberID, gtProto{"range", "b"}))
	gtWaitState(t, gs, "g", "PreparingRebalance")
	gtWantCode(t, "A heartbeat", gtHeartbeat(t, gs, "g", a.MemberID, 1), kerr.RebalanceInProgress)
	gtWantCode(t, "A sync during rebalance", gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 1, nil)).ErrorCode, kerr.RebalanceInProgress)

	aj := gtJoin(t, gs, gtJoinReq(5, "g", a.MemberID))
	bj := gtRecv(t, bch)
	gtWantCode(t, "A rejoin", aj.ErrorCode, nil)
	gtWantCode(t, "B join", bj.ErrorCode, nil)
	if aj.Generation != 2 || bj.Generation != 2 || aj.LeaderID != a.MemberID || bj.LeaderID != a.MemberID {
		t.Fatalf("generations %d %d leaders %s %s", aj.Generation, bj.Generation, aj.LeaderID, bj.LeaderID)
	}
	if len(aj.Members) != 2 || len(bj.Members) != 0 {
		t.Fatalf("members: leader %d follower %d", len(aj.Members), len(bj.Members))
	}
	if aj.Members[0].MemberID != a.MemberID || string(aj.Members[1].ProtocolMetadata) != "b" {
		t.Fatalf("leader's members: %+v", aj.Members)
	}

	// The follower syncs first and waits for the leader.
	bs := gtSyncAsync(gs, gtSyncReq(3, "g", bj.MemberID, 2, nil))
	time.Sleep(20 * time.Millisecond)
	as := gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 2, map[string]string{a.MemberID: "p0", bj.MemberID: "p1"}))
	if string(as.MemberAssignment) != "p0" {
		t.Fatalf("leader assignment %q", as.MemberAssignment)
	}
	if b := gtRecv(t, bs); b.ErrorCode != 0 || string(b.MemberAssignment) != "p1" {
		t.Fatalf("follower sync: %+v", b)
	}
	gtWaitState(t, gs, "g", "Stable")

	// B leaves (v3 batch form): A must rejoin and is alone at generation 3.
	l := kmsg.NewPtrLeaveGroupRequest()
	l.Version = 3
	l.Group = "g"
	l.Members = []kmsg.LeaveGroupRequestMember{{MemberID: bj.MemberID}, {MemberID: "ghost"}}
	lr := gtCall[*kmsg.LeaveGroupResponse](t, gs, l)
	if len(lr.Members) != 2 || lr.Members[0].ErrorCode != 0 || lr.Members[1].ErrorCode != kerr.UnknownMemberID.Code {
		t.Fatalf("leave: %+v", lr)
	}
	gtWantCode(t, "A heartbeat after leave", gtHeartbeat(t, gs, "g", a.MemberID, 2), kerr.RebalanceInProgress)
	aj = gtJoin(t, gs, gtJoinReq(5, "g", a.MemberID))
	if aj.Generation != 3 || len(aj.Members) != 1 {
		t.Fatalf("after leave: %+v", aj)
	}
}

func gtWaitState(t *testing.T, gs *groups, group, state string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := gtDescribe(t, gs, 5, group)[0]
		if d.State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s: state %s, want %s", group, d.State, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestGroupProtocols(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	a := gtJoinNew(t, gs, "g", gtProto{"range", "a"}, gtProto{"roundrobin", "a"})
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 1, nil))

	// Another protocol type is refused; so is a member sharing no protocol.
	r := gtJoinReq(5, "g", "", gtProto{"range", "x"})
	r.ProtocolType = "connect"
	gtWantCode(t, "type mismatch", gtJoin(t, gs, r).ErrorCode, kerr.InconsistentGroupProtocol)
	gtWantCode(t, "no common protocol", gtJoin(t, gs, gtJoinReq(5, "g", "", gtProto{"sticky", "x"})).ErrorCode, kerr.InconsistentGroupProtocol)
	r = gtJoinReq(5, "new", "")
	r.Protocols = nil
	gtWantCode(t, "no protocols", gtJoin(t, gs, r).ErrorCode, kerr.InconsistentGroupProtocol)

	// B supports only roundrobin: the group switches to it.
	first := gtJoin(t, gs, gtJoinReq(5, "g", "", gtProto{"roundrobin", "b"}))
	bch := gtJoinAsync(t, gs, gtJoinReq(5, "g", first.MemberID, gtProto{"roundrobin", "b"}))
	gtWaitState(t, gs, "g", "PreparingRebalance")
	aj := gtJoin(t, gs, gtJoinReq(5, "g", a.MemberID, gtProto{"range", "a"}, gtProto{"roundrobin", "a2"}))
	bj := gtRecv(t, bch)
	if *aj.Protocol != "roundrobin" || *bj.Protocol != "roundrobin" {
		t.Fatalf("protocol %s / %s", *aj.Protocol, *bj.Protocol)
	}
	if string(aj.Members[0].ProtocolMetadata) != "a2" || string(aj.Members[1].ProtocolMetadata) != "b" {
		t.Fatalf("metadata of the chosen protocol: %+v", aj.Members)
	}
	if d := gtDescribe(t, gs, 0, "nothing")[0]; d.State != "Dead" || d.ErrorCode != 0 {
		t.Fatalf("unknown group v0: %+v", d)
	}
	if d := gtDescribe(t, gs, 6, "nothing")[0]; d.ErrorCode != kerr.GroupIDNotFound.Code {
		t.Fatalf("unknown group v6: %+v", d)
	}
}

func TestGroupSessionTimeout(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	mk := func(groupMember string) *kmsg.JoinGroupRequest {
		r := gtJoinReq(5, "g", groupMember)
		r.SessionTimeoutMillis = 150
		r.RebalanceTimeoutMillis = 5000
		return r
	}
	f := gtJoin(t, gs, mk(""))
	a := gtJoin(t, gs, mk(f.MemberID))
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 1, nil))
	f = gtJoin(t, gs, mk(""))
	bch := gtJoinAsync(t, gs, mk(f.MemberID))
	gtWaitState(t, gs, "g", "PreparingRebalance")
	aj := gtJoin(t, gs, mk(a.MemberID))
	bj := gtRecv(t, bch)
	if aj.Generation != 2 || bj.Generation != 2 {
		t.Fatal("no generation 2")
	}
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 2, nil))
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", bj.MemberID, 2, nil))

	// Only A heartbeats: B expires and A is told to rejoin.
	deadline := time.Now().Add(5 * time.Second)
	for {
		code := gtHeartbeat(t, gs, "g", a.MemberID, 2)
		if code == kerr.RebalanceInProgress.Code {
			break
		}
		gtWantCode(t, "A heartbeat", code, nil)
		if time.Now().After(deadline) {
			t.Fatal("B never expired")
		}
		time.Sleep(30 * time.Millisecond)
	}
	gtWantCode(t, "B heartbeat", gtHeartbeat(t, gs, "g", bj.MemberID, 2), kerr.UnknownMemberID)
	aj = gtJoin(t, gs, mk(a.MemberID))
	if aj.Generation != 3 || len(aj.Members) != 1 {
		t.Fatalf("after expiry: gen %d members %d", aj.Generation, len(aj.Members))
	}
	// And A expires too when it stops: the group goes Empty.
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 3, nil))
	gtWaitState(t, gs, "g", "Empty")
}

func TestGroupRebalanceTimeoutDropsSilentMember(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	mk := func(groupMember string) *kmsg.JoinGroupRequest {
		r := gtJoinReq(5, "g", groupMember)
		r.RebalanceTimeoutMillis = 200
		return r
	}
	f := gtJoin(t, gs, mk(""))
	a := gtJoin(t, gs, mk(f.MemberID))
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a.MemberID, 1, nil))
	// B joins; A never rejoins: after the rebalance timeout B is alone.
	f = gtJoin(t, gs, mk(""))
	bj := gtJoin(t, gs, mk(f.MemberID)) // blocks for the rebalance timeout
	gtWantCode(t, "B", bj.ErrorCode, nil)
	if bj.Generation != 2 || bj.LeaderID != bj.MemberID || len(bj.Members) != 1 {
		t.Fatalf("B: %+v", bj)
	}
	gtWantCode(t, "A heartbeat", gtHeartbeat(t, gs, "g", a.MemberID, 1), kerr.UnknownMemberID)
}

func TestGroupInitialDelay(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	gs.initialRebalanceDelay = 300 * time.Millisecond
	f1 := gtJoin(t, gs, gtJoinReq(5, "g", ""))
	f2 := gtJoin(t, gs, gtJoinReq(5, "g", ""))
	c1 := gtJoinAsync(t, gs, gtJoinReq(5, "g", f1.MemberID))
	time.Sleep(50 * time.Millisecond)
	c2 := gtJoinAsync(t, gs, gtJoinReq(5, "g", f2.MemberID))
	j1, j2 := gtRecv(t, c1), gtRecv(t, c2)
	if j1.Generation != 1 || j2.Generation != 1 || j1.LeaderID != f1.MemberID || len(j1.Members) != 2 {
		t.Fatalf("one generation for both: %+v / %+v", j1, j2)
	}
}

func TestGroupJoinCancelled(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	a := gtStable(t, gs, "g")
	f := gtJoin(t, gs, gtJoinReq(5, "g", ""))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan kmsg.Response, 1)
	go func() {
		r, _ := gs.handle(ctx, gtJoinReq(5, "g", f.MemberID))
		done <- r
	}()
	gtWaitState(t, gs, "g", "PreparingRebalance")
	cancel()
	gtRecv(t, done)
	// A rejoins: B's join gave up, so A completes alone.
	aj := gtJoin(t, gs, gtJoinReq(5, "g", a.MemberID))
	if aj.Generation != 2 || len(aj.Members) != 1 {
		t.Fatalf("after cancel: %+v", aj)
	}
}

func TestGroupCloseAnswersWaiters(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	a := gtStable(t, gs, "g")
	f := gtJoin(t, gs, gtJoinReq(5, "g", ""))
	ch := gtJoinAsync(t, gs, gtJoinReq(5, "g", f.MemberID))
	gtWaitState(t, gs, "g", "PreparingRebalance")
	gs.close()
	gtWantCode(t, "waiting join", gtRecv(t, ch).ErrorCode, kerr.CoordinatorNotAvailable)
	gtWantCode(t, "heartbeat after close", gtHeartbeat(t, gs, "g", a.MemberID, 1), kerr.CoordinatorNotAvailable)
}

func TestGroupStaticMember(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	mk := func(groupMember string) *kmsg.JoinGroupRequest {
		r := gtJoinReq(5, "g", groupMember)
		r.InstanceID = kmsg.StringPtr("host-1")
		return r
	}
	// A static member joins at once (no MEMBER_ID_REQUIRED).
	a := gtJoin(t, gs, mk(""))
	gtWantCode(t, "static join", a.ErrorCode, nil)
	// A follower, dynamic.
	f := gtJoin(t, gs, gtJoinReq(5, "g", ""))
	bch := gtJoinAsync(t, gs, gtJoinReq(5, "g", f.MemberID))
	// A rejoins for generation 2 with B; A leads.
	gtWaitState(t, gs, "g", "PreparingRebalance")
	aj := gtJoin(t, gs, mk(a.MemberID))
	bj := gtRecv(t, bch)
	bs := gtSyncAsync(gs, gtSyncReq(3, "g", bj.MemberID, aj.Generation, nil))
	gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", aj.MemberID, aj.Generation, map[string]string{aj.MemberID: "a", bj.MemberID: "b"}))
	gtRecv(t, bs)

	// A restarts with the same instance ID and no member ID: it gets a new
	// member ID, the old one is fenced, and since its metadata is
	// unchanged nothing rebalances; as the leader at v9 it is told to skip
	// the assignment (KIP-814) and keeps its old one.
	r := mk("")
	r.Version = 9
	a2 := gtJoin(t, gs, r)
	gtWantCode(t, "static rejoin", a2.ErrorCode, nil)
	if a2.MemberID == aj.MemberID || !a2.SkipAssignment || a2.Generation != aj.Generation {
		t.Fatalf("static rejoin: %+v", a2)
	}
	gtWantCode(t, "old member id", gtHeartbeat(t, gs, "g", aj.MemberID, aj.Generation), kerr.UnknownMemberID)
	hb := kmsg.NewPtrHeartbeatRequest()
	hb.Version = 3
	hb.Group, hb.MemberID, hb.Generation, hb.InstanceID = "g", aj.MemberID, aj.Generation, kmsg.StringPtr("host-1")
	gtWantCode(t, "fenced", gtCall[*kmsg.HeartbeatResponse](t, gs, hb).ErrorCode, kerr.FencedInstanceID)
	gtWantCode(t, "new member id", gtHeartbeat(t, gs, "g", a2.MemberID, aj.Generation), nil)
	s := gtCall[*kmsg.SyncGroupResponse](t, gs, gtSyncReq(3, "g", a2.MemberID, aj.Generation, nil))
	if string(s.MemberAssignment) != "a" {
		t.Fatalf("kept assignment: %q", s.MemberAssignment)
	}
	// Leaving by instance ID.
	l := kmsg.NewPtrLeaveGroupRequest()
	l.Version = 4
	l.Group = "g"
	l.Members = []kmsg.LeaveGroupRequestMember{{InstanceID: kmsg.StringPtr("host-1")}}
	lr := gtCall[*kmsg.LeaveGroupResponse](t, gs, l)
	if lr.Members[0].ErrorCode != 0 || lr.Members[0].MemberID != a2.MemberID {
		t.Fatalf("leave by instance: %+v", lr.Members)
	}
}

func gtCommitReq(version int16, group, groupMember string, gen int32, offsets map[string]map[int32]int64) *kmsg.OffsetCommitRequest {
	r := kmsg.NewPtrOffsetCommitRequest()
	r.Version = version
	r.Group = group
	r.MemberID = groupMember
	r.Generation = gen
	topics := make([]string, 0, len(offsets))
	for t := range offsets {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	for _, t := range topics {
		rt := kmsg.NewOffsetCommitRequestTopic()
		rt.Topic = t
		parts := make([]int32, 0)
		for p := range offsets[t] {
			parts = append(parts, p)
		}
		slices.Sort(parts)
		for _, p := range parts {
			rp := kmsg.NewOffsetCommitRequestTopicPartition()
			rp.Partition = p
			rp.Offset = offsets[t][p]
			rp.LeaderEpoch = 3
			rp.Metadata = kmsg.StringPtr("meta")
			rt.Partitions = append(rt.Partitions, rp)
		}
		r.Topics = append(r.Topics, rt)
	}
	return r
}

func gtCommit(t *testing.T, gs *groups, r *kmsg.OffsetCommitRequest) int16 {
	t.Helper()
	resp := gtCall[*kmsg.OffsetCommitResponse](t, gs, r)
	code := int16(0)
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if rp.ErrorCode != 0 {
				code = rp.ErrorCode
			}
		}
	}
	return code
}

// fetched returns topic → partition → offset from an OffsetFetch.
// epochs are the leader epochs fetchV expects per topic (none: any).
var gtEpochs = map[string]int32{"u": 3, "t": 0}

func gtFetch(t *testing.T, gs *groups, version int16, group string, topics map[string][]int32) map[string]map[int32]int64 {
	t.Helper()
	r := kmsg.NewPtrOffsetFetchRequest()
	r.Version = version
	out := make(map[string]map[int32]int64)
	add := func(topic string, p int32, off int64, epoch int32, meta *string, code int16) {
		if code != 0 {
			t.Fatalf("fetch %s/%d: %v", topic, p, kerr.ErrorForCode(code))
		}
		if off >= 0 && (meta == nil || *meta != "meta") {
			t.Fatalf("fetch %s/%d: metadata %v", topic, p, meta)
		}
		// Commits from v6 carry a leader epoch (3 in these tests).
		if wantEpoch := gtEpochs[topic]; version >= 5 && off >= 0 && wantEpoch != 0 && epoch != wantEpoch {
			t.Fatalf("fetch %s/%d: leader epoch %d, want %d", topic, p, epoch, wantEpoch)
		}
		if out[topic] == nil {
			out[topic] = make(map[int32]int64)
		}
		out[topic][p] = off
	}
	if version >= 8 {
		g := kmsg.NewOffsetFetchRequestGroup()
		g.Group = group
		if topics != nil {
			g.Topics = []kmsg.OffsetFetchRequestGroupTopic{}
			for name, ps := range topics {
				g.Topics = append(g.Topics, kmsg.OffsetFetchRequestGroupTopic{Topic: name, Partitions: ps})
			}
		}
		r.Groups = append(r.Groups, g)
		resp := gtCall[*kmsg.OffsetFetchResponse](t, gs, r)
		if len(resp.Groups) != 1 || resp.Groups[0].ErrorCode != 0 {
			t.Fatalf("fetch: %+v", resp)
		}
		for _, rt := range resp.Groups[0].Topics {
			for _, rp := range rt.Partitions {
				add(rt.Topic, rp.Partition, rp.Offset, rp.LeaderEpoch, rp.Metadata, rp.ErrorCode)
			}
		}
		return out
	}
	r.Group = group
	if topics != nil {
		r.Topics = []kmsg.OffsetFetchRequestTopic{}
		for name, ps := range topics {
			r.Topics = append(r.Topics, kmsg.OffsetFetchRequestTopic{Topic: name, Partitions: ps})
		}
	}
	resp := gtCall[*kmsg.OffsetFetchResponse](t, gs, r)
	gtWantCode(t, "fetch", resp.ErrorCode, nil)
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			add(rt.Topic, rp.Partition, rp.Offset, rp.LeaderEpoch, rp.Metadata, rp.ErrorCode)
		}
	}
	return out
}

func TestGroupOffsets(t *testing.T) {
	store := &groupMemStore{}
	gs := newGroupsForTest(t, store)

	// A simple consumer (no group membership) commits at v1, v2 and v5.
	gtWantCode(t, "commit v1", gtCommit(t, gs, gtCommitReq(1, "simple", "", -1, map[string]map[int32]int64{"t": {0: 10, 1: 11}})), nil)
	gtWantCode(t, "commit v2", gtCommit(t, gs, gtCommitReq(2, "simple", "", -1, map[string]map[int32]int64{"t": {2: 12}})), nil)
	gtWantCode(t, "commit v8", gtCommit(t, gs, gtCommitReq(8, "simple", "", -1, map[string]map[int32]int64{"u": {0: 5}})), nil)

	for _, v := range []int16{1, 4, 5, 7, 8} {
		got := gtFetch(t, gs, v, "simple", map[string][]int32{"t": {0, 1, 2, 3}})
		if got["t"][0] != 10 || got["t"][1] != 11 || got["t"][2] != 12 || got["t"][3] != -1 {
			t.Fatalf("v%d: %v", v, got)
		}
	}
	for _, v := range []int16{2, 6, 8} { // null topics: all
		got := gtFetch(t, gs, v, "simple", nil)
		if len(got) != 2 || len(got["t"]) != 3 || got["u"][0] != 5 {
			t.Fatalf("all v%d: %v", v, got)
		}
	}
	if got := gtFetch(t, gs, 8, "nogroup", map[string][]int32{"t": {0}}); got["t"][0] != -1 {
		t.Fatalf("unknown group: %v", got)
	}
	if got := gtFetch(t, gs, 3, "nogroup", nil); len(got) != 0 {
		t.Fatalf("unknown group, all: %v", got)
	}

	// Members commit with their generation.
	a := gtStable(t, gs, "members")
	gtWantCode(t, "member commit", gtCommit(t, gs, gtCommitReq(5, "members", a.MemberID, a.Generation, map[string]map[int32]int64{"t": {0: 100}})), nil)
	gtWantCode(t, "old generation", gtCommit(t, gs, gtCommitReq(5, "members", a.MemberID, a.Generation-1, map[string]map[int32]int64{"t": {0: 1}})), kerr.IllegalGeneration)
	gtWantCode(t, "unknown member", gtCommit(t, gs, gtCommitReq(5, "members", "who", a.Generation, map[string]map[int32]int64{"t": {0: 1}})), kerr.UnknownMemberID)
	gtWantCode(t, "simple commit to a group with members", gtCommit(t, gs, gtCommitReq(5, "members", "", -1, map[string]map[int32]int64{"t": {0: 1}})), kerr.UnknownMemberID)
	gtWantCode(t, "generation for a group never seen", gtCommit(t, gs, gtCommitReq(5, "ghost", "m", 4, map[string]map[int32]int64{"t": {0: 1}})), kerr.IllegalGeneration)
	gtWantCode(t, "empty group with member", gtCommit(t, gs, gtCommitReq(5, "simple", "m", 4, map[string]map[int32]int64{"t": {0: 1}})), kerr.UnknownMemberID)
	big := gtCommitReq(5, "simple", "", -1, map[string]map[int32]int64{"t": {0: 1}})
	big.Topics[0].Partitions[0].Metadata = kmsg.StringPtr(string(make([]byte, 5000)))
	gtWantCode(t, "metadata too large", gtCommit(t, gs, big), kerr.OffsetMetadataTooLarge)
	if got := gtFetch(t, gs, 5, "members", map[string][]int32{"t": {0}}); got["t"][0] != 100 {
		t.Fatalf("member commit: %v", got)
	}
	if got := gtFetch(t, gs, 5, "simple", map[string][]int32{"t": {0}}); got["t"][0] != 10 {
		t.Fatalf("failed commits changed an offset: %v", got)
	}
	if d := gtDescribe(t, gs, 5, "ghost")[0]; d.State != "Dead" {
		t.Fatalf("a refused commit created a group: %+v", d)
	}

	// A failing store fails the commit and changes nothing.
	store.mu.Lock()
	store.fail = errors.New("disk on fire")
	store.mu.Unlock()
	if code := gtCommit(t, gs, gtCommitReq(5, "simple", "", -1, map[string]map[int32]int64{"t": {0: 99}})); code == 0 {
		t.Fatal("commit succeeded on a failing store")
	}
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()

	// Restart: the offsets come back from the store.
	gs.close()
	gs2 := newGroupsForTest(t, store)
	if got := gtFetch(t, gs2, 8, "simple", nil); got["t"][0] != 10 || got["t"][2] != 12 || got["u"][0] != 5 {
		t.Fatalf("after restart: %v", got)
	}
	if got := gtFetch(t, gs2, 5, "members", map[string][]int32{"t": {0}}); got["t"][0] != 100 {
		t.Fatalf("after restart: %v", got)
	}
	// The loaded groups are listed, Empty.
	lr := kmsg.NewPtrListGroupsRequest()
	lr.Version = 4
	lgs := gtCall[*kmsg.ListGroupsResponse](t, gs2, lr).Groups
	if len(lgs) != 2 || lgs[0].Group != "members" || lgs[0].GroupState != "Empty" {
		t.Fatalf("list after restart: %+v", lgs)
	}
}

func TestGroupListDescribeDelete(t *testing.T) {
	store := &groupMemStore{}
	gs := newGroupsForTest(t, store)
	a := gtStable(t, gs, "busy")
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(3, "idle", "", -1, map[string]map[int32]int64{"t": {0: 1, 1: 2}})), nil)

	list := func(version int16, states ...string) []string {
		r := kmsg.NewPtrListGroupsRequest()
		r.Version = version
		r.StatesFilter = states
		var names []string
		for _, g := range gtCall[*kmsg.ListGroupsResponse](t, gs, r).Groups {
			names = append(names, g.Group+"/"+g.GroupState+"/"+g.ProtocolType)
		}
		return names
	}
	if got := list(4); !slices.Equal(got, []string{"busy/Stable/consumer", "idle/Empty/"}) {
		t.Fatalf("list: %v", got)
	}
	if got := list(4, "empty"); !slices.Equal(got, []string{"idle/Empty/"}) {
		t.Fatalf("list empty: %v", got)
	}
	if got := list(0); len(got) != 2 {
		t.Fatalf("list v0: %v", got)
	}

	del := func(names ...string) []int16 {
		r := kmsg.NewPtrDeleteGroupsRequest()
		r.Version = 2
		r.Groups = names
		var codes []int16
		for _, g := range gtCall[*kmsg.DeleteGroupsResponse](t, gs, r).Groups {
			codes = append(codes, g.ErrorCode)
		}
		return codes
	}
	if got := del("busy", "idle", "none"); !slices.Equal(got, []int16{kerr.NonEmptyGroup.Code, 0, kerr.GroupIDNotFound.Code}) {
		t.Fatalf("delete: %v", got)
	}
	if got := gtFetch(t, gs, 5, "idle", nil); len(got) != 0 {
		t.Fatalf("offsets after delete: %v", got)
	}
	// The busy group empties, then can go.
	l := kmsg.NewPtrLeaveGroupRequest()
	l.Group, l.MemberID = "busy", a.MemberID
	gtCall[*kmsg.LeaveGroupResponse](t, gs, l)
	if got := del("busy"); got[0] != 0 {
		t.Fatalf("delete after leave: %v", got)
	}
	if got := list(4); len(got) != 0 {
		t.Fatalf("list after delete: %v", got)
	}
	// A commit to a deleted name makes a new group.
	gtWantCode(t, "commit again", gtCommit(t, gs, gtCommitReq(3, "idle", "", -1, map[string]map[int32]int64{"t": {5: 50}})), nil)

	gs.close()
	gs2 := newGroupsForTest(t, store)
	if got := gtFetch(t, gs2, 8, "idle", nil); len(got["t"]) != 1 || got["t"][5] != 50 {
		t.Fatalf("tombstones not replayed: %v", got)
	}
}

func TestGroupOffsetDelete(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	gtWantCode(t, "commit", gtCommit(t, gs, gtCommitReq(3, "g", "", -1, map[string]map[int32]int64{"t": {0: 1, 1: 2}})), nil)
	r := kmsg.NewPtrOffsetDeleteRequest()
	r.Group = "g"
	r.Topics = []kmsg.OffsetDeleteRequestTopic{{Topic: "t", Partitions: []kmsg.OffsetDeleteRequestTopicPartition{{Partition: 0}}}}
	resp := gtCall[*kmsg.OffsetDeleteResponse](t, gs, r)
	if resp.ErrorCode != 0 || resp.Topics[0].Partitions[0].ErrorCode != 0 {
		t.Fatalf("offset delete: %+v", resp)
	}
	if got := gtFetch(t, gs, 5, "g", nil); len(got["t"]) != 1 || got["t"][1] != 2 {
		t.Fatalf("after offset delete: %v", got)
	}
	r.Group = "none"
	gtWantCode(t, "unknown group", gtCall[*kmsg.OffsetDeleteResponse](t, gs, r).ErrorCode, kerr.GroupIDNotFound)
}

func TestGroupBatchEncoding(t *testing.T) {
	c := groupOffset{offset: 42, leaderEpoch: 1, metadata: "x", timestamp: 1000}
	recs := []kmsg.Record{
		groupOffsetRecord("g", groupTP{"t", 3}, &c),
		groupOffsetRecord("g", groupTP{"t", 4}, nil),
	}
	b := groupBuildBatch(recs, time.UnixMilli(1234))
	if got, want := binary.BigEndian.Uint32(b[17:21]), crc32.Checksum(b[21:], crc32.MakeTable(crc32.Castagnoli)); got != want {
		t.Fatalf("crc %x, want %x", got, want)
	}
	var n int
	next, err := groupEachBatch(b, func(rb *kmsg.RecordBatch) error {
		if rb.Magic != 2 || rb.ProducerID != -1 || rb.NumRecords != 2 || rb.LastOffsetDelta != 1 || int(rb.Length) != len(b)-12 {
			t.Fatalf("batch %+v", rb)
		}
		rs, err := groupBatchRecords(rb)
		if err != nil {
			t.Fatal(err)
		}
		var k kmsg.OffsetCommitKey
		if err := k.ReadFrom(rs[0].Key); err != nil || k.Group != "g" || k.Topic != "t" || k.Partition != 3 {
			t.Fatalf("key %+v %v", k, err)
		}
		var v kmsg.OffsetCommitValue
		if err := v.ReadFrom(rs[0].Value); err != nil || v.Offset != 42 || v.LeaderEpoch != 1 || v.Metadata != "x" {
			t.Fatalf("value %+v %v", v, err)
		}
		if rs[1].Value != nil || rs[1].OffsetDelta != 1 {
			t.Fatalf("tombstone %+v", rs[1])
		}
		n++
		return nil
	})
	if err != nil || n != 1 || next != 2 {
		t.Fatalf("forEachBatch: n %d next %d err %v", n, next, err)
	}
}

// TestGroupConcurrentMembers runs several members through join, sync and
// heartbeat loops at once (for the race detector) until the group settles
// with every member holding the assignment the leader gave it.
func TestGroupConcurrentMembers(t *testing.T) {
	gs := newGroupsForTest(t, nil)
	const n = 5
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			ctx := context.Background()
			do := func(req kmsg.Request) kmsg.Response {
				resp, _ := gs.handle(ctx, req)
				return resp
			}
			id := do(gtJoinReq(5, "g", "")).(*kmsg.JoinGroupResponse).MemberID
			for {
				select {
				case <-stop:
					return
				default:
				}
				j := do(gtJoinReq(5, "g", id)).(*kmsg.JoinGroupResponse)
				if j.ErrorCode != 0 {
					continue
				}
				var assign map[string]string
				if j.LeaderID == id {
					assign = map[string]string{}
					for _, m := range j.Members {
						assign[m.MemberID] = m.MemberID
					}
				}
				if s := do(gtSyncReq(3, "g", id, j.Generation, assign)).(*kmsg.SyncGroupResponse); s.ErrorCode != 0 {
					continue
				}
				for {
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
					}
					if do(gtHeartbeatReq("g", id, j.Generation)).(*kmsg.HeartbeatResponse).ErrorCode != 0 {
						break
					}
				}
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d := gtDescribe(t, gs, 5, "g")[0]
		settled := d.State == "Stable" && len(d.Members) == n
		for _, m := range d.Members {
			settled = settled && string(m.MemberAssignment) == m.MemberID
		}
		if settled {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never settled: %s with %d members", d.State, len(d.Members))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func gtHeartbeatReq(group, groupMember string, gen int32) *kmsg.HeartbeatRequest {
	r := kmsg.NewPtrHeartbeatRequest()
	r.Version = 3
	r.Group, r.MemberID, r.Generation = group, groupMember, gen
	return r
}

// groupMemStore keeps batches in memory (tests).
type groupMemStore struct {
	mu      sync.Mutex
	batches [][]byte
	fail    error // when set, appends fail with it
}

func (s *groupMemStore) append(_ context.Context, batch []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.batches = append(s.batches, slices.Clone(batch))
	return nil
}

func (s *groupMemStore) replay(fn func(b *kmsg.RecordBatch) error) error {
	s.mu.Lock()
	batches := slices.Clone(s.batches)
	s.mu.Unlock()
	for _, b := range batches {
		if _, err := groupEachBatch(b, fn); err != nil {
			return err
		}
	}
	return nil
}
