package log

import "errors"

// Errors the log returns; callers compare with errors.Is.
var (
	ErrTopicExists          = errors.New("topic already exists")
	ErrUnknownTopic         = errors.New("unknown topic or partition")
	ErrInvalidTopic         = errors.New("invalid topic name")
	ErrInvalidPartitions    = errors.New("invalid number of partitions")
	ErrInvalidConfig        = errors.New("invalid topic config")
	ErrOffsetOutOfRange     = errors.New("offset out of range")
	ErrCorruptBatch         = errors.New("corrupt record batch")
	ErrOutOfOrderSequence   = errors.New("out of order sequence number")
	ErrInvalidProducerEpoch = errors.New("invalid producer epoch")
	ErrClosed               = errors.New("log closed")
)
