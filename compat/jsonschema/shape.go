package jsonschema

import (
	"math/big"
	"regexp"
	"slices"
)

// shapeKind is the class a schema loads as. The comparison follows
// Confluent, which compares the classes of the everit library's schema
// model, so the classes are reproduced here: two schemas of different kinds
// are a TYPE_CHANGED however alike their JSON looks.
type shapeKind uint8

const (
	shapeEmpty shapeKind = iota // {} or only annotations: anything is valid
	shapeTrue                   // true: like shapeEmpty, but its own class
	shapeFalse                  // false: nothing is valid
	shapeString
	shapeNumber
	shapeBoolean
	shapeNull
	shapeObject
	shapeArray
	shapeEnum
	shapeConst
	shapeCombined
	shapeNot
	shapeConditional // if/then/else, compared by class only, as Confluent does
	shapeRef
)

// isEmpty reports whether k accepts everything (TrueSchema extends
// EmptySchema in everit).
func (k shapeKind) isEmpty() bool { return k == shapeEmpty || k == shapeTrue }

// shape is one schema as the comparison sees it. Only the fields of its
// kind are set.
type shape struct {
	kind shapeKind
	key  string // identity for collapsing duplicate subschemas

	// Annotations, as compact JSON; "" when absent.
	id, title, description, defaultValue string

	// shapeString
	minLength, maxLength *big.Rat
	pattern              *string

	// shapeNumber
	minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf *big.Rat
	integer                                                          bool

	// shapeObject
	properties        []property
	propertyIndex     map[string]int // name to position in properties
	required          map[string]bool
	additional        bool   // false only for additionalProperties: false
	additionalSchema  *shape // additionalProperties as a schema
	patternProperties []patternProperty
	unevaluatedProps  *shape
	propertyDeps      map[string][]string
	schemaDeps        map[string]*shape
	minProperties     *big.Rat
	maxProperties     *big.Rat

	// shapeArray
	items                 *shape   // items as one schema for every item
	tuple                 []*shape // items as an array (prefixItems in 2020-12)
	additionalItems       bool     // false only for additionalItems: false
	additionalItemsSchema *shape
	unevaluatedItems      *shape
	minItems, maxItems    *big.Rat
	minContains           *big.Rat
	maxContains           *big.Rat
	uniqueItems           bool

	// shapeEnum and shapeConst: the values as normalised JSON
	values []string

	// shapeCombined
	criterion string // allOf, anyOf or oneOf
	subs      []*shape

	// shapeNot and shapeRef
	inner *shape
}

type property struct {
	name   string
	schema *shape
}

type patternProperty struct {
	re     *regexp.Regexp // nil when RE2 cannot compile it
	schema *shape
}

// property returns the schema of the named property, or nil.
func (s *shape) property(name string) *shape {
	if i, ok := s.propertyIndex[name]; ok {
		return s.properties[i].schema
	}
	return nil
}

// hasDefault reports whether the schema carries a default value.
func (s *shape) hasDefault() bool { return s.defaultValue != "" }

// deref follows references to the schema they name; an unresolvable or
// circular-only reference is an empty schema.
func (s *shape) deref() *shape {
	for i := 0; s != nil && s.kind == shapeRef; i++ {
		if s.inner == nil || i > maxDepth {
			return &shape{kind: shapeEmpty}
		}
		s = s.inner
	}
	return s
}

// openObject is Confluent's open content model: nothing but the
// listed properties constrains what an object may carry.
func (s *shape) openObject() bool {
	if !s.additional || s.additionalSchema != nil || len(s.patternProperties) > 0 {
		return false
	}
	return s.unevaluatedProps == nil || s.unevaluatedProps.kind.isEmpty()
}

// partialObjectSchema is the schema an unlisted property name must satisfy
// in a partially open content model, or nil when it is closed.
func (s *shape) partialObjectSchema(name string) *shape {
	for _, p := range s.patternProperties {
		if p.re != nil && p.re.MatchString(name) {
			return p.schema
		}
	}
	if s.additionalSchema != nil {
		return s.additionalSchema
	}
	if s.additional && s.unevaluatedProps != nil {
		if k := s.unevaluatedProps.kind; k != shapeFalse && !k.isEmpty() {
			return s.unevaluatedProps
		}
	}
	return nil
}

// openArray is the array analogue of openObject for tuple items.
func (s *shape) openArray() bool {
	if !s.additionalItems || s.additionalItemsSchema != nil {
		return false
	}
	return s.unevaluatedItems == nil || s.unevaluatedItems.kind.isEmpty()
}

// partialArraySchema is the schema items beyond the tuple must satisfy in a
// partially open array, or nil.
func (s *shape) partialArraySchema() *shape {
	if s.additionalItemsSchema != nil {
		return s.additionalItemsSchema
	}
	if s.additionalItems && s.unevaluatedItems != nil {
		if k := s.unevaluatedItems.kind; k != shapeFalse && !k.isEmpty() {
			return s.unevaluatedItems
		}
	}
	return nil
}

// sortedKeys returns the keys of m in order, so that reports are stable.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
