package avro_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	hamba "github.com/hamba/avro/v2"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// zz is the Avro (zig-zag varint) encoding of a long.
func zz(v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	var out []byte
	for u >= 0x80 {
		out = append(out, byte(u)|0x80)
		u >>= 7
	}
	return append(out, byte(u))
}

// str is the Avro encoding of a string or bytes.
func str(s string) []byte { return cat(zz(int64(len(s))), []byte(s)) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

const orderSchema = `{"type":"record","name":"Order","namespace":"shop","fields":[
	{"name":"id","type":"long"},
	{"name":"note","type":["null","string"]},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
	{"name":"tags","type":{"type":"array","items":"string"}},
	{"name":"attrs","type":{"type":"map","values":"int"}},
	{"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
	{"name":"day","type":{"type":"int","logicalType":"date"}},
	{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
	{"name":"ok","type":"boolean"},
	{"name":"ratio","type":"double"},
	{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
		{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
	{"name":"money","type":["null","com.acme.Money"]}
]}`

const moneySchema = `{"type":"record","name":"Money","namespace":"com.acme","fields":[
	{"name":"units","type":"long"},{"name":"currency","type":{"type":"fixed","name":"Currency","size":3}}]}`

var moneyRef = []compat.Reference{{Name: "com.acme.Money", Schema: moneySchema}}

// orderParts is an Order encoded by hand, one part per field, so that a
// test can spoil one field.
func orderParts() map[string][]byte {
	return map[string][]byte{
		"id":     zz(42),
		"note":   cat(zz(1), str("hi")),
		"status": zz(1),
		"tags":   cat(zz(2), str("a"), str("b"), zz(0)),
		"attrs":  cat(zz(1), str("x"), zz(7), zz(0)),
		"hash":   {1, 2, 3, 4},
		"day":    zz(19000),
		"at":     zz(1_700_000_000_000),
		"price":  str("\x04\xd2"), // 12.34
		"ok":     {1},
		"ratio":  {0, 0, 0, 0, 0, 0, 0xe0, 0x3f}, // 0.5
		"lines":  cat(zz(1), str("sku"), zz(2), zz(0)),
		"money":  cat(zz(1), zz(100), []byte("EUR")),
	}
}

var orderFields = []string{"id", "note", "status", "tags", "attrs", "hash", "day", "at", "price", "ok", "ratio", "lines", "money"}

// order encodes orderParts with the given parts replaced.
func order(replace map[string][]byte) []byte {
	parts := orderParts()
	for k, v := range replace {
		parts[k] = v
	}
	var out []byte
	for _, f := range orderFields {
		out = append(out, parts[f]...)
	}
	return out
}

// orderUpTo is the encoded fields of an Order before field.
func orderUpTo(field string) []byte {
	parts := orderParts()
	var out []byte
	for _, f := range orderFields {
		if f == field {
			break
		}
		out = append(out, parts[f]...)
	}
	return out
}

func orderValue() map[string]any {
	return map[string]any{
		"id":     int64(42),
		"note":   map[string]any{"string": "hi"},
		"status": "PAID",
		"tags":   []string{"a", "b"},
		"attrs":  map[string]any{"x": 7},
		"hash":   [4]byte{1, 2, 3, 4},
		"day":    time.Date(2022, 1, 8, 0, 0, 0, 0, time.UTC), // day 19000
		"at":     time.UnixMilli(1_700_000_000_000).UTC(),
		"price":  big.NewRat(1234, 100),
		"ok":     true,
		"ratio":  0.5,
		"lines":  []any{map[string]any{"sku": "sku", "qty": 2}},
		"money":  map[string]any{"com.acme.Money": map[string]any{"units": int64(100), "currency": [3]byte{'E', 'U', 'R'}}},
	}
}

// hambaSchema parses text after refs with hamba, for encoding test data.
func hambaSchema(t testing.TB, text string, refs []compat.Reference) hamba.Schema {
	t.Helper()
	cache := &hamba.SchemaCache{}
	for _, r := range refs {
		if _, err := hamba.ParseWithCache(r.Schema, "", cache); err != nil {
			t.Fatal(err)
		}
	}
	s, err := hamba.ParseWithCache(text, "", cache)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func marshal(t testing.TB, text string, refs []compat.Reference, v any) []byte {
	t.Helper()
	b, err := hamba.Marshal(hambaSchema(t, text, refs), v)
	if err != nil {
		t.Fatalf("hamba.Marshal(%v): %v", v, err)
	}
	return b
}

type invalidCase struct {
	name    string
	payload []byte
	want    string // in the error message
}

type validateCase struct {
	name    string
	schema  string
	refs    []compat.Reference
	valid   [][]byte
	invalid []invalidCase
	// cross says FuzzValidate may check Validate against hamba's generic
	// reader, which is safe only where every item takes a byte: it reads
	// an array block's every claimed item, even after an error.
	cross bool
}

// nested is n linked list nodes.
func nested(n int) []byte {
	var out []byte
	for i := 0; i < n; i++ {
		out = append(out, zz(int64(i))...)
		if i < n-1 {
			out = append(out, zz(1)...)
		}
	}
	return append(out, zz(0)...)
}

func validateCases(t testing.TB) []validateCase {
	const listSchema = `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`
	minLong := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
	noNote := orderValue()
	noNote["note"], noNote["money"], noNote["tags"], noNote["attrs"] = nil, nil, []string{}, map[string]any{}
	return []validateCase{{
		name:   "record",
		schema: orderSchema,
		refs:   moneyRef,
		cross:  true,
		valid: [][]byte{
			order(nil),
			marshal(t, orderSchema, moneyRef, orderValue()),
			marshal(t, orderSchema, moneyRef, noNote),
			// Blocks with a byte size, as Java's BlockingBinaryEncoder writes.
			order(map[string][]byte{"tags": cat(zz(-2), zz(4), str("a"), str("b"), zz(-1), zz(2), str("c"), zz(0))}),
		},
		invalid: []invalidCase{
			{"trailing", append(order(nil), 0), "1 byte left over after the datum"},
			{"trailing3", append(order(nil), 1, 2, 3), "3 bytes left over after the datum"},
			{"empty", nil, "the payload ends inside a long"},
			{"union index", order(map[string][]byte{"note": zz(2)}), "in note: union branch index 2 is out of range (the union has 2 branches)"},
			{"negative union index", order(map[string][]byte{"note": zz(-1)}), "union branch index -1 is out of range"},
			{"enum index", order(map[string][]byte{"status": zz(3)}), "in status: enum shop.Status has no symbol with index 3 (it has 3)"},
			{"negative enum index", order(map[string][]byte{"status": zz(-1)}), "has no symbol with index -1"},
			{"negative length", order(map[string][]byte{"tags": cat(zz(1), zz(-1))}), "in tags[0]: string length is negative (-1)"},
			{"huge length", order(map[string][]byte{"note": cat(zz(1), zz(1<<40))}), "in note: string length is 1099511627776 bytes but only"},
			{"huge bytes length", order(map[string][]byte{"price": zz(math.MaxInt64)}), "bytes length is 9223372036854775807 bytes but only"},
			{"huge array count", order(map[string][]byte{"tags": zz(1 << 40)}), "array has more than 2147483639 items"},
			{"big array count", order(map[string][]byte{"tags": zz(1 << 20)}), "array block of 1048576 items needs at least 1048576 bytes but only"},
			{"huge map count", order(map[string][]byte{"attrs": cat(zz(-(1 << 20)), zz(5))}), "map block of 1048576 items needs at least 2097152 bytes"},
			{"min block count", order(map[string][]byte{"tags": minLong}), "array block count -9223372036854775808 is out of range"},
			{"negative block size", order(map[string][]byte{"tags": cat(zz(-1), zz(-5), str("a"), zz(0))}), "array block size is -5 bytes"},
			{"huge block size", order(map[string][]byte{"tags": cat(zz(-1), zz(1<<40), str("a"), zz(0))}), "array block size is 1099511627776 bytes"},
			{"bad bool", order(map[string][]byte{"ok": {2}}), "in ok: boolean byte is 0x02, not 0 or 1"},
			{"long too long", order(map[string][]byte{"id": bytes.Repeat([]byte{0x80}, 11)}), "long is longer than 10 bytes"},
			{"int too long", order(map[string][]byte{"day": {0x80, 0x80, 0x80, 0x80, 0x80, 0x01}}), "in day: int is longer than 5 bytes"},
			{"bad utf8", order(map[string][]byte{"tags": cat(zz(1), str("\xff"), zz(0))}), "in tags[0]: string is not valid UTF-8"},
			{"map key", order(map[string][]byte{"attrs": cat(zz(1), zz(-3))}), "in attrs[0]: map key: string length is negative"},
			{"map value", order(map[string][]byte{"attrs": cat(zz(1), str("k"), []byte{0x80, 0x80, 0x80, 0x80, 0x80}, zz(0))}), `in attrs["k"]: int is longer than 5 bytes`},
			{"nested record", cat(orderUpTo("lines"), zz(1), str("sku")), "in lines[0].qty: the payload ends inside an int"},
			{"referenced type", order(map[string][]byte{"money": cat(zz(1), zz(100), []byte("EU"))}), "in money.currency: the payload ends inside fixed com.acme.Currency: 2 of its 3 bytes remain"},
			{"short fixed", cat(orderUpTo("hash"), []byte{1, 2}), "in hash: the payload ends inside fixed shop.Hash: 2 of its 4 bytes remain"},
		},
	}, {
		name:   "string",
		schema: `"string"`,
		cross:  true,
		valid:  [][]byte{marshal(t, `"string"`, nil, "héllo"), marshal(t, `"string"`, nil, "")},
		invalid: []invalidCase{
			{"empty", nil, "the payload ends inside a string length"},
			{"negative length", zz(-2), "string length is negative (-2)"},
			{"huge length", zz(math.MaxInt64), "string length is 9223372036854775807 bytes but only 0 remain"},
			{"65 bits", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, "string length does not fit in 64 bits"},
			{"truncated", str("hello")[:4], "string length is 5 bytes but only 3 remain"},
			{"trailing", append(str("x"), 'y'), "1 byte left over after the datum"},
		},
	}, {
		name:   "int",
		schema: `{"type":"int"}`,
		cross:  true,
		valid:  [][]byte{marshal(t, `"int"`, nil, math.MinInt32), marshal(t, `"int"`, nil, math.MaxInt32), {0}, {0x80, 0x80, 0x80, 0x80, 0x0f}},
		invalid: []invalidCase{
			{"too long", bytes.Repeat([]byte{0xff}, 6), "int is longer than 5 bytes"},
			{"unterminated", []byte{0xff}, "the payload ends inside an int"},
			{"33 bits", []byte{0x80, 0x80, 0x80, 0x80, 0x10}, "int does not fit in 32 bits"},
		},
	}, {
		name:   "null",
		schema: `"null"`, // hamba's generic reader has no case for null
		valid:  [][]byte{nil},
		invalid: []invalidCase{
			{"trailing", []byte{0}, "invalid Avro payload at byte 0: 1 byte left over after the datum"},
		},
	}, {
		name:   "union map fixed",
		schema: `{"type":"map","values":["null","double",{"type":"fixed","name":"D","size":12,"logicalType":"duration"},{"type":"string","logicalType":"uuid"}]}`,
		cross:  true,
		valid: [][]byte{
			marshal(t, `{"type":"map","values":["null","double",{"type":"fixed","name":"D","size":12,"logicalType":"duration"},{"type":"string","logicalType":"uuid"}]}`, nil,
				map[string]any{"a": nil, "b": map[string]any{"double": 1.5}, "c": map[string]any{"string.uuid": "0b0d4a1c-6a43-4d8a-9a8f-28a0b6d1f1c2"}}),
			cat(zz(1), str("d"), zz(2), bytes.Repeat([]byte{7}, 12), zz(0)),
		},
		invalid: []invalidCase{
			{"bad branch", cat(zz(1), str("a"), zz(4), zz(0)), `in ["a"]: union branch index 4 is out of range (the union has 4 branches)`},
			{"short double", cat(zz(1), str("a"), zz(1), []byte{1, 2, 3}), `in ["a"]: the payload ends inside a double: 3 of its 8 bytes remain`},
			{"unterminated", cat(zz(1), str("a"), zz(0)), "the payload ends inside a map block count"},
		},
	}, {
		name:   "array of null",
		schema: `{"type":"array","items":"null"}`,
		valid:  [][]byte{cat(zz(3), zz(0)), cat(zz(1<<30), zz(1<<29), zz(0)), {0}},
		invalid: []invalidCase{
			{"too many", cat(zz(1<<30), zz(1<<30), zz(1<<30), zz(0)), "array has more than 2147483639 items"},
			{"unterminated", zz(5), "the payload ends inside an array block count"},
		},
	}, {
		name:   "linked list",
		schema: listSchema,
		cross:  true,
		valid: [][]byte{
			marshal(t, listSchema, nil, map[string]any{"v": 1, "next": map[string]any{"Node": map[string]any{"v": 2, "next": nil}}}),
			nested(5000),
		},
		invalid: []invalidCase{
			{"too deep", nested(20000), "in next.next.next.next.next.next.next.next.next.next.next.next.next.next.next.next.….next.next.next.next.next.next.next.next.next.next.next.next.next.next.next.next: the datum nests more than 10000 levels deep"},
			{"bad branch", cat(zz(1), zz(1), zz(2), zz(2)), "in next.next: union branch index 2 is out of range"},
			// Java reads this index as 0, hamba as 1<<33.
			{"index past 32 bits", []byte{0x30, 0x80, 0x80, 0x80, 0x80, 0x30}, "in next: union branch index does not fit in 32 bits"},
		},
	}}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range validateCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustParse(t, tc.schema, tc.refs).(compat.Validator)
			for i, p := range tc.valid {
				if err := s.Validate(p); err != nil {
					t.Errorf("valid[%d] % x: %v", i, p, err)
				}
				// Every strict prefix is truncated (these schemas
				// have no datum that is a prefix of another).
				for n := range min(len(p), 4096) {
					if err := s.Validate(p[:n]); err == nil {
						t.Errorf("valid[%d][:%d] (truncated) validated", i, n)
					}
				}
			}
			for _, c := range tc.invalid {
				err := s.Validate(c.payload)
				var ve *avro.ValidationError
				switch {
				case err == nil:
					t.Errorf("%s: % x validated", c.name, c.payload)
				case !errors.As(err, &ve):
					t.Errorf("%s: %T is not a *ValidationError", c.name, err)
				case !strings.Contains(err.Error(), c.want):
					t.Errorf("%s:\n got %v\nwant …%s…", c.name, err, c.want)
				}
			}
		})
	}
}

// TestValidate_HandEncoding checks that hamba reads the hand-made Order as
// the one it writes itself, so the spoiled variants spoil the field they
// mean to. (hamba writes blocks with their byte size, so the bytes differ.)
func TestValidate_HandEncoding(t *testing.T) {
	t.Parallel()
	hs := hambaSchema(t, orderSchema, moneyRef)
	got, err := readNext(hs, order(nil))
	if err != nil {
		t.Fatal(err)
	}
	want, err := readNext(hs, marshal(t, orderSchema, moneyRef, orderValue()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hamba reads the hand-made Order as\n%v\nnot\n%v", got, want)
	}
}

func TestValidate_Infinite(t *testing.T) {
	t.Parallel()
	// No finite datum exists; validating must fail, not recurse forever.
	s, err := avro.Format{}.Parse(`{"type":"record","name":"Inf","fields":[{"name":"i","type":"int"},{"name":"x","type":"Inf"}]}`, nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if err := s.(compat.Validator).Validate(bytes.Repeat([]byte{2}, 100)); err == nil {
		t.Fatal("validated")
	}
}

// readNext reads one datum with hamba's generic reader, which (unlike
// Unmarshal) does not use reflect2, and fails if bytes are left over.
func readNext(s hamba.Schema, payload []byte) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hamba panicked: %v", r)
		}
	}()
	r := hamba.NewReader(nil, 0).Reset(payload)
	v = r.ReadNext(s)
	if r.Error != nil {
		return nil, r.Error
	}
	if r.Peek(); r.Error == nil {
		return nil, errors.New("bytes left over")
	}
	return v, nil
}

// FuzzValidate checks that Validate never panics, that its errors are
// *ValidationErrors, and that hamba's generic reader reads, to the last
// byte, every payload Validate accepts. It checks too that DecodeJSON never
// panics, rejects what Validate rejects with the same error, and turns what
// it accepts into valid JSON (unless that JSON would be too large).
//
// The converse is not checked: hamba's reader can run for ever on a
// hostile block count, and its reflection-based Unmarshal, which would
// also allow comparing re-encodings, intermittently dies with a fatal
// runtime error ("name offset base pointer out of range", in reflect2) on
// this toolchain.
func FuzzValidate(f *testing.F) {
	cases := validateCases(f)
	for i, tc := range cases {
		for _, p := range tc.valid {
			if len(p) < 4096 {
				f.Add(uint8(i), p)
			}
		}
		for _, c := range tc.invalid {
			if len(c.payload) < 4096 {
				f.Add(uint8(i), c.payload)
			}
		}
	}
	schemas := make([]compat.Validator, len(cases))
	hambas := make([]hamba.Schema, len(cases))
	for i, tc := range cases {
		schemas[i] = mustParse(f, tc.schema, tc.refs).(compat.Validator)
		hambas[i] = hambaSchema(f, tc.schema, tc.refs)
	}
	f.Fuzz(func(t *testing.T, i uint8, payload []byte) {
		n := int(i) % len(cases)
		err := schemas[n].Validate(payload)
		var ve *avro.ValidationError
		if err != nil && (!errors.As(err, &ve) || !strings.HasPrefix(err.Error(), "invalid Avro payload at byte ")) {
			t.Fatalf("error %T %q", err, err)
		}
		if err == nil && cases[n].cross {
			if _, herr := readNext(hambas[n], payload); herr != nil {
				t.Fatalf("Validate accepts % x, hamba does not: %v", payload, herr)
			}
		}
		out, derr := schemas[n].(compat.Decoder).DecodeJSON(payload)
		switch {
		case err != nil && (derr == nil || derr.Error() != err.Error()):
			t.Fatalf("Validate(% x) = %v, DecodeJSON = %v", payload, err, derr)
		case err == nil && derr != nil && !strings.Contains(derr.Error(), "bytes of JSON, too many to show"):
			t.Fatalf("Validate accepts % x, DecodeJSON does not: %v", payload, derr)
		case err == nil && derr == nil && !json.Valid(out):
			t.Fatalf("DecodeJSON(% x) = %s, not valid JSON", payload, out)
		}
	})
}

// BenchmarkValidate validates a 1 KiB Order.
func BenchmarkValidate(b *testing.B) {
	v := orderValue()
	var tags []string
	for i := 0; len(tags)*20 < 970; i++ {
		tags = append(tags, strings.Repeat(string(rune('a'+i%26)), 19))
	}
	v["tags"] = tags
	payload := marshal(b, orderSchema, moneyRef, v)
	s := mustParse(b, orderSchema, moneyRef).(compat.Validator)
	if err := s.Validate(payload); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(payload); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(payload)), "payload-bytes")
}
