package avro

import (
	"strings"
)

// kind is an Avro schema type.
type kind uint8

const (
	kindNull kind = iota
	kindBoolean
	kindInt
	kindLong
	kindFloat
	kindDouble
	kindBytes
	kindString
	kindRecord
	kindEnum
	kindFixed
	kindArray
	kindMap
	kindUnion
)

// primitive returns the kind of a primitive type name.
func primitive(name string) (kind, bool) {
	for k := kindNull; k <= kindString; k++ {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// String is the kind's spelling in schema text.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBoolean:
		return "boolean"
	case kindInt:
		return "int"
	case kindLong:
		return "long"
	case kindFloat:
		return "float"
	case kindDouble:
		return "double"
	case kindBytes:
		return "bytes"
	case kindString:
		return "string"
	case kindRecord:
		return "record"
	case kindEnum:
		return "enum"
	case kindFixed:
		return "fixed"
	case kindArray:
		return "array"
	case kindMap:
		return "map"
	}
	return "union"
}

// javaName is the kind as Java's Schema.Type prints it in messages.
func (k kind) javaName() string { return strings.ToUpper(k.String()) }

// node is one parsed schema. Named types are shared: every use of a name
// points at the node that defined it, so recursive schemas are cyclic graphs.
type node struct {
	kind kind

	// Named types (record, enum, fixed).
	name    string   // unqualified
	space   string   // namespace, "" for none
	aliases []string // full names, first occurrence kept
	doc     *string
	isError bool
	fromRef bool // defined by a schema reference, so written by name

	fields      []*field
	fieldIndex  map[string]*field // fields by name, for the compatibility check
	symbols     []string
	symbolSet   map[string]bool // symbols, for the compatibility check
	enumDefault *string
	size        int

	items    *node // array
	values   *node // map
	branches []*node

	props []member // custom properties, in the order read

	// Byte offsets in the schema text, for Locate. A named type's off is
	// where it is defined (in a reference's text when fromRef); the other
	// offsets are those of attribute values and of the schemas inside n,
	// which for a named type used by name is where the name is written.
	off        int
	nameOff    int
	sizeOff    int
	symbolsOff int
	childOff   int   // items or values
	branchOffs []int // union branches
}

// full is the full name of a named type.
func (n *node) full() string {
	if n.space == "" {
		return n.name
	}
	return n.space + "." + n.name
}

// named reports whether n is a record, enum or fixed.
func (n *node) named() bool {
	return n.kind == kindRecord || n.kind == kindEnum || n.kind == kindFixed
}

// prop returns the custom property key, or nil.
func (n *node) prop(key string) *value {
	for _, p := range n.props {
		if p.key == key {
			return p.val
		}
	}
	return nil
}

// field is a record field.
type field struct {
	name    string
	typ     *node
	doc     *string
	def     *value // nil when the field has no default
	order   string // "ascending", "descending" or "ignore"
	aliases []string
	props   []member
	off     int // the field object's offset in the schema text
	typeOff int // the offset of its type
}

// Reserved attribute names are not custom properties. The sets are Java's
// SCHEMA_RESERVED, ENUM_RESERVED and FIELD_RESERVED.
func schemaReserved(key string, k kind) bool {
	switch key {
	case "doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases":
		return true
	case "default":
		return k == kindEnum
	}
	return false
}

func fieldReserved(key string) bool {
	switch key {
	case "default", "doc", "name", "order", "type", "aliases":
		return true
	}
	return false
}
