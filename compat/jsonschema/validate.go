package jsonschema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charterhq/charter/compat"
	lib "github.com/santhosh-tekuri/jsonschema/v6"
	libkind "github.com/santhosh-tekuri/jsonschema/v6/kind"
)

var _ compat.Validator = (*Schema)(nil)

// Limits on a record, which is untrusted input. Records within them are
// validated; records beyond them are rejected, since checking them would cost
// far more than their size suggests.
const (
	// maxRecordDepth bounds the nesting of arrays and objects.
	maxRecordDepth = 1000
	// maxRecordNumberLength bounds a number literal: the validator turns numbers
	// into exact rationals, in time that grows faster than the digit count
	// (about 90ms for 100,000 digits).
	maxRecordNumberLength = 1000
	// maxRecordExponent bounds a number's exponent: 1e999999 alone costs 20ms to
	// make exact, and the validator fails outright beyond 1e1000000.
	maxRecordExponent = 10000
)

// Bounds on a validation error's message, which may be logged or returned to
// a client once per rejected record.
const (
	maxCauses     = 3   // failures described; the rest are counted
	maxCauseRunes = 200 // longer descriptions (a long enum) are cut
)

// Validate checks that payload, the JSON text of one record, is a single
// JSON value that the schema accepts. The schema's references take part, as
// they did in Parse. Numbers are compared exactly, not as float64.
//
// A pattern that Go's regular expressions cannot evaluate (look-arounds,
// back references) is not enforced. As the drafts define by default,
// "format" is asserted up to draft-07 and only annotates from 2019-09 on,
// and the content keywords only annotate.
//
// Validate is safe for concurrent use.
func (s *Schema) Validate(payload []byte) (err error) {
	if s == nil || s.compiled == nil {
		return errors.New("the JSON Schema was not parsed with Parse, so it cannot validate records")
	}
	// The validator is third-party code fed untrusted input; a panic there
	// must become a rejected record, not a crashed broker.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the record could not be validated: internal error: %v", r)
		}
	}()
	v, err := decodePayload(payload)
	if err != nil {
		return err
	}
	if err := s.compiled.Validate(v); err != nil {
		return describeFailure(err)
	}
	return nil
}

// decodePayload decodes payload as exactly one JSON value, numbers kept as
// json.Number, and checks it against the limits above.
func decodePayload(payload []byte) (any, error) {
	v, err := lib.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			// Offset counts the bytes read up to and including the bad one.
			return nil, fmt.Errorf("the record is not valid JSON: %s at byte offset %d", se.Error(), max(se.Offset-1, 0))
		case errors.Is(err, io.EOF):
			return nil, errors.New("the record is empty; it must be a JSON value")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("the record is not valid JSON: it ends at byte offset %d in the middle of a value", len(payload))
		default:
			// UnmarshalJSON read one value and found more than white space after it.
			return nil, fmt.Errorf("the record is not valid JSON: unexpected data at byte offset %d after the top-level value", trailingOffset(payload))
		}
	}
	if err := checkLimits(payload); err != nil {
		return nil, err
	}
	return v, nil
}

// trailingOffset is the offset of the first byte that is not white space
// after the JSON value payload starts with.
func trailingOffset(payload []byte) int {
	d := json.NewDecoder(bytes.NewReader(payload))
	var first json.RawMessage
	if err := d.Decode(&first); err != nil {
		return 0
	}
	off := int(d.InputOffset())
	for off < len(payload) && isSpace(payload[off]) {
		off++
	}
	return off
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// checkLimits scans payload, which is valid JSON, for nesting beyond
// maxRecordDepth, numbers beyond maxRecordNumberLength or maxRecordExponent, and
// invalid UTF-8 in strings (which encoding/json would silently replace).
func checkLimits(p []byte) error {
	depth := 0
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '"':
			i++
			for i < len(p) && p[i] != '"' {
				switch {
				case p[i] == '\\':
					i += 2 // an escape's second byte is never a quote that ends the string
				case p[i] < utf8.RuneSelf:
					i++
				default:
					r, size := utf8.DecodeRune(p[i:])
					if r == utf8.RuneError && size == 1 {
						return fmt.Errorf("the record is not valid JSON: invalid UTF-8 in a string at byte offset %d", i)
					}
					i += size
				}
			}
			i++
		case c == '{' || c == '[':
			depth++
			if depth > maxRecordDepth {
				return fmt.Errorf("the record nests arrays and objects deeper than %d levels (at byte offset %d)", maxRecordDepth, i)
			}
			i++
		case c == '}' || c == ']':
			depth--
			i++
		case c == '-' || '0' <= c && c <= '9':
			start := i
			exp := -1
			for i < len(p) && isNumberByte(p[i]) {
				if p[i] == 'e' || p[i] == 'E' {
					exp = i + 1
				}
				i++
			}
			if i-start > maxRecordNumberLength {
				return fmt.Errorf("the record has a number longer than %d characters at byte offset %d, which Charter does not validate", maxRecordNumberLength, start)
			}
			if exp >= 0 && exponentTooLarge(p[exp:i]) {
				return fmt.Errorf("the record has a number with an exponent beyond ±%d at byte offset %d, which Charter does not validate", maxRecordExponent, start)
			}
		default:
			i++
		}
	}
	return nil
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// exponentTooLarge reports whether exp, a number's exponent with its
// optional sign, is beyond ±maxRecordExponent.
func exponentTooLarge(exp []byte) bool {
	if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
		exp = exp[1:]
	}
	exp = bytes.TrimLeft(exp, "0")
	if len(exp) > len(strconv.Itoa(maxRecordExponent)) {
		return true
	}
	n, err := strconv.Atoi(string(exp))
	return err == nil && n > maxRecordExponent
}

// failure is one specific reason a record was rejected.
type failure struct {
	err      *lib.ValidationError
	instance []string // JSON pointer tokens into the record
}

// describeFailure turns the validator's error tree into one line: the most
// specific failures, ordered by where they are in the record so that the
// message does not depend on map iteration, the first maxCauses described.
func describeFailure(err error) error {
	var ve *lib.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("the record could not be validated: %s", cleanMessage(err.Error()))
	}
	var fs []failure
	collectFailures(ve, &fs)
	if len(fs) == 0 { // not expected: an error tree has a leaf
		fs = append(fs, failure{err: ve, instance: ve.InstanceLocation})
	}
	slices.SortStableFunc(fs, func(a, b failure) int {
		if c := comparePointers(a.instance, b.instance); c != 0 {
			return c
		}
		if c := strings.Compare(a.err.SchemaURL, b.err.SchemaURL); c != 0 {
			return c
		}
		return slices.Compare(a.err.ErrorKind.KeywordPath(), b.err.ErrorKind.KeywordPath())
	})
	var sb strings.Builder
	sb.WriteString("the record does not match the schema: ")
	for i, f := range fs[:min(len(fs), maxCauses)] {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(describe(f))
	}
	if n := len(fs) - maxCauses; n > 0 {
		fmt.Fprintf(&sb, "; and %d more", n)
	}
	return errors.New(sb.String())
}

// collectFailures appends the leaves of e's tree to fs. A keyword whose
// failure is that its subschemas failed in some combination (anyOf, oneOf,
// contains) is a leaf: the subschemas' own failures would mislead, each
// reading as a requirement on its own.
func collectFailures(e *lib.ValidationError, fs *[]failure) {
	switch e.ErrorKind.(type) {
	case *libkind.AnyOf, *libkind.OneOf, *libkind.Contains, *libkind.MinContains:
		*fs = append(*fs, failure{err: e, instance: e.InstanceLocation})
		return
	}
	if len(e.Causes) == 0 {
		*fs = append(*fs, failure{err: e, instance: e.InstanceLocation})
		return
	}
	for _, c := range e.Causes {
		collectFailures(c, fs)
	}
}

// describe is one failure as "at LOCATION, keyword "K": what is wrong".
func describe(f failure) string {
	where := "at the top level"
	if len(f.instance) > 0 {
		where = "at " + strconv.Quote(instancePointer(f.instance))
	}
	var what string
	switch k := f.err.ErrorKind.(type) {
	case *libkind.AnyOf:
		what = "matches none of the alternatives"
	case *libkind.OneOf:
		if len(k.Subschemas) >= 2 {
			what = fmt.Sprintf("matches alternatives %d and %d, but must match exactly one", k.Subschemas[0], k.Subschemas[1])
		} else {
			what = "matches none of the alternatives"
		}
	case *libkind.Contains:
		what = "no item matches the contains schema"
	case *libkind.FalseSchema:
		return describeFalse(where, f.err.SchemaURL)
	default:
		ek := f.err.ErrorKind
		if ap, ok := ek.(*libkind.AdditionalProperties); ok {
			// Listed in map order; sorted, the message is the same every time.
			ek = &libkind.AdditionalProperties{Properties: slices.Sorted(slices.Values(ap.Properties))}
		}
		// The validator's own wording, localised by its default printer.
		leaf := &lib.ValidationError{ErrorKind: ek}
		if out := leaf.DetailedOutput(); out.Error != nil {
			what = cleanMessage(out.Error.String())
		}
	}
	what = truncate(strings.ReplaceAll(what, "\n", " "), maxCauseRunes)
	if kw := f.err.ErrorKind.KeywordPath(); len(kw) > 0 {
		return fmt.Sprintf("%s, keyword %q: %s", where, kw[0], what)
	}
	return where + ": " + what
}

// schemaKeywords are the keywords whose value is a single schema, and so
// may be false.
var schemaKeywords = []string{"additionalItems", "additionalProperties", "contains", "else", "if",
	"items", "not", "propertyNames", "then", "unevaluatedItems", "unevaluatedProperties"}

// describeFalse describes a value that a false schema, at schemaURL, forbids:
// by the keyword whose value the schema is, when it is one, and by the
// schema's location as the client wrote it.
func describeFalse(where, schemaURL string) string {
	loc := strings.TrimPrefix(strings.TrimPrefix(schemaURL, rootURL), baseURL)
	msg := fmt.Sprintf("no value is allowed here (the schema at %q is false)", loc)
	_, frag, _ := strings.Cut(loc, "#")
	tokens := strings.Split(frag, "/")
	if kw := tokens[len(tokens)-1]; len(tokens) > 1 && slices.Contains(schemaKeywords, kw) {
		parent := ""
		if len(tokens) > 2 {
			parent = tokens[len(tokens)-2]
		}
		// "properties/items" names a property, not the keyword items.
		if !slices.Contains([]string{"properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "dependencies"}, parent) {
			return fmt.Sprintf("%s, keyword %q: %s", where, kw, msg)
		}
	}
	return where + ": " + msg
}

// instancePointer renders tokens as a JSON pointer (RFC 6901).
func instancePointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		if strings.ContainsAny(t, "~/") {
			t = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
		}
		sb.WriteString(t)
	}
	return sb.String()
}

// comparePointers orders instance locations token by token, array indexes
// numerically, so that "/items/2" comes before "/items/10".
func comparePointers(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] == b[i] {
			continue
		}
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		if errX == nil && errY == nil && x != y {
			return cmp.Compare(x, y)
		}
		return strings.Compare(a[i], b[i])
	}
	return cmp.Compare(len(a), len(b))
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
