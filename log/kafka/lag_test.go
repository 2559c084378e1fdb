package kafka_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/log"
	"github.com/charterhq/charter/log/kafka"
)

func TestServer_GroupLags(t *testing.T) {
	t.Parallel()
	b := mustStart(t, kafka.Config{}, nil)
	ctx := testContext(t)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "orders", 1, nil)
	mustCreateTopic(t, adm, "gone", 1, nil)

	if got := b.srv.GroupLags(); len(got) != 0 {
		t.Fatalf("GroupLags before any commit = %+v, want none", got)
	}

	producer := mustClient(t, b.addr)
	produce := func(n int) {
		t.Helper()
		for i := range n {
			r := &kgo.Record{Topic: "orders", Value: []byte(fmt.Sprint("v", i))}
			if err := producer.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	produce(4)

	consumer := mustClient(t, b.addr, kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	for n := 0; n < 4; {
		fs := consumer.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatal(err)
		}
		n += fs.NumRecords()
	}
	if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatal(err)
	}

	// A group with offsets of a topic deleted afterwards, and one of orders.
	for group, topic := range map[string]string{"audit": "orders", "stale": "gone"} {
		offs := kadm.Offsets{}
		offs.Add(kadm.Offset{Topic: topic, Partition: 0, At: 1, LeaderEpoch: -1})
		if resp, err := adm.CommitOffsets(ctx, group, offs); err != nil || resp.Error() != nil {
			t.Fatalf("commit %s: %v %v", group, err, resp.Error())
		}
	}
	if resp, err := adm.DeleteTopics(ctx, "gone"); err != nil || resp.Error() != nil {
		t.Fatalf("delete gone: %v %v", err, resp.Error())
	}

	produce(3)

	want := []kafka.GroupLag{
		{Group: "audit", Topic: "orders", Partition: 0, Committed: 1, HighWatermark: 7, Lag: 6},
		{Group: "billing", Topic: "orders", Partition: 0, Committed: 4, HighWatermark: 7, Lag: 3},
	}
	if got := b.srv.GroupLags(); !slices.Equal(got, want) {
		t.Errorf("GroupLags = %+v\nwant %+v", got, want)
	}
}

func TestServer_GroupLagsBeforeServe(t *testing.T) {
	t.Parallel()
	l, err := log.Open(t.TempDir(), log.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv, err := kafka.New(l, nil, kafka.Config{}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if got := srv.GroupLags(); got != nil {
		t.Errorf("GroupLags before Serve = %+v, want nil", got)
	}
}
