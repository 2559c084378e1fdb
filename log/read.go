package log

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
)

// span is a stretch of a segment a read may look at: from pos to limit.
type span struct {
	seg        *segment
	pos, limit int64
}

// readAttempts bounds retries of a read whose segment was closed under it
// (deleted by retention or replaced by compaction); the retry sees the new
// segment list.
const readAttempts = 4

// Read returns stored batches, as stored, starting with the batch that
// holds offset: whole batches up to maxBytes, but at least one batch if
// there is one. At the high watermark it returns nothing; before the log
// start offset or past the high watermark it returns ErrOffsetOutOfRange.
//
// After compaction the batch holding offset may be gone; Read then starts
// with the next batch still stored.
func (p *Partition) Read(offset int64, maxBytes int32) ([]byte, error) {
	return p.ReadInto(offset, maxBytes, nil)
}

// ReadInto is Read into buf when buf is large enough (else into a new
// buffer), so that a server can reuse its fetch buffers. The result aliases
// buf when it fits.
func (p *Partition) ReadInto(offset int64, maxBytes int32, buf []byte) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		b, err := p.read(offset, maxBytes, buf)
		if errors.Is(err, os.ErrClosed) && attempt < readAttempts {
			continue
		}
		return b, err
	}
}

// spans returns where to look for offset: the indexed position at or
// before it in its segment, then the following segments, ending at the
// high watermark's position.
func (p *Partition) spans(offset int64, byTime bool, ts int64) ([]span, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return nil, p.err
	}
	hw := p.hw.Load()
	if byTime {
		offset = p.start.Load()
	} else {
		if offset == hw {
			return nil, nil
		}
		if offset < p.start.Load() || offset > hw {
			return nil, fmt.Errorf("%w: %d is outside [%d, %d]", ErrOffsetOutOfRange, offset, p.start.Load(), hw)
		}
	}
	i := max(sort.Search(len(p.segs), func(i int) bool { return p.segs[i].base > offset })-1, 0)
	var out []span
	for _, s := range p.segs[i:] {
		sp := span{seg: s, limit: s.size}
		switch {
		case byTime && s.maxTime < ts:
			// Nothing in s is recent enough.
		case byTime:
			sp.pos = s.idx.lookupTime(ts)
		case s.base <= offset:
			sp.pos = s.idx.lookup(uint32(offset - s.base))
		}
		if s == p.hwSeg {
			sp.limit = p.hwPos
		}
		if !byTime || s.maxTime >= ts {
			out = append(out, sp)
		}
		if s == p.hwSeg {
			break
		}
	}
	return out, nil
}

func (p *Partition) read(offset int64, maxBytes int32, buf []byte) ([]byte, error) {
	spans, err := p.spans(offset, false, 0)
	if err != nil {
		return nil, err
	}
	for _, sp := range spans {
		start, err := findBatch(sp, offset)
		if err != nil {
			return nil, err
		}
		if start < 0 {
			continue // offset is in a gap compaction left at the segment's end
		}
		return readBatches(sp.seg, start, sp.limit, int64(maxBytes), buf)
	}
	return nil, nil
}

// findBatch returns the position of the first batch in sp whose last
// offset is at least offset, or -1 when there is none.
func findBatch(sp span, offset int64) (int64, error) {
	var b [offLastOffsetDelta + 4]byte
	for pos := sp.pos; pos < sp.limit; {
		if _, err := sp.seg.f.ReadAt(b[:], pos); err != nil {
			return 0, fmt.Errorf("read %s at %d: %w", sp.seg.path, pos, err)
		}
		base := int64(binary.BigEndian.Uint64(b[offBaseOffset:]))
		size := lengthPrefix + int64(int32(binary.BigEndian.Uint32(b[offLength:])))
		if size < headerSize || pos+size > sp.limit {
			return 0, fmt.Errorf("%w: %s at %d: batch of %d bytes", ErrCorruptBatch, sp.seg.path, pos, size)
		}
		if base+int64(int32(binary.BigEndian.Uint32(b[offLastOffsetDelta:]))) >= offset {
			return pos, nil
		}
		pos += size
	}
	return -1, nil
}

// readBatches reads the whole batches from start up to limit that fit in
// maxBytes, and at least the first: one ReadAt, then trimmed to a batch
// boundary.
func readBatches(seg *segment, start, limit, maxBytes int64, buf []byte) ([]byte, error) {
	n := min(limit-start, max(maxBytes, headerSize))
	if int64(cap(buf)) >= n {
		buf = buf[:n]
	} else {
		buf = make([]byte, n)
	}
	if _, err := seg.f.ReadAt(buf, start); err != nil {
		return nil, fmt.Errorf("read %s at %d: %w", seg.path, start, err)
	}
	first := lengthPrefix + int64(int32(binary.BigEndian.Uint32(buf[offLength:])))
	if first > n {
		// The first batch alone is larger than maxBytes: it goes whole.
		if start+first > limit {
			return nil, fmt.Errorf("%w: %s at %d: batch of %d bytes", ErrCorruptBatch, seg.path, start, first)
		}
		buf = make([]byte, first)
		if _, err := seg.f.ReadAt(buf, start); err != nil {
			return nil, fmt.Errorf("read %s at %d: %w", seg.path, start, err)
		}
		return buf, nil
	}
	end := int64(0)
	for end+lengthPrefix <= n {
		size := lengthPrefix + int64(int32(binary.BigEndian.Uint32(buf[end+offLength:])))
		if size < headerSize || end+size > n {
			break
		}
		end += size
	}
	return buf[:end], nil
}

// OffsetForTime returns the first offset whose record timestamp is at
// least ts (milliseconds), with that timestamp; ok is false when none is.
//
// Records inside compressed batches are not decompressed: for those the
// batch's first offset and its max timestamp stand in.
func (p *Partition) OffsetForTime(ts int64) (offset, timestamp int64, ok bool) {
	for attempt := 1; attempt <= readAttempts; attempt++ {
		offset, timestamp, ok, err := p.offsetForTime(ts)
		if err == nil || !errors.Is(err, os.ErrClosed) {
			return offset, timestamp, ok
		}
	}
	return 0, 0, false
}

func (p *Partition) offsetForTime(ts int64) (int64, int64, bool, error) {
	spans, err := p.spans(0, true, ts)
	if err != nil {
		return 0, 0, false, err
	}
	var buf []byte
	for _, sp := range spans {
		var found bool
		var off, at int64
		_, buf, err = scanBatches(sp.seg.f, sp.pos, sp.limit, 0, buf, func(_ int64, h header, b []byte) bool {
			if h.MaxTimestamp < ts {
				return true
			}
			off, at, found = h.BaseOffset, h.MaxTimestamp, true
			if h.compressed() || h.Attributes&attrLogAppendTime != 0 {
				return false
			}
			recs, err := parseRecords(b[headerSize:], h.RecordCount)
			if err != nil {
				return false
			}
			for _, r := range recs {
				if t := h.BaseTimestamp + r.timestampDelta; t >= ts {
					off, at = h.BaseOffset+int64(r.offsetDelta), t
					return false
				}
			}
			return false
		})
		if err != nil {
			return 0, 0, false, err
		}
		if found {
			return off, at, true, nil
		}
	}
	return 0, 0, false, nil
}
