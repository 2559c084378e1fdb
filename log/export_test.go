package log

import "time"

// Hooks for the black-box tests in package log_test.

// Cleanup runs one round of retention and compaction as of now.
func (l *Log) Cleanup(now time.Time) { l.cleanup(now) }

// SetClock replaces the clock of partitions opened from now on.
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// SyncRounds is how many fsync rounds the partition has run.
func (p *Partition) SyncRounds() int64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.rounds
}

// Dir is the partition's directory.
func (p *Partition) Dir() string { return p.dir }
