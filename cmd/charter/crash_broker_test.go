package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKillNineLosesNoRecord produces with acks=all from an idempotent
// producer while the server is killed with SIGKILL, again and again. After
// each restart every acknowledged record must be read back at the offset it
// was acknowledged with, and the offsets of the partition must be
// contiguous from 0.
func TestKillNineLosesNoRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a child process")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	acked := map[int64]string{} // offset → value
	for round := range 4 {
		c := startChild(t, bin, "--data-dir", dir, "--kafka-addr", "127.0.0.1:0", "--enforce-schema-ids=false")
		client, err := kgo.NewClient(kgo.SeedBrokers(c.kafka), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.AllowAutoTopicCreation(),
			kgo.DefaultProduceTopic("crash"), kgo.RecordRetries(0), kgo.ProduceRequestTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := 0; ctx.Err() == nil; i++ {
					value := fmt.Sprintf("round%d-w%d-%d", round, w, i)
					client.Produce(ctx, &kgo.Record{Value: []byte(value)}, func(r *kgo.Record, err error) {
						if err == nil {
							mu.Lock()
							acked[r.Offset] = value
							mu.Unlock()
						}
					})
					time.Sleep(time.Millisecond)
				}
			})
		}
		time.Sleep(time.Duration(400+round*200) * time.Millisecond)
		c.kill()
		cancel()
		wg.Wait()
		client.Close()

		mu.Lock()
		n := len(acked)
		mu.Unlock()
		checkRecords(t, bin, dir, acked, round)
		if n == 0 {
			t.Fatalf("round %d: no record acknowledged before the kill; the test proves nothing", round)
		}
	}
	t.Logf("%d acknowledged records survived 4 SIGKILLs", len(acked))
}

// checkRecords restarts the server on dir and reads the whole partition.
func checkRecords(t *testing.T, bin, dir string, acked map[int64]string, round int) {
	t.Helper()
	c := startChild(t, bin, "--data-dir", dir, "--kafka-addr", "127.0.0.1:0", "--enforce-schema-ids=false")
	defer c.kill()
	client, err := kgo.NewClient(kgo.SeedBrokers(c.kafka), kgo.ConsumeTopics("crash"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var last int64 = -1
	for off := range acked {
		last = max(last, off)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	next := int64(0)
	for next <= last {
		fetches := client.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("round %d: read up to offset %d of %d acknowledged: %v", round, next, last, ctx.Err())
		}
		fetches.EachRecord(func(r *kgo.Record) {
			if r.Offset != next {
				t.Fatalf("round %d: offset %d follows %d: offsets are not contiguous", round, r.Offset, next-1)
			}
			if want, ok := acked[r.Offset]; ok && string(r.Value) != want {
				t.Errorf("round %d: offset %d holds %q, acknowledged as %q", round, r.Offset, r.Value, want)
			}
			next++
		})
	}
}
