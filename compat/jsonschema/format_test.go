package jsonschema

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/charterhq/charter/compat"
)

func TestType(t *testing.T) {
	if got := (Format{}).Type(); got != "JSON" {
		t.Fatalf("Type() = %q, want JSON", got)
	}
}

func TestParseValid(t *testing.T) {
	address := compat.Reference{Name: "address.json", Schema: `{"type":"object","properties":{"street":{"type":"string"}}}`}
	tests := []struct {
		name string
		text string
		refs []compat.Reference
	}{
		{"true", `true`, nil},
		{"false", `false`, nil},
		{"empty object", `{}`, nil},
		{"default draft-07", `{"type":"object","properties":{"a":{"type":"string"}}}`, nil},
		{"draft-04", `{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://x/y","type":"number","maximum":3,"exclusiveMaximum":true}`, nil},
		{"draft-06", `{"$schema":"http://json-schema.org/draft-06/schema#","type":"number","exclusiveMaximum":3}`, nil},
		{"draft-07", `{"$schema":"http://json-schema.org/draft-07/schema#","if":{"type":"string"},"then":{"minLength":1}}`, nil},
		{"draft 2019-09", `{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a","unevaluatedProperties":false}`, nil},
		{"draft 2020-12", `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}`, nil},
		{"local definitions ref", `{"definitions":{"a":{"type":"string"}},"properties":{"x":{"$ref":"#/definitions/a"}}}`, nil},
		{"recursive", `{"definitions":{"n":{"type":"object","properties":{"next":{"$ref":"#/definitions/n"}}}},"$ref":"#/definitions/n"}`, nil},
		{"relative ref by name", `{"properties":{"home":{"$ref":"address.json"}}}`, []compat.Reference{address}},
		{"ref with fragment into reference", `{"properties":{"street":{"$ref":"address.json#/properties/street"}}}`, []compat.Reference{address}},
		{"absolute ref by name", `{"properties":{"home":{"$ref":"https://acme.com/address.json"}}}`,
			[]compat.Reference{{Name: "https://acme.com/address.json", Schema: address.Schema}}},
		{"relative ref under $id", `{"$id":"https://acme.com/order.json","properties":{"home":{"$ref":"address.json"}}}`, []compat.Reference{address}},
		{"chained references", `{"properties":{"c":{"$ref":"customer.json"}}}`, []compat.Reference{address,
			{Name: "customer.json", Schema: `{"properties":{"home":{"$ref":"address.json"}}}`}}},
		{"look-around pattern Go cannot compile", `{"type":"string","pattern":"^(?!foo).*$"}`, nil},
		{"deep but within the limit", strings.Repeat(`{"not":`, 120) + "{}" + strings.Repeat("}", 120), nil},
		{"unicode and escapes", `{"description":"caf\u00e9 <b>&\n","enum":["\u2028"]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Format{}.Parse(tt.text, tt.refs)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Canonical() == "" || s.Normalized() == "" {
				t.Fatal("empty canonical or normalized text")
			}
			// Canonical text must parse to the same canonical text.
			again, err := Format{}.Parse(s.Canonical(), tt.refs)
			if err != nil {
				t.Fatalf("re-Parse canonical: %v", err)
			}
			if again.Canonical() != s.Canonical() {
				t.Errorf("canonical not idempotent:\n%s\n%s", s.Canonical(), again.Canonical())
			}
			if p := (Format{}).Compatible(s, again); len(p) != 0 {
				t.Errorf("schema incompatible with itself: %v", p)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		refs      []compat.Reference
		wantInMsg string
		line, col int
	}{
		{"empty", ``, nil, "empty", 0, 0},
		{"blank", " \n\t", nil, "empty", 0, 0},
		{"not a schema", `"string"`, nil, "object or a boolean", 0, 0},
		{"array", `[]`, nil, "object or a boolean", 0, 0},
		{"syntax error", "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}", nil, "invalid character", 3, 18},
		{"unterminated", "{\"type\":", nil, "unexpected end", 1, 9},
		{"trailing data", `{} {}`, nil, "after top-level value", 1, 5},
		{"wrong keyword type", `{"type":"object","minLength":"three"}`, nil, "metaschema", 0, 0},
		{"unknown type", `{"type":"strin"}`, nil, "metaschema", 0, 0},
		{"missing reference", `{"properties":{"a":{"$ref":"address.json"}}}`, nil, `"address.json" was not provided`, 0, 0},
		{"remote reference refused", `{"$ref":"https://example.com/s.json"}`, nil, `"https://example.com/s.json" was not provided`, 0, 0},
		{"file reference refused", `{"$ref":"file:///etc/passwd"}`, nil, "was not provided", 0, 0},
		{"dangling pointer", `{"$ref":"#/definitions/nope"}`, nil, "nope", 0, 0},
		{"unsupported $schema", `{"$schema":"http://example.com/my-meta"}`, nil, "was not provided", 0, 0},
		{"syntax error in reference", `{"$ref":"a.json"}`, []compat.Reference{{Name: "a.json", Schema: `{"type":}`}}, `reference "a.json": line 1`, 0, 0},
		{"too deep", strings.Repeat("[", 300) + strings.Repeat("]", 300), nil, "nesting deeper", 1, 258},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Format{}.Parse(tt.text, tt.refs)
			var pe *compat.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *compat.ParseError", err)
			}
			t.Log(pe.Error())
			if pe.Type != "JSON" {
				t.Errorf("Type = %q", pe.Type)
			}
			if !strings.Contains(pe.Message, tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.wantInMsg)
			}
			if pe.Line != tt.line || pe.Column != tt.col {
				t.Errorf("position = %d:%d, want %d:%d", pe.Line, pe.Column, tt.line, tt.col)
			}
			if strings.Contains(pe.Message, "mem://") {
				t.Errorf("message leaks the internal base URL: %q", pe.Message)
			}
		})
	}
}

func TestCanonicalForms(t *testing.T) {
	tests := []struct {
		name, text, canonical, normalized string
	}{
		{"white space", "{ \"type\" : \"string\" ,\n \"maxLength\": 5 }", `{"type":"string","maxLength":5}`, `{"maxLength":5,"type":"string"}`},
		{"key order kept, then sorted", `{"b":1,"a":{"d":true,"c":null}}`, `{"b":1,"a":{"d":true,"c":null}}`, `{"a":{"c":null,"d":true},"b":1}`},
		{"numbers verbatim", `{"maximum":1.50,"minimum":-0,"multipleOf":1e2}`, `{"maximum":1.50,"minimum":-0,"multipleOf":1e2}`, `{"maximum":1.50,"minimum":-0,"multipleOf":1e2}`},
		{"no HTML escaping", `{"description":"<a> & \u00e9"}`, `{"description":"<a> & é"}`, `{"description":"<a> & é"}`},
		{"control characters", `{"description":"tab\there\u0001"}`, `{"description":"tab\there\u0001"}`, `{"description":"tab\there\u0001"}`},
		{"duplicate key keeps last value", `{"type":"string","title":"a","type":"number"}`, `{"type":"number","title":"a"}`, `{"title":"a","type":"number"}`},
		{"boolean schema", ` true `, `true`, `true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.text, nil)
			if s.Canonical() != tt.canonical {
				t.Errorf("Canonical = %s, want %s", s.Canonical(), tt.canonical)
			}
			if s.Normalized() != tt.normalized {
				t.Errorf("Normalized = %s, want %s", s.Normalized(), tt.normalized)
			}
		})
	}
}

// TestConcurrentUse runs parses and comparisons in parallel, for the race
// detector: Format and Schema must hold no shared mutable state.
func TestConcurrentUse(t *testing.T) {
	pairs := loadPairs(t)
	var wg sync.WaitGroup
	for _, p := range pairs[:20] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err1 := Format{}.Parse(string(p.Original), nil)
			r, err2 := Format{}.Parse(string(p.Update), nil)
			if err1 != nil || err2 != nil {
				t.Error(err1, err2)
				return
			}
			Format{}.Compatible(r, w)
			Format{}.Compatible(w, r)
		}()
	}
	wg.Wait()
}
