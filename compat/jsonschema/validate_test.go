package jsonschema

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/charterhq/charter/compat"
)

// address is a schema other schemas reach by reference.
var address = compat.Reference{Name: "address.json", Schema: `{"type":"object",` +
	`"properties":{"street":{"type":"string"},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["street"]}`}

// orderDraft7 is an order in draft-07: a local definition, a reference to
// address.json, an enum, exact numeric bounds, no additional properties.
const orderDraft7 = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
 "properties":{
  "id":{"type":"integer","maximum":9007199254740993},
  "status":{"enum":["NEW","PAID"]},
  "note":{"type":["string","null"]},
  "line":{"$ref":"#/definitions/line"},
  "lines":{"type":"array","items":{"$ref":"#/definitions/line"}},
  "ship":{"$ref":"address.json"},
  "code":{"type":"string","pattern":"^(?!x).*$"},
  "pay":{"oneOf":[{"type":"string"},{"type":"number"}]}
 },
 "required":["id","status"],
 "additionalProperties":false,
 "definitions":{"line":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}},"required":["sku"]}}}`

// order2020 is the same order in draft 2020-12, with $defs, a reference by
// absolute URL, a tuple and unevaluatedProperties.
const order2020 = `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://acme.com/order.json","type":"object",
 "properties":{
  "id":{"type":"integer"},
  "status":{"enum":["NEW","PAID"]},
  "line":{"$ref":"#/$defs/line"},
  "ship":{"$ref":"https://acme.com/address.json"},
  "pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}
 },
 "required":["id","status"],
 "additionalProperties":false,
 "$defs":{"line":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}},"required":["sku"],"unevaluatedProperties":false}}}`

var address2020 = compat.Reference{Name: "https://acme.com/address.json", Schema: address.Schema}

func mustValidator(tb testing.TB, text string, refs []compat.Reference) compat.Validator {
	tb.Helper()
	s, err := Format{}.Parse(text, refs)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	v, ok := s.(compat.Validator)
	if !ok {
		tb.Fatalf("%T does not implement compat.Validator", s)
	}
	return v
}

func TestValidate(t *testing.T) {
	refs7 := []compat.Reference{address}
	refs2020 := []compat.Reference{address2020}
	tests := []struct {
		name    string
		schema  string
		refs    []compat.Reference
		payload string
		want    string // a substring of the error; "" for a valid record
	}{
		// draft-07
		{"d7 minimal", orderDraft7, refs7, `{"id":1,"status":"NEW"}`, ""},
		{"d7 full", orderDraft7, refs7, `{"id":1,"status":"PAID","note":null,"line":{"sku":"a","qty":2},
			"lines":[{"sku":"b"}],"ship":{"street":"Main","zip":"12345"},"code":"abc","pay":3}`, ""},
		{"d7 exact integer at the bound", orderDraft7, refs7, `{"id":9007199254740993,"status":"NEW"}`, ""},
		{"d7 integral decimal is an integer", orderDraft7, refs7, `{"id":2.0,"status":"NEW"}`, ""},
		{"d7 missing required", orderDraft7, refs7, `{"id":1}`,
			`the record does not match the schema: at the top level, keyword "required": missing property 'status'`},
		{"d7 wrong type", orderDraft7, refs7, `{"id":"1","status":"NEW"}`,
			`at "/id", keyword "type": got string, want integer`},
		{"d7 fraction is not an integer", orderDraft7, refs7, `{"id":1.5,"status":"NEW"}`, `at "/id", keyword "type"`},
		{"d7 exact maximum", orderDraft7, refs7, `{"id":9007199254740994,"status":"NEW"}`, `at "/id", keyword "maximum"`},
		{"d7 enum", orderDraft7, refs7, `{"id":1,"status":"LOST"}`, `at "/status", keyword "enum"`},
		{"d7 additional property", orderDraft7, refs7, `{"id":1,"status":"NEW","extra":true}`,
			`at the top level, keyword "additionalProperties": additional properties 'extra' not allowed`},
		{"d7 nested definition", orderDraft7, refs7, `{"id":1,"status":"NEW","line":{"sku":"a","qty":0}}`,
			`at "/line/qty", keyword "minimum"`},
		{"d7 definition in array", orderDraft7, refs7, `{"id":1,"status":"NEW","lines":[{"sku":"a"},{"qty":1}]}`,
			`at "/lines/1", keyword "required": missing property 'sku'`},
		{"d7 other schema: required", orderDraft7, refs7, `{"id":1,"status":"NEW","ship":{"zip":"12345"}}`,
			`at "/ship", keyword "required": missing property 'street'`},
		{"d7 other schema: pattern", orderDraft7, refs7, `{"id":1,"status":"NEW","ship":{"street":"Main","zip":"1234"}}`,
			`at "/ship/zip", keyword "pattern"`},
		{"d7 oneOf none", orderDraft7, refs7, `{"id":1,"status":"NEW","pay":true}`,
			`at "/pay", keyword "oneOf": matches none of the alternatives`},
		{"d7 look-around pattern is not enforced", orderDraft7, refs7, `{"id":1,"status":"NEW","code":"xyz"}`, ""},
		{"d7 not an object", orderDraft7, refs7, `[1]`, `at the top level, keyword "type": got array, want object`},
		{"default draft", `{"properties":{"a":{"type":"string"}},"required":["a"]}`, nil, `{"a":1}`, `at "/a", keyword "type"`},

		// draft 2020-12
		{"2020 minimal", order2020, refs2020, `{"id":1,"status":"NEW"}`, ""},
		{"2020 full", order2020, refs2020, `{"id":1,"status":"PAID","line":{"sku":"a","qty":2},"ship":{"street":"Main"},"pair":["a",1]}`, ""},
		{"2020 missing required", order2020, refs2020, `{"status":"NEW"}`, `at the top level, keyword "required": missing property 'id'`},
		{"2020 wrong type", order2020, refs2020, `{"id":true,"status":"NEW"}`, `at "/id", keyword "type": got boolean, want integer`},
		{"2020 enum", order2020, refs2020, `{"id":1,"status":"new"}`, `at "/status", keyword "enum"`},
		{"2020 additional property", order2020, refs2020, `{"id":1,"status":"NEW","x":1}`, `keyword "additionalProperties"`},
		{"2020 nested $defs", order2020, refs2020, `{"id":1,"status":"NEW","line":{"sku":"a","qty":-1}}`, `at "/line/qty", keyword "minimum"`},
		{"2020 unevaluated property in $defs", order2020, refs2020, `{"id":1,"status":"NEW","line":{"sku":"a","x":1}}`,
			`at "/line/x", keyword "unevaluatedProperties": no value is allowed here (the schema at "#/$defs/line/unevaluatedProperties" is false)`},
		{"2020 other schema", order2020, refs2020, `{"id":1,"status":"NEW","ship":{"street":7}}`, `at "/ship/street", keyword "type"`},
		{"2020 items false", order2020, refs2020, `{"id":1,"status":"NEW","pair":["a",1,2]}`, `at "/pair/2", keyword "items": no value is allowed here (the schema at "#/properties/pair/items" is false)`},

		// format asserts up to draft-07 and annotates later
		{"d7 format", `{"type":"string","format":"date"}`, nil, `"2024-02-30"`, `keyword "format"`},
		{"2020 format annotates", `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"string","format":"date"}`, nil, `"2024-02-30"`, ""},

		// boolean schemas
		{"true schema", `true`, nil, `{"anything":[1,2]}`, ""},
		{"false schema", `false`, nil, `1`, `at the top level: no value is allowed here (the schema at "#" is false)`},
		{"false property schema", `{"properties":{"items":false}}`, nil, `{"items":1}`, `at "/items": no value is allowed here (the schema at "#/properties/items" is false)`},
		{"additional properties sorted", `{"additionalProperties":false}`, nil, `{"d":1,"b":1,"a":1,"c":1}`, `additional properties 'a', 'b', 'c', 'd' not allowed`},

		// not JSON
		{"empty", `{}`, nil, ``, `the record is empty`},
		{"white space only", `{}`, nil, " \n", `the record is empty`},
		{"syntax error", `{}`, nil, `{"id":}`, `the record is not valid JSON: invalid character '}' looking for beginning of value at byte offset 6`},
		{"truncated", `{}`, nil, `{"id":1`, `the record is not valid JSON: it ends at byte offset 7 in the middle of a value`},
		{"trailing garbage", `{}`, nil, `{"id":1} x`, `the record is not valid JSON: unexpected data at byte offset 9 after the top-level value`},
		{"second value", `{}`, nil, "{}\n{}", `unexpected data at byte offset 3`},
		{"trailing white space", `{}`, nil, "{} \r\n\t", ""},
		{"invalid UTF-8", `{}`, nil, "{\"a\":\"\xff\"}", `invalid UTF-8 in a string at byte offset 6`},
		{"escapes and unicode", `{"properties":{"a":{"const":"é\"\\"}}}`, nil, `{"a":"\u00e9\"\\"}`, ""},

		// limits
		{"depth at the limit", `{}`, nil, strings.Repeat("[", maxRecordDepth) + strings.Repeat("]", maxRecordDepth), ""},
		{"too deep", `{}`, nil, strings.Repeat("[", maxRecordDepth+1) + strings.Repeat("]", maxRecordDepth+1),
			fmt.Sprintf("deeper than %d levels (at byte offset %d)", maxRecordDepth, maxRecordDepth)},
		{"brackets in strings do not count", `{}`, nil, `["` + strings.Repeat("[", 2*maxRecordDepth) + `"]`, ""},
		{"exponent at the limit", `{"type":"integer","minimum":1}`, nil, `1e10000`, ""},
		{"exponent too large", `{"type":"integer"}`, nil, `[1, 2e-10001]`, "exponent beyond ±10000 at byte offset 4"},
		{"huge exponent", `{"minimum":1}`, nil, `1E+0000000000000000000099999999`, "exponent beyond"},
		{"number too long", `{}`, nil, `{"n":1` + strings.Repeat("0", maxRecordNumberLength) + `}`, "number longer than 1000 characters at byte offset 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mustValidator(t, tt.schema, tt.refs).Validate([]byte(tt.payload))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate accepted %q, want an error containing %q", tt.payload, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate error\n%v\nwant it to contain\n%s", err, tt.want)
			}
		})
	}
}

func TestValidateChainedReferences(t *testing.T) {
	customer := compat.Reference{Name: "customer.json", Schema: `{"type":"object","properties":{"home":{"$ref":"address.json"}}}`}
	v := mustValidator(t, `{"properties":{"c":{"$ref":"customer.json"}}}`, []compat.Reference{address, customer})
	if err := v.Validate([]byte(`{"c":{"home":{"street":"Main"}}}`)); err != nil {
		t.Fatalf("valid record: %v", err)
	}
	err := v.Validate([]byte(`{"c":{"home":{}}}`))
	if err == nil || !strings.Contains(err.Error(), `at "/c/home", keyword "required": missing property 'street'`) {
		t.Fatalf("error = %v", err)
	}
}

// TestValidateMessage checks that a record failing in many places gets a
// short message whose order does not depend on map iteration.
func TestValidateMessage(t *testing.T) {
	v := mustValidator(t, `{"properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"},
		"d":{"type":"string"},"e":{"type":"string"},"list":{"items":{"type":"string"}},"a/b~":{"enum":[`+
		longEnum(100)+`]}}}`, nil)
	payload := []byte(`{"e":1,"d":1,"c":1,"b":1,"a":1,"list":["x",1,"y","z","w","v","u","t","s","r",2],"a/b~":0}`)
	want := `the record does not match the schema: at "/a", keyword "type": got number, want string; ` +
		`at "/a~1b~0", keyword "enum": value must be one of `
	first := v.Validate(payload)
	if first == nil || !strings.HasPrefix(first.Error(), want) || !strings.HasSuffix(first.Error(), `…; at "/b", keyword "type": got number, want string; and 5 more`) {
		t.Fatalf("error = %v", first)
	}
	if len(first.Error()) > 400 {
		t.Fatalf("error is %d bytes long", len(first.Error()))
	}
	for range 20 {
		if err := v.Validate(payload); err.Error() != first.Error() {
			t.Fatalf("message changed:\n%v\n%v", first, err)
		}
	}
	// Array indexes sort numerically.
	err := v.Validate([]byte(`{"list":["x",1,"y","z","w","v","u","t","s","r",2]}`))
	if err == nil || !strings.Contains(err.Error(), `at "/list/1", keyword "type": got number, want string; at "/list/10", keyword`) {
		t.Fatalf("error = %v", err)
	}
}

// longEnum lists n distinct strings, comma separated.
func longEnum(n int) string {
	values := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprintf(`"long value %d"`, i)
	}
	return strings.Join(values, ",")
}

func TestValidateUnparsedSchema(t *testing.T) {
	var s *Schema
	if err := s.Validate([]byte(`{}`)); err == nil {
		t.Fatal("nil Schema validated a record")
	}
	if err := (&Schema{}).Validate([]byte(`{}`)); err == nil {
		t.Fatal("zero Schema validated a record")
	}
}

func TestValidateConcurrent(t *testing.T) {
	v := mustValidator(t, orderDraft7, []compat.Reference{address})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				payload := fmt.Sprintf(`{"id":%d,"status":"NEW","line":{"sku":"a","qty":%d}}`, i, j%2)
				err := v.Validate([]byte(payload))
				if (j%2 == 0) != (err != nil) {
					t.Errorf("Validate(%s) = %v", payload, err)
				}
			}
		})
	}
	wg.Wait()
}

// fuzzSchemas are the schemas FuzzValidate checks records against.
var fuzzSchemas = []struct {
	text string
	refs []compat.Reference
}{
	{orderDraft7, []compat.Reference{address}},
	{order2020, []compat.Reference{address2020}},
	{`{"type":"array","items":{"anyOf":[{"type":"number","multipleOf":0.01,"minimum":-1e300},{"$ref":"#"}]},"uniqueItems":true}`, nil},
	{`{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"n":{"type":"object","properties":{"v":{"const":1.5},"next":{"$ref":"#/$defs/n"}},` +
		`"patternProperties":{"^x":{"type":"string","maxLength":3}},"dependentRequired":{"a":["b"]},"propertyNames":{"minLength":1}}},` +
		`"$ref":"#/$defs/n","contains":{"type":"integer"},"maxContains":2}`, nil},
	{`true`, nil},
}

// FuzzValidate checks that Validate never panics, whatever the record, that
// its answer is stable and one line, and that it accepts only valid JSON;
// and that DecodeJSON accepts exactly the valid JSON in valid UTF-8.
//
//	go test -run=^$ -fuzz=FuzzValidate -fuzztime=20s ./compat/jsonschema/
func FuzzValidate(f *testing.F) {
	validators := make([]compat.Validator, len(fuzzSchemas))
	for i, s := range fuzzSchemas {
		validators[i] = mustValidator(f, s.text, s.refs)
	}
	for i, p := range []string{
		`{"id":1,"status":"NEW"}`, `{"id":1,"status":"PAID","line":{"sku":"a","qty":2},"ship":{"street":"Main","zip":"12345"},"pay":3}`,
		`{"id":1.5,"status":"x","extra":[],"pair":["a",1,2]}`, `[1,2.5,[3,[4]],1e308,-1e-400]`, `[1,1]`,
		`{"v":1.50,"next":{"v":2,"a":0},"xa":"long","":1}`, `{"a":"\u00e9\ud800"}`, `{"id":}`, `{} x`, `[[[[`, ``, "\"\xff\"",
		`12345678901234567890123456789e-20`, `"\\"`, `{"a":1,"a":2}`,
	} {
		for w := range validators {
			f.Add([]byte(p), uint8(i+w))
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte, which uint8) {
		v := validators[int(which)%len(validators)]
		err := v.Validate(payload)
		again := v.Validate(payload)
		out, derr := v.(compat.Decoder).DecodeJSON(payload)
		switch {
		case (derr == nil) != (json.Valid(payload) && utf8.Valid(payload)):
			t.Fatalf("DecodeJSON(%q) = %v, json.Valid %v", payload, derr, json.Valid(payload))
		case err == nil && derr != nil:
			t.Fatalf("Validate accepts %q, DecodeJSON does not: %v", payload, derr)
		case derr == nil && !json.Valid(out):
			t.Fatalf("DecodeJSON(%q) = %q, not valid JSON", payload, out)
		case derr != nil && (derr.Error() == "" || strings.ContainsAny(derr.Error(), "\n\r")):
			t.Fatalf("DecodeJSON(%q): bad message %q", payload, derr)
		}
		if (err == nil) != (again == nil) || err != nil && err.Error() != again.Error() {
			t.Fatalf("not deterministic: %v / %v", err, again)
		}
		if err == nil {
			if !json.Valid(payload) {
				t.Fatalf("accepted invalid JSON %q", payload)
			}
			return
		}
		msg := err.Error()
		if msg == "" || strings.ContainsAny(msg, "\n\r") || strings.Contains(msg, "internal error") || strings.Contains(msg, baseURL) {
			t.Fatalf("bad message %q for %q", msg, payload)
		}
	})
}

// BenchmarkValidate validates a valid 1 KiB order against a draft-07
// schema with definitions and a reference to another schema.
//
//	go test -run=^$ -bench=BenchmarkValidate -benchmem ./compat/jsonschema/
func BenchmarkValidate(b *testing.B) {
	v := mustValidator(b, orderDraft7, []compat.Reference{address})
	var lines []string
	for i := range 27 {
		lines = append(lines, fmt.Sprintf(`{"sku":"SKU-%05d","qty":%d}`, i, i+1))
	}
	payload := []byte(fmt.Sprintf(`{"id":123456789,"status":"PAID","note":"leave at the door, ring twice",`+
		`"line":{"sku":"SKU-00001","qty":3},"lines":[%s],"ship":{"street":"1 Main Street, Springfield","zip":"12345"},`+
		`"code":"abc-123","pay":"card"}`, strings.Join(lines, ",")))
	if err := v.Validate(payload); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate(payload); err != nil {
			b.Fatal(err)
		}
	}
}
