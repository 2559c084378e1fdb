package kafka_test

import (
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/log/kafka"
)

// TestGroupE2EOffsetsExpire runs the server's expiry loop with a short
// retention: the offsets of a group whose member left, and those of a
// standalone committer, expire and their groups go, while a group whose
// member stays keeps its (older) offset.
func TestGroupE2EOffsetsExpire(t *testing.T) {
	const topic, records = "clicks", 5
	b := mustStart(t, kafka.Config{
		OffsetsRetention:              200 * time.Millisecond,
		OffsetsRetentionCheckInterval: 20 * time.Millisecond,
	}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, topic, 1, nil)
	gtProduce(t, b.addr, topic, 1, records)
	ctx := testContext(t)

	// consumeAndCommit joins group, consumes every record and commits.
	consumeAndCommit := func(group string) *kgo.Client {
		t.Helper()
		cl := mustClient(t, b.addr,
			kgo.ConsumerGroup(group),
			kgo.ConsumeTopics(topic),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.DisableAutoCommit(),
			kgo.HeartbeatInterval(100*time.Millisecond),
			kgo.FetchMaxWait(100*time.Millisecond),
		)
		for n := 0; n < records; {
			fs := cl.PollFetches(ctx)
			if err := ctx.Err(); err != nil {
				t.Fatalf("%s consumed %d records: %v", group, n, err)
			}
			n += len(fs.Records())
		}
		if err := cl.CommitUncommittedOffsets(ctx); err != nil {
			t.Fatalf("%s commit: %v", group, err)
		}
		return cl
	}
	committed := func(group string) (int64, bool) {
		t.Helper()
		offsets, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			t.Fatalf("fetch offsets of %s: %v", group, err)
		}
		o, ok := offsets.Lookup(topic, 0)
		if !ok || o.At < 0 {
			return -1, false
		}
		if o.Err != nil {
			t.Fatalf("fetch offsets of %s: %v", group, o.Err)
		}
		return o.At, true
	}
	listed := func() []string {
		t.Helper()
		groups, err := adm.ListGroups(ctx)
		if err != nil {
			t.Fatalf("list groups: %v", err)
		}
		return groups.Groups()
	}

	// The active group commits first and stays: its commit is the oldest.
	consumeAndCommit("active")
	left := consumeAndCommit("left")
	left.Close() // leaves the group: Empty from now
	standalone := kadm.Offsets{}
	standalone.Add(kadm.Offset{Topic: topic, Partition: 0, At: 3, LeaderEpoch: -1})
	if resp, err := adm.CommitOffsets(ctx, "standalone", standalone); err != nil || resp.Error() != nil {
		t.Fatalf("standalone commit: %v %v", err, resp.Error())
	}

	for {
		names := listed()
		if !slices.Contains(names, "left") && !slices.Contains(names, "standalone") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("groups never expired: listed %v", names)
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, group := range []string{"left", "standalone"} {
		if at, ok := committed(group); ok {
			t.Errorf("%s: committed offset %d after expiry, want none", group, at)
		}
	}
	// More than the retention has passed since the active group's commit,
	// and sweeps ran meanwhile: a group with a member keeps its offsets.
	if at, ok := committed("active"); !ok || at != records {
		t.Errorf("active: committed offset %d (found %v), want %d", at, ok, records)
	}
	if names := listed(); !slices.Contains(names, "active") {
		t.Errorf("active not listed: %v", names)
	}
}
