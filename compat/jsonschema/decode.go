package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/charterhq/charter/compat"
)

var _ compat.Decoder = (*Schema)(nil)

// DecodeJSON returns payload, the JSON text of one record, compacted. It is
// for display, not validation: the record need not match the schema (nor
// be within Validate's limits on numbers), only be exactly one JSON value
// in valid UTF-8. Compacting keeps every value as written, numbers and
// string escapes included, and the members of an object in their order.
func (s *Schema) DecodeJSON(payload []byte) ([]byte, error) {
	if len(bytes.TrimLeft(payload, " \t\r\n")) == 0 {
		return nil, errors.New("the record is empty; it must be a JSON value")
	}
	// Valid JSON has bytes beyond ASCII only inside strings, where
	// encoding/json would let invalid UTF-8 through.
	if !utf8.Valid(payload) {
		return nil, errors.New("the record is not valid JSON: it is not valid UTF-8")
	}
	// Unmarshal checks the whole text before it stores anything, and says
	// where a syntax error is, which Compact does not.
	var raw json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 {
			// Offset counts the bytes read up to and including the bad one.
			return nil, fmt.Errorf("the record is not valid JSON: %s at byte offset %d", se.Error(), se.Offset-1)
		}
		return nil, fmt.Errorf("the record is not valid JSON: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(payload))
	if err := json.Compact(&buf, payload); err != nil { // not expected
		return nil, fmt.Errorf("the record is not valid JSON: %w", err)
	}
	return buf.Bytes(), nil
}
