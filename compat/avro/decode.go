package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hamba/avro/v2"

	"github.com/charterhq/charter/compat"
)

var _ compat.Decoder = (*Schema)(nil)

// DecodeJSON's output is bounded: to jsonBase bytes plus jsonPerByte per
// payload byte, which is more than any payload needs unless a few of its
// bytes stand for far more JSON (an array block of two billion nulls is six
// bytes; a record of a boolean and a thousand nulls is one). A datum beyond
// the bound is an error, not a truncated display.
const (
	jsonBase    = 16 << 20
	jsonPerByte = 8 // a byte of bytes or fixed is at most 6: "\u0000"
)

// maxDecimalBytes bounds the unscaled value of a decimal that DecodeJSON
// renders as digits (about 10,000 of them); a longer one is shown as its
// bytes.
const maxDecimalBytes = 4096

// maxPlainScale bounds the scale of a decimal written out in plain notation;
// beyond it the digits are written with an exponent ("123E-5000"), so that a
// schema with a huge scale cannot make a few bytes into megabytes of zeros.
const maxPlainScale = 1000

// DecodeJSON decodes payload, the Avro binary encoding of one datum of s,
// to JSON for people to read. A payload Validate rejects is rejected with
// the same error.
//
// The JSON follows the Avro specification's JSON encoding: records are
// objects with their fields in schema order; maps are objects with their
// entries in payload order (a key repeated in the payload is repeated in the
// object); a union is null for its null branch and otherwise an object of
// one member, whose name is the branch's full name for named types and its
// type name ("string", "array", …) otherwise, its value the datum; bytes and
// fixed are strings holding one code point, U+0000 to U+00FF, per byte.
//
// Logical types hamba recognises are rendered for reading rather than as
// the Avro JSON encoding would: a decimal as a string of its exact decimal
// digits ("12.34"); a date as "2006-01-02"; time-millis and time-micros as
// "15:04:05.000" and "15:04:05.000000"; timestamps as RFC 3339 in UTC
// ("2006-01-02T15:04:05.123Z"), the local ones without the zone; duration
// as {"months":m,"days":d,"milliseconds":ms}; a uuid is its string. A value
// outside what those forms can show (a year before 0 or after 9999, a time
// of day outside 24 hours) is shown as its underlying number instead.
// NaN and the infinities, which JSON has no numbers for, are the strings
// "NaN", "Infinity" and "-Infinity", as in protojson.
//
// The datum is read by DecodeJSON itself, walking hamba's parse of the
// schema (the one Validate compiles), not by hamba's decoders, for the
// reasons validate.go gives: they are not safe on hostile payloads.
func (s *Schema) DecodeJSON(payload []byte) ([]byte, error) {
	if err := s.Validate(payload); err != nil {
		return nil, err
	}
	limit := jsonBase + jsonPerByte*len(payload)
	w := jsonWriter{d: decoder{buf: payload}, out: make([]byte, 0, min(2*len(payload)+16, limit)), limit: limit}
	if err := w.value(s.hamba); err != nil {
		return nil, err
	}
	if w.d.pos != len(payload) { // Validate said otherwise; not expected
		return nil, fmt.Errorf("invalid Avro payload: %d bytes left over after the datum", len(payload)-w.d.pos)
	}
	return w.out, nil
}

// jsonWriter reads one datum from d, which Validate has checked, and
// appends its JSON to out.
type jsonWriter struct {
	d     decoder
	out   []byte
	limit int // on len(out)
}

func (w *jsonWriter) tooLarge() error {
	return fmt.Errorf("invalid Avro payload: the datum decodes to more than %d bytes of JSON, too many to show", w.limit)
}

func (w *jsonWriter) value(s avro.Schema) error {
	if len(w.out) > w.limit {
		return w.tooLarge()
	}
	switch s := s.(type) {
	case *avro.RefSchema:
		return w.value(s.Schema())
	case *avro.RecordSchema:
		w.out = append(w.out, '{')
		for i, f := range s.Fields() {
			if i > 0 {
				w.out = append(w.out, ',')
			}
			w.out = appendString(w.out, f.Name())
			w.out = append(w.out, ':')
			if err := w.value(f.Type()); err != nil {
				return err
			}
		}
		w.out = append(w.out, '}')
		return nil
	case *avro.EnumSchema:
		i, err := w.varint(5)
		if err != nil {
			return err
		}
		symbols := s.Symbols()
		if i < 0 || i >= int64(len(symbols)) {
			return fmt.Errorf("invalid Avro payload: enum %s has no symbol with index %d", s.FullName(), i)
		}
		w.out = appendString(w.out, symbols[i])
		return nil
	case *avro.FixedSchema:
		b, err := w.take(s.Size())
		if err != nil {
			return err
		}
		w.fixed(b, s.Logical())
		return nil
	case *avro.ArraySchema:
		return w.blocks(s.Items(), false)
	case *avro.MapSchema:
		return w.blocks(s.Values(), true)
	case *avro.UnionSchema:
		i, err := w.varint(5)
		if err != nil {
			return err
		}
		types := s.Types()
		if i < 0 || i >= int64(len(types)) {
			return fmt.Errorf("invalid Avro payload: union branch index %d is out of range", i)
		}
		branch := types[i]
		if branch.Type() == avro.Null {
			w.out = append(w.out, "null"...)
			return nil
		}
		w.out = append(w.out, '{')
		w.out = appendString(w.out, branchName(branch))
		w.out = append(w.out, ':')
		if err := w.value(branch); err != nil {
			return err
		}
		w.out = append(w.out, '}')
		return nil
	}
	return w.primitive(s)
}

// branchName is the name the Avro JSON encoding gives a union branch.
func branchName(s avro.Schema) string {
	switch s := s.(type) {
	case *avro.RefSchema:
		return s.Schema().FullName()
	case avro.NamedSchema:
		return s.FullName()
	}
	return string(s.Type())
}

func (w *jsonWriter) primitive(s avro.Schema) error {
	var logical avro.LogicalType
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		logical = ls.Logical().Type()
	}
	switch s.Type() {
	case avro.Null:
		w.out = append(w.out, "null"...)
	case avro.Boolean:
		b, err := w.take(1)
		if err != nil {
			return err
		}
		w.out = strconv.AppendBool(w.out, b[0] == 1)
	case avro.Int, avro.Long:
		maxLen := 5
		if s.Type() == avro.Long {
			maxLen = 10
		}
		v, err := w.varint(maxLen)
		if err != nil {
			return err
		}
		w.out = appendLogicalInt(w.out, v, logical)
	case avro.Float:
		b, err := w.take(4)
		if err != nil {
			return err
		}
		w.out = appendFloat(w.out, float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 32)
	case avro.Double:
		b, err := w.take(8)
		if err != nil {
			return err
		}
		w.out = appendFloat(w.out, math.Float64frombits(binary.LittleEndian.Uint64(b)), 64)
	case avro.String:
		b, verr := w.d.lengthPrefixed(vString)
		if verr != nil {
			return verr.finish()
		}
		w.out = appendString(w.out, string(b))
	case avro.Bytes:
		b, verr := w.d.lengthPrefixed(vBytes)
		if verr != nil {
			return verr.finish()
		}
		if ls, ok := s.(avro.LogicalTypeSchema); ok {
			if dec, ok := ls.Logical().(*avro.DecimalLogicalSchema); ok && len(b) <= maxDecimalBytes {
				w.out = appendDecimal(w.out, b, dec.Scale())
				return nil
			}
		}
		w.out = appendByteString(w.out, b)
	default:
		return fmt.Errorf("cannot decode Avro type %s", s.Type())
	}
	return nil
}

// fixed appends a fixed's bytes, rendered by its logical type.
func (w *jsonWriter) fixed(b []byte, logical avro.LogicalSchema) {
	switch l := logical.(type) {
	case *avro.DecimalLogicalSchema:
		if len(b) <= maxDecimalBytes {
			w.out = appendDecimal(w.out, b, l.Scale())
			return
		}
	case nil:
	default:
		if l.Type() == avro.Duration && len(b) == 12 {
			w.out = append(w.out, `{"months":`...)
			w.out = strconv.AppendUint(w.out, uint64(binary.LittleEndian.Uint32(b)), 10)
			w.out = append(w.out, `,"days":`...)
			w.out = strconv.AppendUint(w.out, uint64(binary.LittleEndian.Uint32(b[4:])), 10)
			w.out = append(w.out, `,"milliseconds":`...)
			w.out = strconv.AppendUint(w.out, uint64(binary.LittleEndian.Uint32(b[8:])), 10)
			w.out = append(w.out, '}')
			return
		}
	}
	w.out = appendByteString(w.out, b)
}

// blocks appends an array (map false) or map of items of schema item.
func (w *jsonWriter) blocks(item avro.Schema, isMap bool) error {
	open, end := byte('['), byte(']')
	if isMap {
		open, end = '{', '}'
	}
	w.out = append(w.out, open)
	first := true
	for {
		count, err := w.varint(10)
		if err != nil {
			return err
		}
		if count == 0 {
			break
		}
		if count < 0 {
			if count == math.MinInt64 {
				return errors.New("invalid Avro payload: block count out of range")
			}
			count = -count
			if _, err := w.varint(10); err != nil { // the block's size in bytes
				return err
			}
		}
		// Each item writes at least two bytes and a comma: fail now rather
		// than after writing the limit's worth of them.
		if count > int64(w.limit-len(w.out))/3+1 {
			return w.tooLarge()
		}
		for range count {
			if !first {
				w.out = append(w.out, ',')
			}
			first = false
			if isMap {
				key, verr := w.d.lengthPrefixed(vString)
				if verr != nil {
					return verr.finish()
				}
				w.out = appendString(w.out, string(key))
				w.out = append(w.out, ':')
			}
			if err := w.value(item); err != nil {
				return err
			}
		}
	}
	w.out = append(w.out, end)
	return nil
}

func (w *jsonWriter) varint(maxLen int) (int64, error) {
	v, err := w.d.varint("varint", maxLen)
	if err != nil {
		return 0, err.finish()
	}
	return v, nil
}

func (w *jsonWriter) take(n int) ([]byte, error) {
	if w.d.left() < n {
		return nil, w.d.fail(w.d.pos, "the payload ends inside a value: %d of its %d bytes remain", w.d.left(), n).finish()
	}
	b := w.d.buf[w.d.pos : w.d.pos+n]
	w.d.pos += n
	return b, nil
}

// appendLogicalInt appends an int or long, rendered by its logical type
// where the value is in range for the rendering.
func appendLogicalInt(out []byte, v int64, logical avro.LogicalType) []byte {
	const day = 24 * time.Hour
	var t time.Time
	layout := ""
	switch logical {
	case avro.Date:
		t, layout = time.Unix(v*86400, 0).UTC(), "2006-01-02"
	case avro.TimeMillis:
		if v >= 0 && v < int64(day/time.Millisecond) {
			t, layout = time.Unix(0, v*int64(time.Millisecond)).UTC(), "15:04:05.000"
		}
	case avro.TimeMicros:
		if v >= 0 && v < int64(day/time.Microsecond) {
			t, layout = time.Unix(0, v*int64(time.Microsecond)).UTC(), "15:04:05.000000"
		}
	case avro.TimestampMillis:
		t, layout = time.UnixMilli(v).UTC(), "2006-01-02T15:04:05.999Z07:00"
	case avro.TimestampMicros:
		t, layout = time.UnixMicro(v).UTC(), "2006-01-02T15:04:05.999999Z07:00"
	case avro.LocalTimestampMillis:
		t, layout = time.UnixMilli(v).UTC(), "2006-01-02T15:04:05.999"
	case avro.LocalTimestampMicros:
		t, layout = time.UnixMicro(v).UTC(), "2006-01-02T15:04:05.999999"
	}
	if layout == "" || t.Year() < 0 || t.Year() > 9999 {
		return strconv.AppendInt(out, v, 10)
	}
	out = append(out, '"')
	out = t.AppendFormat(out, layout)
	return append(out, '"')
}

// appendDecimal appends a decimal, b its unscaled value in big-endian two's
// complement, as a JSON string of its exact digits.
func appendDecimal(out []byte, b []byte, scale int) []byte {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	digits := n.Text(10)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	out = append(out, '"')
	if neg {
		out = append(out, '-')
	}
	switch {
	case scale <= 0:
		out = append(out, digits...)
	case scale > maxPlainScale:
		out = append(out, digits...)
		out = append(out, "E-"...)
		out = strconv.AppendInt(out, int64(scale), 10)
	case len(digits) > scale:
		out = append(out, digits[:len(digits)-scale]...)
		out = append(out, '.')
		out = append(out, digits[len(digits)-scale:]...)
	default:
		out = append(out, "0."...)
		for range scale - len(digits) {
			out = append(out, '0')
		}
		out = append(out, digits...)
	}
	return append(out, '"')
}

// appendFloat appends f as encoding/json writes a float64 or float32 (bits),
// and NaN and the infinities as strings.
func appendFloat(out []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(out, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(out, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(out, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	out = strconv.AppendFloat(out, f, format, -1, bits)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		if n := len(out); n >= 4 && out[n-4] == 'e' && out[n-3] == '-' && out[n-2] == '0' {
			out[n-2] = out[n-1]
			out = out[:n-1]
		}
	}
	return out
}

// appendByteString appends bytes as the Avro JSON encoding does: a string
// of the code points U+0000 to U+00FF, one per byte.
func appendByteString(out []byte, b []byte) []byte {
	out = append(out, '"')
	for _, c := range b {
		out = appendRune(out, rune(c))
	}
	return append(out, '"')
}

// appendString appends s, which is valid UTF-8, as a JSON string. Unlike
// encoding/json it leaves <, > and & alone: the JSON is for display, and
// whatever displays it escapes for its own context.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	for _, r := range s {
		out = appendRune(out, r)
	}
	return append(out, '"')
}

func appendRune(out []byte, r rune) []byte {
	switch r {
	case '"':
		return append(out, `\"`...)
	case '\\':
		return append(out, `\\`...)
	case '\n':
		return append(out, `\n`...)
	case '\r':
		return append(out, `\r`...)
	case '\t':
		return append(out, `\t`...)
	case '\b':
		return append(out, `\b`...)
	case '\f':
		return append(out, `\f`...)
	}
	// U+2028 and U+2029 are escaped too: they end JavaScript string literals.
	if r < 0x20 || r == '\u2028' || r == '\u2029' {
		const hexDigits = "0123456789abcdef"
		return append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	return utf8.AppendRune(out, r)
}
