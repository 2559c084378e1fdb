package compat

import "fmt"

// Problem is one reason a reader cannot read a writer's data.
type Problem struct {
	// Rule is a stable upper-case identifier, such as
	// READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH or FIELD_KIND_CHANGED.
	Rule string
	// Path locates the element in the schema: a JSON pointer for Avro and
	// JSON Schema (/fields/1/type), a qualified element for Protobuf.
	Path string
	// Message is one plain sentence for people.
	Message string
	// Direction says which side read which: "new reads old" for BACKWARD,
	// "old reads new" for FORWARD. Check fills it in.
	Direction Direction
	// Against is the index in Check's history of the version this problem is
	// with. Check fills it in.
	Against int
}

func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s: %s", p.Rule, p.Message)
	}
	return fmt.Sprintf("%s at %s: %s", p.Rule, p.Path, p.Message)
}

// Direction is which schema plays the reader in a pairwise check.
type Direction int

const (
	// NewReadsOld is the BACKWARD direction: the new schema reads old data.
	NewReadsOld Direction = iota
	// OldReadsNew is the FORWARD direction: old schemas read new data.
	OldReadsNew
)

func (d Direction) String() string {
	if d == OldReadsNew {
		return "old reads new"
	}
	return "new reads old"
}
