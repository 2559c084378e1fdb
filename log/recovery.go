package log

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// openPartition opens (creating if needed) a partition's directory and
// recovers it. After a clean shutdown each segment is checked from its last
// index entry; otherwise the last segment, the one being written, is
// checked batch by batch from its start and its index rebuilt. Either way
// the log is cut at the first torn or corrupt batch, so offsets stay
// contiguous for the appends that follow.
func openPartition(l *Log, t *topic, id int32, clean bool) (*Partition, error) {
	dir := partitionDir(l.dir, t.meta.Name, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &Partition{
		topic:      t,
		id:         id,
		dir:        dir,
		logger:     l.logger.With("topic", t.meta.Name, "partition", id),
		now:        l.now,
		kick:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		syncerDone: make(chan struct{}),
		waitCh:     make(chan struct{}),
	}
	bases, err := tidyDir(dir)
	if err != nil {
		return nil, err
	}
	now := l.now()
	for i, base := range bases {
		s, err := openSegment(segmentPath(dir, base), base)
		if err != nil {
			p.closeSegments()
			return nil, err
		}
		p.segs = append(p.segs, s)
		if i > 0 && base < p.segs[i-1].next {
			p.closeSegments()
			return nil, fmt.Errorf("segment %s starts at %d, inside the previous one, which ends at %d", s.path, base, p.segs[i-1].next)
		}
		last := i == len(bases)-1
		dropped, err := s.recover(!clean && last, now)
		if err != nil {
			p.closeSegments()
			return nil, fmt.Errorf("recover %s: %w", s.path, err)
		}
		if dropped > 0 {
			p.logger.Warn("truncated torn or corrupt tail", "segment", s.path, "bytes", dropped, "next_offset", s.next)
		}
	}
	if len(p.segs) == 0 {
		s, err := createSegment(dir, 0, now)
		if err != nil {
			return nil, err
		}
		p.segs = append(p.segs, s)
		if err := syncDir(dir); err != nil {
			p.closeSegments()
			return nil, err
		}
	}
	active := p.active()
	if !clean {
		// What survived a process crash may sit only in the page cache;
		// it is about to be served as durable.
		if err := active.sync(); err != nil {
			p.closeSegments()
			return nil, err
		}
	}
	p.next, p.synced, p.syncWanted = active.next, active.next, active.next
	p.hwSeg, p.hwPos = active, active.size
	p.hw.Store(p.next)
	p.start.Store(p.segs[0].base)
	if err := p.rebuildProducers(); err != nil {
		p.closeSegments()
		return nil, fmt.Errorf("rebuild producer state: %w", err)
	}
	go p.syncer()
	return p, nil
}

// tidyDir lists the segments in dir by base offset, removing what a crash
// may have left: temporary files and index files without their log.
func tidyDir(dir string) ([]int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var bases []int64
	logs := map[string]bool{}
	for _, e := range entries {
		if base, ok := parseSegmentName(e.Name()); ok {
			bases = append(bases, base)
			logs[strings.TrimSuffix(e.Name(), ".log")] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		stem, ext, _ := strings.Cut(name, ".")
		stale := strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, cleanedSuffix) ||
			(ext == "index" || ext == "timeindex") && !logs[stem]
		if stale {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, err
			}
		}
	}
	slices.Sort(bases)
	return bases, nil
}

// rebuildProducers restores idempotence state: the latest snapshot, then
// every batch after it. Without a snapshot, the last two segments stand in
// for the whole log (a snapshot is written at every roll, so that happens
// only when snapshots were lost).
func (p *Partition) rebuildProducers() error {
	from := p.segs[max(len(p.segs)-2, 0)].base
	p.producers = producers{}
	if snap, ok := loadSnapshot(p.dir, p.next); ok {
		p.producers, from = snap.Producers, snap.Offset
	}
	var buf []byte
	for _, s := range p.segs {
		if s.next <= from {
			continue
		}
		pos := int64(0)
		if from > s.base {
			pos = s.idx.lookup(uint32(from - s.base))
		}
		var err error
		_, buf, err = scanBatches(s.f, pos, s.size, 0, buf, func(_ int64, h header, _ []byte) bool {
			if h.BaseOffset >= from {
				p.producers.record(h)
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *Partition) closeSegments() {
	for _, s := range p.segs {
		s.close()
	}
}
