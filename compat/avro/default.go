package avro

import (
	"math"
	"strconv"
	"strings"
)

// defaults checks field defaults, following Java's Schema.isValidDefault as
// of Avro 1.12: a union's default may match any branch (older releases
// required the first, which the spec still says; accepting more never
// rejects what Confluent accepts), and a record default supplies every field
// that has no default of its own.
//
// Verdicts are memoised per (schema, value) pair. Without that, a union of
// records whose fields are that union again makes the any-branch search
// exponential in the depth of the default; with it, each pair is decided
// once. A pair met again while being decided (a record whose field defaults
// lead back to it) is invalid, as Java would overflow its stack on it.
type defaults struct {
	memo map[defaultKey]bool
}

type defaultKey struct {
	n *node
	v *value
}

func (d *defaults) valid(n *node, v *value) bool {
	if v == nil {
		return false
	}
	k := defaultKey{n, v}
	if ok, seen := d.memo[k]; seen {
		return ok
	}
	d.memo[k] = false
	ok := d.decide(n, v)
	d.memo[k] = ok
	return ok
}

func (d *defaults) decide(n *node, v *value) bool {
	switch n.kind {
	case kindNull:
		return v.kind == jsonNull
	case kindBoolean:
		return v.kind == jsonBool
	case kindInt:
		return integral(v, 32)
	case kindLong:
		return integral(v, 64)
	case kindFloat, kindDouble:
		// floatDefault has already turned numeric strings into numbers.
		return v.kind == jsonNumber ||
			(v.kind == jsonString && (v.str == "NaN" || v.str == "Infinity" || v.str == "-Infinity" || v.str == "+Infinity"))
	case kindBytes, kindString, kindEnum, kindFixed:
		return v.kind == jsonString
	case kindArray:
		if v.kind != jsonArray {
			return false
		}
		for _, item := range v.items {
			if !d.valid(n.items, item) {
				return false
			}
		}
		return true
	case kindMap:
		if v.kind != jsonObject {
			return false
		}
		for _, m := range v.members {
			if !d.valid(n.values, m.val) {
				return false
			}
		}
		return true
	case kindUnion:
		for _, br := range n.branches {
			if d.valid(br, v) {
				return true
			}
		}
		return false
	case kindRecord:
		if v.kind != jsonObject {
			return false
		}
		for _, f := range n.fields {
			fv := v.get(f.name)
			if fv == nil {
				fv = f.def
			}
			if !d.valid(f.typ, fv) {
				return false
			}
		}
		return true
	}
	return false
}

// integral reports whether v is a whole-number literal that fits in a
// signed integer of the given width.
func integral(v *value, bits int) bool {
	if v.kind != jsonNumber || strings.ContainsAny(v.str, ".eE") {
		return false
	}
	_, err := strconv.ParseInt(v.str, 10, bits)
	return err == nil
}

// floatDefault applies Java's special case for float and double fields: a
// string default is read as a Java double. NaN and the infinities stay
// strings, which is how Jackson writes them back; any other number becomes a
// JSON number. It reports false for a string that is not a number.
func floatDefault(v *value) (*value, bool) {
	switch v.str {
	case "NaN", "Infinity", "-Infinity", "+Infinity":
		return v, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.str), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return &value{kind: jsonNumber, str: javaDouble(f)}, true
}
