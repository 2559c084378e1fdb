package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestBrokerLagMetrics commits with a group consumer through the real
// server, produces more, and reads the group's lag on /metrics.
func TestBrokerLagMetrics(t *testing.T) {
	base, addr := startWithBroker(t)
	if code, body := post(t, base+"/subjects/orders-value/versions", `{"schema":"\"string\""}`); code != 200 {
		t.Fatalf("register: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	producer := newClient(t, addr, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	produce := func(n int) {
		t.Helper()
		for i := range n {
			r := &kgo.Record{Topic: "orders", Partition: 0, Value: wireValue(1, fmt.Sprint("order ", i))}
			if err := producer.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatalf("produce: %v", err)
			}
		}
	}
	produce(4)

	consumer := newClient(t, addr, kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	for n := 0; n < 4; {
		fs := consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of 4 records: %v", n, ctx.Err())
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", topic, p, err) })
		n += fs.NumRecords()
	}
	if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
	produce(3)

	_, metrics := get(t, base+"/metrics")
	for _, tc := range []struct {
		series string
		want   float64
	}{
		{`charter_kafka_consumer_group_committed_offset{group="billing",partition="0",topic="orders"}`, 4},
		{`charter_kafka_consumer_group_lag{group="billing",partition="0",topic="orders"}`, 3},
	} {
		if got, ok := metricValue(t, metrics, tc.series); !ok || got != tc.want {
			t.Errorf("%s = %v (present: %v), want %v", tc.series, got, ok, tc.want)
		}
	}

	// The topic page shows the same through the UI's adapter.
	row := `<th scope="row"><code>billing</code></th><td class="numeric">0</td><td class="numeric">4</td><td class="numeric">7</td><td class="numeric">3</td>`
	if code, page := get(t, base+"/ui/topics/orders"); code != 200 || !strings.Contains(page, row) {
		t.Errorf("/ui/topics/orders (%d) lacks billing's lag row %s", code, row)
	}
}
