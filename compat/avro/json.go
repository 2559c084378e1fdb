package avro

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds JSON nesting. Deeper documents are rejected before any
// recursive walk, so hostile input cannot exhaust the stack.
const maxDepth = 1000

// jsonKind is the kind of a decoded JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// value is a decoded JSON value that, unlike map[string]any, remembers the
// order of object members: Java Avro writes custom properties in the order it
// read them, and the canonical text must do the same.
type value struct {
	kind    jsonKind
	off     int    // byte offset in the text of the value's first character
	str     string // string contents, or a number's literal text
	boolean bool
	items   []*value
	members []member
}

type member struct {
	key string
	val *value
}

// get returns the member named key, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for _, m := range v.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// decode parses text as one JSON document. Syntax errors carry the line and
// column of the offending character.
func decode(text string) (*value, *positionError) {
	if strings.TrimSpace(text) == "" {
		return nil, &positionError{msg: "schema is empty"}
	}
	if off, ok := tooDeep(text); ok {
		line, col := position(text, off)
		return nil, &positionError{msg: fmt.Sprintf("JSON nesting deeper than %d levels", maxDepth), line: line, col: col}
	}
	if !json.Valid([]byte(text)) {
		var scratch any
		err := json.Unmarshal([]byte(text), &scratch)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off := int(se.Offset) - 1
			if strings.Contains(se.Error(), "unexpected end") || off < 0 {
				off = len(text)
			}
			line, col := position(text, off)
			return nil, &positionError{msg: "invalid JSON: " + se.Error(), line: line, col: col}
		}
		return nil, &positionError{msg: "invalid JSON"}
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := readValue(dec, text)
	if err != nil {
		return nil, &positionError{msg: "invalid JSON: " + err.Error()}
	}
	return v, nil
}

// positionError is a decoding failure, positioned when the text is at fault.
type positionError struct {
	msg       string
	line, col int
}

// readValue reads one value from a decoder already known to hold valid JSON
// no deeper than maxDepth. text is what the decoder reads, for positions.
func readValue(dec *json.Decoder, text string) (*value, error) {
	off := valueStart(text, int(dec.InputOffset()))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &value{kind: jsonNull, off: off}, nil
	case bool:
		return &value{kind: jsonBool, boolean: t, off: off}, nil
	case json.Number:
		return &value{kind: jsonNumber, str: t.String(), off: off}, nil
	case string:
		return &value{kind: jsonString, str: t, off: off}, nil
	case json.Delim:
		if t == '[' {
			v := &value{kind: jsonArray, off: off}
			for dec.More() {
				item, err := readValue(dec, text)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, item)
			}
			_, err := dec.Token()
			return v, err
		}
		v := &value{kind: jsonObject, off: off}
		// index makes duplicate detection linear; a hostile object with
		// many keys would otherwise cost quadratic time.
		index := map[string]int{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := kt.(string)
			val, err := readValue(dec, text)
			if err != nil {
				return nil, err
			}
			// Like Jackson, a repeated key keeps its first position and
			// takes the last value.
			if i, dup := index[key]; dup {
				v.members[i].val = val
				continue
			}
			index[key] = len(v.members)
			v.members = append(v.members, member{key, val})
		}
		_, err := dec.Token()
		return v, err
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// valueStart returns the offset of the value that follows off, the end of
// the decoder's previous token: it skips the white space and the comma or
// colon the decoder has not consumed yet.
func valueStart(text string, off int) int {
	for off < len(text) {
		switch text[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// tooDeep reports the offset of the first bracket nested deeper than
// maxDepth, scanning outside strings only.
func tooDeep(text string) (int, bool) {
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > maxDepth {
				return i, true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return 0, false
}

// position converts a byte offset to a 1-based line and a 1-based column
// counted in characters.
func position(text string, off int) (line, col int) {
	if off > len(text) {
		off = len(text)
	}
	before := text[:off]
	line = 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[lineStart:]) + 1
}
