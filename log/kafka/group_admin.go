package kafka

// FindCoordinator, ListGroups, DescribeGroups and DeleteGroups.

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// findCoordinator answers this node for groups and transactional IDs
// (types 0 and 1), INVALID_REQUEST for other key types (share groups).
func (gs *groups) findCoordinator(req *kmsg.FindCoordinatorRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.FindCoordinatorResponse)
	code := int16(0)
	if req.CoordinatorType != 0 && req.CoordinatorType != 1 {
		code = kerr.InvalidRequest.Code
	} else if gs.closed.Load() {
		code = kerr.CoordinatorNotAvailable.Code
	}
	if req.Version >= 4 {
		for _, key := range req.CoordinatorKeys {
			c := kmsg.NewFindCoordinatorResponseCoordinator()
			c.Key = key
			c.ErrorCode = code
			if code == 0 {
				c.NodeID, c.Host, c.Port = gs.self.ID, gs.self.Host, gs.self.Port
			} else {
				c.NodeID, c.Port = -1, -1
				c.ErrorMessage = kmsg.StringPtr(groupErrMessage(code))
			}
			resp.Coordinators = append(resp.Coordinators, c)
		}
		return resp
	}
	resp.ErrorCode = code
	if code == 0 {
		resp.NodeID, resp.Host, resp.Port = gs.self.ID, gs.self.Host, gs.self.Port
	} else {
		resp.NodeID, resp.Port = -1, -1
		if req.Version >= 1 {
			resp.ErrorMessage = kmsg.StringPtr(groupErrMessage(code))
		}
	}
	return resp
}

func groupErrMessage(code int16) string {
	if err := kerr.ErrorForCode(code); err != nil {
		return err.Error()
	}
	return ""
}

// all returns every group, sorted by name.
func (gs *groups) all() []*group {
	gs.mu.Lock()
	out := make([]*group, 0, len(gs.groups))
	for _, g := range gs.groups {
		out = append(out, g)
	}
	gs.mu.Unlock()
	slices.SortFunc(out, func(a, b *group) int { return cmp.Compare(a.name, b.name) })
	return out
}

func (gs *groups) listGroups(req *kmsg.ListGroupsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.ListGroupsResponse)
	if gs.closed.Load() {
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code
		return resp
	}
	matches := func(filter []string, v string) bool {
		return len(filter) == 0 || slices.ContainsFunc(filter, func(f string) bool { return strings.EqualFold(f, v) })
	}
	for _, g := range gs.all() {
		g.mu.Lock()
		dead, state, ptype := g.dead, g.state.String(), g.protocolType
		g.mu.Unlock()
		if dead || !matches(req.StatesFilter, state) || !matches(req.TypesFilter, "classic") {
			continue
		}
		lg := kmsg.NewListGroupsResponseGroup()
		lg.Group = g.name
		lg.ProtocolType = ptype
		lg.GroupState = state
		lg.GroupType = "classic"
		resp.Groups = append(resp.Groups, lg)
	}
	return resp
}

// groupOperations is the bitfield of ACL operations on a group (READ,
// DELETE, DESCRIBE) reported when asked: this broker has no ACLs.
const groupOperations = 1<<3 | 1<<6 | 1<<8

func (gs *groups) describeGroups(req *kmsg.DescribeGroupsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.DescribeGroupsResponse)
	for _, name := range req.Groups {
		dg := kmsg.NewDescribeGroupsResponseGroup()
		dg.Group = name
		if req.IncludeAuthorizedOperations {
			dg.AuthorizedOperations = groupOperations
		}
		g := gs.lock(name, false)
		switch {
		case gs.closed.Load():
			dg.ErrorCode = kerr.CoordinatorNotAvailable.Code
			if g != nil {
				g.mu.Unlock()
			}
		case g == nil:
			dg.State = groupDead.String()
			if req.Version >= 6 {
				dg.ErrorCode = kerr.GroupIDNotFound.Code
				dg.ErrorMessage = kmsg.StringPtr("group " + name + " not found")
			}
		default:
			dg.State = g.state.String()
			dg.ProtocolType = g.protocolType
			stable := g.state == groupStable
			if stable {
				dg.Protocol = g.protocol
			}
			for _, m := range g.ordered() {
				dm := kmsg.NewDescribeGroupsResponseGroupMember()
				dm.MemberID = m.id
				dm.InstanceID = m.instanceID
				dm.ClientID = m.clientID
				dm.ClientHost = m.clientHost
				if stable { // Kafka shows metadata and assignments only when Stable
					for _, p := range m.protocols {
						if p.Name == g.protocol {
							dm.ProtocolMetadata = p.Metadata
							break
						}
					}
					dm.MemberAssignment = m.assignment
				}
				dg.Members = append(dg.Members, dm)
			}
			g.mu.Unlock()
		}
		resp.Groups = append(resp.Groups, dg)
	}
	return resp
}

func (gs *groups) deleteGroups(ctx context.Context, req *kmsg.DeleteGroupsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.DeleteGroupsResponse)
	for _, name := range req.Groups {
		dg := kmsg.NewDeleteGroupsResponseGroup()
		dg.Group = name
		dg.ErrorCode = gs.deleteGroup(ctx, name)
		if dg.ErrorCode != 0 && req.Version >= 3 {
			dg.ErrorMessage = kmsg.StringPtr(groupErrMessage(dg.ErrorCode))
		}
		resp.Groups = append(resp.Groups, dg)
	}
	return resp
}

// deleteGroup deletes an Empty group and tombstones its offsets and its
// metadata record.
func (gs *groups) deleteGroup(ctx context.Context, name string) int16 {
	if gs.closed.Load() {
		return kerr.CoordinatorNotAvailable.Code
	}
	if name == "" {
		return kerr.InvalidGroupID.Code
	}
	var g *group
	for {
		if g = gs.get(name, false); g == nil {
			return kerr.GroupIDNotFound.Code
		}
		g.commitMu.Lock()
		g.mu.Lock()
		if !g.dead {
			break
		}
		g.mu.Unlock()
		g.commitMu.Unlock()
	}
	defer g.commitMu.Unlock()
	if g.state != groupEmpty || len(g.members) > 0 || len(g.pending) > 0 {
		g.mu.Unlock()
		return kerr.NonEmptyGroup.Code
	}
	// Dead from here: new joins and commits make a new group of the name.
	g.dead = true
	g.state = groupDead
	g.shutdown()
	gs.remove(g)
	var recs []kmsg.Record
	for tp := range g.offsets {
		recs = append(recs, groupOffsetRecord(g.name, tp, nil))
	}
	if g.hasMeta {
		recs = append(recs, groupMetaTombstone(g.name))
	}
	if len(recs) == 0 {
		g.mu.Unlock()
		return 0
	}
	// Queued under the lock, after the group's metadata records; written
	// without it.
	done := gs.writer.send(ctx, recs...)
	g.mu.Unlock()
	if err := <-done; err != nil {
		gs.logger.Warn("writing group deletion", "group", name, "err", err)
		// Bring it back unless the name was taken meanwhile.
		g.mu.Lock()
		gs.mu.Lock()
		if gs.groups[name] == nil {
			g.dead = false
			g.state = groupEmpty
			gs.groups[name] = g
		}
		gs.mu.Unlock()
		g.mu.Unlock()
		return groupStoreErrCode(err)
	}
	gs.logger.Debug("group deleted", "group", name, "offsets", len(recs))
	return 0
}
