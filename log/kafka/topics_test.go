package kafka_test

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

func TestTopics_CreateDeletePartitions(t *testing.T) {
	b := mustStart(t, kafka.Config{DefaultPartitions: 2}, nil)
	adm := mustAdmin(t, b.addr)
	ctx := testContext(t)

	resp, err := adm.CreateTopic(ctx, -1, -1, map[string]*string{"retention.ms": ptr("3600000")}, "orders")
	if err != nil || resp.Err != nil {
		t.Fatalf("create: %v %v", err, resp.Err)
	}
	if resp.NumPartitions != 2 || resp.ReplicationFactor != 1 || resp.ID == (kadm.TopicID{}) {
		t.Errorf("create answered %d partitions, rf %d, id %v", resp.NumPartitions, resp.ReplicationFactor, resp.ID)
	}
	if c := resp.Configs["retention.ms"]; c.Value == nil || *c.Value != "3600000" {
		t.Errorf("create answered retention.ms %v", c.Value)
	}

	for _, tc := range []struct {
		name       string
		topic      string
		partitions int32
		rf         int16
		configs    map[string]*string
		want       error
	}{
		{"exists", "orders", 1, 1, nil, kerr.TopicAlreadyExists},
		{"bad name", "a/b", 1, 1, nil, kerr.InvalidTopicException},
		{"zero partitions", "zero", 0, 1, nil, kerr.InvalidPartitions},
		{"replication", "rf3", 1, 3, nil, kerr.InvalidReplicationFactor},
		{"unknown config", "cfg1", 1, 1, map[string]*string{"no.such.config": ptr("1")}, kerr.InvalidConfig},
		{"bad value", "cfg2", 1, 1, map[string]*string{"retention.ms": ptr("soon")}, kerr.InvalidConfig},
		{"bad strategy", "cfg3", 1, 1, map[string]*string{"charter.value.subject.name.strategy": ptr("Nope")}, kerr.InvalidConfig},
		{"bad bool", "cfg4", 1, 1, map[string]*string{"confluent.value.schema.validation": ptr("yes")}, kerr.InvalidConfig},
	} {
		resp, err := adm.CreateTopic(ctx, tc.partitions, tc.rf, tc.configs, tc.topic)
		if err == nil {
			err = resp.Err
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	// ValidateOnly creates nothing.
	vresp, err := adm.ValidateCreateTopics(ctx, 4, 1, nil, "dry")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := vresp.On("dry", nil); r.Err != nil || r.NumPartitions != 4 {
		t.Errorf("validate only: %v, %d partitions", r.Err, r.NumPartitions)
	}

	if _, err := adm.UpdatePartitions(ctx, 5, "orders"); err != nil {
		t.Fatal(err)
	}
	cp, err := adm.UpdatePartitions(ctx, 3, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := cp.On("orders", nil); !errors.Is(r.Err, kerr.InvalidPartitions) {
		t.Errorf("shrink partitions: %v, want INVALID_PARTITIONS", r.Err)
	}
	// A fresh client: kadm answers ListTopics from kgo's metadata cache.
	td, err := mustAdmin(t, b.addr).ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := td["dry"]; ok {
		t.Error("validate-only topic exists")
	}
	if d := td["orders"]; len(d.Partitions) != 5 {
		t.Errorf("orders has %d partitions, want 5", len(d.Partitions))
	}

	dr, err := adm.DeleteTopics(ctx, "orders", "missing")
	if err != nil {
		t.Fatal(err)
	}
	if r := dr["orders"]; r.Err != nil {
		t.Errorf("delete orders: %v", r.Err)
	}
	if r := dr["missing"]; !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
		t.Errorf("delete missing: %v", r.Err)
	}
	if td, _ := mustAdmin(t, b.addr).ListTopics(ctx); td.Has("orders") {
		t.Error("orders still listed after delete")
	}
}

func TestTopics_EnforceByDefault(t *testing.T) {
	b := mustStart(t, kafka.Config{EnforceByDefault: true}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "enforced", 1, nil)
	mustCreateTopic(t, adm, "_internal", 1, nil)
	mustCreateTopic(t, adm, "optout", 1, map[string]*string{"confluent.value.schema.validation": ptr("false")})
	rc, err := adm.DescribeTopicConfigs(testContext(t), "enforced", "_internal", "optout")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ topic, want string }{
		{"enforced", "true"}, {"_internal", "false"}, {"optout", "false"},
	} {
		r, err := rc.On(tc.topic, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := configValue(r, "charter.value.schema.id.validation")
		if got != tc.want {
			t.Errorf("%s: charter.value.schema.id.validation = %q, want %q", tc.topic, got, tc.want)
		}
	}
}

func configValue(r kadm.ResourceConfig, name string) string {
	for _, c := range r.Configs {
		if c.Key == name && c.Value != nil {
			return *c.Value
		}
	}
	return "<absent>"
}

func configSource(r kadm.ResourceConfig, name string) kmsg.ConfigSource {
	for _, c := range r.Configs {
		if c.Key == name {
			return c.Source
		}
	}
	return -1
}

func TestTopics_MetadataByIDAndAll(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "m1", 2, nil)
	mustCreateTopic(t, adm, "m2", 1, nil)
	md, err := adm.Metadata(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Brokers) != 1 || md.Controller != 0 {
		t.Errorf("brokers %v, controller %d", md.Brokers, md.Controller)
	}
	d := md.Topics["m1"]
	if len(d.Partitions) != 2 || d.Partitions[0].Leader != 0 || len(d.Partitions[1].ISR) != 1 {
		t.Errorf("m1 metadata %+v", d)
	}
	// Metadata v12 by topic ID.
	cl := mustClient(t, b.addr)
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.TopicID = md.Topics["m2"].ID
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(testContext(t), cl)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Topics) != 1 || resp.Topics[0].Topic == nil || *resp.Topics[0].Topic != "m2" {
		t.Errorf("metadata by ID answered %+v", resp.Topics)
	}
}
