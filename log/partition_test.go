package log_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/charterhq/charter/log"
)

func TestPartition_AppendRead(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{})
	p := mustPartition(t, l, "orders", nil)

	var sent [][]byte
	next := int64(0)
	for i := range 20 {
		recs := make([]rec, 1+i%3)
		for j := range recs {
			recs[j] = rec{key: []byte(fmt.Sprint("k", i)), value: value(i), ts: 1000 + int64(i)}
		}
		b := makeBatch(batchOpts{}, recs...)
		res := mustAppend(t, p, b, i%2 == 0)
		if res.BaseOffset != next || res.Duplicate || res.LogStartOffset != 0 {
			t.Fatalf("append %d: %+v, want base offset %d", i, res, next)
		}
		next += int64(len(recs))
		sent = append(sent, b)
	}
	if got := p.HighWatermark(); got != next {
		t.Fatalf("HighWatermark = %d, want %d", got, next)
	}

	got, err := p.Read(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// Stored as sent, but for the base offset.
	want := []byte{}
	off := int64(0)
	for _, b := range sent {
		c := bytes.Clone(b)
		c[7] = byte(off) // offsets here stay below 256
		want = append(want, c...)
		off += int64(len(splitBatches(t, b)[0].keys))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Read(0) returned %d bytes differing from the %d sent", len(got), len(want))
	}

	t.Run("FromEveryOffset", func(t *testing.T) {
		for o := range next {
			b, err := p.Read(o, 1)
			if err != nil {
				t.Fatalf("Read(%d): %v", o, err)
			}
			infos := splitBatches(t, b)
			if len(infos) != 1 || o < infos[0].base || o >= infos[0].next {
				t.Fatalf("Read(%d, 1) returned %+v, want the one batch holding %d", o, infos, o)
			}
		}
	})
	t.Run("MaxBytes", func(t *testing.T) {
		b, err := p.Read(0, int32(len(sent[0])+len(sent[1])+10))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(splitBatches(t, b)); n != 2 {
			t.Fatalf("Read with room for two batches returned %d", n)
		}
	})
	t.Run("Bounds", func(t *testing.T) {
		if b, err := p.Read(next, 100); err != nil || b != nil {
			t.Fatalf("Read(hw) = %d bytes, %v; want nothing", len(b), err)
		}
		for _, o := range []int64{-1, next + 1} {
			if _, err := p.Read(o, 100); !errors.Is(err, log.ErrOffsetOutOfRange) {
				t.Fatalf("Read(%d) error = %v, want ErrOffsetOutOfRange", o, err)
			}
		}
	})
}

func TestPartition_AppendRejectsBadBatches(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{})
	p := mustPartition(t, l, "t", nil)
	good := makeBatch(batchOpts{}, rec{key: []byte("k"), value: []byte("v"), ts: 1})
	corrupt := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name  string
		batch []byte
	}{
		{"Empty", nil},
		{"ShortHeader", good[:40]},
		{"Truncated", good[:len(good)-1]},
		{"TrailingBytes", append(bytes.Clone(good), 0)},
		{"BadCRC", corrupt(func(b []byte) []byte { b[len(b)-1] ^= 1; return b })},
		{"BadMagic", corrupt(func(b []byte) []byte { b[16] = 1; return b })},
		{"CRCField", corrupt(func(b []byte) []byte { b[17] ^= 0x80; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p.Append(context.Background(), tt.batch, true); !errors.Is(err, log.ErrCorruptBatch) {
				t.Fatalf("Append error = %v, want ErrCorruptBatch", err)
			}
		})
	}
	if hw := p.HighWatermark(); hw != 0 {
		t.Fatalf("HighWatermark = %d after rejected appends, want 0", hw)
	}
	if res := mustAppend(t, p, good, true); res.BaseOffset != 0 {
		t.Fatalf("BaseOffset = %d, want 0", res.BaseOffset)
	}
}

func TestPartition_RollAndReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := log.Options{SegmentBytes: 4096}
	l := mustOpen(t, dir, opts)
	p := mustPartition(t, l, "rolls", nil)
	const n = 300
	for i := range n {
		b := makeBatch(batchOpts{}, rec{key: []byte("k"), value: bytes.Repeat([]byte{'x'}, 100+i%50), ts: int64(i)})
		if res := mustAppend(t, p, b, false); res.BaseOffset != int64(i) {
			t.Fatalf("append %d got offset %d", i, res.BaseOffset)
		}
	}
	segs, _ := filepath.Glob(filepath.Join(p.Dir(), "*.log"))
	if len(segs) < 5 {
		t.Fatalf("%d segments after %d appends of 4 KiB segments, want several", len(segs), n)
	}
	checkContiguous(t, readAll(t, p, 0), 0, n)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Append(context.Background(), makeBatch(batchOpts{}, rec{ts: 1}), false); !errors.Is(err, log.ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}

	crashed := crashCopy(t, dir)
	os.Remove(filepath.Join(crashed, ".clean-shutdown"))
	for name, d := range map[string]string{"Clean": dir, "Crash": crashed} {
		t.Run(name, func(t *testing.T) {
			l := mustOpen(t, d, opts)
			p, err := l.Partition("rolls", 0)
			if err != nil {
				t.Fatal(err)
			}
			if hw := p.HighWatermark(); hw != n {
				t.Fatalf("HighWatermark after reopen = %d, want %d", hw, n)
			}
			if res := mustAppend(t, p, makeBatch(batchOpts{}, rec{ts: 1}), true); res.BaseOffset != n {
				t.Fatalf("first append after reopen at %d, want %d", res.BaseOffset, n)
			}
			checkContiguous(t, readAll(t, p, 0), 0, n+1)
		})
	}
}

// checkContiguous checks that batches cover offsets from..to-1 without gaps.
func checkContiguous(t *testing.T, infos []batchInfo, from, to int64) {
	t.Helper()
	next := from
	for _, b := range infos {
		if b.base != next {
			t.Fatalf("batch at %d, want %d", b.base, next)
		}
		next = b.next
	}
	if next != to {
		t.Fatalf("batches end at %d, want %d", next, to)
	}
}

func TestPartition_TornTail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		clean bool // whether the clean-shutdown marker stays
		mess  func(b []byte) []byte
	}{
		{"PartialBatch", false, func(b []byte) []byte { return append(b, makeBatch(batchOpts{}, rec{ts: 9})[:30]...) }},
		{"Garbage", false, func(b []byte) []byte { return append(b, bytes.Repeat([]byte{0xAB}, 200)...) }},
		{"Zeros", false, func(b []byte) []byte { return append(b, make([]byte, 4096)...) }},
		{"CorruptLastBatch", false, func(b []byte) []byte { b[len(b)-3] ^= 0xff; return b }},
		{"TornLastBatch", false, func(b []byte) []byte { return b[:len(b)-5] }},
		{"GarbageAfterCleanClose", true, func(b []byte) []byte { return append(b, bytes.Repeat([]byte{1}, 100)...) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			l := mustOpen(t, dir, log.Options{})
			p := mustPartition(t, l, "torn", nil)
			for i := range 50 {
				mustAppend(t, p, makeBatch(batchOpts{}, rec{key: []byte("k"), value: value(i), ts: int64(i)}, rec{ts: int64(i)}), false)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			seg := filepath.Join(p.Dir(), "00000000000000000000.log")
			b, err := os.ReadFile(seg)
			if err != nil {
				t.Fatal(err)
			}
			lost := int64(0)
			if len(tt.mess(bytes.Clone(b))) <= len(b) {
				lost = 2 // the last batch is damaged
			}
			if err := os.WriteFile(seg, tt.mess(b), 0o644); err != nil {
				t.Fatal(err)
			}
			if !tt.clean {
				os.Remove(filepath.Join(dir, ".clean-shutdown"))
			}

			l = mustOpen(t, dir, log.Options{})
			p, err = l.Partition("torn", 0)
			if err != nil {
				t.Fatal(err)
			}
			want := 100 - lost
			if hw := p.HighWatermark(); hw != want {
				t.Fatalf("HighWatermark = %d, want %d", hw, want)
			}
			if res := mustAppend(t, p, makeBatch(batchOpts{}, rec{ts: 1}), true); res.BaseOffset != want {
				t.Fatalf("append after recovery at %d, want %d", res.BaseOffset, want)
			}
			checkContiguous(t, readAll(t, p, 0), 0, want+1)
		})
	}
}

func TestPartition_ConcurrentSyncAppends(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, log.Options{SegmentBytes: 64 << 10})
	p := mustPartition(t, l, "busy", nil)
	const writers, each = 16, 40
	var wg sync.WaitGroup
	offsets := make(chan int64, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				b := makeBatch(batchOpts{}, rec{key: []byte{byte(w)}, value: bytes.Repeat([]byte{byte(i)}, 512), ts: int64(i)})
				res, err := p.Append(context.Background(), b, true)
				if err != nil {
					t.Error(err)
					return
				}
				// A sync append is visible once it returns.
				if hw := p.HighWatermark(); hw <= res.BaseOffset {
					t.Errorf("HighWatermark %d after sync append at %d", hw, res.BaseOffset)
				}
				offsets <- res.BaseOffset
			}
		})
	}
	// Readers run alongside, and see only whole batches.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if hw := p.HighWatermark(); hw > 0 {
					b, err := p.Read(hw-1, 1<<20)
					if err != nil {
						t.Error(err)
						return
					}
					splitBatches(t, b)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(offsets)
	seen := map[int64]bool{}
	for o := range offsets {
		if seen[o] {
			t.Fatalf("offset %d handed out twice", o)
		}
		seen[o] = true
	}
	if hw := p.HighWatermark(); hw != writers*each || len(seen) != writers*each {
		t.Fatalf("HighWatermark %d, %d distinct offsets; want %d", hw, len(seen), writers*each)
	}
	checkContiguous(t, readAll(t, p, 0), 0, writers*each)
	if r := p.SyncRounds(); r >= writers*each {
		t.Errorf("%d fsync rounds for %d sync appends: no group commit", r, writers*each)
	} else {
		t.Logf("%d fsync rounds for %d sync appends", r, writers*each)
	}
}

func TestPartition_Wait(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{})
	p := mustPartition(t, l, "waits", nil)
	for _, sync := range []bool{false, true} {
		ch := p.Wait()
		select {
		case <-ch:
			t.Fatal("Wait's channel closed before any append")
		default:
		}
		hw := p.HighWatermark()
		go p.Append(context.Background(), makeBatch(batchOpts{}, rec{ts: 1}), sync)
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("Wait not woken by an append (sync=%v)", sync)
		}
		if p.HighWatermark() != hw+1 {
			t.Fatalf("HighWatermark = %d after wake, want %d", p.HighWatermark(), hw+1)
		}
	}
	ch := p.Wait()
	l.Close()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("Wait not woken by Close")
	}
}

func TestPartition_OffsetForTime(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{SegmentBytes: 2048})
	p := mustPartition(t, l, "times", nil)
	// Batches of two records at 1000+10i and 1000+10i+5, over many segments.
	for i := range 100 {
		ts := 1000 + int64(10*i)
		mustAppend(t, p, makeBatch(batchOpts{}, rec{value: value(i), ts: ts}, rec{value: value(i), ts: ts + 5}), false)
	}
	tests := []struct {
		ts, offset, timestamp int64
		ok                    bool
	}{
		{0, 0, 1000, true},
		{1000, 0, 1000, true},
		{1001, 1, 1005, true},
		{1005, 1, 1005, true},
		{1006, 2, 1010, true},
		{1500, 100, 1500, true},
		{1994, 199, 1995, true},
		{1995, 199, 1995, true},
		{1996, 0, 0, false},
	}
	for _, tt := range tests {
		off, ts, ok := p.OffsetForTime(tt.ts)
		if ok != tt.ok || ok && (off != tt.offset || ts != tt.timestamp) {
			t.Errorf("OffsetForTime(%d) = %d, %d, %v; want %d, %d, %v", tt.ts, off, ts, ok, tt.offset, tt.timestamp, tt.ok)
		}
	}
}
