package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a schema document. Registry input is
// untrusted: without a bound a few kilobytes of brackets would drive every
// recursive walk deep enough to exhaust the stack, and the compiler's
// metaschema validation costs time quadratic in depth (about 0.5s at depth
// 1000, 30ms at 256). Real schemas nest a few dozen levels.
const maxDepth = 256

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is one JSON value that remembers the order of its object members.
// encoding/json's map[string]any forgets it, and Confluent's canonical text
// (Jackson re-serialising the parsed tree) keeps the order as written.
type node struct {
	kind    kind
	boolean bool
	text    string // a string's value, or a number's literal as written
	items   []*node
	members []member
	offset  int // byte offset in the decoded text of the value's first character
}

type member struct {
	key   string
	value *node
}

// get returns the value of member key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// str returns member key when it is a string.
func (n *node) str(key string) (string, bool) {
	v := n.get(key)
	if v == nil || v.kind != kindString {
		return "", false
	}
	return v.text, true
}

// syntaxError is a JSON syntax error with the byte offset it was found at.
type syntaxError struct {
	msg    string
	offset int64
}

func (e *syntaxError) Error() string { return e.msg }

// decode parses text as exactly one JSON value.
func decode(text string) (*node, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	n, err := decodeValue(d, text, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, &syntaxError{"invalid character after top-level value", d.InputOffset()}
	}
	return n, nil
}

// decodeValue decodes the next value of d, which reads text.
func decodeValue(d *json.Decoder, text string, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &syntaxError{fmt.Sprintf("nesting deeper than %d levels", maxDepth), d.InputOffset()}
	}
	// InputOffset is the end of the previous token; only white space and
	// separators lie between it and this value.
	start := valueStart(text, d.InputOffset())
	tok, err := d.Token()
	if err != nil {
		return nil, syntaxErr(d, err)
	}
	switch t := tok.(type) {
	case nil:
		return &node{kind: kindNull, offset: start}, nil
	case bool:
		return &node{kind: kindBool, boolean: t, offset: start}, nil
	case json.Number:
		return &node{kind: kindNumber, text: string(t), offset: start}, nil
	case string:
		return &node{kind: kindString, text: t, offset: start}, nil
	case json.Delim:
		if t == '[' {
			n := &node{kind: kindArray, offset: start}
			for d.More() {
				item, err := decodeValue(d, text, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
			if _, err := d.Token(); err != nil {
				return nil, syntaxErr(d, err)
			}
			return n, nil
		}
		n := &node{kind: kindObject, offset: start}
		for d.More() {
			tok, err := d.Token()
			if err != nil {
				return nil, syntaxErr(d, err)
			}
			key, _ := tok.(string)
			value, err := decodeValue(d, text, depth+1)
			if err != nil {
				return nil, err
			}
			n.set(key, value)
		}
		if _, err := d.Token(); err != nil {
			return nil, syntaxErr(d, err)
		}
		return n, nil
	}
	return nil, &syntaxError{"unexpected token", d.InputOffset()}
}

// valueStart skips the white space and separators from offset to the first
// character of a value.
func valueStart(text string, offset int64) int {
	i := int(max(0, min(offset, int64(len(text)))))
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

// set adds a member. A repeated key keeps its first position and its last
// value, as Jackson's ObjectNode does.
func (n *node) set(key string, value *node) {
	for i := range n.members {
		if n.members[i].key == key {
			n.members[i].value = value
			return
		}
	}
	n.members = append(n.members, member{key, value})
}

func syntaxErr(d *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &syntaxError{se.Error(), se.Offset}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &syntaxError{"unexpected end of JSON input", d.InputOffset()}
	}
	return &syntaxError{err.Error(), d.InputOffset()}
}

// lineColumn turns a byte offset into 1-based line and column, the column
// counted in characters (as the Avro format counts them), so that an editor
// lands on the same spot whatever non-ASCII text precedes it on the line.
func lineColumn(text string, offset int64) (line, col int) {
	if offset > int64(len(text)) {
		offset = int64(len(text))
	}
	if offset < 0 {
		offset = 0
	}
	before := text[:offset]
	line = strings.Count(before, "\n") + 1
	col = utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// toAny converts n into the map[string]any form the compiler wants.
func (n *node) toAny() any {
	switch n.kind {
	case kindBool:
		return n.boolean
	case kindNumber:
		return json.Number(n.text)
	case kindString:
		return n.text
	case kindArray:
		out := make([]any, len(n.items))
		for i, item := range n.items {
			out[i] = item.toAny()
		}
		return out
	case kindObject:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			out[m.key] = m.value.toAny()
		}
		return out
	}
	return nil
}

// compact writes n without white space. sorted orders object keys by code
// point (normalisation); otherwise they stay as written (canonical form).
func (n *node) compact(sorted bool) string {
	var b bytes.Buffer
	n.write(&b, sorted)
	return b.String()
}

func (n *node) write(b *bytes.Buffer, sorted bool) {
	switch n.kind {
	case kindNull:
		b.WriteString("null")
	case kindBool:
		if n.boolean {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case kindNumber:
		b.WriteString(n.text)
	case kindString:
		writeString(b, n.text)
	case kindArray:
		b.WriteByte('[')
		for i, item := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			item.write(b, sorted)
		}
		b.WriteByte(']')
	case kindObject:
		members := n.members
		if sorted {
			members = slices.Clone(members)
			slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
		}
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.key)
			b.WriteByte(':')
			m.value.write(b, sorted)
		}
		b.WriteByte('}')
	}
}

// writeString quotes s the way Jackson does: only the quote, the backslash
// and control characters are escaped, so non-ASCII text and '<', '>', '&'
// stay as they are (encoding/json would escape the latter three).
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xF])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
