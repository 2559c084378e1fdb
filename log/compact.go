package log

import (
	"bufio"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"time"
)

// cleanedSuffix names a segment being rewritten by compaction; Open
// removes such leftovers of a crash.
const cleanedSuffix = ".cleaned"

// compact applies cleanup.policy=compact to the closed segments: of every
// key only its latest record stays (null keys always stay), and tombstones
// go once older than delete.retention.ms. Offsets are kept, leaving gaps.
//
// Batches are rewritten with the records they keep, byte for byte, under
// the original header (its lastOffsetDelta still bounds the batch's
// offsets) with a new count, length and CRC. Compressed batches are kept as
// they are: this package decodes no codec. Internal topics write
// uncompressed batches, so they compact fully.
func (p *Partition) compact(now time.Time, s *settings) error {
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return nil
	}
	hw := p.hw.Load()
	var spans []span
	for _, seg := range p.segs[:len(p.segs)-1] {
		if seg == p.hwSeg || seg.next > hw {
			break
		}
		spans = append(spans, span{seg: seg, limit: seg.size})
	}
	dirty := len(spans) > 0 && spans[len(spans)-1].seg.next > p.cleanedTo
	p.mu.RUnlock()
	if !dirty {
		return nil
	}
	latest := map[string]int64{}
	for _, sp := range spans {
		err := eachBatch(sp, func(h header, b []byte) error {
			recs, ok := plainRecords(h, b)
			for _, r := range recs {
				if ok && r.key != nil {
					latest[string(r.key)] = h.BaseOffset + int64(r.offsetDelta)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	horizon := now.Add(-s.deleteRetention).UnixMilli()
	for _, sp := range spans {
		if err := p.cleanSegment(sp, latest, horizon); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.cleanedTo = max(p.cleanedTo, spans[len(spans)-1].seg.next)
	p.mu.Unlock()
	return nil
}

// plainRecords returns the records of an uncompressed data batch; ok is
// false for batches compaction leaves alone.
func plainRecords(h header, b []byte) ([]record, bool) {
	if h.compressed() || h.Attributes&attrControl != 0 {
		return nil, false
	}
	recs, err := parseRecords(b[headerSize:], h.RecordCount)
	return recs, err == nil
}

// eachBatch calls fn with every batch in sp; b is valid until fn returns.
func eachBatch(sp span, fn func(h header, b []byte) error) error {
	var ferr error
	_, _, err := scanBatches(sp.seg.f, sp.pos, sp.limit, 0, nil, func(_ int64, h header, b []byte) bool {
		ferr = fn(h, b)
		return ferr == nil
	})
	return errors.Join(err, ferr)
}

// cleanSegment writes the kept batches of sp to a new file and, when
// anything was dropped, swaps it in: the old index files go first, so a
// crash before the new ones exist leaves a log that Open indexes afresh.
func (p *Partition) cleanSegment(sp span, latest map[string]int64, horizon int64) error {
	old := sp.seg
	tmp := old.path + cleanedSuffix
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op once renamed
	w := bufio.NewWriterSize(f, 1<<20)
	changed := false
	err = eachBatch(sp, func(h header, b []byte) error {
		recs, ok := plainRecords(h, b)
		kept := recs[:0]
		for _, r := range recs {
			ts := h.BaseTimestamp + r.timestampDelta
			if h.Attributes&attrLogAppendTime != 0 {
				ts = h.MaxTimestamp
			}
			if r.key != nil && (latest[string(r.key)] != h.BaseOffset+int64(r.offsetDelta) || r.tombstone && ts < horizon) {
				continue
			}
			kept = append(kept, r)
		}
		switch {
		case !ok || len(kept) == len(recs):
			_, err := w.Write(b)
			return err
		case len(kept) == 0:
			changed = true
			return nil
		default:
			changed = true
			_, err := w.Write(rebuildBatch(b, kept))
			return err
		}
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil && changed {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || !changed {
		return err
	}
	stem := strings.TrimSuffix(old.path, ".log")
	for _, path := range []string{stem + ".index", stem + ".timeindex"} {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, old.path); err != nil {
		return err
	}
	if err := syncDir(p.dir); err != nil {
		return err
	}
	ns, err := openSegment(old.path, old.base)
	if err != nil {
		return err
	}
	if _, err := ns.recover(true, p.now()); err != nil {
		ns.close()
		return err
	}
	// The dropped tail of a segment is a gap, not the log's end.
	ns.next = max(ns.next, old.next)
	ns.rollBase = old.rollBase
	p.mu.Lock()
	i := slices.Index(p.segs, old)
	swapped := i >= 0 && !p.closed
	if swapped {
		p.segs[i] = ns
	}
	p.mu.Unlock()
	if !swapped {
		return ns.close() // the partition closed meanwhile, and old with it
	}
	// Readers still holding the old segment get os.ErrClosed and retry.
	return old.close()
}

// rebuildBatch returns batch b holding only the kept records (which alias
// b), with its count, length and CRC updated.
func rebuildBatch(b []byte, kept []record) []byte {
	n := headerSize
	for _, r := range kept {
		n += len(r.raw)
	}
	out := make([]byte, headerSize, n)
	copy(out, b[:headerSize])
	for _, r := range kept {
		out = append(out, r.raw...)
	}
	binary.BigEndian.PutUint32(out[offLength:], uint32(len(out)-lengthPrefix))
	binary.BigEndian.PutUint32(out[offRecordCount:], uint32(len(kept)))
	setCRC(out)
	return out
}
