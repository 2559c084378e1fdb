package main

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// metricValue is the value of series (name and labels as /metrics prints
// them, labels sorted) in the text exposition, and whether it is there.
func metricValue(t *testing.T, metrics, series string) (float64, bool) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(metrics))
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), series+" ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s: %v", series, err)
		}
		return f, true
	}
	return 0, false
}

// TestBrokerMetrics produces (accepted and refused) and consumes through
// the real server with franz-go, then reads the broker's series on /metrics.
func TestBrokerMetrics(t *testing.T) {
	base, addr := startWithBroker(t)
	if code, body := post(t, base+"/subjects/orders-value/versions", `{"schema":"\"string\""}`); code != 200 {
		t.Fatalf("register: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	producer := newClient(t, addr)
	accepted := []*kgo.Record{
		{Topic: "orders", Value: wireValue(1, "first")},
		{Topic: "orders", Value: wireValue(1, "second")},
	}
	if err := producer.ProduceSync(ctx, accepted...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	err := producer.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("no schema ID")}).FirstErr()
	if !errors.Is(err, kerr.InvalidRecord) {
		t.Fatalf("produce without a schema ID: %v, want INVALID_RECORD", err)
	}

	consumer := newClient(t, addr, kgo.ConsumeTopics("orders"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	for n := 0; n < len(accepted); {
		fs := consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records: %v", n, len(accepted), ctx.Err())
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", topic, p, err) })
		n += fs.NumRecords()
	}

	_, metrics := get(t, base+"/metrics")
	for _, tc := range []struct {
		series string
		want   float64
	}{
		{`charter_kafka_produced_records_total{topic="orders"}`, 2},
		{`charter_kafka_rejected_batches_total{reason="schema_id",topic="orders"}`, 1},
		{`charter_kafka_rejected_records_total{topic="orders"}`, 1},
	} {
		if got, ok := metricValue(t, metrics, tc.series); !ok || got != tc.want {
			t.Errorf("%s = %v (present: %v), want %v", tc.series, got, ok, tc.want)
		}
	}
	// Every stored byte was fetched once.
	produced, _ := metricValue(t, metrics, `charter_kafka_produced_bytes_total{topic="orders"}`)
	fetched, _ := metricValue(t, metrics, `charter_kafka_fetched_bytes_total{topic="orders"}`)
	if produced <= 0 || fetched != produced {
		t.Errorf("produced %v bytes and fetched %v, want the same, more than 0", produced, fetched)
	}
	if got, _ := metricValue(t, metrics, "charter_kafka_connections"); got < 2 {
		t.Errorf("charter_kafka_connections = %v with a producer and a consumer connected, want at least 2", got)
	}
	for line := range strings.Lines(metrics) {
		if !strings.HasPrefix(line, "charter_kafka_") {
			continue
		}
		if strings.Contains(line, "client") {
			t.Errorf("series labelled by client: %s", line)
		}
		if strings.Contains(line, "topic=") && !strings.Contains(line, `topic="orders"`) {
			t.Errorf("series of a topic never used: %s", line)
		}
	}

	// Once the clients leave, no connection is open.
	producer.Close()
	consumer.Close()
	for {
		_, metrics = get(t, base+"/metrics")
		if got, ok := metricValue(t, metrics, "charter_kafka_connections"); ok && got == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("charter_kafka_connections did not return to 0 after the clients closed:\n%s", metrics)
		case <-time.After(10 * time.Millisecond):
		}
	}
	// A request is counted once its response is written, which its client
	// may see first; a connection is closed only after its last request
	// was counted, so now every one has been.
	for _, tc := range []struct {
		series string
		min    float64
	}{
		{`charter_kafka_requests_total{api="Produce"}`, 2},
		{`charter_kafka_request_duration_seconds_count{api="Produce"}`, 2},
		{`charter_kafka_requests_total{api="Fetch"}`, 1},
		{`charter_kafka_requests_total{api="Metadata"}`, 1},
		{`charter_kafka_requests_total{api="ApiVersions"}`, 2},
	} {
		if got, ok := metricValue(t, metrics, tc.series); !ok || got < tc.min {
			t.Errorf("%s = %v (present: %v), want at least %v", tc.series, got, ok, tc.min)
		}
	}
	requests, _ := metricValue(t, metrics, `charter_kafka_requests_total{api="Produce"}`)
	timed, _ := metricValue(t, metrics, `charter_kafka_request_duration_seconds_count{api="Produce"}`)
	if requests != timed {
		t.Errorf("%v Produce requests counted and %v timed, want the same", requests, timed)
	}

	// A deleted topic's series go with it.
	adm := kadm.NewClient(newClient(t, addr))
	if resp, err := adm.DeleteTopics(ctx, "orders"); err != nil || resp.Error() != nil {
		t.Fatalf("delete topic: %v %v", err, resp.Error())
	}
	_, metrics = get(t, base+"/metrics")
	for line := range strings.Lines(metrics) {
		if strings.HasPrefix(line, "charter_kafka_") && strings.Contains(line, `topic="orders"`) {
			t.Errorf("series of the deleted topic: %s", line)
		}
	}
}
