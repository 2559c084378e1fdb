// Package compat is the format-neutral half of schema compatibility: the
// compatibility levels, the Problem a checker reports, the Format interface
// each schema language implements, and Check, which owns direction and
// transitivity once for every format.
//
// It must not know any schema syntax: Avro, Protobuf and JSON Schema live in
// the sub-packages, each behind Format. It imports only the standard library.
package compat

import (
	"errors"
	"fmt"
)

// Format is one schema language. Implementations are stateless values handed
// to the registry by main; they must be safe for concurrent use.
type Format interface {
	// Type is the Confluent schemaType: "AVRO", "PROTOBUF" or "JSON".
	Type() string

	// Parse parses and validates text. refs holds every schema text reachable
	// through the schema's references, dependencies before their dependents,
	// each under the name the referring schema uses for it (an Avro full name,
	// a Protobuf import path, a JSON Schema $ref URL). A syntax or validation
	// error is returned as a *ParseError.
	Parse(text string, refs []Reference) (Schema, error)

	// Compatible reports what stops a reader using schema reader from reading
	// data written with schema writer. Both come from this Format's Parse. An
	// empty result means compatible.
	Compatible(reader, writer Schema) []Problem
}

// Schema is a parsed schema of one Format.
type Schema interface {
	// Canonical is the text stored and served: the schema re-serialised from
	// its parsed form, so that cosmetic differences (white space) vanish,
	// while documentation and custom properties are kept.
	Canonical() string
	// Normalized is the canonical text further normalised (normalize=true):
	// names fully qualified, keys and options sorted, semantic content only
	// where the format defines that. Two schemas with equal Normalized forms
	// describe the same data.
	Normalized() string
}

// Locator is implemented by Schemas that can place a Problem's Path in the
// text they were parsed from, so that tools such as `charter check` can
// point at a file's line and column. Line and column are 1-based; ok is
// false when the path names nothing in the text.
type Locator interface {
	Locate(path string) (line, column int, ok bool)
}

// Validator is implemented by Schemas that can check a serialized record
// against themselves, as the broker's deep validation does. payload is the
// record's bytes after Confluent's 5-byte wire header (magic byte and
// schema ID): Avro binary; for Protobuf the message-index prefix and then
// the message; JSON text for JSON Schema. A payload that does not decode or
// validate, or that has bytes left over, is an error saying what is wrong.
type Validator interface {
	Validate(payload []byte) error
}

// Decoder is implemented by Schemas that can turn a serialized record into
// JSON for people: payload as for Validator (the bytes after the 5-byte wire
// header; Protobuf with its message indexes).
type Decoder interface {
	DecodeJSON(payload []byte) ([]byte, error)
}

// Reference is a schema another schema depends on, with its text resolved.
type Reference struct {
	Name   string // as the referring schema names it
	Schema string // the referenced schema's canonical text
}

// ParseError is a schema that does not parse or validate. Message names what
// is wrong and, where the parser knows it, where (Line and Column are 1-based,
// 0 when unknown).
type ParseError struct {
	Type    string // the Format's Type
	Message string
	Line    int
	Column  int
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("invalid %s schema at line %d, column %d: %s", e.Type, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("invalid %s schema: %s", e.Type, e.Message)
}

// IsParseError reports whether err is, or wraps, a *ParseError.
func IsParseError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}
