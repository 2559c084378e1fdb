package log_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/charterhq/charter/log"
)

// send is one batch of an idempotent producer and what Append should do.
type send struct {
	pid     int64
	epoch   int16
	seq     int32
	records int
	base    int64 // wanted base offset (the original one for duplicates)
	dup     bool
	err     error
}

func (s send) batch() []byte {
	recs := make([]rec, s.records)
	for i := range recs {
		recs[i] = rec{key: []byte("k"), value: []byte("v"), ts: 1}
	}
	return makeBatch(batchOpts{producerID: s.pid, epoch: s.epoch, seq: s.seq}, recs...)
}

func TestPartition_Idempotence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sends []send
	}{
		{"InOrder", []send{
			{pid: 7, seq: 0, records: 2, base: 0},
			{pid: 7, seq: 2, records: 1, base: 2},
			{pid: 7, seq: 3, records: 3, base: 3},
		}},
		{"UnknownProducerStartsAnywhere", []send{
			{pid: 7, seq: 42, records: 1, base: 0},
			{pid: 7, seq: 43, records: 1, base: 1},
		}},
		{"DuplicateOfLast", []send{
			{pid: 7, seq: 0, records: 2, base: 0},
			{pid: 7, seq: 0, records: 2, base: 0, dup: true},
			{pid: 7, seq: 2, records: 1, base: 2},
		}},
		{"DuplicateOfFifthLast", []send{
			{pid: 7, seq: 0, records: 1, base: 0},
			{pid: 7, seq: 1, records: 1, base: 1},
			{pid: 7, seq: 2, records: 1, base: 2},
			{pid: 7, seq: 3, records: 1, base: 3},
			{pid: 7, seq: 4, records: 1, base: 4},
			{pid: 7, seq: 0, records: 1, base: 0, dup: true},
			{pid: 7, seq: 5, records: 1, base: 5},
			{pid: 7, seq: 0, records: 1, err: log.ErrOutOfOrderSequence}, // forgotten now
		}},
		{"Gap", []send{
			{pid: 7, seq: 0, records: 1, base: 0},
			{pid: 7, seq: 2, records: 1, err: log.ErrOutOfOrderSequence},
			{pid: 7, seq: 1, records: 1, base: 1},
		}},
		{"SameStartOtherCountIsNotDuplicate", []send{
			{pid: 7, seq: 0, records: 2, base: 0},
			{pid: 7, seq: 0, records: 3, err: log.ErrOutOfOrderSequence},
		}},
		{"EpochBump", []send{
			{pid: 7, seq: 0, records: 1, base: 0},
			{pid: 7, seq: 1, records: 1, base: 1},
			{pid: 7, epoch: 1, seq: 5, records: 1, err: log.ErrOutOfOrderSequence},
			{pid: 7, epoch: 1, seq: 0, records: 1, base: 2},
			{pid: 7, epoch: 0, seq: 2, records: 1, err: log.ErrInvalidProducerEpoch},
			{pid: 7, epoch: 1, seq: 1, records: 1, base: 3},
		}},
		{"SequenceWraps", []send{
			{pid: 7, seq: math.MaxInt32 - 1, records: 2, base: 0},
			{pid: 7, seq: 0, records: 1, base: 2},
		}},
		{"ProducersAreIndependent", []send{
			{pid: 7, seq: 0, records: 1, base: 0},
			{pid: 8, seq: 0, records: 1, base: 1},
			{pid: 7, seq: 1, records: 1, base: 2},
			{pid: 8, seq: 0, records: 1, base: 1, dup: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := mustOpen(t, t.TempDir(), log.Options{})
			p := mustPartition(t, l, "idem", nil)
			for i, s := range tt.sends {
				hw := p.HighWatermark()
				res, err := p.Append(context.Background(), s.batch(), true)
				if s.err != nil {
					if !errors.Is(err, s.err) {
						t.Fatalf("send %d: error %v, want %v", i, err, s.err)
					}
					if p.HighWatermark() != hw {
						t.Fatalf("send %d: rejected batch moved the high watermark", i)
					}
					continue
				}
				if err != nil || res.BaseOffset != s.base || res.Duplicate != s.dup {
					t.Fatalf("send %d: %+v, %v; want base %d, duplicate %v", i, res, err, s.base, s.dup)
				}
			}
		})
	}
}

func TestPartition_IdempotenceSurvivesReopen(t *testing.T) {
	t.Parallel()
	for _, crash := range []bool{false, true} {
		name := map[bool]string{false: "Clean", true: "Crash"}[crash]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			opts := log.Options{SegmentBytes: 1024} // rolls, so snapshots are written
			l := mustOpen(t, dir, opts)
			p := mustPartition(t, l, "idem", nil)
			for i := range 30 {
				mustAppend(t, p, send{pid: 7, seq: int32(i), records: 1}.batch(), true)
				mustAppend(t, p, send{pid: 9, epoch: 3, seq: int32(i * 2), records: 2}.batch(), true)
			}
			if crash {
				dir = crashCopy(t, dir)
				os.Remove(filepath.Join(dir, ".clean-shutdown"))
			} else if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l = mustOpen(t, dir, opts)
			p, err := l.Partition("idem", 0)
			if err != nil {
				t.Fatal(err)
			}
			// The last batch of each producer is a duplicate, the next one fits.
			if res := mustAppend(t, p, send{pid: 7, seq: 29, records: 1}.batch(), true); !res.Duplicate || res.BaseOffset != 87 {
				t.Fatalf("retry of producer 7's last batch: %+v, want duplicate at 87", res)
			}
			if res := mustAppend(t, p, send{pid: 9, epoch: 3, seq: 58, records: 2}.batch(), true); !res.Duplicate || res.BaseOffset != 88 {
				t.Fatalf("retry of producer 9's last batch: %+v, want duplicate at 88", res)
			}
			if _, err := p.Append(context.Background(), send{pid: 7, seq: 31, records: 1}.batch(), true); !errors.Is(err, log.ErrOutOfOrderSequence) {
				t.Fatalf("gap after reopen: %v, want ErrOutOfOrderSequence", err)
			}
			if _, err := p.Append(context.Background(), send{pid: 9, epoch: 2, seq: 60, records: 1}.batch(), true); !errors.Is(err, log.ErrInvalidProducerEpoch) {
				t.Fatalf("old epoch after reopen: %v, want ErrInvalidProducerEpoch", err)
			}
			if res := mustAppend(t, p, send{pid: 7, seq: 30, records: 1}.batch(), true); res.Duplicate || res.BaseOffset != 90 {
				t.Fatalf("next batch after reopen: %+v, want appended at 90", res)
			}
		})
	}
}

func TestLog_NewProducerID(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seen := map[int64]bool{}
	for range 3 {
		l := mustOpen(t, dir, log.Options{})
		for range 5 {
			id, epoch, err := l.NewProducerID()
			if err != nil || epoch != 0 || id < 0 || seen[id] {
				t.Fatalf("NewProducerID = %d, %d, %v (seen before: %v)", id, epoch, err, seen[id])
			}
			seen[id] = true
		}
		// A crash (no Close) must not lead to reuse either.
		if _, err := os.Stat(filepath.Join(dir, "producer_ids")); err != nil {
			t.Fatal(err)
		}
		dir = crashCopy(t, dir)
	}
}
