package kafka_test

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

func TestConfigs_DescribeAndAlter(t *testing.T) {
	b := mustStart(t, kafka.Config{AutoCreateTopics: true}, nil)
	adm := mustAdmin(t, b.addr)
	ctx := testContext(t)
	mustCreateTopic(t, adm, "cfg", 1, map[string]*string{"cleanup.policy": ptr("compact")})

	describe := func() kadm.ResourceConfig {
		t.Helper()
		rc, err := adm.DescribeTopicConfigs(ctx, "cfg")
		if err != nil {
			t.Fatal(err)
		}
		r, err := rc.On("cfg", nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := describe()
	for name, want := range map[string]string{
		"cleanup.policy":                      "compact",
		"retention.ms":                        "604800000",
		"segment.bytes":                       "134217728",
		"max.message.bytes":                   "1048588",
		"charter.value.schema.id.validation":  "false",
		"charter.value.subject.name.strategy": "TopicNameStrategy",
	} {
		if got := configValue(r, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if s := configSource(r, "cleanup.policy"); s != kmsg.ConfigSourceDynamicTopicConfig {
		t.Errorf("cleanup.policy source %v, want DYNAMIC_TOPIC_CONFIG", s)
	}
	if s := configSource(r, "retention.ms"); s != kmsg.ConfigSourceDefaultConfig {
		t.Errorf("retention.ms source %v, want DEFAULT_CONFIG", s)
	}

	// Incremental: set, and delete.
	alter := func(configs ...kadm.AlterConfig) error {
		t.Helper()
		resp, err := adm.AlterTopicConfigs(ctx, configs, "cfg")
		if err != nil {
			return err
		}
		r, err := resp.On("cfg", nil)
		if err != nil {
			return err
		}
		return r.Err
	}
	if err := alter(
		kadm.AlterConfig{Op: kadm.SetConfig, Name: "charter.value.schema.id.validation", Value: ptr("true")},
		kadm.AlterConfig{Op: kadm.SetConfig, Name: "confluent.value.subject.name.strategy", Value: ptr("io.confluent.kafka.serializers.subject.RecordNameStrategy")},
		kadm.AlterConfig{Op: kadm.DeleteConfig, Name: "cleanup.policy"},
	); err != nil {
		t.Fatalf("incremental alter: %v", err)
	}
	r = describe()
	for name, want := range map[string]string{
		"cleanup.policy":                        "delete",
		"charter.value.schema.id.validation":    "true",
		"confluent.value.subject.name.strategy": "io.confluent.kafka.serializers.subject.RecordNameStrategy",
	} {
		if got := configValue(r, name); got != want {
			t.Errorf("after alter: %s = %q, want %q", name, got, want)
		}
	}

	for _, tc := range []struct {
		name string
		cfg  kadm.AlterConfig
		want error
	}{
		{"unknown", kadm.AlterConfig{Op: kadm.SetConfig, Name: "bogus", Value: ptr("1")}, kerr.InvalidConfig},
		{"bad bool", kadm.AlterConfig{Op: kadm.SetConfig, Name: "charter.key.schema.id.validation", Value: ptr("maybe")}, kerr.InvalidConfig},
		{"bad strategy", kadm.AlterConfig{Op: kadm.SetConfig, Name: "charter.key.subject.name.strategy", Value: ptr("x.y.TopicNameStrategy")}, kerr.InvalidConfig},
		{"append", kadm.AlterConfig{Op: kadm.AppendConfig, Name: "cleanup.policy", Value: ptr("compact")}, kerr.InvalidRequest},
	} {
		if err := alter(tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if got := configValue(describe(), "charter.key.schema.id.validation"); got != "false" {
		t.Errorf("a refused alter changed charter.key.schema.id.validation to %q", got)
	}

	// Non-incremental AlterConfigs replaces every config.
	state, err := adm.AlterTopicConfigsState(ctx, []kadm.AlterConfig{{Name: "retention.ms", Value: ptr("1000")}}, "cfg")
	if err != nil {
		t.Fatal(err)
	}
	if sr, _ := state.On("cfg", nil); sr.Err != nil {
		t.Fatalf("alter (replace): %v", sr.Err)
	}
	r = describe()
	if got := configValue(r, "retention.ms"); got != "1000" {
		t.Errorf("retention.ms = %q after replace, want 1000", got)
	}
	if got := configValue(r, "charter.value.schema.id.validation"); got != "false" {
		t.Errorf("charter.value.schema.id.validation = %q after replace, want the default", got)
	}
	if got := configValue(r, "confluent.value.subject.name.strategy"); got != "<absent>" {
		t.Errorf("alias still set after replace: %q", got)
	}

	// Unknown topics and the broker resource.
	if rc, err := adm.DescribeTopicConfigs(ctx, "nope"); err == nil {
		if r, _ := rc.On("nope", nil); !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
			t.Errorf("describe unknown topic: %v", r.Err)
		}
	}
	bc, err := adm.DescribeBrokerConfigs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	br, err := bc.On("0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := configValue(br, "auto.create.topics.enable"); got != "true" {
		t.Errorf("broker auto.create.topics.enable = %q", got)
	}
}
