package log_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/charterhq/charter/log"
)

// BenchmarkAppend appends 1 KiB single-record batches with sync set, from
// one appender and from 16 sharing fsyncs (group commit). Each op is one
// durable append; MB/s counts batch bytes.
func BenchmarkAppend(b *testing.B) {
	batch := makeBatch(batchOpts{}, rec{key: []byte("key"), value: bytes.Repeat([]byte{'v'}, 1024-61-12), ts: 1})
	for _, appenders := range []int{1, 16} {
		b.Run(fmt.Sprintf("sync/appenders=%d", appenders), func(b *testing.B) {
			l := mustOpen(b, b.TempDir(), log.Options{})
			p := mustPartition(b, l, "bench", nil)
			b.SetBytes(int64(len(batch)))
			b.ResetTimer()
			var wg sync.WaitGroup
			work := make(chan struct{}, 1024)
			for range appenders {
				wg.Go(func() {
					for range work {
						if _, err := p.Append(context.Background(), batch, true); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			for range b.N {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/float64(p.SyncRounds()), "appends/fsync")
		})
	}
	b.Run("nosync", func(b *testing.B) {
		l := mustOpen(b, b.TempDir(), log.Options{})
		p := mustPartition(b, l, "bench", nil)
		b.SetBytes(int64(len(batch)))
		for b.Loop() {
			if _, err := p.Append(context.Background(), batch, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRead reads 1 MiB fetches, and single batches at random-ish
// offsets, from a partition of 1 KiB batches spread over segments.
func BenchmarkRead(b *testing.B) {
	l := mustOpen(b, b.TempDir(), log.Options{SegmentBytes: 16 << 20})
	p := mustPartition(b, l, "bench", nil)
	batch := makeBatch(batchOpts{}, rec{key: []byte("key"), value: bytes.Repeat([]byte{'v'}, 1024-61-12), ts: 1})
	const n = 50000
	for range n {
		if _, err := p.Append(context.Background(), batch, false); err != nil {
			b.Fatal(err)
		}
	}
	for _, maxBytes := range []int32{1 << 20, 1} {
		b.Run(fmt.Sprintf("maxBytes=%d", maxBytes), func(b *testing.B) {
			var total int64
			off := int64(0)
			for b.Loop() {
				got, err := p.Read(off, maxBytes)
				if err != nil || len(got) == 0 {
					b.Fatalf("Read(%d): %d bytes, %v", off, len(got), err)
				}
				total += int64(len(got))
				off = (off + 7919) % n
			}
			b.SetBytes(total / int64(b.N))
		})
	}
}
