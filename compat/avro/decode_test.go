package avro_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
)

func f32(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
func f64(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }

const orderJSON = `{"id":42,"note":{"string":"hi"},"status":"PAID","tags":["a","b"],"attrs":{"x":7},` +
	`"hash":"\u0001\u0002\u0003\u0004","day":"2022-01-08","at":"2023-11-14T22:13:20Z","price":"12.34","ok":true,` +
	`"ratio":0.5,"lines":[{"sku":"sku","qty":2}],"money":{"com.acme.Money":{"units":100,"currency":"EUR"}}}`

// nullsRecord is an array of records of a boolean and 1,000 nulls: each
// byte of payload decodes to 10 KiB of JSON.
var nullsRecord = func() string {
	fields := []string{`{"name":"b","type":"boolean"}`}
	for i := range 1000 {
		fields = append(fields, fmt.Sprintf(`{"name":"n%d","type":"null"}`, i))
	}
	return `{"type":"array","items":{"type":"record","name":"W","fields":[` + strings.Join(fields, ",") + `]}}`
}()

type decodeCase struct {
	name    string
	schema  string
	refs    []compat.Reference
	payload []byte
	want    string // the JSON; "" when DecodeJSON must fail
	err     string // in the error, when want is ""
}

func decodeCases(t testing.TB) []decodeCase {
	noNote := orderValue()
	noNote["note"], noNote["money"], noNote["tags"], noNote["attrs"] = nil, nil, []string{}, map[string]any{}
	const listSchema = `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`
	return []decodeCase{
		{name: "record", schema: orderSchema, refs: moneyRef, payload: order(nil), want: orderJSON},
		{name: "record by hamba", schema: orderSchema, refs: moneyRef, payload: marshal(t, orderSchema, moneyRef, orderValue()), want: orderJSON},
		{name: "empty union, array and map", schema: orderSchema, refs: moneyRef, payload: marshal(t, orderSchema, moneyRef, noNote),
			want: strings.NewReplacer(`{"string":"hi"}`, "null", `["a","b"]`, "[]", `{"x":7}`, "{}",
				`{"com.acme.Money":{"units":100,"currency":"EUR"}}`, "null").Replace(orderJSON)},
		{name: "sized blocks", schema: orderSchema, refs: moneyRef,
			payload: order(map[string][]byte{"tags": cat(zz(-2), zz(4), str("a"), str("b"), zz(-1), zz(2), str("c"), zz(0))}),
			want:    strings.Replace(orderJSON, `["a","b"]`, `["a","b","c"]`, 1)},
		{name: "map keeps payload order and repeats", schema: `{"type":"map","values":"long"}`,
			payload: cat(zz(2), str("b"), zz(1), str("a"), zz(-2), zz(1), str("b"), zz(3), zz(0)), want: `{"b":1,"a":-2,"b":3}`},
		{name: "recursive", schema: listSchema, payload: cat(zz(1), zz(1), zz(2), zz(0)),
			want: `{"v":1,"next":{"Node":{"v":2,"next":null}}}`},
		{name: "union branch names", schema: `{"type":"array","items":["null","int","string","bytes",{"type":"array","items":"int"},` +
			`{"type":"map","values":"int"},{"type":"enum","name":"E","namespace":"n","symbols":["A","B"]},` +
			`{"type":"long","logicalType":"timestamp-millis"}]}`,
			payload: cat(zz(8), zz(0), zz(1), zz(-3), zz(2), str("s"), zz(3), str("\x00"), zz(4), zz(1), zz(5), zz(0),
				zz(5), zz(0), zz(6), zz(1), zz(7), zz(0), zz(0)),
			want: `[null,{"int":-3},{"string":"s"},{"bytes":"\u0000"},{"array":[5]},{"map":{}},{"n.E":"B"},{"long":"1970-01-01T00:00:00Z"}]`},
		{name: "strings and bytes escaped", schema: `{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"b","type":"bytes"},` +
			`{"name":"f","type":{"type":"fixed","name":"F","size":3}}]}`,
			payload: cat(str("a\"\\\n\t\x01<&>é\u2028😀"), str("\x00\x1f\x7f\x80\xff\""), []byte{'"', 0xe9, '\\'}),
			want:    `{"s":"a\"\\\n\t\u0001<&>é\u2028😀","b":"\u0000\u001f` + "\x7f\u0080ÿ" + `\"","f":"\"é\\"}`},
		{name: "empty fixed", schema: `{"type":"array","items":{"type":"fixed","name":"Z","size":0}}`, payload: cat(zz(3), zz(0)), want: `["","",""]`},
		{name: "numbers", schema: `{"type":"array","items":["float","double","boolean"]}`,
			payload: cat(zz(9), zz(0), f32(0.1), zz(1), f64(0.1), zz(0), f32(float32(math.NaN())), zz(1), f64(math.Inf(1)),
				zz(1), f64(math.Inf(-1)), zz(1), f64(1e21), zz(1), f64(1e-7), zz(1), f64(math.Copysign(0, -1)), zz(2), []byte{0}, zz(0)),
			want: `[{"float":0.1},{"double":0.1},{"float":"NaN"},{"double":"Infinity"},{"double":"-Infinity"},` +
				`{"double":1e+21},{"double":1e-7},{"double":-0},{"boolean":false}]`},
		{name: "long extremes", schema: `{"type":"array","items":"long"}`,
			payload: cat(zz(2), zz(math.MinInt64), zz(math.MaxInt64), zz(0)), want: `[-9223372036854775808,9223372036854775807]`},
		{name: "logical types", schema: `{"type":"record","name":"L","fields":[
			{"name":"d","type":{"type":"int","logicalType":"date"}},
			{"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
			{"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
			{"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
			{"name":"lm","type":{"type":"long","logicalType":"local-timestamp-millis"}},
			{"name":"lu","type":{"type":"long","logicalType":"local-timestamp-micros"}},
			{"name":"u","type":{"type":"string","logicalType":"uuid"}},
			{"name":"neg","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":3}},
			{"name":"small","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":3}},
			{"name":"int","type":{"type":"bytes","logicalType":"decimal","precision":5}},
			{"name":"fd","type":{"type":"fixed","name":"FD","size":2,"logicalType":"decimal","precision":4,"scale":1}},
			{"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}},
			{"name":"unknown","type":{"type":"long","logicalType":"nonesuch"}}]}`,
			payload: cat(zz(-1), zz(45_296_789), zz(45_296_000_001), zz(-1), zz(1_700_000_000_123), zz(1),
				str("123e4567-e89b-12d3-a456-426614174000"), str("\xfb\x2e"), str("\x05"), str("\x00\x80"), []byte{0xff, 0xff},
				[]byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}, zz(7)),
			want: `{"d":"1969-12-31","tm":"12:34:56.789","tu":"12:34:56.000001","ts":"1969-12-31T23:59:59.999999Z",` +
				`"lm":"2023-11-14T22:13:20.123","lu":"1970-01-01T00:00:00.000001","u":"123e4567-e89b-12d3-a456-426614174000",` +
				`"neg":"-1.234","small":"0.005","int":"128","fd":"-0.1","dur":{"months":1,"days":2,"milliseconds":3},"unknown":7}`},
		{name: "logical types out of range", schema: `{"type":"record","name":"L","fields":[
			{"name":"d","type":{"type":"int","logicalType":"date"}},
			{"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
			{"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
			{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}}]}`,
			payload: cat(zz(math.MaxInt32), zz(86_400_000), zz(-1), zz(math.MinInt64)),
			want:    `{"d":2147483647,"tm":86400000,"tu":-1,"ts":-9223372036854775808}`},
		{name: "decimal with a huge scale", schema: `{"type":"bytes","logicalType":"decimal","precision":2000,"scale":1999}`,
			payload: str("\x7f"), want: `"127E-1999"`},
		{name: "empty decimal", schema: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`,
			payload: str(""), want: `"0.00"`},

		{name: "trailing", schema: orderSchema, refs: moneyRef, payload: append(order(nil), 0), err: "1 byte left over after the datum"},
		{name: "empty", schema: orderSchema, refs: moneyRef, err: "the payload ends inside a long"},
		{name: "union index", schema: orderSchema, refs: moneyRef, payload: order(map[string][]byte{"note": zz(2)}),
			err: "in note: union branch index 2 is out of range"},
		{name: "bad utf-8", schema: `"string"`, payload: str("\xff"), err: "string is not valid UTF-8"},
		{name: "too much JSON", schema: `{"type":"array","items":"null"}`, payload: cat(zz(math.MaxInt32-8), zz(0)),
			err: "bytes of JSON, too many to show"},
		{name: "too much JSON from records", schema: nullsRecord, payload: cat(zz(10_000), bytes.Repeat([]byte{0}, 10_000), zz(0)),
			err: "bytes of JSON, too many to show"},
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range decodeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.schema, tc.refs)
			got, err := s.(compat.Decoder).DecodeJSON(tc.payload)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("DecodeJSON(% x) = %s, want an error containing %q", tc.payload, got, tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("DecodeJSON(% x) = %q, want it to contain %q", tc.payload, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeJSON(% x) = %v", tc.payload, err)
			}
			if string(got) != tc.want {
				t.Errorf("DecodeJSON(% x)\n got %s\nwant %s", tc.payload, got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("DecodeJSON(% x) = %s, not valid JSON", tc.payload, got)
			}
		})
	}
}

// TestDecodeJSONMatchesValidate checks that DecodeJSON rejects what
// Validate rejects, with the same error, and decodes what it accepts unless
// the JSON would be too large.
func TestDecodeJSONMatchesValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range validateCases(t) {
		s := mustParse(t, tc.schema, tc.refs)
		for _, p := range tc.valid {
			out, err := s.(compat.Decoder).DecodeJSON(p)
			if err != nil && strings.Contains(err.Error(), "bytes of JSON, too many to show") {
				continue // billions of nulls
			}
			if err != nil || !json.Valid(out) {
				t.Errorf("%s: DecodeJSON(% x) = %s, %v", tc.name, p, out, err)
			}
		}
		for _, c := range tc.invalid {
			verr := s.(compat.Validator).Validate(c.payload)
			if _, err := s.(compat.Decoder).DecodeJSON(c.payload); err == nil || verr == nil || err.Error() != verr.Error() {
				t.Errorf("%s/%s: DecodeJSON error %v, Validate error %v", tc.name, c.name, err, verr)
			}
		}
	}
}
