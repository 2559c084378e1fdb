package kafka

// Group metadata records: what a restart needs to know of a group's state,
// after Kafka's GroupMetadataManager. A group's metadata is one key in
// __consumer_offsets, beside its offsets: GroupMetadataKey v2 (the group
// name) with a GroupMetadataValue v3 (protocol type, generation, protocol,
// leader, the time of the state, members). One is written when a rebalance
// ends with members (the generation's members and their subscriptions,
// without assignments, which are not known yet) and
// one when the group becomes Empty (no members; the timestamp is when it
// emptied). Deleting a group, or expiring it, writes a tombstone. load
// restores only the time an Empty group became empty (see load).
//
// The records are written by groupWriter, one goroutine per coordinator,
// in the order they were queued. State changes queue them under the group
// lock, from request handlers and timers alike, without waiting: a rebalance
// or a heartbeat never waits for an fsync. Deletion and expiry queue their
// tombstones (with the offsets' tombstones) the same way and then wait for
// the write, with the group lock released, so a group's records reach the
// log in the order of its state changes. A queued record whose write fails
// is logged and dropped: a restart then sees the group's previous record.

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// errGroupsClosed is the result of a write queued after the coordinator
// closed.
var errGroupsClosed = errors.New("group coordinator closed")

// groupMetaRecord is g's metadata record at now (under g.mu): its members,
// or, when Empty, none and the time it became empty.
func groupMetaRecord(g *group, now time.Time) kmsg.Record {
	k := kmsg.NewGroupMetadataKey()
	k.Version = 2
	k.Group = g.name
	v := kmsg.NewGroupMetadataValue()
	v.Version = 3
	v.ProtocolType = g.protocolType
	v.Generation = g.generation
	v.CurrentStateTimestamp = now.UnixMilli()
	if g.state == groupEmpty {
		v.CurrentStateTimestamp = g.emptySince.UnixMilli()
	} else {
		v.Protocol = kmsg.StringPtr(g.protocol)
		v.Leader = kmsg.StringPtr(g.leader)
		for _, m := range g.ordered() {
			vm := kmsg.NewGroupMetadataValueMember()
			vm.MemberID = m.id
			vm.InstanceID = m.instanceID
			vm.ClientID = m.clientID
			vm.ClientHost = m.clientHost
			vm.RebalanceTimeoutMillis = int32(m.rebalanceTimeout.Milliseconds())
			vm.SessionTimeoutMillis = int32(m.sessionTimeout.Milliseconds())
			for _, p := range m.protocols {
				if p.Name == g.protocol {
					vm.Subscription = p.Metadata
					break
				}
			}
			v.Members = append(v.Members, vm)
		}
	}
	return kmsg.Record{Key: k.AppendTo(nil), Value: v.AppendTo(nil)}
}

// groupMetaTombstone deletes group's metadata record.
func groupMetaTombstone(group string) kmsg.Record {
	k := kmsg.NewGroupMetadataKey()
	k.Version = 2
	k.Group = group
	return kmsg.Record{Key: k.AppendTo(nil)}
}

// storeMeta queues g's metadata record (under g.mu).
func (g *group) storeMeta() {
	g.hasMeta = true
	g.gs.writer.post(groupMetaRecord(g, g.gs.now()))
}

// groupWrite is one batch queued to a groupWriter.
type groupWrite struct {
	ctx  context.Context
	recs []kmsg.Record
	done chan error // nil: nobody waits
}

// groupWriter appends batches to a groupStore from one goroutine, in the
// order they were queued.
type groupWriter struct {
	store  groupStore
	now    func() time.Time
	logger *slog.Logger

	mu      sync.Mutex
	queue   []groupWrite
	stopped bool
	wake    chan struct{} // buffered 1
	done    chan struct{} // closed when run returns
}

func newGroupWriter(store groupStore, now func() time.Time, logger *slog.Logger) *groupWriter {
	w := &groupWriter{
		store:  store,
		now:    now,
		logger: logger,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	go w.run()
	return w
}

// post queues recs without waiting; a failed write is logged.
func (w *groupWriter) post(recs ...kmsg.Record) {
	w.enqueue(groupWrite{ctx: context.Background(), recs: recs})
}

// send queues recs and returns a channel that receives the result of
// their write, made with ctx. Wait on it without holding a group lock.
func (w *groupWriter) send(ctx context.Context, recs ...kmsg.Record) <-chan error {
	done := make(chan error, 1)
	w.enqueue(groupWrite{ctx: ctx, recs: recs, done: done})
	return done
}

func (w *groupWriter) enqueue(q groupWrite) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		w.finish(q, errGroupsClosed)
		return
	}
	w.queue = append(w.queue, q)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *groupWriter) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		queue, stopped := w.queue, w.stopped
		w.queue = nil
		w.mu.Unlock()
		if len(queue) == 0 {
			if stopped {
				return
			}
			<-w.wake
			continue
		}
		for _, q := range queue {
			w.finish(q, w.store.append(q.ctx, groupBuildBatch(q.recs, w.now())))
		}
	}
}

func (w *groupWriter) finish(q groupWrite, err error) {
	if q.done != nil {
		q.done <- err
		return
	}
	if err != nil {
		w.logger.Warn("writing group metadata", "records", len(q.recs), "err", err)
	}
}

// close writes what is queued, then stops the writer; later writes fail
// with errGroupsClosed.
func (w *groupWriter) close() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.done
}
