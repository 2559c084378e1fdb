package log

import (
	"errors"
	"slices"
	"time"
)

// cleaner runs retention and compaction every cleanupInterval until Close.
func (l *Log) cleaner() {
	t := time.NewTicker(cleanupInterval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.cleanup(l.now())
		}
	}
}

// cleanup applies each topic's cleanup policy to its partitions once, as
// of now. Errors are logged: the next round tries again.
func (l *Log) cleanup(now time.Time) {
	type job struct {
		p *Partition
		s *settings
	}
	var jobs []job
	l.mu.RLock()
	for _, t := range l.topics {
		s := t.settings.Load()
		for _, p := range t.parts {
			jobs = append(jobs, job{p, s})
		}
	}
	l.mu.RUnlock()
	for _, j := range jobs {
		if j.s.delete {
			if err := j.p.retain(now, j.s); err != nil {
				j.p.logger.Warn("retention", "err", err)
			}
		}
		if j.s.compact {
			if err := j.p.compact(now, j.s); err != nil {
				j.p.logger.Warn("compaction", "err", err)
			}
		}
	}
}

// retain deletes the oldest segments that retention.ms or retention.bytes
// let go, and moves the log start offset past them. Like Kafka it deletes
// whole segments only, never the active one, and stops at the first
// segment it must keep, so the log stays a contiguous suffix.
func (p *Partition) retain(now time.Time, s *settings) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	total := int64(0)
	for _, seg := range p.segs {
		total += seg.size
	}
	hw := p.hw.Load()
	n := 0
	for ; n < len(p.segs)-1; n++ {
		seg := p.segs[n]
		if seg == p.hwSeg || seg.next > hw {
			break // not all of it is visible yet
		}
		bySize := s.retentionBytes >= 0 && total-seg.size >= s.retentionBytes
		if !bySize && !(s.retentionTime >= 0 && now.Sub(seg.lastTime()) > s.retentionTime) {
			break
		}
		total -= seg.size
	}
	if n == 0 {
		p.mu.Unlock()
		return nil
	}
	victims := p.segs[:n]
	p.segs = slices.Clone(p.segs[n:])
	start := p.segs[0].base
	p.start.Store(start)
	p.mu.Unlock()

	var errs []error
	for _, seg := range victims {
		p.logger.Info("retention deleted segment", "segment", seg.path, "log_start_offset", start)
		errs = append(errs, seg.remove())
	}
	errs = append(errs, syncDir(p.dir))
	return errors.Join(errs...)
}

// lastTime is the age retention.ms measures: the newest record's
// timestamp, or the file's modification time when the records carry none.
func (s *segment) lastTime() time.Time {
	if s.maxTime >= 0 {
		return time.UnixMilli(s.maxTime)
	}
	if fi, err := s.f.Stat(); err == nil {
		return fi.ModTime()
	}
	return time.Now()
}
