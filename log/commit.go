package log

import (
	"context"
	"fmt"
)

// syncRound is one fsync that appenders wait for: done is closed when it
// finished, with err its outcome.
type syncRound struct {
	done chan struct{}
	err  error
}

// wait blocks until the round's fsync is done, or ctx ends; a nil round
// has nothing to wait for.
func (r *syncRound) wait(ctx context.Context) error {
	if r == nil {
		return nil
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// requestSyncLocked asks the syncer for an fsync covering everything
// written so far (through end) and returns the round to wait for. Every
// appender that asks before the syncer takes the round shares it: that is
// the group commit.
func (p *Partition) requestSyncLocked(end int64) *syncRound {
	p.syncWanted = max(p.syncWanted, end)
	if p.round == nil {
		p.round = &syncRound{done: make(chan struct{})}
	}
	select {
	case p.kick <- struct{}{}:
	default: // a kick is already pending
	}
	return p.round
}

// syncer runs the partition's fsyncs until stop, finishing a round still
// pending then.
func (p *Partition) syncer() {
	defer close(p.syncerDone)
	for {
		stopping := false
		select {
		case <-p.kick:
		case <-p.stop:
			stopping = true
		}
		p.commit()
		if stopping {
			return
		}
	}
}

// commit takes the pending round, fsyncs the active segment without
// holding the lock (so appends go on meanwhile, and gather in the next
// round), then publishes what became durable. Earlier segments were
// fsynced when they rolled.
func (p *Partition) commit() {
	p.mu.Lock()
	r := p.round
	p.round = nil
	if r == nil {
		p.mu.Unlock()
		return
	}
	seg := p.active()
	target, pos := p.next, seg.size
	p.rounds++
	p.mu.Unlock()

	err := datasync(seg.f)

	p.mu.Lock()
	if err != nil {
		// After a failed fsync the kernel may have dropped the dirty
		// pages: nothing written since the last good fsync can be
		// trusted, so the partition takes no more appends until reopened.
		err = fmt.Errorf("fsync %s: %w", seg.path, err)
		if p.err == nil {
			p.err = err
		}
		p.logger.Error("partition failed", "dir", p.dir, "err", err)
	} else {
		p.synced = max(p.synced, target)
		if p.syncWanted <= p.synced {
			// No sync append waits beyond this fsync, so the unsynced
			// appends after it may show, as they would have anyway.
			p.publishLocked(p.next, p.active(), p.active().size)
		} else {
			p.publishLocked(target, seg, pos)
		}
	}
	p.mu.Unlock()
	r.err = err
	close(r.done)
}
