package log

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// segment is one file of a partition's log, named by the offset of its
// first batch, with its index. Fields change only under the partition's
// lock; the file's bytes below size never change once written (compaction
// writes a new file and swaps the segment).
type segment struct {
	base        int64
	path        string
	f           *os.File
	idx         *index
	size        int64     // bytes of valid batches; the next batch goes here
	next        int64     // offset after the last batch
	maxTime     int64     // largest batch maxTimestamp, -1 when none
	lastIndexed int64     // position of the last index entry (0: the implicit one)
	rollBase    time.Time // when the segment began, for segment.ms
}

func segmentPath(dir string, base int64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d.log", base))
}

// parseSegmentName returns the base offset a segment file's name carries.
func parseSegmentName(name string) (int64, bool) {
	digits, ok := strings.CutSuffix(name, ".log")
	if !ok || len(digits) != 20 {
		return 0, false
	}
	base, err := strconv.ParseInt(digits, 10, 64)
	return base, err == nil && base >= 0
}

// createSegment creates an empty segment (replacing any leftover files of
// that name, which hold nothing the log knows of).
func createSegment(dir string, base int64, now time.Time) (*segment, error) {
	path := segmentPath(dir, base)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	s := &segment{base: base, path: path, f: f, next: base, maxTime: -1, rollBase: now}
	if s.idx, err = openIndex(path); err != nil {
		f.Close()
		return nil, err
	}
	if err := s.idx.rewrite(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// openSegment opens an existing segment; recover must run before use.
func openSegment(path string, base int64) (*segment, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	s := &segment{base: base, path: path, f: f, next: base, maxTime: -1}
	if s.idx, err = openIndex(path); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// recover establishes size, next, maxTime and the index from the file. With
// full set (the log was not shut down cleanly and this segment was being
// written) it validates every batch and rebuilds the index; otherwise it
// trusts a consistent index and validates only the batches after its last
// entry. Either way the file is truncated at the first torn or corrupt
// batch; it returns how many bytes that dropped.
func (s *segment) recover(full bool, now time.Time) (int64, error) {
	fi, err := s.f.Stat()
	if err != nil {
		return 0, err
	}
	fileSize := fi.Size()
	whole, err := s.idx.load(fileSize)
	if err != nil {
		return 0, err
	}
	rebuild := full || !whole
	for {
		start, minOffset := int64(0), s.base
		s.maxTime, s.lastIndexed = -1, 0
		if rebuild {
			s.idx.entries = s.idx.entries[:0]
		} else {
			last := s.idx.last()
			start, minOffset = int64(last.pos), s.base+int64(last.rel)
			s.maxTime, s.lastIndexed = last.maxTSBefore, start
		}
		indexed := len(s.idx.entries)
		s.size, s.next = start, minOffset
		first := true
		consistent := true
		end, _, err := scanBatches(s.f, start, fileSize, minOffset, nil, func(pos int64, h header, _ []byte) bool {
			// The indexed batch must start exactly where the entry says.
			if first && h.BaseOffset != minOffset {
				consistent = false
			}
			first = false
			if e, due := s.track(pos, h); due {
				s.idx.entries = append(s.idx.entries, e)
			}
			return true
		})
		if err != nil {
			return 0, err
		}
		if !rebuild && (!consistent || (first && start > 0)) {
			rebuild = true
			continue
		}
		if rebuild || len(s.idx.entries) != indexed {
			if err := s.idx.rewrite(); err != nil {
				return 0, err
			}
		}
		if end < fileSize {
			if err := s.f.Truncate(end); err != nil {
				return 0, err
			}
		}
		s.rollBase = now
		if s.size > 0 {
			var b [headerSize]byte
			if _, err := s.f.ReadAt(b[:], 0); err == nil {
				if h, _ := parseHeader(b[:]); h.MaxTimestamp >= 0 {
					// Kafka measures segment.ms from the first batch's
					// timestamp, which survives restarts.
					s.rollBase = time.UnixMilli(h.MaxTimestamp)
				}
			}
		}
		return fileSize - end, nil
	}
}

// track records a batch written at pos in the segment's size, next offset
// and latest timestamp, and returns the index entry for it when one is due;
// the caller stores the entry.
func (s *segment) track(pos int64, h header) (indexEntry, bool) {
	var e indexEntry
	due := pos-s.lastIndexed >= indexInterval
	if due {
		e = indexEntry{rel: uint32(h.BaseOffset - s.base), pos: uint32(pos), maxTSBefore: s.maxTime}
		s.lastIndexed = pos
	}
	s.maxTime = max(s.maxTime, h.MaxTimestamp)
	s.next = h.nextOffset()
	s.size = pos + h.size()
	return e, due
}

// append writes a batch at the end, with h.BaseOffset as its base offset,
// and indexes it.
func (s *segment) append(b []byte, h header) error {
	if err := writeBatch(s.f, s.size, h.BaseOffset, b); err != nil {
		// Drop whatever part was written, so the file ends on a batch.
		_ = s.f.Truncate(s.size)
		return err
	}
	if e, due := s.track(s.size, h); due {
		// The index is a cache that recovery rebuilds: a failed write
		// of it loses no records, so it does not fail the append.
		_ = s.idx.add(e)
	}
	return nil
}

// fits reports whether a batch can go in this segment: index entries hold
// positions and relative offsets in 32 bits.
func (s *segment) fits(batchSize int64, lastOffset int64) bool {
	return s.size+batchSize <= 1<<32-1 && lastOffset-s.base <= 1<<32-1
}

func (s *segment) sync() error {
	return errors.Join(s.f.Sync(), s.idx.sync())
}

func (s *segment) close() error {
	return errors.Join(s.f.Close(), s.idx.close())
}

// remove closes the segment and deletes its files, the log first so that a
// crash in between leaves index files recovery ignores, never a log without
// its start.
func (s *segment) remove() error {
	base := strings.TrimSuffix(s.path, ".log")
	err := s.close()
	for _, p := range []string{s.path, base + ".index", base + ".timeindex"} {
		if rerr := os.Remove(p); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return err
}
