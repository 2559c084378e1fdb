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
package log

// THIS FILE IS THE AGREED API. Its bodies are placeholders until the log
// package is implemented; the signatures and documented behaviour are what
// log/kafka is written against.

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Errors the log returns; callers compare with errors.Is.
var (
	ErrTopicExists          = errors.New("topic already exists")
	ErrUnknownTopic         = errors.New("unknown topic or partition")
	ErrInvalidTopic         = errors.New("invalid topic name")
	ErrInvalidPartitions    = errors.New("invalid number of partitions")
	ErrOffsetOutOfRange     = errors.New("offset out of range")
	ErrCorruptBatch         = errors.New("corrupt record batch")
	ErrOutOfOrderSequence   = errors.New("out of order sequence number")
	ErrInvalidProducerEpoch = errors.New("invalid producer epoch")
	ErrClosed               = errors.New("log closed")
)

// Options tune a Log. Zero values take the defaults named.
type Options struct {
	SegmentBytes   int64         // roll a segment past this size; default 128 MiB
	SegmentAge     time.Duration // roll a segment older than this; default 7 days
	RetentionTime  time.Duration // delete segments older than this; default 7 days; <0 keeps forever
	RetentionBytes int64         // per partition; default and <0: unlimited
	Logger         *slog.Logger  // default: discard
}

// Topic describes a topic.
type Topic struct {
	Name       string
	ID         [16]byte          // a random UUID, fixed at creation
	Partitions int32
	Configs    map[string]string // the configs set on the topic (not defaults)
}

// AppendResult is what an append did.
type AppendResult struct {
	BaseOffset     int64 // the offset of the batch's first record
	LogStartOffset int64
	Duplicate      bool // an idempotent producer's retry: nothing was appended, BaseOffset is the original one
}

// Log is the set of topics stored under one directory. It is safe for
// concurrent use.
type Log struct{}

// Open opens (creating if needed) the log in dir, recovering every partition:
// a torn or corrupt tail is found by CRC and truncated, indexes are rebuilt
// as needed, and producer state (for idempotence) is rebuilt from the last
// batches.
func Open(dir string, opts Options) (*Log, error) { return nil, errors.New("log: not implemented") }

// Close syncs and closes every partition; appends after Close fail with ErrClosed.
func (l *Log) Close() error { return nil }

// CreateTopic creates a topic with partitions partitions (≥1) and configs.
// Names follow Kafka's rules (1–249 of [a-zA-Z0-9._-], not "." or "..").
func (l *Log) CreateTopic(name string, partitions int32, configs map[string]string) (Topic, error) {
	return Topic{}, errors.New("log: not implemented")
}

// DeleteTopic deletes a topic and its files.
func (l *Log) DeleteTopic(name string) error { return errors.New("log: not implemented") }

// Topic returns a topic by name.
func (l *Log) Topic(name string) (Topic, bool) { return Topic{}, false }

// Topics returns every topic, sorted by name.
func (l *Log) Topics() []Topic { return nil }

// AddPartitions grows a topic to total partitions (ErrInvalidPartitions
// unless total is larger than now).
func (l *Log) AddPartitions(name string, total int32) error { return errors.New("log: not implemented") }

// AlterConfigs sets (non-nil value) and removes (nil value) topic configs,
// leaving the others; the change is durable before it returns. Retention
// and cleanup configs (retention.ms, retention.bytes, segment.bytes,
// segment.ms, cleanup.policy) take effect; others are stored for callers.
func (l *Log) AlterConfigs(name string, set map[string]*string) error {
	return errors.New("log: not implemented")
}

// Partition returns a topic's partition.
func (l *Log) Partition(topic string, partition int32) (*Partition, error) {
	return nil, ErrUnknownTopic
}

// NewProducerID allocates a producer ID, never handed out before (durable
// across restarts), with epoch 0.
func (l *Log) NewProducerID() (int64, int16, error) { return 0, 0, errors.New("log: not implemented") }

// Partition is one partition's log.
type Partition struct{}

// Append appends one RecordBatch v2 (magic 2; its CRC-32C is verified,
// ErrCorruptBatch otherwise) at the end of the partition, assigning its
// base offset. For an idempotent producer (producer ID ≥ 0) it checks the
// batch's epoch and sequence against the producer's last five batches: a
// retry of one of them returns its original offset with Duplicate set and
// appends nothing; a gap or a stale epoch returns ErrOutOfOrderSequence or
// ErrInvalidProducerEpoch. With sync set it returns only after the batch is
// fsynced; concurrent appends share fsyncs (group commit).
func (p *Partition) Append(ctx context.Context, batch []byte, sync bool) (AppendResult, error) {
	return AppendResult{}, errors.New("log: not implemented")
}

// Read returns stored batches, as stored, starting with the batch that
// holds offset: whole batches up to maxBytes, but at least one batch if
// there is one. At the high watermark it returns nothing; before the log
// start offset or past the high watermark it returns ErrOffsetOutOfRange.
func (p *Partition) Read(offset int64, maxBytes int32) ([]byte, error) {
	return nil, errors.New("log: not implemented")
}

// HighWatermark is the offset the next record will get. Only durable
// records (or, for appends without sync, written ones) are below it.
func (p *Partition) HighWatermark() int64 { return 0 }

// LogStartOffset is the first offset still stored.
func (p *Partition) LogStartOffset() int64 { return 0 }

// Wait returns a channel closed when the high watermark next moves, for
// fetches that long-poll.
func (p *Partition) Wait() <-chan struct{} { return nil }

// OffsetForTime returns the first offset whose record timestamp is at
// least ts (milliseconds), with that timestamp; ok is false when none is.
func (p *Partition) OffsetForTime(ts int64) (offset, timestamp int64, ok bool) { return 0, 0, false }
