package log

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"sort"
)

// indexInterval is how many bytes of log pass between index entries: a
// lookup then scans at most this much of batch headers.
const indexInterval = 4096

const (
	offsetEntrySize = 8  // relative offset uint32, file position uint32
	timeEntrySize   = 12 // timestamp int64, relative offset uint32
)

// indexEntry marks a batch boundary in a segment: the batch at pos starts at
// relative offset rel, and every record before it has a timestamp of at
// most maxTSBefore (-1 when there were none). The offset part is stored in
// the .index file and the time part in the .timeindex file, one entry per
// boundary in each, so lookups by offset and by time share the positions.
type indexEntry struct {
	rel         uint32
	pos         uint32
	maxTSBefore int64
}

// index is a segment's sparse offset and time index: the entries in memory
// (guarded by the partition's lock) and their two files, which are only a
// cache of what a scan of the log would rebuild.
type index struct {
	offsets, times *os.File
	entries        []indexEntry
}

func openIndex(logPath string) (*index, error) {
	base := logPath[:len(logPath)-len(".log")]
	offsets, err := os.OpenFile(base+".index", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	times, err := os.OpenFile(base+".timeindex", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		offsets.Close()
		return nil, err
	}
	return &index{offsets: offsets, times: times}, nil
}

// load reads the index files and keeps the longest prefix of entries that
// is consistent: both files agree on relative offsets, and offsets and
// positions increase and stay within the log's size. It reports whether
// the files were wholly consistent.
func (x *index) load(logSize int64) (bool, error) {
	ob, err := io.ReadAll(io.NewSectionReader(x.offsets, 0, math.MaxInt64))
	if err != nil {
		return false, err
	}
	tb, err := io.ReadAll(io.NewSectionReader(x.times, 0, math.MaxInt64))
	if err != nil {
		return false, err
	}
	n := len(ob) / offsetEntrySize
	whole := len(ob)%offsetEntrySize == 0 && len(tb)%timeEntrySize == 0 && len(tb)/timeEntrySize == n
	n = min(n, len(tb)/timeEntrySize)
	x.entries = x.entries[:0]
	be := binary.BigEndian
	for i := range n {
		e := indexEntry{
			rel:         be.Uint32(ob[i*offsetEntrySize:]),
			pos:         be.Uint32(ob[i*offsetEntrySize+4:]),
			maxTSBefore: int64(be.Uint64(tb[i*timeEntrySize:])),
		}
		rel := be.Uint32(tb[i*timeEntrySize+8:])
		ok := rel == e.rel && int64(e.pos) < logSize && e.pos > 0
		if k := len(x.entries); k > 0 {
			prev := x.entries[k-1]
			ok = ok && e.rel > prev.rel && e.pos > prev.pos && e.maxTSBefore >= prev.maxTSBefore
		}
		if !ok {
			return false, nil
		}
		x.entries = append(x.entries, e)
	}
	return whole, nil
}

// add appends an entry to memory and to both files.
func (x *index) add(e indexEntry) error {
	i := int64(len(x.entries))
	x.entries = append(x.entries, e)
	var ob [offsetEntrySize]byte
	var tb [timeEntrySize]byte
	binary.BigEndian.PutUint32(ob[0:], e.rel)
	binary.BigEndian.PutUint32(ob[4:], e.pos)
	binary.BigEndian.PutUint64(tb[0:], uint64(e.maxTSBefore))
	binary.BigEndian.PutUint32(tb[8:], e.rel)
	if _, err := x.offsets.WriteAt(ob[:], i*offsetEntrySize); err != nil {
		return err
	}
	_, err := x.times.WriteAt(tb[:], i*timeEntrySize)
	return err
}

// rewrite replaces both files with the entries in memory, after a rebuild.
func (x *index) rewrite() error {
	ob := make([]byte, 0, len(x.entries)*offsetEntrySize)
	tb := make([]byte, 0, len(x.entries)*timeEntrySize)
	for _, e := range x.entries {
		ob = binary.BigEndian.AppendUint32(ob, e.rel)
		ob = binary.BigEndian.AppendUint32(ob, e.pos)
		tb = binary.BigEndian.AppendUint64(tb, uint64(e.maxTSBefore))
		tb = binary.BigEndian.AppendUint32(tb, e.rel)
	}
	for _, w := range []struct {
		f *os.File
		b []byte
	}{{x.offsets, ob}, {x.times, tb}} {
		if err := w.f.Truncate(0); err != nil {
			return err
		}
		if _, err := w.f.WriteAt(w.b, 0); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the position of the last indexed batch starting at or
// before relative offset rel (0, the segment's start, when none is).
func (x *index) lookup(rel uint32) int64 {
	i := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].rel > rel })
	if i == 0 {
		return 0
	}
	return int64(x.entries[i-1].pos)
}

// lookupTime returns the position of the last indexed batch before which
// every record is older than ts: records at or after ts start there or later.
func (x *index) lookupTime(ts int64) int64 {
	i := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].maxTSBefore >= ts })
	if i == 0 {
		return 0
	}
	return int64(x.entries[i-1].pos)
}

// last returns the last entry, or the implicit one at the segment's start.
func (x *index) last() indexEntry {
	if len(x.entries) == 0 {
		return indexEntry{maxTSBefore: -1}
	}
	return x.entries[len(x.entries)-1]
}

func (x *index) sync() error {
	return errors.Join(x.offsets.Sync(), x.times.Sync())
}

func (x *index) close() error {
	return errors.Join(x.offsets.Close(), x.times.Close())
}
