package kafka

// The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat
// and LeaveGroup, and the rebalance state machine behind them
// (Empty → PreparingRebalance → CompletingRebalance → Stable, Dead once
// deleted), after Kafka's GroupCoordinator.

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

type groupState int8

const (
	groupEmpty groupState = iota
	groupPreparingRebalance
	groupCompletingRebalance
	groupStable
	groupDead
)

func (s groupState) String() string {
	switch s {
	case groupEmpty:
		return "Empty"
	case groupPreparingRebalance:
		return "PreparingRebalance"
	case groupCompletingRebalance:
		return "CompletingRebalance"
	case groupStable:
		return "Stable"
	default:
		return "Dead"
	}
}

// group is one consumer group.
type group struct {
	gs   *groups
	name string

	// commitMu serialises offset writes (held across the log append;
	// taken before mu).
	commitMu sync.Mutex

	mu    sync.Mutex
	dead  bool // deleted: handlers that find it look the name up again
	state groupState

	protocolType string
	protocol     string
	generation   int32
	leader       string
	members      map[string]*groupMember
	pending      map[string]*time.Timer // KIP-394 member IDs handed out, not yet joined
	static       map[string]string      // instance ID → member ID
	seq          uint64                 // join order, for choosing leaders

	rebalanceTimer *time.Timer
	rebalanceToken uint64
	// The initial delayed join of an empty group (Kafka's InitialDelayedJoin).
	delayed          bool
	delayedRemaining time.Duration
	delayedNewMember bool

	pendingSync      map[string]struct{} // members yet to SyncGroup after a join
	pendingSyncTimer *time.Timer

	offsets map[groupTP]groupOffset
	// emptySince is when the group last became Empty (its last member
	// gone); for a loaded group, when its last metadata record says it
	// became Empty, else the load. Zero for a group that never had
	// members, whose offsets expire by their commit times.
	emptySince time.Time
	// hasMeta is set once a metadata record of the group was queued or
	// loaded: deletion and expiry then tombstone it (group_meta.go).
	hasMeta bool
}

// groupMember is a member of a group.
type groupMember struct {
	id               string
	instanceID       *string
	clientID         string
	clientHost       string
	seq              uint64
	protocols        []kmsg.JoinGroupRequestProtocol
	sessionTimeout   time.Duration
	rebalanceTimeout time.Duration
	assignment       []byte

	join *groupWaiter // a JoinGroup waiting for the rebalance
	sync *groupWaiter // a SyncGroup waiting for the leader

	timer      *time.Timer // session
	timerToken uint64
}

// groupWaiter is a request blocked until the group answers it.
type groupWaiter struct {
	req kmsg.Request
	ch  chan kmsg.Response // buffered 1; written once, under the group lock
}

func newGroupWaiter(req kmsg.Request) *groupWaiter {
	return &groupWaiter{req: req, ch: make(chan kmsg.Response, 1)}
}

func newGroup(gs *groups, name string) *group {
	return &group{
		gs:      gs,
		name:    name,
		members: make(map[string]*groupMember),
		pending: make(map[string]*time.Timer),
		static:  make(map[string]string),
		offsets: make(map[groupTP]groupOffset),
	}
}

// wait blocks until w is answered or ctx ends. On ctx's end it detaches w
// from m (when still attached) so the group no longer counts on it, and
// returns fallback.
func (g *group) wait(ctx context.Context, w *groupWaiter, m *groupMember, fallback kmsg.Response) kmsg.Response {
	select {
	case r := <-w.ch:
		return r
	case <-ctx.Done():
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case r := <-w.ch: // answered meanwhile
		return r
	default:
	}
	if m.join == w {
		m.join = nil
		if g.state == groupPreparingRebalance && !g.delayed && g.allJoined() {
			// The rest joined; this member will be dropped.
			g.completeRebalance()
		}
	}
	if m.sync == w {
		m.sync = nil
	}
	return fallback
}

// afterFunc runs fn under the group lock after d, unless the coordinator
// closed or the group was deleted meanwhile.
func (g *group) afterFunc(d time.Duration, fn func()) *time.Timer {
	return time.AfterFunc(d, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.gs.closed.Load() || g.dead {
			return
		}
		fn()
	})
}

// shutdown stops every timer and answers waiters (close and delete).
func (g *group) shutdown() {
	g.stopRebalanceTimer()
	g.stopPendingSync()
	for id, t := range g.pending {
		t.Stop()
		delete(g.pending, id)
	}
	for _, m := range g.members {
		g.stopSession(m)
		g.answerWaiters(m, kerr.CoordinatorNotAvailable.Code)
	}
}

//
// JoinGroup
//

func (gs *groups) joinGroup(ctx context.Context, req *kmsg.JoinGroupRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
	fail := func(code int16) kmsg.Response {
		resp.ErrorCode = code
		return resp
	}
	if gs.closed.Load() {
		return fail(kerr.CoordinatorNotAvailable.Code)
	}
	if req.Group == "" {
		return fail(kerr.InvalidGroupID.Code)
	}
	session := time.Duration(req.SessionTimeoutMillis) * time.Millisecond
	if session < gs.minSessionTimeout || session > gs.maxSessionTimeout {
		return fail(kerr.InvalidSessionTimeout.Code)
	}
	if req.InstanceID != nil && *req.InstanceID == "" {
		return fail(kerr.InvalidRequest.Code) // Kafka: empty group.instance.id is invalid
	}
	if req.ProtocolType == "" || len(req.Protocols) == 0 {
		return fail(kerr.InconsistentGroupProtocol.Code)
	}
	rebalance := time.Duration(req.RebalanceTimeoutMillis) * time.Millisecond
	if req.Version == 0 || rebalance <= 0 {
		rebalance = session // v0 has no rebalance timeout: Kafka uses the session timeout
	}
	client := groupClientFrom(ctx)

	g := gs.lock(req.Group, req.MemberID == "")
	if g == nil {
		return fail(kerr.UnknownMemberID.Code)
	}
	locked := true
	defer func() {
		if locked {
			g.mu.Unlock()
		}
	}()
	if gs.closed.Load() { // closed while we waited for the lock
		return fail(kerr.CoordinatorNotAvailable.Code)
	}

	if !g.protocolsMatch(req.ProtocolType, req.Protocols, req.MemberID) {
		return fail(kerr.InconsistentGroupProtocol.Code)
	}
	newJoin := func(id string) *groupMember {
		g.seq++
		return &groupMember{
			id:               id,
			instanceID:       req.InstanceID,
			clientID:         client.ID,
			clientHost:       client.Host,
			seq:              g.seq,
			protocols:        req.Protocols,
			sessionTimeout:   session,
			rebalanceTimeout: rebalance,
		}
	}
	var m *groupMember
	var w *groupWaiter

	switch {
	case req.MemberID == "" && req.InstanceID != nil && g.static[*req.InstanceID] != "":
		// A static member restarting: it takes over its old member.
		old := g.members[g.static[*req.InstanceID]]
		if old == nil {
			delete(g.static, *req.InstanceID)
			m = newJoin(newGroupMemberID(*req.InstanceID))
			g.static[*req.InstanceID] = m.id
			w = g.addMember(m, req)
			break
		}
		m = newJoin(newGroupMemberID(*req.InstanceID))
		m.seq = old.seq
		m.assignment = old.assignment
		wasLeader := g.leader == old.id
		same := groupSameProtocols(old.protocols, req.Protocols)
		g.answerWaiters(old, kerr.FencedInstanceID.Code)
		g.dropMember(old)
		g.members[m.id] = m
		g.static[*req.InstanceID] = m.id
		if wasLeader {
			g.leader = m.id
		}
		if g.state == groupStable && same && (!wasLeader || req.Version >= 9) {
			// KIP-345: no rebalance for a static member that comes back
			// unchanged; a leader skips the assignment (KIP-814).
			g.resetSession(m)
			g.fillJoin(m, resp)
			resp.SkipAssignment = wasLeader
			return resp
		}
		w = newGroupWaiter(req)
		m.join = w
		if g.state == groupCompletingRebalance || g.state == groupStable || g.state == groupEmpty {
			g.rebalance()
		} else {
			g.maybeCompleteJoin()
		}

	case req.MemberID == "":
		if req.InstanceID != nil {
			m = newJoin(newGroupMemberID(*req.InstanceID))
			g.static[*req.InstanceID] = m.id
		} else {
			m = newJoin(newGroupMemberID(client.ID))
		}
		if req.Version >= 4 && req.InstanceID == nil {
			// KIP-394: hand out the member ID; the client joins again with it.
			g.addPending(m.id, session)
			resp.MemberID = m.id
			return fail(kerr.MemberIDRequired.Code)
		}
		w = g.addMember(m, req)

	default:
		if req.InstanceID != nil {
			if code := g.checkInstance(req.InstanceID, req.MemberID); code != 0 {
				return fail(code)
			}
		}
		if t, ok := g.pending[req.MemberID]; ok {
			t.Stop()
			delete(g.pending, req.MemberID)
			m = newJoin(req.MemberID)
			w = g.addMember(m, req)
			break
		}
		m = g.members[req.MemberID]
		if m == nil {
			return fail(kerr.UnknownMemberID.Code)
		}
		switch g.state {
		case groupPreparingRebalance:
			w = g.updateMember(m, req, session, rebalance)
		case groupCompletingRebalance:
			if groupSameProtocols(m.protocols, req.Protocols) {
				// It lost the answer: tell it again.
				g.fillJoin(m, resp)
				return resp
			}
			w = g.updateMember(m, req, session, rebalance)
		case groupStable:
			if g.leader != m.id && groupSameProtocols(m.protocols, req.Protocols) {
				g.resetSession(m)
				g.fillJoin(m, resp)
				return resp
			}
			w = g.updateMember(m, req, session, rebalance)
		default:
			return fail(kerr.UnknownMemberID.Code)
		}
	}

	fallback := req.ResponseKind().(*kmsg.JoinGroupResponse)
	fallback.ErrorCode = kerr.RebalanceInProgress.Code
	fallback.MemberID = m.id
	g.mu.Unlock()
	locked = false
	return g.wait(ctx, w, m, fallback)
}

// protocolsMatch reports whether a member (memberID, "" for new ones) may
// join with protocolType and protocols: an empty group takes any and
// adopts the type; otherwise the type must match and one of protocols must
// be supported by every other member.
func (g *group) protocolsMatch(protocolType string, protocols []kmsg.JoinGroupRequestProtocol, memberID string) bool {
	others := 0
	for id := range g.members {
		if id != memberID {
			others++
		}
	}
	if others == 0 {
		if g.state == groupEmpty || len(g.members) == 0 {
			g.protocolType = protocolType
		}
		return protocolType == g.protocolType
	}
	if protocolType != g.protocolType {
		return false
	}
	for _, p := range protocols {
		n := 0
		for id, m := range g.members {
			if id != memberID && groupSupports(m.protocols, p.Name) {
				n++
			}
		}
		if n == others {
			return true
		}
	}
	return false
}

func groupSupports(ps []kmsg.JoinGroupRequestProtocol, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

func groupSameProtocols(a, b []kmsg.JoinGroupRequestProtocol) bool {
	return slices.EqualFunc(a, b, func(x, y kmsg.JoinGroupRequestProtocol) bool {
		return x.Name == y.Name && bytes.Equal(x.Metadata, y.Metadata)
	})
}

// addMember adds a new member waiting in join and rebalances.
func (g *group) addMember(m *groupMember, req *kmsg.JoinGroupRequest) *groupWaiter {
	w := newGroupWaiter(req)
	m.join = w
	g.members[m.id] = m
	g.rebalance()
	return w
}

// updateMember records a known member's new join and rebalances.
func (g *group) updateMember(m *groupMember, req *kmsg.JoinGroupRequest, session, rebalance time.Duration) *groupWaiter {
	if m.join != nil { // a previous join of it still waits: it gave up on that
		g.answer(m.join, kerr.RebalanceInProgress.Code)
	}
	m.protocols = req.Protocols
	m.sessionTimeout = session
	m.rebalanceTimeout = rebalance
	w := newGroupWaiter(req)
	m.join = w
	if g.state == groupPreparingRebalance {
		g.maybeCompleteJoin()
	} else {
		g.rebalance()
	}
	return w
}

// addPending remembers a member ID handed out with MEMBER_ID_REQUIRED
// until the member joins with it or its session timeout passes.
func (g *group) addPending(id string, session time.Duration) {
	g.pending[id] = g.afterFunc(session, func() {
		if _, ok := g.pending[id]; !ok {
			return
		}
		delete(g.pending, id)
		g.maybeCompleteJoin()
		g.maybeForget()
	})
}

// checkInstance validates a static member's instance ID against its
// member ID: 0, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID.
func (g *group) checkInstance(instanceID *string, memberID string) int16 {
	if instanceID == nil {
		return 0
	}
	id, ok := g.static[*instanceID]
	if !ok {
		return kerr.UnknownMemberID.Code
	}
	if id != memberID {
		return kerr.FencedInstanceID.Code
	}
	return 0
}

// rebalance moves the group to PreparingRebalance (from any state) and
// completes the join phase now or schedules its completion.
func (g *group) rebalance() {
	if g.state == groupCompletingRebalance {
		for _, m := range g.members {
			m.assignment = nil
			if m.sync != nil {
				g.answer(m.sync, kerr.RebalanceInProgress.Code)
				m.sync = nil
			}
		}
	}
	wasEmpty := g.state == groupEmpty
	g.state = groupPreparingRebalance
	g.stopPendingSync()

	if g.delayed {
		g.delayedNewMember = true
		return
	}
	if wasEmpty && g.gs.initialRebalanceDelay > 0 {
		total := g.maxRebalanceTimeout()
		d := min(g.gs.initialRebalanceDelay, total)
		g.delayed = true
		g.delayedRemaining = total - d
		g.delayedNewMember = false
		g.setRebalanceTimer(d, g.delayedJoinExpired)
		g.gs.logger.Debug("group rebalance delayed", "group", g.name, "delay", d)
		return
	}
	if g.allJoined() {
		g.completeRebalance()
		return
	}
	g.setRebalanceTimer(g.maxRebalanceTimeout(), g.completeRebalance)
}

// delayedJoinExpired extends the initial delay while members keep coming,
// as long as the rebalance timeout allows, then completes the join.
func (g *group) delayedJoinExpired() {
	if g.state != groupPreparingRebalance || !g.delayed {
		return
	}
	if g.delayedNewMember && g.delayedRemaining > 0 {
		d := min(g.gs.initialRebalanceDelay, g.delayedRemaining)
		g.delayedRemaining -= d
		g.delayedNewMember = false
		g.setRebalanceTimer(d, g.delayedJoinExpired)
		return
	}
	g.delayed = false
	g.completeRebalance()
}

// maybeCompleteJoin completes a PreparingRebalance whose members all
// joined (outside an initial delay).
func (g *group) maybeCompleteJoin() {
	if g.state == groupPreparingRebalance && !g.delayed && g.allJoined() {
		g.completeRebalance()
	}
}

// allJoined reports whether every member waits in JoinGroup and no
// handed-out member ID is still expected.
func (g *group) allJoined() bool {
	if len(g.pending) > 0 {
		return false
	}
	for _, m := range g.members {
		if m.join == nil {
			return false
		}
	}
	return true
}

func (g *group) maxRebalanceTimeout() time.Duration {
	var d time.Duration
	for _, m := range g.members {
		d = max(d, m.rebalanceTimeout)
	}
	if d <= 0 {
		d = 5 * time.Second
	}
	return d
}

func (g *group) setRebalanceTimer(d time.Duration, fn func()) {
	g.stopRebalanceTimer()
	tok := g.rebalanceToken
	g.rebalanceTimer = g.afterFunc(d, func() {
		if g.rebalanceToken != tok {
			return
		}
		fn()
	})
}

func (g *group) stopRebalanceTimer() {
	g.rebalanceToken++
	if g.rebalanceTimer != nil {
		g.rebalanceTimer.Stop()
		g.rebalanceTimer = nil
	}
}

// completeRebalance ends the join phase: members that did not join are
// dropped, the generation advances, a protocol and a leader are chosen and
// every joined member is answered; the group awaits the leader's
// SyncGroup (or is Empty when nobody joined).
func (g *group) completeRebalance() {
	if g.state != groupPreparingRebalance {
		return
	}
	g.stopRebalanceTimer()
	g.delayed = false
	for _, m := range g.members {
		if m.join == nil {
			g.gs.logger.Debug("group member did not rejoin", "group", g.name, "member", m.id)
			g.removeMember(m, kerr.UnknownMemberID.Code)
		}
	}
	g.generation++
	if g.generation < 0 {
		g.generation = 1
	}
	if len(g.members) == 0 {
		g.state = groupEmpty
		g.emptySince = g.gs.now()
		g.protocol = ""
		g.leader = ""
		g.storeMeta()
		g.gs.logger.Debug("group empty", "group", g.name, "generation", g.generation)
		return
	}
	ordered := g.ordered()
	if g.members[g.leader] == nil {
		g.leader = ordered[0].id
	}
	g.protocol = g.selectProtocol(ordered)
	g.state = groupCompletingRebalance
	g.storeMeta()
	g.gs.logger.Debug("group rebalanced", "group", g.name, "generation", g.generation,
		"members", len(g.members), "protocol", g.protocol, "leader", g.leader)

	g.pendingSync = make(map[string]struct{}, len(g.members))
	for _, m := range ordered {
		g.pendingSync[m.id] = struct{}{}
		resp := m.join.req.ResponseKind().(*kmsg.JoinGroupResponse)
		g.fillJoin(m, resp)
		m.join.ch <- resp
		m.join = nil
		g.resetSession(m)
	}
	gen := g.generation
	g.pendingSyncTimer = g.afterFunc(g.maxRebalanceTimeout(), func() {
		if g.generation != gen || g.state != groupCompletingRebalance || len(g.pendingSync) == 0 {
			return
		}
		for id := range g.pendingSync {
			if m := g.members[id]; m != nil {
				g.removeMember(m, kerr.UnknownMemberID.Code)
			}
		}
		g.pendingSync = nil
		g.rebalance()
	})
}

// ordered returns the members in join order.
func (g *group) ordered() []*groupMember {
	ms := make([]*groupMember, 0, len(g.members))
	for _, m := range g.members {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b *groupMember) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	return ms
}

// selectProtocol chooses, among the protocols every member supports, the
// one most members prefer (each votes for its first supported candidate);
// ties go to the leader's preference order.
func (g *group) selectProtocol(ordered []*groupMember) string {
	leader := g.members[g.leader]
	var candidates []string
	for _, p := range leader.protocols {
		all := true
		for _, m := range ordered {
			if !groupSupports(m.protocols, p.Name) {
				all = false
				break
			}
		}
		if all && !slices.Contains(candidates, p.Name) {
			candidates = append(candidates, p.Name)
		}
	}
	if len(candidates) == 0 { // protocolsMatch prevents this
		return leader.protocols[0].Name
	}
	votes := make(map[string]int, len(candidates))
	for _, m := range ordered {
		for _, p := range m.protocols {
			if slices.Contains(candidates, p.Name) {
				votes[p.Name]++
				break
			}
		}
	}
	best := candidates[0]
	for _, c := range candidates[1:] {
		if votes[c] > votes[best] {
			best = c
		}
	}
	return best
}

// fillJoin fills a successful JoinGroup answer for m; the leader gets
// every member with its metadata for the chosen protocol.
func (g *group) fillJoin(m *groupMember, resp *kmsg.JoinGroupResponse) {
	resp.ErrorCode = 0
	resp.Generation = g.generation
	resp.ProtocolType = kmsg.StringPtr(g.protocolType)
	resp.Protocol = kmsg.StringPtr(g.protocol)
	resp.LeaderID = g.leader
	resp.MemberID = m.id
	resp.Members = nil
	if m.id != g.leader {
		return
	}
	for _, o := range g.ordered() {
		rm := kmsg.NewJoinGroupResponseMember()
		rm.MemberID = o.id
		rm.InstanceID = o.instanceID
		for _, p := range o.protocols {
			if p.Name == g.protocol {
				rm.ProtocolMetadata = p.Metadata
				break
			}
		}
		resp.Members = append(resp.Members, rm)
	}
}

// answer answers a waiting JoinGroup or SyncGroup with an error.
func (g *group) answer(w *groupWaiter, code int16) {
	resp := w.req.ResponseKind()
	switch r := resp.(type) {
	case *kmsg.JoinGroupResponse:
		r.ErrorCode = code
		if jr, ok := w.req.(*kmsg.JoinGroupRequest); ok {
			r.MemberID = jr.MemberID
		}
	case *kmsg.SyncGroupResponse:
		r.ErrorCode = code
	}
	w.ch <- resp
}

func (g *group) answerWaiters(m *groupMember, code int16) {
	if m.join != nil {
		g.answer(m.join, code)
		m.join = nil
	}
	if m.sync != nil {
		g.answer(m.sync, code)
		m.sync = nil
	}
}

// dropMember removes m without answering it or rebalancing.
func (g *group) dropMember(m *groupMember) {
	delete(g.members, m.id)
	delete(g.pendingSync, m.id)
	g.stopSession(m)
	if m.instanceID != nil && g.static[*m.instanceID] == m.id {
		delete(g.static, *m.instanceID)
	}
}

// removeMember removes m, answering its waiting requests with code; the
// caller rebalances.
func (g *group) removeMember(m *groupMember, code int16) {
	g.answerWaiters(m, code)
	g.dropMember(m)
}

// memberGone rebalances after members were removed.
func (g *group) memberGone() {
	switch g.state {
	case groupStable, groupCompletingRebalance:
		g.rebalance()
	case groupPreparingRebalance:
		g.maybeCompleteJoin()
	}
}

// resetSession restarts m's session timer. A member waiting in JoinGroup
// or SyncGroup is kept alive; otherwise expiry removes it and rebalances.
func (g *group) resetSession(m *groupMember) {
	g.stopSession(m)
	tok := m.timerToken
	m.timer = g.afterFunc(m.sessionTimeout, func() {
		if g.members[m.id] != m || m.timerToken != tok {
			return
		}
		if m.join != nil || m.sync != nil {
			g.resetSession(m)
			return
		}
		g.gs.logger.Info("group member session expired", "group", g.name, "member", m.id)
		g.removeMember(m, kerr.UnknownMemberID.Code)
		g.memberGone()
	})
}

func (g *group) stopSession(m *groupMember) {
	m.timerToken++
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
}

func (g *group) stopPendingSync() {
	g.pendingSync = nil
	if g.pendingSyncTimer != nil {
		g.pendingSyncTimer.Stop()
		g.pendingSyncTimer = nil
	}
}

//
// SyncGroup
//

func (gs *groups) syncGroup(ctx context.Context, req *kmsg.SyncGroupRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.SyncGroupResponse)
	fail := func(code int16) kmsg.Response {
		resp.ErrorCode = code
		return resp
	}
	if gs.closed.Load() {
		return fail(kerr.CoordinatorNotAvailable.Code)
	}
	if req.Group == "" {
		return fail(kerr.InvalidGroupID.Code)
	}
	g := gs.lock(req.Group, false)
	if g == nil {
		return fail(kerr.UnknownMemberID.Code)
	}
	locked := true
	defer func() {
		if locked {
			g.mu.Unlock()
		}
	}()
	if gs.closed.Load() {
		return fail(kerr.CoordinatorNotAvailable.Code)
	}
	if code := g.checkInstance(req.InstanceID, req.MemberID); code != 0 {
		return fail(code)
	}
	m := g.members[req.MemberID]
	if m == nil {
		return fail(kerr.UnknownMemberID.Code)
	}
	if req.Generation != g.generation {
		return fail(kerr.IllegalGeneration.Code)
	}
	if (req.ProtocolType != nil && *req.ProtocolType != g.protocolType) ||
		(req.Protocol != nil && *req.Protocol != g.protocol) {
		return fail(kerr.InconsistentGroupProtocol.Code)
	}
	switch g.state {
	case groupPreparingRebalance:
		return fail(kerr.RebalanceInProgress.Code)
	case groupStable:
		g.resetSession(m)
		g.fillSync(m, resp)
		return resp
	case groupCompletingRebalance:
	default:
		return fail(kerr.UnknownMemberID.Code)
	}

	if m.sync != nil {
		g.answer(m.sync, kerr.RebalanceInProgress.Code)
	}
	w := newGroupWaiter(req)
	m.sync = w
	delete(g.pendingSync, m.id)
	g.resetSession(m)
	if m.id == g.leader {
		for _, o := range g.members {
			o.assignment = nil
		}
		for _, a := range req.GroupAssignment {
			if o := g.members[a.MemberID]; o != nil {
				o.assignment = a.MemberAssignment
			}
		}
		g.state = groupStable
		g.stopPendingSync()
		for _, o := range g.members {
			if o.sync == nil {
				continue
			}
			r := o.sync.req.ResponseKind().(*kmsg.SyncGroupResponse)
			g.fillSync(o, r)
			o.sync.ch <- r
			o.sync = nil
		}
		g.gs.logger.Debug("group stable", "group", g.name, "generation", g.generation)
	}
	fallback := req.ResponseKind().(*kmsg.SyncGroupResponse)
	fallback.ErrorCode = kerr.RebalanceInProgress.Code
	g.mu.Unlock()
	locked = false
	return g.wait(ctx, w, m, fallback)
}

// emptyConsumerAssignment is an encoded ConsumerMemberAssignment with no
// partitions: what a "consumer" member gets when the leader gave it none,
// so that every client can decode it.
var groupEmptyAssignment = func() []byte {
	a := kmsg.NewConsumerMemberAssignment()
	return a.AppendTo(nil)
}()

func (g *group) fillSync(m *groupMember, resp *kmsg.SyncGroupResponse) {
	resp.ErrorCode = 0
	resp.ProtocolType = kmsg.StringPtr(g.protocolType)
	resp.Protocol = kmsg.StringPtr(g.protocol)
	resp.MemberAssignment = m.assignment
	if len(m.assignment) == 0 && g.protocolType == "consumer" {
		resp.MemberAssignment = groupEmptyAssignment
	}
}

//
// Heartbeat and LeaveGroup
//

func (gs *groups) heartbeat(req *kmsg.HeartbeatRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.HeartbeatResponse)
	resp.ErrorCode = gs.heartbeatCode(req)
	return resp
}

func (gs *groups) heartbeatCode(req *kmsg.HeartbeatRequest) int16 {
	if gs.closed.Load() {
		return kerr.CoordinatorNotAvailable.Code
	}
	if req.Group == "" {
		return kerr.InvalidGroupID.Code
	}
	g := gs.lock(req.Group, false)
	if g == nil {
		return kerr.UnknownMemberID.Code
	}
	defer g.mu.Unlock()
	if code := g.checkInstance(req.InstanceID, req.MemberID); code != 0 {
		return code
	}
	m := g.members[req.MemberID]
	if m == nil {
		return kerr.UnknownMemberID.Code
	}
	if req.Generation != g.generation {
		return kerr.IllegalGeneration.Code
	}
	switch g.state {
	case groupPreparingRebalance:
		g.resetSession(m)
		return kerr.RebalanceInProgress.Code
	case groupCompletingRebalance, groupStable:
		g.resetSession(m)
		return 0
	}
	return kerr.UnknownMemberID.Code
}

func (gs *groups) leaveGroup(req *kmsg.LeaveGroupRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.LeaveGroupResponse)
	leaving := req.Members
	if req.Version < 3 {
		leaving = []kmsg.LeaveGroupRequestMember{{MemberID: req.MemberID}}
	}
	fail := func(code int16) kmsg.Response {
		resp.ErrorCode = code
		return resp
	}
	if gs.closed.Load() {
		return fail(kerr.CoordinatorNotAvailable.Code)
	}
	if req.Group == "" {
		return fail(kerr.InvalidGroupID.Code)
	}
	codes := make([]int16, len(leaving))
	ids := make([]string, len(leaving))
	if g := gs.lock(req.Group, false); g == nil {
		for i := range codes {
			codes[i] = kerr.UnknownMemberID.Code
			ids[i] = leaving[i].MemberID
		}
	} else {
		removed := false
		for i, lm := range leaving {
			id := lm.MemberID
			ids[i] = id
			if lm.InstanceID != nil {
				known, ok := g.static[*lm.InstanceID]
				switch {
				case !ok:
					codes[i] = kerr.UnknownMemberID.Code
					continue
				case id != "" && id != known:
					codes[i] = kerr.FencedInstanceID.Code
					continue
				}
				id = known
				ids[i] = known
			}
			if t, ok := g.pending[id]; ok {
				t.Stop()
				delete(g.pending, id)
				removed = true
				continue
			}
			m := g.members[id]
			if m == nil {
				codes[i] = kerr.UnknownMemberID.Code
				continue
			}
			g.gs.logger.Debug("group member left", "group", g.name, "member", id)
			g.removeMember(m, kerr.UnknownMemberID.Code)
			removed = true
		}
		if removed {
			g.memberGone()
		}
		g.mu.Unlock()
	}
	if req.Version < 3 {
		resp.ErrorCode = codes[0]
		return resp
	}
	for i, lm := range leaving {
		rm := kmsg.NewLeaveGroupResponseMember()
		rm.MemberID = ids[i]
		rm.InstanceID = lm.InstanceID
		rm.ErrorCode = codes[i]
		resp.Members = append(resp.Members, rm)
	}
	return resp
}
