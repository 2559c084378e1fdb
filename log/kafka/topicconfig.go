package kafka

// The topic configs the broker accepts, their defaults and their checks.
//
// The log applies retention.ms, retention.bytes, segment.bytes, segment.ms
// and cleanup.policy; produce applies max.message.bytes; enforcement reads
// the charter.* configs and their confluent.* aliases. The other Kafka
// configs are accepted and stored so that tools setting them keep working,
// but have no effect. A name outside this table is INVALID_CONFIG.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// topicConfig describes one accepted topic config.
type topicConfig struct {
	name  string
	def   string // shown by DescribeConfigs when unset; alias configs have none
	alias bool   // a confluent.* alias: described only when set
	typ   kmsg.ConfigType
	doc   string
	check func(string) error
}

const (
	cfgMaxMessageBytes = "max.message.bytes"
	// defaultMaxMessageBytes is Kafka's message.max.bytes default.
	defaultMaxMessageBytes = 1048588

	cfgValueIDValidation = "charter.value.schema.id.validation"
	cfgConfluentValue    = "confluent.value.schema.validation"
)

var topicConfigs = func() []topicConfig {
	long := func(minimum int64) func(string) error {
		return func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an integer", v)
			}
			if n < minimum {
				return fmt.Errorf("%d is below the minimum %d", n, minimum)
			}
			return nil
		}
	}
	integer := func(minimum int64) func(string) error {
		return func(v string) error {
			if err := long(minimum)(v); err != nil {
				return err
			}
			if n, _ := strconv.ParseInt(v, 10, 64); n > math.MaxInt32 {
				return fmt.Errorf("%d is above the maximum %d", n, math.MaxInt32)
			}
			return nil
		}
	}
	boolean := func(v string) error {
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fmt.Errorf("%q is not true or false", v)
		}
		return nil
	}
	oneOf := func(values ...string) func(string) error {
		return func(v string) error {
			for _, ok := range values {
				if v == ok {
					return nil
				}
			}
			return fmt.Errorf("%q is not one of %s", v, strings.Join(values, ", "))
		}
	}
	strategy := func(v string) error {
		switch strings.TrimPrefix(v, "io.confluent.kafka.serializers.subject.") {
		case "TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy":
			return nil
		}
		return fmt.Errorf("%q is not TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy", v)
	}
	cleanup := func(v string) error {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "delete" && p != "compact" {
				return fmt.Errorf("%q is not a list of delete and compact", v)
			}
		}
		return nil
	}
	ratio := func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return fmt.Errorf("%q is not a number between 0 and 1", v)
		}
		return nil
	}
	anything := func(string) error { return nil }
	const maxLong = "9223372036854775807"
	var (
		tBool   = kmsg.ConfigTypeBoolean
		tString = kmsg.ConfigTypeString
		tInt    = kmsg.ConfigTypeInt
		tLong   = kmsg.ConfigTypeLong
		tDouble = kmsg.ConfigTypeDouble
		tList   = kmsg.ConfigTypeList
	)
	cs := []topicConfig{
		{"cleanup.policy", "delete", false, tList, "delete (by retention), compact (keep the latest record per key), or both.", cleanup},
		{"compression.type", "producer", false, tString, "Stored only: batches are kept as the producer compressed them.", oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd")},
		{"delete.retention.ms", "86400000", false, tLong, "How long tombstones are kept on compacted topics.", long(0)},
		{"file.delete.delay.ms", "60000", false, tLong, "Stored only.", long(0)},
		{"flush.messages", maxLong, false, tLong, "Stored only: appends with acks=0 are not fsynced, others are.", long(1)},
		{"flush.ms", maxLong, false, tLong, "Stored only.", long(0)},
		{"follower.replication.throttled.replicas", "", false, tList, "Stored only: there are no followers.", anything},
		{"index.interval.bytes", "4096", false, tInt, "Stored only.", integer(0)},
		{"leader.replication.throttled.replicas", "", false, tList, "Stored only: there are no followers.", anything},
		{"max.compaction.lag.ms", maxLong, false, tLong, "Stored only.", long(1)},
		{cfgMaxMessageBytes, strconv.Itoa(defaultMaxMessageBytes), false, tInt, "The largest record batch a produce may append.", integer(0)},
		{"message.downconversion.enable", "true", false, tBool, "Stored only: batches are never down-converted.", boolean},
		{"message.timestamp.after.max.ms", maxLong, false, tLong, "Stored only.", long(0)},
		{"message.timestamp.before.max.ms", maxLong, false, tLong, "Stored only.", long(0)},
		{"message.timestamp.difference.max.ms", maxLong, false, tLong, "Stored only.", long(0)},
		{"message.timestamp.type", "CreateTime", false, tString, "Only CreateTime: batches are stored as produced.", oneOf("CreateTime")},
		{"min.cleanable.dirty.ratio", "0.5", false, tDouble, "Stored only.", ratio},
		{"min.compaction.lag.ms", "0", false, tLong, "Stored only.", long(0)},
		{"min.insync.replicas", "1", false, tInt, "Stored only: this node is the only replica.", integer(1)},
		{"preallocate", "false", false, tBool, "Stored only.", boolean},
		{"retention.bytes", "-1", false, tLong, "Per partition; -1: unlimited.", long(-1)},
		{"retention.ms", "604800000", false, tLong, "-1: keep forever.", long(-1)},
		{"segment.bytes", "134217728", false, tInt, "Roll a segment past this size.", integer(14)},
		{"segment.index.bytes", "10485760", false, tInt, "Stored only.", integer(4)},
		{"segment.jitter.ms", "0", false, tLong, "Stored only.", long(0)},
		{"segment.ms", "604800000", false, tLong, "Roll a segment older than this.", long(1)},
		{"unclean.leader.election.enable", "false", false, tBool, "Stored only: there are no followers.", boolean},

		{"charter.key.schema.id.validation", "false", false, tBool, "Reject records whose key does not carry a schema ID registered under the key subject.", boolean},
		{"charter.key.schema.validation", "none", false, tString, "none, or full: check payloads against their schemas (today: the schema ID only).", oneOf("none", "full")},
		{"charter.key.subject.name.strategy", "TopicNameStrategy", false, tString, "How the key subject is named: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.", strategy},
		{cfgValueIDValidation, "false", false, tBool, "Reject records whose value does not carry a schema ID registered under the value subject.", boolean},
		{"charter.value.schema.validation", "none", false, tString, "none, or full: check payloads against their schemas (today: the schema ID only).", oneOf("none", "full")},
		{"charter.value.subject.name.strategy", "TopicNameStrategy", false, tString, "How the value subject is named: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.", strategy},
		{"confluent.key.schema.validation", "", true, tBool, "Alias of charter.key.schema.id.validation.", boolean},
		{"confluent.key.subject.name.strategy", "", true, tString, "Alias of charter.key.subject.name.strategy.", strategy},
		{cfgConfluentValue, "", true, tBool, "Alias of charter.value.schema.id.validation.", boolean},
		{"confluent.value.subject.name.strategy", "", true, tString, "Alias of charter.value.subject.name.strategy.", strategy},
	}
	slices.SortFunc(cs, func(a, b topicConfig) int { return strings.Compare(a.name, b.name) })
	return cs
}()

func lookupTopicConfig(name string) (topicConfig, bool) {
	i, ok := slices.BinarySearchFunc(topicConfigs, name, func(c topicConfig, name string) int {
		return strings.Compare(c.name, name)
	})
	if !ok {
		return topicConfig{}, false
	}
	return topicConfigs[i], true
}

// checkTopicConfig returns why name=value cannot be set on a topic; a nil
// value is a removal, which only needs a known name.
func checkTopicConfig(name string, value *string) error {
	c, ok := lookupTopicConfig(name)
	if !ok {
		return fmt.Errorf("unknown topic config %q", name)
	}
	if value == nil {
		return nil
	}
	if err := c.check(*value); err != nil {
		return fmt.Errorf("invalid value for %s: %w", name, err)
	}
	return nil
}

// describedConfig is one config as DescribeConfigs and CreateTopics show it.
type describedConfig struct {
	name  string
	value string
	set   bool
	c     topicConfig
}

// describeTopicConfigs lists a topic's configs, set or default, sorted by
// name; names, when not nil, selects which.
func describeTopicConfigs(set map[string]string, names []string) []describedConfig {
	var out []describedConfig
	for _, c := range topicConfigs {
		if names != nil && !slices.Contains(names, c.name) {
			continue
		}
		v, ok := set[c.name]
		if !ok && c.alias {
			continue
		}
		if !ok {
			v = c.def
		}
		out = append(out, describedConfig{name: c.name, value: v, set: ok, c: c})
	}
	return out
}
