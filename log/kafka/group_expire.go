package kafka

// Expiry of committed offsets, after Kafka's offsets.retention.minutes
// (KIP-211) and offsets.retention.check.interval.ms.
//
// A group with members, or with member IDs handed out and not yet joined,
// or in a rebalance, keeps every offset. Once it is Empty, an offset
// expires when the retention has passed since the later of the time the
// group became empty and the offset's commit time: for a group that only
// ever committed (a "standalone" consumer such as kgo's ConsumePartitions
// with manual commits, or kcat), that is each offset's own commit time.
// Kafka itself counts only from the time the group became empty, and would
// expire an offset committed to it a moment ago; here a fresh commit lives
// its full retention.
//
// The time a group became empty survives a restart: it is the state time
// of the group's metadata record (group_meta.go), written when the group
// empties, and superseded by the one written when a rebalance ends with
// members. A loaded group whose last record says Empty counts as empty
// since then; any other loaded group (members at its last record, or no
// record: a standalone group, or a log from before such records) counts as
// empty since the load (see load).
//
// A sweep writes one batch of tombstones per group to __consumer_offsets,
// so that compaction reclaims the keys and a restart does not bring them
// back, then drops the offsets from memory. An Empty group left without
// offsets is removed (Kafka moves it to Dead), so ListGroups no longer
// shows it; its metadata record, if it has one, is tombstoned in the same
// batch. The batch goes through the coordinator's groupWriter, after the
// group's metadata records, and the sweep waits for it with the group lock
// released. The sweep holds the group's commitMu across the write, as
// commits and deletions do, so no commit to that group interleaves with it.

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// startExpiry sweeps expired offsets every interval until close; it does
// nothing when offsets never expire.
func (gs *groups) startExpiry(every time.Duration) {
	if gs.retention < 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	gs.stopExpiry = cancel
	gs.expiryDone = make(chan struct{})
	go func() {
		defer close(gs.expiryDone)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				gs.expireOffsets(ctx)
			}
		}
	}()
}

// expireOffsets runs one sweep at gs.now(): it tombstones and forgets the
// expired offsets of every Empty group and removes the Empty groups left
// without offsets. It returns how many offsets expired and how many groups
// were removed.
func (gs *groups) expireOffsets(ctx context.Context) (offsets, removed int) {
	if gs.retention < 0 || gs.closed.Load() {
		return 0, 0
	}
	now := gs.now()
	for _, g := range gs.all() {
		if ctx.Err() != nil {
			break
		}
		n, gone := gs.expireGroup(ctx, g, now)
		offsets += n
		if gone {
			removed++
		}
	}
	if offsets > 0 || removed > 0 {
		gs.logger.Info("committed offsets expired", "offsets", offsets, "groups_removed", removed, "retention", gs.retention)
	}
	return offsets, removed
}

// expireGroup expires g's offsets older than the retention at now, and
// removes g when it is Empty and has none left. A failed append changes
// nothing; the next sweep tries again.
func (gs *groups) expireGroup(ctx context.Context, g *group, now time.Time) (expired int, removed bool) {
	g.commitMu.Lock()
	defer g.commitMu.Unlock()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.idle() {
		return 0, false
	}
	var gone []groupTP
	for tp, c := range g.offsets {
		if g.offsetExpired(c, now, gs.retention) {
			gone = append(gone, tp)
		}
	}
	slices.SortFunc(gone, func(a, b groupTP) int {
		return cmp.Or(cmp.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
	recs := make([]kmsg.Record, 0, len(gone)+1)
	for _, tp := range gone {
		recs = append(recs, groupOffsetRecord(g.name, tp, nil))
	}
	if g.hasMeta && len(gone) == len(g.offsets) {
		// The group goes: its metadata record with it.
		recs = append(recs, groupMetaTombstone(g.name))
	}
	if len(recs) > 0 {
		// Members may join while the tombstones are written; the offsets
		// stay visible until they are durably gone. Commits, offset
		// deletions and DeleteGroups wait on commitMu, so the offsets
		// cannot change meanwhile. The batch is queued under the lock,
		// so a metadata record of a member joining meanwhile follows
		// the tombstone.
		done := gs.writer.send(ctx, recs...)
		g.mu.Unlock()
		err := <-done
		g.mu.Lock()
		if err != nil {
			gs.logger.Warn("writing expired offsets", "group", g.name, "err", err)
			return 0, false
		}
		for _, tp := range gone {
			delete(g.offsets, tp)
		}
		if len(gone) > 0 {
			gs.logger.Debug("group offsets expired", "group", g.name, "offsets", len(gone), "left", len(g.offsets))
		}
	}
	if !g.idle() || len(g.offsets) > 0 {
		return len(gone), false
	}
	g.dead = true
	g.state = groupDead
	g.shutdown()
	gs.remove(g)
	gs.logger.Debug("group expired", "group", g.name)
	return len(gone), true
}

// idle reports whether g's offsets may expire: it is Empty, with no
// members and no member IDs handed out.
func (g *group) idle() bool {
	return !g.dead && g.state == groupEmpty && len(g.members) == 0 && len(g.pending) == 0
}

// offsetExpired reports whether retention has passed at now since the
// later of c's commit and the time g became empty.
func (g *group) offsetExpired(c groupOffset, now time.Time, retention time.Duration) bool {
	since := time.UnixMilli(c.timestamp)
	if g.emptySince.After(since) {
		since = g.emptySince
	}
	return now.Sub(since) >= retention
}
