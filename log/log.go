// Package log is the record log of Charter's bundled broker: topics of
// partitions, each an append-only sequence of Kafka RecordBatch v2 batches
// kept in segment files with sparse offset and time indexes, made durable by
// group-committed fsyncs, recovered after a crash by CRC, and trimmed by
// retention and compaction.
//
// It stores batches as producers sent them (only the base offset is
// rewritten, which the CRC does not cover) and serves them back as bytes.
// It knows the RecordBatch layout and nothing of the Kafka wire protocol,
// of schemas or of the registry.
//
// On disk, dir holds topics.json (every topic's name, ID, partition count
// and configs), producer_ids (the producer ID counter) and one directory
// per partition, <topic>-<partition>, of segments: <base offset>.log with
// its .index and .timeindex, and <offset>.snapshot files of idempotent
// producers' state.
package log

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options tune a Log. Zero values take the defaults named.
type Options struct {
	SegmentBytes   int64         // roll a segment past this size; default 128 MiB
	SegmentAge     time.Duration // roll a segment older than this; default 7 days
	RetentionTime  time.Duration // delete segments older than this; default 7 days; <0 keeps forever
	RetentionBytes int64         // per partition; default and <0: unlimited
	Logger         *slog.Logger  // default: discard
}

// cleanShutdownFile marks a log closed cleanly: its absence at Open means
// the last segments may hold torn batches and must be checked in full.
const cleanShutdownFile = ".clean-shutdown"

// cleanupInterval is how often retention and compaction run.
const cleanupInterval = 30 * time.Second

// Log is the set of topics stored under one directory. It is safe for
// concurrent use.
type Log struct {
	dir    string
	opts   Options
	logger *slog.Logger
	now    func() time.Time // a field so tests can move time
	pids   *producerIDs

	mu     sync.RWMutex
	topics map[string]*topic
	closed bool

	stop chan struct{}
	bg   sync.WaitGroup
}

// Open opens (creating if needed) the log in dir, recovering every partition:
// a torn or corrupt tail is found by CRC and truncated, indexes are rebuilt
// as needed, and producer state (for idempotence) is rebuilt from the last
// batches.
func Open(dir string, opts Options) (*Log, error) {
	opts = opts.withDefaults()
	l := &Log{dir: dir, opts: opts, logger: opts.Logger, now: time.Now, topics: map[string]*topic{}, stop: make(chan struct{})}
	if l.logger == nil {
		l.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// The marker goes before anything is written, so a crash from here on
	// makes the next Open recover in full.
	marker := filepath.Join(dir, cleanShutdownFile)
	clean := true
	if err := os.Remove(marker); errors.Is(err, os.ErrNotExist) {
		clean = false
	} else if err != nil {
		return nil, err
	} else if err := syncDir(dir); err != nil {
		return nil, err
	}
	var err error
	if l.pids, err = openProducerIDs(filepath.Join(dir, "producer_ids")); err != nil {
		return nil, err
	}
	topics, err := loadTopics(dir)
	if err != nil {
		return nil, err
	}
	for _, meta := range topics {
		t := &topic{meta: meta}
		s, err := newSettings(opts, meta.Configs)
		if err != nil {
			l.logger.Warn("ignoring topic configs", "topic", meta.Name, "err", err)
			s, _ = newSettings(opts, nil)
		}
		t.settings.Store(s)
		l.topics[meta.Name] = t
		for i := range meta.Partitions {
			p, err := openPartition(l, t, i, clean)
			if err != nil {
				l.closePartitions()
				return nil, fmt.Errorf("open partition %s-%d: %w", meta.Name, i, err)
			}
			t.parts = append(t.parts, p)
		}
	}
	l.bg.Go(l.cleaner)
	return l, nil
}

// Close syncs and closes every partition; appends after Close fail with ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	l.bg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.closePartitions(); err != nil {
		return err
	}
	// Only a log whose every partition closed cleanly earns the marker.
	return writeFileAtomic(filepath.Join(l.dir, cleanShutdownFile), nil)
}

func (l *Log) closePartitions() error {
	var errs []error
	for _, t := range l.topics {
		for _, p := range t.parts {
			errs = append(errs, p.close(ErrClosed))
		}
	}
	return errors.Join(errs...)
}

// Partition returns a topic's partition.
func (l *Log) Partition(topic string, partition int32) (*Partition, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	t, ok := l.topics[topic]
	if !ok || partition < 0 || int(partition) >= len(t.parts) {
		return nil, fmt.Errorf("%w: %s-%d", ErrUnknownTopic, topic, partition)
	}
	return t.parts[partition], nil
}

// NewProducerID allocates a producer ID, never handed out before (durable
// across restarts), with epoch 0.
func (l *Log) NewProducerID() (int64, int16, error) {
	l.mu.RLock()
	closed := l.closed
	l.mu.RUnlock()
	if closed {
		return 0, 0, ErrClosed
	}
	id, err := l.pids.allocate()
	return id, 0, err
}
