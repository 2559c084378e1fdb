package log_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charterhq/charter/log"
)

func TestPartition_RetentionBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, log.Options{SegmentBytes: 1024})
	p := mustPartition(t, l, "sized", map[string]string{"retention.bytes": "4096"})
	for range 100 {
		mustAppend(t, p, makeBatch(batchOpts{}, rec{value: make([]byte, 100), ts: time.Now().UnixMilli()}), false)
	}
	before := dirBytes(t, p.Dir())
	l.Cleanup(time.Now())
	start := p.LogStartOffset()
	after := dirBytes(t, p.Dir())
	if start == 0 || after >= before || after > 4096+1024 {
		t.Fatalf("after retention: log start %d, %d bytes of segments (from %d); want some deleted, at most ~4 KiB kept", start, after, before)
	}
	if p.HighWatermark() != 100 {
		t.Fatalf("HighWatermark = %d, want 100", p.HighWatermark())
	}
	if _, err := p.Read(start-1, 1000); !errors.Is(err, log.ErrOffsetOutOfRange) {
		t.Fatalf("Read before the log start: %v, want ErrOffsetOutOfRange", err)
	}
	checkContiguous(t, readAll(t, p, start), start, 100)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, dir, log.Options{SegmentBytes: 1024})
	p, _ = l.Partition("sized", 0)
	if p.LogStartOffset() != start || p.HighWatermark() != 100 {
		t.Fatalf("after reopen: start %d, hw %d; want %d, 100", p.LogStartOffset(), p.HighWatermark(), start)
	}
}

func TestPartition_RetentionTime(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name    string
		configs map[string]string
		opts    log.Options
		deletes bool
	}{
		{"TopicConfig", map[string]string{"retention.ms": "60000"}, log.Options{}, true},
		{"Options", nil, log.Options{RetentionTime: time.Minute}, true},
		{"Forever", map[string]string{"retention.ms": "-1"}, log.Options{RetentionTime: time.Minute}, false},
		{"CompactOnly", map[string]string{"retention.ms": "60000", "cleanup.policy": "compact"}, log.Options{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.SegmentBytes = 1024
			l := mustOpen(t, t.TempDir(), tt.opts)
			p := mustPartition(t, l, "timed", tt.configs)
			for i := range 100 {
				ts := now.Add(-time.Hour) // the first half is an hour old
				if i >= 50 {
					ts = now
				}
				mustAppend(t, p, makeBatch(batchOpts{}, rec{key: []byte(strconv.Itoa(i)), value: make([]byte, 100), ts: ts.UnixMilli()}), false)
			}
			l.Cleanup(now)
			start := p.LogStartOffset()
			if !tt.deletes {
				if start != 0 {
					t.Fatalf("log start %d, want nothing deleted", start)
				}
				return
			}
			if start == 0 || start > 50 {
				t.Fatalf("log start %d, want the old segments (at most offsets below 50) gone", start)
			}
			checkContiguous(t, readAll(t, p, start), start, 100)
		})
	}
}

func TestPartition_Compaction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	opts := log.Options{SegmentBytes: 1024}
	l := mustOpen(t, dir, opts)
	p := mustPartition(t, l, "state", map[string]string{"cleanup.policy": "compact"})

	// Keys k0..k9 written over and over; "gone" deleted long ago, "dead"
	// deleted just now; records without keys.
	type written struct {
		key, val string
		off      int64
	}
	var all []written
	appendRecs := func(recs ...rec) {
		res := mustAppend(t, p, makeBatch(batchOpts{}, recs...), false)
		for i, r := range recs {
			w := written{key: "<null>", val: "<null>", off: res.BaseOffset + int64(i)}
			if r.key != nil {
				w.key = string(r.key)
			}
			if r.value != nil {
				w.val = string(r.value)
			}
			all = append(all, w)
		}
	}
	appendRecs(rec{key: []byte("gone"), value: []byte("x"), ts: 0}, rec{key: []byte("dead"), value: []byte("y"), ts: now.UnixMilli()})
	appendRecs(rec{key: []byte("gone"), ts: 0}, rec{key: []byte("dead"), ts: now.UnixMilli()})
	for i := range 120 {
		k := fmt.Sprint("k", i%10)
		recs := []rec{{key: []byte(k), value: []byte(fmt.Sprint("v", i)), ts: now.UnixMilli()}}
		if i%7 == 0 {
			recs = append(recs, rec{value: []byte("nokey"), ts: now.UnixMilli()})
		}
		appendRecs(recs...)
	}
	hw := p.HighWatermark()
	segs, _ := filepath.Glob(filepath.Join(p.Dir(), "*.log"))
	slices.Sort(segs)
	activeBase, _ := strconv.ParseInt(strings.TrimSuffix(filepath.Base(segs[len(segs)-1]), ".log"), 10, 64)

	l.Cleanup(now)

	// Expected: below the active segment, the latest record of each key
	// (none for "gone"), and all records without keys; all of the active
	// segment as written.
	latest := map[string]int64{}
	for _, w := range all {
		if w.off < activeBase && w.key != "<null>" {
			latest[w.key] = w.off
		}
	}
	var want []written
	for _, w := range all {
		if w.off >= activeBase || w.key == "<null>" || latest[w.key] == w.off && w.key != "gone" {
			want = append(want, w)
		}
	}
	check := func(p *log.Partition) {
		t.Helper()
		var got []written
		for _, b := range readAll(t, p, 0) {
			for i := range b.keys {
				got = append(got, written{key: b.keys[i], val: b.vals[i], off: b.offs[i]})
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("after compaction read %d records, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
		}
		if p.HighWatermark() != hw {
			t.Fatalf("HighWatermark %d, want %d", p.HighWatermark(), hw)
		}
	}
	check(p)
	if len(want) >= len(all) {
		t.Fatalf("compaction kept all %d records", len(all))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen, after a crash too, and the compacted log reads the same.
	crashed := crashCopy(t, dir)
	os.Remove(filepath.Join(crashed, ".clean-shutdown"))
	for _, d := range []string{dir, crashed} {
		l := mustOpen(t, d, opts)
		p, _ := l.Partition("state", 0)
		check(p)
		if res := mustAppend(t, p, makeBatch(batchOpts{}, rec{key: []byte("k1"), value: []byte("new"), ts: 1}), true); res.BaseOffset != hw {
			t.Fatalf("append after compaction at %d, want %d", res.BaseOffset, hw)
		}
	}
}

func dirBytes(t *testing.T, dir string) int64 {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	var n int64
	for _, s := range segs {
		fi, err := os.Stat(s)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

func TestPartition_RollByAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    log.Options
		configs map[string]string
		segs    int // after appends an hour apart
	}{
		{"Options", log.Options{SegmentAge: 30 * time.Minute}, nil, 3},
		{"TopicConfig", log.Options{SegmentAge: 30 * time.Minute}, map[string]string{"segment.ms": "7200000"}, 1},
		{"Default", log.Options{}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := mustOpen(t, t.TempDir(), tt.opts)
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			l.SetClock(func() time.Time { return clock })
			p := mustPartition(t, l, "aged", tt.configs)
			for range 3 {
				mustAppend(t, p, makeBatch(batchOpts{}, rec{ts: -1}), false)
				clock = clock.Add(time.Hour)
			}
			segs, _ := filepath.Glob(filepath.Join(p.Dir(), "*.log"))
			if len(segs) != tt.segs {
				t.Fatalf("%d segments, want %d", len(segs), tt.segs)
			}
			checkContiguous(t, readAll(t, p, 0), 0, 3)
		})
	}
}

func TestLog_AlterConfigsTakesEffect(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{})
	small := "1024"
	p := mustPartition(t, l, "altered", nil)
	if err := l.AlterConfigs("altered", map[string]*string{"segment.bytes": &small, "retention.bytes": &small}); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		mustAppend(t, p, makeBatch(batchOpts{}, rec{value: make([]byte, 200), ts: time.Now().UnixMilli()}), false)
	}
	l.Cleanup(time.Now())
	if p.LogStartOffset() == 0 {
		t.Fatal("retention.bytes set by AlterConfigs deleted nothing")
	}
}

// TestPartition_CleanupDuringReads runs compaction and retention while
// appends and reads go on: readers may find a segment closed under them
// and must retry, never fail or see a torn batch.
func TestPartition_CleanupDuringReads(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{SegmentBytes: 2048})
	p := mustPartition(t, l, "churn", map[string]string{"cleanup.policy": "compact,delete", "retention.bytes": "20000"})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			b := makeBatch(batchOpts{}, rec{key: []byte(fmt.Sprint("k", i%20)), value: make([]byte, 100), ts: time.Now().UnixMilli()})
			if _, err := p.Append(context.Background(), b, i%10 == 0); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				off := p.LogStartOffset()
				for off < p.HighWatermark() {
					b, err := p.Read(off, 4096)
					if errors.Is(err, log.ErrOffsetOutOfRange) && off < p.LogStartOffset() {
						break // retention passed us by
					}
					if err != nil {
						t.Errorf("Read(%d): %v", off, err)
						return
					}
					infos := splitBatches(t, b)
					if len(infos) == 0 || infos[len(infos)-1].next <= off {
						t.Errorf("Read(%d) made no progress", off)
						return
					}
					off = infos[len(infos)-1].next
				}
			}
		})
	}
	for range 20 {
		l.Cleanup(time.Now())
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if p.LogStartOffset() == 0 {
		t.Error("retention deleted nothing")
	}
}
