package kafka

// Topic configs that switch schema-ID enforcement on and choose subjects.

import (
	"fmt"
	"strings"
)

// Topic config names. charter.* wins over its confluent.* alias when both
// are set (as redpanda.* does in Redpanda's compat mode); an empty value
// counts as unset.
const (
	enfCfgValueIDValidation          = "charter.value.schema.id.validation" // "true"/"false", default false
	enfCfgKeyIDValidation            = "charter.key.schema.id.validation"
	enfCfgConfluentValueValidation   = "confluent.value.schema.validation" // alias
	enfCfgConfluentKeyValidation     = "confluent.key.schema.validation"
	enfCfgValueSubjectStrategy       = "charter.value.subject.name.strategy" // default TopicNameStrategy
	enfCfgKeySubjectStrategy         = "charter.key.subject.name.strategy"
	enfCfgConfluentValueSubjectStrat = "confluent.value.subject.name.strategy"
	enfCfgConfluentKeySubjectStrat   = "confluent.key.subject.name.strategy"
	// charter.<field>.schema.validation = "none" | "full". "full" asks for
	// deep validation of payloads against their schemas, which is not
	// implemented in this build: it is accepted and turns on the schema-ID
	// check only.
	enfCfgValueSchemaValidation = "charter.value.schema.validation"
	enfCfgKeySchemaValidation   = "charter.key.schema.validation"
)

// Record headers that carry a schema ID instead of the payload prefix.
const (
	enfHdrKeySchemaID   = "__key_schema_id"
	enfHdrValueSchemaID = "__value_schema_id"
)

// subjectStrategy chooses the subject a record's schema ID must be under.
type subjectStrategy uint8

const (
	topicNameStrategy       subjectStrategy = iota // "<topic>-key" / "<topic>-value"
	recordNameStrategy                             // "<fully-qualified record name>"
	topicRecordNameStrategy                        // "<topic>-<fully-qualified record name>"
)

func (s subjectStrategy) String() string {
	switch s {
	case recordNameStrategy:
		return "RecordNameStrategy"
	case topicRecordNameStrategy:
		return "TopicRecordNameStrategy"
	}
	return "TopicNameStrategy"
}

const enfConfluentStrategyPrefix = "io.confluent.kafka.serializers.subject."

func enforceParseStrategy(v string) (subjectStrategy, bool) {
	v = strings.TrimPrefix(v, enfConfluentStrategyPrefix)
	switch {
	case strings.EqualFold(v, "TopicNameStrategy"):
		return topicNameStrategy, true
	case strings.EqualFold(v, "RecordNameStrategy"):
		return recordNameStrategy, true
	case strings.EqualFold(v, "TopicRecordNameStrategy"):
		return topicRecordNameStrategy, true
	}
	return 0, false
}

func enforceParseBool(v string) (bool, bool) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
}

// enforceField is the key or the value of a record.
type enforceField struct {
	name        string // "key" or "value"
	header      string // header that may carry the ID
	suffix      string // TopicNameStrategy subject suffix
	idCfg       string
	idAlias     string
	strategyCfg string
	strategyAl  string
	deepCfg     string
}

var (
	enforceKey = enforceField{"key", enfHdrKeySchemaID, "-key",
		enfCfgKeyIDValidation, enfCfgConfluentKeyValidation,
		enfCfgKeySubjectStrategy, enfCfgConfluentKeySubjectStrat, enfCfgKeySchemaValidation}
	enforceValue = enforceField{"value", enfHdrValueSchemaID, "-value",
		enfCfgValueIDValidation, enfCfgConfluentValueValidation,
		enfCfgValueSubjectStrategy, enfCfgConfluentValueSubjectStrat, enfCfgValueSchemaValidation}
)

// enforcePolicy is what a topic's configs ask of one field.
type enforcePolicy struct {
	on       bool
	deep     bool // decode payloads with their schemas, not just check IDs
	strategy subjectStrategy
	// configErr, when set, names an invalid config value: enforcement
	// fails closed and every record with a non-null field is rejected.
	configErr string
}

func enforceLookupCfg(configs map[string]string, name, alias string) (key, value string) {
	if v := configs[name]; v != "" {
		return name, v
	}
	if v := configs[alias]; v != "" {
		return alias, v
	}
	return "", ""
}

func enforcePolicyOf(configs map[string]string, f enforceField) enforcePolicy {
	var p enforcePolicy
	if k, v := enforceLookupCfg(configs, f.idCfg, f.idAlias); k != "" {
		on, ok := enforceParseBool(v)
		if !ok {
			return enforcePolicy{on: true, configErr: fmt.Sprintf("topic config %s has invalid value %q", k, v)}
		}
		p.on = on
	}
	if v := configs[f.deepCfg]; v != "" {
		switch {
		case strings.EqualFold(v, "full"):
			p.on, p.deep = true, true
		case strings.EqualFold(v, "none"):
		default:
			return enforcePolicy{on: true, configErr: fmt.Sprintf("topic config %s has invalid value %q", f.deepCfg, v)}
		}
	}
	if !p.on {
		return p
	}
	if k, v := enforceLookupCfg(configs, f.strategyCfg, f.strategyAl); k != "" {
		s, ok := enforceParseStrategy(v)
		if !ok {
			return enforcePolicy{on: true, configErr: fmt.Sprintf("topic config %s has invalid value %q", k, v)}
		}
		p.strategy = s
	}
	return p
}

// validateEnforceConfig reports whether name is one of enforcement's topic
// configs and, if so, whether value is acceptable for it. The server calls
// it on CreateTopics / AlterConfigs / IncrementalAlterConfigs
// (INVALID_CONFIG on error); an empty value means "unset" and is valid.
func validateEnforceConfig(name, value string) (known bool, err error) {
	switch name {
	case enfCfgValueIDValidation, enfCfgKeyIDValidation, enfCfgConfluentValueValidation, enfCfgConfluentKeyValidation:
		if _, ok := enforceParseBool(value); !ok && value != "" {
			return true, fmt.Errorf("invalid value %q for %s: expected true or false", value, name)
		}
		return true, nil
	case enfCfgValueSubjectStrategy, enfCfgKeySubjectStrategy, enfCfgConfluentValueSubjectStrat, enfCfgConfluentKeySubjectStrat:
		if _, ok := enforceParseStrategy(value); !ok && value != "" {
			return true, fmt.Errorf("invalid value %q for %s: expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy", value, name)
		}
		return true, nil
	case enfCfgValueSchemaValidation, enfCfgKeySchemaValidation:
		if !strings.EqualFold(value, "none") && !strings.EqualFold(value, "full") && value != "" {
			return true, fmt.Errorf("invalid value %q for %s: expected none or full", value, name)
		}
		return true, nil
	}
	return false, nil
}
