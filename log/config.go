package log

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Topic configs the log acts on; others are stored for callers.
const (
	configSegmentBytes    = "segment.bytes"
	configSegmentMS       = "segment.ms"
	configRetentionMS     = "retention.ms"
	configRetentionBytes  = "retention.bytes"
	configCleanupPolicy   = "cleanup.policy"
	configDeleteRetention = "delete.retention.ms"
)

const (
	defaultSegmentBytes    = 128 << 20
	defaultSegmentAge      = 7 * 24 * time.Hour
	defaultRetentionTime   = 7 * 24 * time.Hour
	defaultDeleteRetention = 24 * time.Hour // Kafka's delete.retention.ms

	// maxSegmentBytes keeps file positions within the index's 32 bits
	// with room for the batch that crosses the limit.
	maxSegmentBytes = math.MaxInt32
)

// settings are a topic's effective storage settings: its configs over the
// Log's Options over the defaults.
type settings struct {
	segmentBytes    int64
	segmentAge      time.Duration
	retentionTime   time.Duration // <0: forever
	retentionBytes  int64         // <0: unlimited
	compact         bool
	delete          bool // retention deletes old segments
	deleteRetention time.Duration
}

// withDefaults fills in the zero fields of opts.
func (opts Options) withDefaults() Options {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = defaultSegmentBytes
	}
	opts.SegmentBytes = min(opts.SegmentBytes, maxSegmentBytes)
	if opts.SegmentAge <= 0 {
		opts.SegmentAge = defaultSegmentAge
	}
	if opts.RetentionTime == 0 {
		opts.RetentionTime = defaultRetentionTime
	}
	if opts.RetentionBytes <= 0 {
		opts.RetentionBytes = -1
	}
	return opts
}

// newSettings resolves configs over opts (already defaulted). A config the
// log acts on with a value it cannot use is an ErrInvalidConfig.
func newSettings(opts Options, configs map[string]string) (*settings, error) {
	s := &settings{
		segmentBytes:    opts.SegmentBytes,
		segmentAge:      opts.SegmentAge,
		retentionTime:   opts.RetentionTime,
		retentionBytes:  opts.RetentionBytes,
		delete:          true,
		deleteRetention: defaultDeleteRetention,
	}
	num := func(key string, min int64) (int64, bool, error) {
		v, ok := configs[key]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < min {
			return 0, false, fmt.Errorf("%w: %s=%q: want an integer of at least %d", ErrInvalidConfig, key, v, min)
		}
		return n, true, nil
	}
	if n, ok, err := num(configSegmentBytes, 14); err != nil {
		return nil, err
	} else if ok {
		s.segmentBytes = min(n, maxSegmentBytes)
	}
	if n, ok, err := num(configSegmentMS, 1); err != nil {
		return nil, err
	} else if ok {
		s.segmentAge = time.Duration(n) * time.Millisecond
	}
	if n, ok, err := num(configRetentionMS, -1); err != nil {
		return nil, err
	} else if ok {
		s.retentionTime = time.Duration(n) * time.Millisecond
		if n < 0 {
			s.retentionTime = -1
		}
	}
	if n, ok, err := num(configRetentionBytes, -1); err != nil {
		return nil, err
	} else if ok {
		s.retentionBytes = n
	}
	if n, ok, err := num(configDeleteRetention, 0); err != nil {
		return nil, err
	} else if ok {
		s.deleteRetention = time.Duration(n) * time.Millisecond
	}
	if v, ok := configs[configCleanupPolicy]; ok {
		s.delete = false
		for p := range strings.SplitSeq(v, ",") {
			switch strings.TrimSpace(p) {
			case "delete":
				s.delete = true
			case "compact":
				s.compact = true
			default:
				return nil, fmt.Errorf("%w: %s=%q: want delete, compact or both", ErrInvalidConfig, configCleanupPolicy, v)
			}
		}
	}
	return s, nil
}
