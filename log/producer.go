package log

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxCachedBatches is how many of a producer's batches a partition
// remembers: clients keep at most five requests in flight, so a retry is
// always of one of the last five.
const maxCachedBatches = 5

// batchMeta is what idempotence remembers of an appended batch.
type batchMeta struct {
	FirstSeq int32 `json:"first_seq"`
	LastSeq  int32 `json:"last_seq"`
	Base     int64 `json:"base"`
	Next     int64 `json:"next"` // offset after the batch, to wait for its fsync on a retry
}

// producerState is one idempotent producer's state in one partition.
type producerState struct {
	Epoch   int16       `json:"epoch"`
	Batches []batchMeta `json:"batches"` // oldest first
}

// producers maps producer IDs to their state in one partition.
type producers map[int64]*producerState

// nextSeq is the sequence after s plus delta; sequences wrap from
// MaxInt32 to 0, as Kafka's DefaultRecordBatch.incrementSequence does.
func nextSeq(s, delta int32) int32 {
	if s > math.MaxInt32-delta {
		return delta - (math.MaxInt32 - s) - 1
	}
	return s + delta
}

// idempotent reports whether the log checks a batch's sequence: it has a
// producer ID and is not a control batch (markers carry no sequence).
func (h header) idempotent() bool {
	return h.ProducerID >= 0 && h.Attributes&attrControl == 0
}

// check decides a batch's fate against its producer's state: it returns the
// original when the batch is a retry of a cached one, an error when its
// epoch or sequence is wrong, and neither when it should be appended.
func (ps producers) check(h header) (*batchMeta, error) {
	if !h.idempotent() {
		return nil, nil
	}
	s := ps[h.ProducerID]
	switch {
	case s == nil:
		// Kafka accepts any first sequence from a producer it has no
		// state for (it may have expired), and starts tracking there.
		return nil, nil
	case h.ProducerEpoch < s.Epoch:
		return nil, fmt.Errorf("%w: producer %d epoch %d is older than %d", ErrInvalidProducerEpoch, h.ProducerID, h.ProducerEpoch, s.Epoch)
	case h.ProducerEpoch > s.Epoch:
		if h.BaseSequence != 0 {
			return nil, fmt.Errorf("%w: producer %d bumped its epoch to %d but starts at sequence %d, not 0", ErrOutOfOrderSequence, h.ProducerID, h.ProducerEpoch, h.BaseSequence)
		}
		return nil, nil
	}
	last := nextSeq(h.BaseSequence, h.LastOffsetDelta)
	for i := range s.Batches {
		if b := &s.Batches[i]; b.FirstSeq == h.BaseSequence && b.LastSeq == last {
			return b, nil
		}
	}
	if n := len(s.Batches); n > 0 && h.BaseSequence != nextSeq(s.Batches[n-1].LastSeq, 1) {
		return nil, fmt.Errorf("%w: producer %d sent sequence %d, expected %d", ErrOutOfOrderSequence, h.ProducerID, h.BaseSequence, nextSeq(s.Batches[n-1].LastSeq, 1))
	}
	return nil, nil
}

// record remembers an appended batch (h.BaseOffset is its offset). A new
// epoch starts the producer's state afresh.
func (ps producers) record(h header) {
	if !h.idempotent() {
		return
	}
	s := ps[h.ProducerID]
	if s == nil || s.Epoch != h.ProducerEpoch {
		s = &producerState{Epoch: h.ProducerEpoch}
		ps[h.ProducerID] = s
	}
	if len(s.Batches) == maxCachedBatches {
		s.Batches = slices.Delete(s.Batches, 0, 1)
	}
	s.Batches = append(s.Batches, batchMeta{
		FirstSeq: h.BaseSequence,
		LastSeq:  nextSeq(h.BaseSequence, h.LastOffsetDelta),
		Base:     h.BaseOffset,
		Next:     h.nextOffset(),
	})
}

// A producer snapshot is the producer state as of an offset, written at
// each segment roll and at Close, so that Open replays only the batches
// after it instead of the whole log.
type snapshot struct {
	Offset    int64     `json:"offset"`
	Producers producers `json:"producers"`
}

const snapshotSuffix = ".snapshot"

func snapshotPath(dir string, offset int64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d%s", offset, snapshotSuffix))
}

// writeSnapshot stores ps as of offset and deletes all but the previous
// snapshot, which stays as a fallback should this one be unreadable.
func writeSnapshot(dir string, offset int64, ps producers) error {
	b, err := json.Marshal(snapshot{Offset: offset, Producers: ps})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(snapshotPath(dir, offset), b); err != nil {
		return err
	}
	offsets, err := snapshotOffsets(dir)
	if err != nil {
		return err
	}
	for _, o := range offsets {
		if o < offset && o != prevSnapshot(offsets, offset) {
			os.Remove(snapshotPath(dir, o))
		}
	}
	return nil
}

func prevSnapshot(offsets []int64, offset int64) int64 {
	prev := int64(-1)
	for _, o := range offsets {
		if o < offset {
			prev = max(prev, o)
		}
	}
	return prev
}

// snapshotOffsets lists the offsets of a partition's snapshots, ascending.
func snapshotOffsets(dir string) ([]int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var offsets []int64
	for _, e := range entries {
		digits, ok := strings.CutSuffix(e.Name(), snapshotSuffix)
		if !ok {
			continue
		}
		if o, err := strconv.ParseInt(digits, 10, 64); err == nil {
			offsets = append(offsets, o)
		}
	}
	slices.Sort(offsets)
	return offsets, nil
}

// loadSnapshot returns the latest readable snapshot at or before offset.
func loadSnapshot(dir string, offset int64) (snapshot, bool) {
	offsets, err := snapshotOffsets(dir)
	if err != nil {
		return snapshot{}, false
	}
	for _, o := range slices.Backward(offsets) {
		if o > offset {
			continue
		}
		b, err := os.ReadFile(snapshotPath(dir, o))
		if err != nil {
			continue
		}
		var s snapshot
		if json.Unmarshal(b, &s) == nil && s.Offset == o {
			if s.Producers == nil {
				s.Producers = producers{}
			}
			return s, true
		}
	}
	return snapshot{}, false
}

// producerIDBlock is how many producer IDs one write of the counter file
// reserves: a restart skips the unused rest of a block, never reuses one.
const producerIDBlock = 1000

// producerIDs hands out producer IDs, durably: the file holds a bound
// below which every ID may have been handed out.
type producerIDs struct {
	mu          sync.Mutex
	path        string
	next, limit int64
}

func openProducerIDs(path string) (*producerIDs, error) {
	a := &producerIDs{path: path}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return a, nil
	case err != nil:
		return nil, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("producer ID counter %s holds %q", path, b)
	}
	a.next, a.limit = n, n
	return a, nil
}

func (a *producerIDs) allocate() (int64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next >= a.limit {
		limit := a.next + producerIDBlock
		if err := writeFileAtomic(a.path, []byte(strconv.FormatInt(limit, 10)+"\n")); err != nil {
			return 0, fmt.Errorf("reserve producer IDs: %w", err)
		}
		a.limit = limit
	}
	id := a.next
	a.next++
	return id, nil
}
