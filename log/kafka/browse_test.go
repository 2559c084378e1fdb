package kafka_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/log/kafka"
)

// recordingObserver remembers what the broker reported.
type recordingObserver struct {
	mu        sync.Mutex
	producers map[string][]string
	consumers map[string][]string
}

func (o *recordingObserver) ObserveProducer(topic, client string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !slices.Contains(o.producers[topic], client) {
		o.producers[topic] = append(o.producers[topic], client)
	}
}

func (o *recordingObserver) ObserveConsumer(topic, group string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !slices.Contains(o.consumers[topic], group) {
		o.consumers[topic] = append(o.consumers[topic], group)
	}
}

func TestBrowseAndObserve(t *testing.T) {
	obs := &recordingObserver{producers: map[string][]string{}, consumers: map[string][]string{}}
	b := mustStart(t, kafka.Config{AutoCreateTopics: true, DefaultPartitions: 2, Observer: obs}, nil)
	ctx := testContext(t)
	producer := mustClient(t, b.addr, kgo.ClientID("checkout-1"), kgo.AllowAutoTopicCreation(),
		kgo.ProducerBatchCompression(kgo.ZstdCompression()), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	for i := range 10 {
		r := &kgo.Record{Topic: "orders", Key: []byte(fmt.Sprint("k", i)), Value: []byte(fmt.Sprint("v", i)),
			Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("x")}}}
		if err := producer.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	consumer := mustClient(t, b.addr, kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	for n := 0; n < 10; {
		fs := consumer.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatal(err)
		}
		n += fs.NumRecords()
	}
	if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatal(err)
	}

	var orders kafka.TopicInfo
	for _, ti := range b.srv.Topics() {
		if ti.Name == "orders" {
			orders = ti
		}
	}
	if len(orders.Partitions) != 2 || orders.Partitions[0].EndOffset+orders.Partitions[1].EndOffset != 10 {
		t.Fatalf("orders = %+v, want 2 partitions holding 10 records", orders)
	}

	latest, err := b.srv.Latest(ctx, "orders", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 4 {
		t.Fatalf("Latest returned %d records, want 4", len(latest))
	}
	seen := map[string]bool{}
	for _, m := range latest {
		seen[string(m.Value)] = true
		if string(m.Headers["h"]) != "x" || m.Time.IsZero() {
			t.Errorf("record %+v lacks its header or time", m)
		}
	}
	for _, v := range []string{"v9", "v8", "v7", "v6"} {
		if !seen[v] {
			t.Errorf("Latest(4) = %v, want the last four records v6..v9", seen)
		}
	}
	if _, err := b.srv.Latest(ctx, "nope", 1); err == nil {
		t.Error("Latest of an unknown topic succeeded")
	}

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !slices.Equal(obs.producers["orders"], []string{"checkout-1"}) || !slices.Equal(obs.consumers["orders"], []string{"billing"}) {
		t.Errorf("observed producers %v, consumers %v", obs.producers, obs.consumers)
	}
}
