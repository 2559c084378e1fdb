package jsonschema

import (
	"math/big"
	"slices"
)

// bound compares an optional limit of the original with the update's and
// records which of added, removed, increased or decreased happened.
func (d *diff) bound(keyword string, original, update *big.Rat, added, removed, increased, decreased string) {
	switch {
	case original == nil && update == nil:
	case original == nil:
		d.addAt(keyword, added)
	case update == nil:
		d.addAt(keyword, removed)
	case original.Cmp(update) < 0:
		d.addAt(keyword, increased)
	case original.Cmp(update) > 0:
		d.addAt(keyword, decreased)
	}
}

func (d *diff) compareString(original, update *shape) {
	d.bound("maxLength", original.maxLength, update.maxLength,
		"MAX_LENGTH_ADDED", "MAX_LENGTH_REMOVED", "MAX_LENGTH_INCREASED", "MAX_LENGTH_DECREASED")
	d.bound("minLength", original.minLength, update.minLength,
		"MIN_LENGTH_ADDED", "MIN_LENGTH_REMOVED", "MIN_LENGTH_INCREASED", "MIN_LENGTH_DECREASED")
	switch o, u := original.pattern, update.pattern; {
	case o == nil && u != nil:
		d.addAt("pattern", "PATTERN_ADDED")
	case o != nil && u == nil:
		d.addAt("pattern", "PATTERN_REMOVED")
	case o != nil && *o != *u:
		d.addAt("pattern", "PATTERN_CHANGED")
	}
}

// compareNumber follows NumberSchemaDiff with two repairs, both of inputs on
// which Confluent throws rather than answers: EXCLUSIVE_MAXIMUM_DECREASED is
// decided against the update's exclusiveMaximum (Confluent reads its
// maximum), and multipleOf is compared exactly, where Confluent truncates
// to integers and divides by zero for values below one.
func (d *diff) compareNumber(original, update *shape) {
	d.bound("maximum", original.maximum, update.maximum,
		"MAXIMUM_ADDED", "MAXIMUM_REMOVED", "MAXIMUM_INCREASED", "MAXIMUM_DECREASED")
	d.bound("minimum", original.minimum, update.minimum,
		"MINIMUM_ADDED", "MINIMUM_REMOVED", "MINIMUM_INCREASED", "MINIMUM_DECREASED")
	d.bound("exclusiveMaximum", original.exclusiveMaximum, update.exclusiveMaximum,
		"EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_DECREASED")
	d.bound("exclusiveMinimum", original.exclusiveMinimum, update.exclusiveMinimum,
		"EXCLUSIVE_MINIMUM_ADDED", "EXCLUSIVE_MINIMUM_REMOVED", "EXCLUSIVE_MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_DECREASED")
	switch o, u := original.multipleOf, update.multipleOf; {
	case o == nil && u == nil:
	case o == nil:
		d.addAt("multipleOf", "MULTIPLE_OF_ADDED")
	case u == nil:
		d.addAt("multipleOf", "MULTIPLE_OF_REMOVED")
	case o.Cmp(u) == 0:
	case divides(o, u):
		d.addAt("multipleOf", "MULTIPLE_OF_EXPANDED")
	case divides(u, o):
		d.addAt("multipleOf", "MULTIPLE_OF_REDUCED")
	default:
		d.addAt("multipleOf", "MULTIPLE_OF_CHANGED")
	}
	if original.integer != update.integer {
		if original.integer {
			d.add("TYPE_EXTENDED")
		} else {
			d.add("TYPE_NARROWED")
		}
	}
}

// divides reports whether b is a whole multiple of a.
func divides(a, b *big.Rat) bool {
	if a.Sign() == 0 {
		return false
	}
	return new(big.Rat).Quo(b, a).IsInt()
}

// compareEnum compares the enum values as sets.
func (d *diff) compareEnum(original, update *shape) {
	o, u := setOf(original.values), setOf(update.values)
	if slices.Equal(o, u) {
		return
	}
	switch {
	case containsAll(u, o):
		d.addAt("enum", "ENUM_ARRAY_EXTENDED")
	case containsAll(o, u):
		d.addAt("enum", "ENUM_ARRAY_NARROWED")
	default:
		d.addAt("enum", "ENUM_ARRAY_CHANGED")
	}
}

// compareNot compares the negated schemas the other way round: the update's
// not must reject at least what the original's rejects.
func (d *diff) compareNot(original, update *shape) {
	defer d.enter("not")()
	sub := d.sub()
	sub.compare(update.inner, original.inner)
	if sub.compatible() {
		d.add("NOT_TYPE_NARROWED")
	} else {
		d.add("NOT_TYPE_EXTENDED")
	}
}

// setOf returns the distinct values, sorted.
func setOf(values []string) []string {
	s := slices.Clone(values)
	slices.Sort(s)
	return slices.Compact(s)
}

// containsAll reports whether sorted set a holds every element of sorted b.
func containsAll(a, b []string) bool {
	for _, x := range b {
		if _, ok := slices.BinarySearch(a, x); !ok {
			return false
		}
	}
	return true
}
