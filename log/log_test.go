package log_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/charterhq/charter/log"
)

func TestLog_CreateTopic(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), log.Options{})
	tests := []struct {
		name       string
		partitions int32
		configs    map[string]string
		err        error
	}{
		{"orders", 3, map[string]string{"retention.ms": "1000", "x.custom": "y"}, nil},
		{"a.b_c-D9", 1, nil, nil},
		{strings.Repeat("x", 249), 1, nil, nil},
		{"orders", 1, nil, log.ErrTopicExists},
		{"", 1, nil, log.ErrInvalidTopic},
		{".", 1, nil, log.ErrInvalidTopic},
		{"..", 1, nil, log.ErrInvalidTopic},
		{"a/b", 1, nil, log.ErrInvalidTopic},
		{"a b", 1, nil, log.ErrInvalidTopic},
		{"ünï", 1, nil, log.ErrInvalidTopic},
		{strings.Repeat("x", 250), 1, nil, log.ErrInvalidTopic},
		{"zero", 0, nil, log.ErrInvalidPartitions},
		{"negative", -1, nil, log.ErrInvalidPartitions},
		{"badconfig", 1, map[string]string{"retention.ms": "soon"}, log.ErrInvalidConfig},
		{"badpolicy", 1, map[string]string{"cleanup.policy": "shred"}, log.ErrInvalidConfig},
	}
	for _, tt := range tests {
		topic, err := l.CreateTopic(tt.name, tt.partitions, tt.configs)
		if !errors.Is(err, tt.err) {
			t.Errorf("CreateTopic(%.20q, %d) error = %v, want %v", tt.name, tt.partitions, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if topic.Name != tt.name || topic.Partitions != tt.partitions || topic.ID == [16]byte{} {
			t.Errorf("CreateTopic(%.20q) = %+v", tt.name, topic)
		}
		if _, err := l.Partition(tt.name, tt.partitions-1); err != nil {
			t.Errorf("Partition(%.20q, %d): %v", tt.name, tt.partitions-1, err)
		}
		if _, err := l.Partition(tt.name, tt.partitions); !errors.Is(err, log.ErrUnknownTopic) {
			t.Errorf("Partition(%.20q, %d) error = %v, want ErrUnknownTopic", tt.name, tt.partitions, err)
		}
	}
	var names []string
	for _, topic := range l.Topics() {
		names = append(names, topic.Name[:min(len(topic.Name), 8)])
	}
	if got := strings.Join(names, ","); got != "a.b_c-D9,orders,xxxxxxxx" {
		t.Errorf("Topics = %s, want them sorted", got)
	}
}

func TestLog_TopicsPersist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := mustOpen(t, dir, log.Options{})
	created, err := l.CreateTopic("events", 2, map[string]string{"retention.ms": "1000", "keep": "me"})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.AddPartitions("events", 2); !errors.Is(err, log.ErrInvalidPartitions) {
		t.Fatalf("AddPartitions to the same count: %v, want ErrInvalidPartitions", err)
	}
	if err := l.AddPartitions("events", 4); err != nil {
		t.Fatal(err)
	}
	week, bad := "604800000", "-5"
	if err := l.AlterConfigs("events", map[string]*string{"retention.ms": &week, "keep": nil, "new": &week}); err != nil {
		t.Fatal(err)
	}
	if err := l.AlterConfigs("events", map[string]*string{"retention.bytes": &bad}); !errors.Is(err, log.ErrInvalidConfig) {
		t.Fatalf("AlterConfigs with a bad value: %v, want ErrInvalidConfig", err)
	}
	if err := l.AlterConfigs("nope", nil); !errors.Is(err, log.ErrUnknownTopic) {
		t.Fatalf("AlterConfigs of an unknown topic: %v", err)
	}
	p, _ := l.Partition("events", 3)
	mustAppend(t, p, makeBatch(batchOpts{}, rec{ts: 1}), true)
	if _, err := l.CreateTopic("doomed", 1, nil); err != nil {
		t.Fatal(err)
	}
	doomed, _ := l.Partition("doomed", 0)
	mustAppend(t, doomed, makeBatch(batchOpts{}, rec{ts: 1}), true)
	if err := l.DeleteTopic("doomed"); err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteTopic("doomed"); !errors.Is(err, log.ErrUnknownTopic) {
		t.Fatalf("DeleteTopic twice: %v, want ErrUnknownTopic", err)
	}
	if _, ok := l.Topic("doomed"); ok {
		t.Fatal("deleted topic still listed")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = mustOpen(t, dir, log.Options{})
	got, ok := l.Topic("events")
	want := map[string]string{"retention.ms": week, "new": week}
	if !ok || got.ID != created.ID || got.Partitions != 4 || !maps.Equal(got.Configs, want) {
		t.Fatalf("after reopen Topic = %+v, want ID %x, 4 partitions, configs %v", got, created.ID, want)
	}
	if p, err := l.Partition("events", 3); err != nil || p.HighWatermark() != 1 {
		t.Fatalf("partition 3 after reopen: %v", err)
	}
	if _, ok := l.Topic("doomed"); ok {
		t.Fatal("deleted topic back after reopen")
	}
	// A topic created again under a deleted one's name starts empty.
	if _, err := l.CreateTopic("doomed", 1, nil); err != nil {
		t.Fatal(err)
	}
	if p, _ := l.Partition("doomed", 0); p.HighWatermark() != 0 {
		t.Fatalf("recreated topic has high watermark %d", p.HighWatermark())
	}
}
