package protobuf

import (
	"fmt"
	"strings"
)

// RuleSet selects the rules Format.Compatible applies. The zero value is
// Confluent's, which the registry uses; the others are buf's breaking
// change categories (https://buf.build/docs/breaking/rules), stricter about
// what generated code and JSON clients see.
type RuleSet int

const (
	// Confluent is Confluent Schema Registry's ProtobufSchema diff: the
	// default, and what a registry must use to agree with Confluent.
	Confluent RuleSet = iota
	// Wire is buf's WIRE category: changes that break the binary encoding.
	Wire
	// WireJSON is buf's WIRE_JSON category: changes that break the binary
	// or the JSON encoding.
	WireJSON
)

// String is the name ParseRuleSet accepts.
func (r RuleSet) String() string {
	switch r {
	case Confluent:
		return "CONFLUENT"
	case Wire:
		return "WIRE"
	case WireJSON:
		return "WIRE_JSON"
	}
	return fmt.Sprintf("RuleSet(%d)", int(r))
}

// ParseRuleSet reads a rule set name: "CONFLUENT" (also the empty string),
// "WIRE" or "WIRE_JSON", in any case.
func ParseRuleSet(name string) (RuleSet, error) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "", "CONFLUENT":
		return Confluent, nil
	case "WIRE":
		return Wire, nil
	case "WIRE_JSON":
		return WireJSON, nil
	}
	return Confluent, fmt.Errorf("unknown Protobuf rule set %q: want CONFLUENT, WIRE or WIRE_JSON", name)
}

// Buf's rule IDs, as `buf config ls-breaking-rules` names them.
const (
	bufFieldSameDefault                      = "FIELD_SAME_DEFAULT"
	bufFieldSameOneof                        = "FIELD_SAME_ONEOF"
	bufFileSamePackage                       = "FILE_SAME_PACKAGE"
	bufMessageSameRequiredFields             = "MESSAGE_SAME_REQUIRED_FIELDS"
	bufReservedEnumNoDelete                  = "RESERVED_ENUM_NO_DELETE"
	bufReservedMessageNoDelete               = "RESERVED_MESSAGE_NO_DELETE"
	bufRPCSameClientStreaming                = "RPC_SAME_CLIENT_STREAMING"
	bufRPCSameIdempotencyLevel               = "RPC_SAME_IDEMPOTENCY_LEVEL"
	bufRPCSameRequestType                    = "RPC_SAME_REQUEST_TYPE"
	bufRPCSameResponseType                   = "RPC_SAME_RESPONSE_TYPE"
	bufRPCSameServerStreaming                = "RPC_SAME_SERVER_STREAMING"
	bufEnumValueNoDeleteUnlessNumberReserved = "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED"
	bufFieldNoDeleteUnlessNumberReserved     = "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"
	bufFieldWireCompatibleCardinality        = "FIELD_WIRE_COMPATIBLE_CARDINALITY"
	bufFieldWireCompatibleType               = "FIELD_WIRE_COMPATIBLE_TYPE"
	bufEnumSameJSONFormat                    = "ENUM_SAME_JSON_FORMAT"
	bufEnumValueSameName                     = "ENUM_VALUE_SAME_NAME"
	bufFieldSameJSONName                     = "FIELD_SAME_JSON_NAME"
	bufFieldSameName                         = "FIELD_SAME_NAME"
	bufMessageSameJSONFormat                 = "MESSAGE_SAME_JSON_FORMAT"
	bufEnumValueNoDeleteUnlessNameReserved   = "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED"
	bufFieldNoDeleteUnlessNameReserved       = "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"
	bufFieldWireJSONCompatibleCardinality    = "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"
	bufFieldWireJSONCompatibleType           = "FIELD_WIRE_JSON_COMPATIBLE_TYPE"
)

// wireRules is buf's WIRE category (buf v1.75 `ls-breaking-rules`).
var wireRules = []string{
	bufFieldSameDefault, bufFieldSameOneof, bufFileSamePackage, bufMessageSameRequiredFields,
	bufReservedEnumNoDelete, bufReservedMessageNoDelete,
	bufRPCSameClientStreaming, bufRPCSameIdempotencyLevel, bufRPCSameRequestType, bufRPCSameResponseType, bufRPCSameServerStreaming,
	bufEnumValueNoDeleteUnlessNumberReserved, bufFieldNoDeleteUnlessNumberReserved,
	bufFieldWireCompatibleCardinality, bufFieldWireCompatibleType,
}

// wireJSONRules is buf's WIRE_JSON category: WIRE without the two
// wire-only field rules, plus the JSON ones.
var wireJSONRules = []string{
	bufFieldSameDefault, bufFieldSameOneof, bufFileSamePackage, bufMessageSameRequiredFields,
	bufReservedEnumNoDelete, bufReservedMessageNoDelete,
	bufRPCSameClientStreaming, bufRPCSameIdempotencyLevel, bufRPCSameRequestType, bufRPCSameResponseType, bufRPCSameServerStreaming,
	bufEnumValueNoDeleteUnlessNumberReserved, bufFieldNoDeleteUnlessNumberReserved,
	bufEnumSameJSONFormat, bufEnumValueSameName, bufFieldSameJSONName, bufFieldSameName, bufMessageSameJSONFormat,
	bufEnumValueNoDeleteUnlessNameReserved, bufFieldNoDeleteUnlessNameReserved,
	bufFieldWireJSONCompatibleCardinality, bufFieldWireJSONCompatibleType,
}

// ruleIDs lists the buf rule IDs r applies, nil for Confluent.
func (r RuleSet) ruleIDs() []string {
	switch r {
	case Wire:
		return wireRules
	case WireJSON:
		return wireJSONRules
	}
	return nil
}
