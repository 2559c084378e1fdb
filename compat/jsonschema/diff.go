package jsonschema

import (
	"strings"

	"github.com/charterhq/charter/compat"
)

// Compatible reports what stops a reader using schema reader from reading
// data written with schema writer.
//
// Orientation, as in Confluent: JsonSchema.isBackwardCompatible(previous)
// runs SchemaDiff.compare(original = previous, update = this), and BACKWARD
// asks whether the new schema reads the previous one's data. So the writer
// is Confluent's "original" and the reader its "update"; compat.Check passes
// (new, old) for BACKWARD and (old, new) for FORWARD. A consequence users
// meet (Confluent issues #1458 and #2927): adding an optional typed property
// to an object that is open (no additionalProperties: false) is
// PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, incompatible under BACKWARD, while
// adding it to a closed object is compatible.
//
// Only incompatible differences are returned, in the order found.
func (Format) Compatible(reader, writer compat.Schema) []compat.Problem {
	r, ok1 := reader.(*Schema)
	w, ok2 := writer.(*Schema)
	if !ok1 || !ok2 || r == nil || w == nil {
		return []compat.Problem{{Rule: "SCHEMA_TYPE_MISMATCH", Path: "#/",
			Message: "Only JSON schemas can be compared with a JSON schema."}}
	}
	d := newDiff()
	d.compare(w.root, r.root)
	var problems []compat.Problem
	for _, c := range d.changes {
		if !compatibleChange(c.rule) {
			problems = append(problems, compat.Problem{Rule: c.rule, Path: c.path, Message: message(c.rule, c.path)})
		}
	}
	return problems
}

// change is one difference found: a Confluent Difference.Type and a JSON
// pointer into the original (writer) schema.
type change struct {
	rule string
	path string
}

// diff is Confluent's diff Context: a path into the schemas, the changes
// found, and, shared with its sub-diffs, the memo and the pairs in progress.
type diff struct {
	path    []string
	changes []change
	shared  *pairs
}

// pairs remembers comparisons of schemas reached through $ref. Recursive
// schemas revisit the same pair endlessly, and cross products of allOf/anyOf
// subschemas revisit it combinatorially.
type pairs struct {
	memo       map[[2]*shape][]change // changes relative to the pair
	inProgress map[[2]*shape]bool
}

func newDiff() *diff {
	return &diff{shared: &pairs{memo: map[[2]*shape][]change{}, inProgress: map[[2]*shape]bool{}}}
}

// sub starts a diff at the same path whose changes the caller may keep or
// drop, for trial comparisons.
func (d *diff) sub() *diff {
	return &diff{path: append([]string(nil), d.path...), shared: d.shared}
}

// enter appends path segments; the returned func leaves them.
func (d *diff) enter(segments ...string) func() {
	n := len(d.path)
	d.path = append(d.path, segments...)
	return func() { d.path = d.path[:n] }
}

func (d *diff) add(rule string) {
	d.changes = append(d.changes, change{rule, pointer(d.path)})
}

// addAt records a change at a keyword below the current path.
func (d *diff) addAt(keyword, rule string) {
	defer d.enter(keyword)()
	d.add(rule)
}

func (d *diff) addAll(changes []change) { d.changes = append(d.changes, changes...) }

// compatible reports whether every change so far is allowed.
func (d *diff) compatible() bool {
	for _, c := range d.changes {
		if !compatibleChange(c.rule) {
			return false
		}
	}
	return true
}

// pointer renders a path as Confluent does, "#/" followed by the segments,
// escaping "~" and "/" in names so the result is a JSON pointer.
func pointer(path []string) string {
	escaped := make([]string, len(path))
	for i, p := range path {
		escaped[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return "#/" + strings.Join(escaped, "/")
}

// compare is SchemaDiff.compare: original is the writer's schema, update the
// reader's.
func (d *diff) compare(original, update *shape) {
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		d.add("SCHEMA_ADDED")
		return
	case update == nil:
		d.add("SCHEMA_REMOVED")
		return
	}
	if original.kind == shapeRef || update.kind == shapeRef {
		d.compareMemoized(original.deref(), update.deref())
		return
	}
	d.compareShapes(original, update)
}

// compareMemoized compares a pair reached through a reference once, and
// treats a pair met again while it is being compared as compatible: a
// recursive schema is compatible with another if it is so at every finite
// depth.
func (d *diff) compareMemoized(original, update *shape) {
	key := [2]*shape{original, update}
	rel, ok := d.shared.memo[key]
	if !ok {
		if d.shared.inProgress[key] {
			return
		}
		d.shared.inProgress[key] = true
		fresh := &diff{shared: d.shared}
		fresh.compareShapes(original, update)
		delete(d.shared.inProgress, key)
		rel = fresh.changes
		d.shared.memo[key] = rel
	}
	// Rebase: "#/x" found at the pair's root is "<path>/x" here.
	prefix := strings.TrimSuffix(pointer(d.path), "/")
	for _, c := range rel {
		p := prefix + "/" + strings.TrimPrefix(c.path, "#/")
		if p != "#/" {
			p = strings.TrimSuffix(p, "/")
		}
		d.changes = append(d.changes, change{c.rule, p})
	}
}

// compareShapes compares two dereferenced schemas.
func (d *diff) compareShapes(original, update *shape) {
	if original.kind != shapeCombined && update.kind == shapeCombined {
		if len(update.subs) == 1 {
			// A singleton union is its only member.
			sub := d.sub()
			sub.compare(original, update.subs[0])
			if sub.compatible() {
				d.addAll(sub.changes)
				return
			}
		} else if update.criterion == "anyOf" || update.criterion == "oneOf" {
			for _, s := range update.subs {
				sub := d.sub()
				sub.compare(original, s)
				if sub.compatible() {
					d.addAll(sub.changes)
					d.add("SUM_TYPE_EXTENDED")
					return
				}
			}
		}
	} else if original.kind == shapeCombined && update.kind != shapeCombined {
		if len(original.subs) == 1 {
			sub := d.sub()
			sub.compare(original.subs[0], update)
			if sub.compatible() {
				d.addAll(sub.changes)
				return
			}
		} else if original.criterion == "allOf" {
			for _, s := range original.subs {
				sub := d.sub()
				sub.compare(s, update)
				if sub.compatible() {
					d.addAll(sub.changes)
					d.add("PRODUCT_TYPE_NARROWED")
					return
				}
			}
		}
	}
	if original.kind != update.kind {
		// Anything can become empty (or true), and false can become anything.
		if original.kind != shapeFalse && !update.kind.isEmpty() {
			d.add("TYPE_CHANGED")
		}
		return
	}
	if original.id != update.id {
		d.add("ID_CHANGED")
	}
	if original.title != update.title {
		d.add("TITLE_CHANGED")
	}
	if original.description != update.description {
		d.add("DESCRIPTION_CHANGED")
	}
	if original.defaultValue != update.defaultValue {
		d.add("DEFAULT_CHANGED")
	}
	switch original.kind {
	case shapeString:
		d.compareString(original, update)
	case shapeNumber:
		d.compareNumber(original, update)
	case shapeEnum:
		d.compareEnum(original, update)
	case shapeConst:
		if original.values[0] != update.values[0] {
			d.addAt("const", "ENUM_ARRAY_CHANGED")
		}
	case shapeCombined:
		d.compareCombined(original, update)
	case shapeNot:
		d.compareNot(original, update)
	case shapeObject:
		d.compareObject(original, update)
	case shapeArray:
		d.compareArray(original, update)
	}
}
