package kafka

// PLACEHOLDER owned by the group-coordinator work: replaced by group*.go.

import (
	"context"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// node is this broker as clients reach it.
type node struct {
	ID   int32
	Host string
	Port int32
}

// groups is the coordinator of every consumer group (classic protocol):
// membership, rebalances, session timeouts, and committed offsets, which
// it keeps durable in the compacted internal topic __consumer_offsets.
type groups struct{}

// newGroups loads committed offsets from l and starts the coordinator.
func newGroups(l *log.Log, self node, logger *slog.Logger) (*groups, error) { return &groups{}, nil }

// handle answers the group APIs: FindCoordinator, JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups,
// DescribeGroups, DeleteGroups. ok is false for any other request. It may
// block (JoinGroup and SyncGroup wait for the rebalance) until ctx ends.
func (g *groups) handle(ctx context.Context, req kmsg.Request) (resp kmsg.Response, ok bool) {
	return nil, false
}

// close stops the coordinator's timers.
func (g *groups) close() {}
