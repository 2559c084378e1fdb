package log

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// AppendResult is what an append did.
type AppendResult struct {
	BaseOffset     int64 // the offset of the batch's first record
	LogStartOffset int64
	Duplicate      bool // an idempotent producer's retry: nothing was appended, BaseOffset is the original one
}

// Partition is one partition's log.
//
// Appends hold mu while they write (to the page cache); fsyncs run in the
// partition's syncer goroutine without it, so appenders that arrive during
// one fsync share the next (group commit). Reads hold mu (shared) only to
// find where to read, then read the files with ReadAt.
type Partition struct {
	topic  *topic
	id     int32
	dir    string
	logger *slog.Logger
	now    func() time.Time

	mu        sync.RWMutex
	segs      []*segment // by base offset; the last is the active one
	next      int64      // the offset the next record gets (log end offset)
	producers producers
	closed    bool
	err       error // once set (closed, deleted, failed fsync), appends return it
	cleanedTo int64 // compaction has seen every closed segment below this

	// Group commit, under mu.
	round      *syncRound // the fsync pending appenders wait for; nil when none
	syncWanted int64      // the end of the latest sync append
	synced     int64      // every offset below is fsynced
	rounds     int64      // fsync rounds run, for tests of group commit
	kick       chan struct{}
	stop       chan struct{}
	syncerDone chan struct{}

	// What readers may see: written under mu, hw also read without it.
	hw    atomic.Int64
	hwSeg *segment // the segment holding the high watermark…
	hwPos int64    // …and the position in it where visible bytes end
	start atomic.Int64

	wmu    sync.Mutex
	waitCh chan struct{} // closed and replaced when hw moves
}

// Append appends one RecordBatch v2 (magic 2; its CRC-32C is verified,
// ErrCorruptBatch otherwise) at the end of the partition, assigning its
// base offset. For an idempotent producer (producer ID ≥ 0) it checks the
// batch's epoch and sequence against the producer's last five batches: a
// retry of one of them returns its original offset with Duplicate set and
// appends nothing; a gap or a stale epoch returns ErrOutOfOrderSequence or
// ErrInvalidProducerEpoch. With sync set it returns only after the batch is
// fsynced; concurrent appends share fsyncs (group commit).
//
// The batch must hold at least one record and lastOffsetDelta must be
// recordCount−1, as Kafka requires of produced batches. The caller's bytes
// are not modified. Should ctx end while a sync append waits for its fsync,
// Append returns ctx's error, but the batch stays written and becomes
// visible with that fsync.
func (p *Partition) Append(ctx context.Context, batch []byte, sync bool) (AppendResult, error) {
	res, round, err := p.write(ctx, batch, sync)
	if err != nil {
		return AppendResult{}, err
	}
	return res, round.wait(ctx)
}

// AppendDeferred is Append with sync split in two: it writes the batch and
// returns at once, with a function that waits for the batch's fsync (the
// high watermark passes the batch only then). A caller that must keep its
// appends in order — one connection's produce requests — writes them one
// after the other and waits for them meanwhile, so that their fsyncs group
// instead of queueing one behind the other.
func (p *Partition) AppendDeferred(ctx context.Context, batch []byte) (AppendResult, func(context.Context) error, error) {
	res, round, err := p.write(ctx, batch, true)
	if err != nil {
		return AppendResult{}, nil, err
	}
	return res, round.wait, nil
}

// write checks and appends a batch, returning the fsync round a sync
// append must wait for (nil when none).
func (p *Partition) write(ctx context.Context, batch []byte, sync bool) (AppendResult, *syncRound, error) {
	if err := ctx.Err(); err != nil {
		return AppendResult{}, nil, err
	}
	h, err := checkBatch(batch)
	if err != nil {
		return AppendResult{}, nil, err
	}
	if h.RecordCount < 1 || h.LastOffsetDelta != h.RecordCount-1 {
		return AppendResult{}, nil, fmt.Errorf("%w: %d records with lastOffsetDelta %d", ErrCorruptBatch, h.RecordCount, h.LastOffsetDelta)
	}
	p.mu.Lock()
	res, round, err := p.appendLocked(batch, h, sync)
	p.mu.Unlock()
	return res, round, err
}

// appendLocked does Append's work under p.mu; a sync append returns the
// fsync round to wait for.
func (p *Partition) appendLocked(batch []byte, h header, sync bool) (AppendResult, *syncRound, error) {
	if p.err != nil {
		return AppendResult{}, nil, p.err
	}
	orig, err := p.producers.check(h)
	if err != nil {
		return AppendResult{}, nil, err
	}
	if orig != nil {
		res := AppendResult{BaseOffset: orig.Base, LogStartOffset: p.start.Load(), Duplicate: true}
		// The original may still await its fsync; its retry must too.
		if sync && orig.Next > p.synced {
			return res, p.requestSyncLocked(orig.Next), nil
		}
		return res, nil, nil
	}
	if err := p.maybeRollLocked(h); err != nil {
		return AppendResult{}, nil, fmt.Errorf("roll segment: %w", err)
	}
	h.BaseOffset = p.next
	seg := p.active()
	pos := seg.size
	err = seg.append(batch, h)
	if err == nil && sync {
		startWriteback(seg.f, pos, int64(len(batch)))
	}
	if err != nil {
		return AppendResult{}, nil, fmt.Errorf("append to %s: %w", seg.path, err)
	}
	p.next = h.nextOffset()
	p.producers.record(h)
	res := AppendResult{BaseOffset: h.BaseOffset, LogStartOffset: p.start.Load()}
	if sync {
		return res, p.requestSyncLocked(p.next), nil
	}
	// Unsynced writes become visible at once, unless a sync append below
	// them still waits: the high watermark never passes unsynced sync data.
	if p.syncWanted <= p.synced {
		p.publishLocked(p.next, seg, seg.size)
	}
	return res, nil, nil
}

func (p *Partition) active() *segment { return p.segs[len(p.segs)-1] }

// maybeRollLocked starts a new segment when the active one is full, old,
// or cannot index the batch.
func (p *Partition) maybeRollLocked(h header) error {
	s, seg, now := p.topic.settings.Load(), p.active(), p.now()
	if seg.size == 0 {
		return nil
	}
	if seg.size+h.size() <= s.segmentBytes && now.Sub(seg.rollBase) <= s.segmentAge && seg.fits(h.size(), p.next+int64(h.LastOffsetDelta)) {
		return nil
	}
	return p.rollLocked(now)
}

// rollLocked closes the active segment durably (it is never written again,
// so this is its last fsync), snapshots producer state at its end so Open
// need not replay it, and starts a new segment.
func (p *Partition) rollLocked(now time.Time) error {
	if err := p.active().sync(); err != nil {
		return err
	}
	if err := writeSnapshot(p.dir, p.next, p.producers); err != nil {
		// Open then replays more of the log; nothing is lost.
		p.logger.Warn("write producer snapshot", "dir", p.dir, "err", err)
	}
	seg, err := createSegment(p.dir, p.next, now)
	if err != nil {
		return err
	}
	if err := syncDir(p.dir); err != nil {
		seg.remove()
		return err
	}
	p.segs = append(p.segs, seg)
	return nil
}

// publishLocked moves the high watermark to hw, which ends at pos in seg,
// and wakes waiters.
func (p *Partition) publishLocked(hw int64, seg *segment, pos int64) {
	if hw <= p.hw.Load() {
		return
	}
	p.hwSeg, p.hwPos = seg, pos
	p.hw.Store(hw)
	p.wake()
}

func (p *Partition) wake() {
	p.wmu.Lock()
	close(p.waitCh)
	p.waitCh = make(chan struct{})
	p.wmu.Unlock()
}

// HighWatermark is the offset the next record will get. Only durable
// records (or, for appends without sync, written ones) are below it.
//
// Precisely: a sync append moves it only after its fsync; an append without
// sync moves it at once, unless a sync append below it still awaits its
// fsync, in which case both show when that fsync is done. With only
// appends without sync it equals the log end offset.
func (p *Partition) HighWatermark() int64 { return p.hw.Load() }

// LogStartOffset is the first offset still stored.
func (p *Partition) LogStartOffset() int64 { return p.start.Load() }

// Wait returns a channel closed when the high watermark next moves, for
// fetches that long-poll. Take the channel before reading the high
// watermark, or a move in between goes unnoticed. It is also closed when
// the partition closes.
func (p *Partition) Wait() <-chan struct{} {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	return p.waitCh
}

// close stops the partition: appends from now on fail with reason, pending
// fsyncs complete, producer state is snapshotted and files closed.
func (p *Partition) close(reason error) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.err == nil || errors.Is(reason, ErrUnknownTopic) {
		p.err = reason
	}
	p.mu.Unlock()
	close(p.stop)
	<-p.syncerDone

	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	if p.err == reason { // no failed fsync: the state on disk is what we think
		errs = append(errs, p.active().sync())
		if reason == ErrClosed {
			errs = append(errs, writeSnapshot(p.dir, p.next, p.producers))
		}
	} else if !errors.Is(reason, ErrUnknownTopic) {
		errs = append(errs, p.err) // so Close reports it, and Open recovers in full
	}
	for _, s := range p.segs {
		errs = append(errs, s.close())
	}
	p.wake()
	return errors.Join(errs...)
}
