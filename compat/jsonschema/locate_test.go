package jsonschema

import (
	"testing"

	"github.com/charterhq/charter/compat"
)

// locateDraft7 is a multi-line draft-07 schema (draft-07 by default) with a
// local and an external $ref, a tuple, a type array, a synthetic allOf (type
// beside enum) and a property name that needs escaping and one that is not
// ASCII.
const locateDraft7 = `{
  "title": "Order",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "total": {
      "type": "number",
      "minimum": 0
    },
    "status": {"type": "string", "enum": ["new", "paid"]},
    "note": {"type": ["string", "null"], "maxLength": 80},
    "lines": {
      "type": "array",
      "items": {"$ref": "#/definitions/line"}
    },
    "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
    "customer": {"$ref": "customer.json"},
    "größe": {"type": "integer"},
    "a/b": {"allOf": [{"type": "object"}, {"required": ["x"]}]}
  },
  "required": ["id", "total"],
  "dependencies": {"note": ["status"]},
  "definitions": {
    "line": {
      "type": "object",
      "properties": {
        "sku": {"type": "string"},
        "qty": {"type": "integer", "minimum": 1}
      }
    }
  }
}`

// locate2020 is a 2020-12 schema with prefixItems, dependentRequired,
// dependentSchemas, unevaluatedProperties and a recursive $ref with a
// sibling keyword.
const locate2020 = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "point": {
      "type": "array",
      "prefixItems": [{"type": "number"}, {"type": "number"}],
      "items": false
    },
    "tree": {"$ref": "#/$defs/node", "minProperties": 1}
  },
  "dependentRequired": {"a": ["b"]},
  "dependentSchemas": {"c": {"required": ["d"]}},
  "unevaluatedProperties": false,
  "$defs": {
    "node": {
      "type": "object",
      "properties": {
        "value": {"type": "string"},
        "next": {"$ref": "#/$defs/node"}
      }
    }
  }
}`

func TestLocate(t *testing.T) {
	customer := []compat.Reference{{Name: "customer.json", Schema: `{"type":"object","properties":{"name":{"type":"string"}}}`}}
	s7 := mustParse(t, locateDraft7, customer)
	s20 := mustParse(t, locate2020, nil)
	tests := []struct {
		schema    *Schema
		path      string
		line, col int // 0, 0: ok must be false
	}{
		// The root, as the comparison writes it and as a bare "#".
		{s7, "#/", 1, 1},
		{s7, "#", 1, 1},
		{s7, "#/title", 2, 12},
		// Plain pointers.
		{s7, "#/properties/total", 6, 14},
		{s7, "#/properties/total/minimum", 8, 18},
		{s7, "#/definitions/line", 24, 13},
		// type beside enum loads as a synthetic allOf of the two.
		{s7, "#/properties/status/allOf/0/enum", 10, 42},
		{s7, "#/properties/status/allOf/1", 10, 15},
		// A type array loads as an anyOf of one schema per type.
		{s7, "#/properties/note/anyOf/0/maxLength", 11, 55},
		{s7, "#/properties/note/anyOf/1", 11, 13},
		// items, and through a local $ref into the definition.
		{s7, "#/properties/lines/items", 14, 16},
		{s7, "#/properties/lines/items/properties/qty", 28, 16},
		{s7, "#/properties/lines/items/properties/qty/minimum", 28, 47},
		// A draft-07 tuple.
		{s7, "#/properties/pair/items/1", 16, 61},
		// Through a $ref to another document: the $ref itself.
		{s7, "#/properties/customer", 17, 17},
		{s7, "#/properties/customer/properties/name", 17, 26},
		// Columns count characters; "~1" is "/".
		{s7, "#/properties/größe", 18, 14},
		{s7, "#/properties/a~1b/allOf/1/required", 19, 56},
		// required/name is the entry of the required array.
		{s7, "#/required/total", 21, 22},
		{s7, "#/dependencies/note", 22, 28},

		// 2020-12: items/N is prefixItems/N, additionalItems is items,
		// dependencies covers dependentRequired and dependentSchemas.
		{s20, "#/properties/point/items/1", 7, 43},
		{s20, "#/properties/point/additionalItems", 8, 16},
		{s20, "#/dependencies/a", 12, 30},
		{s20, "#/dependencies/c/required", 13, 42},
		{s20, "#/unevaluatedProperties", 14, 28},
		// A $ref with a sibling keyword loads as allOf [$ref, the rest].
		{s20, "#/properties/tree/allOf/0/properties/value", 19, 18},
		{s20, "#/properties/tree/allOf/1/minProperties", 10, 55},
		{s20, "#/properties/tree/allOf/0/properties/next/properties/value", 19, 18},
		{s20, "#/$defs/node", 16, 13},

		// Nonsense.
		{s7, "", 0, 0},
		{s7, "properties/id", 0, 0},
		{s7, "#properties", 0, 0},
		{s7, "#/properties/nope", 0, 0},
		{s7, "#/properties/id/items/0", 0, 0},
		{s7, "#/properties/pair/items/2", 0, 0},
		{s7, "#/properties/pair/items/01", 0, 0},
		{s7, "#/properties/pair/items/-1", 0, 0},
		{s7, "#/required/nope", 0, 0},
		{s7, "#/allOf/0", 0, 0},
		{s7, "#/properties/lines/items/properties/nope", 0, 0},
		{s7, "#/title/x", 0, 0},
		{s20, "#/properties/tree/allOf/2", 0, 0},
		{s20, "#/properties/tree/allOf/0/properties/next/properties/nope", 0, 0},
	}
	for _, tt := range tests {
		line, col, ok := tt.schema.Locate(tt.path)
		if want := tt.line != 0; ok != want || line != tt.line || col != tt.col {
			t.Errorf("Locate(%q) = %d, %d, %v; want %d, %d, %v", tt.path, line, col, ok, tt.line, tt.col, want)
		}
	}
}

// TestLocateReportedPaths checks that the kinds of path the table above
// uses are ones the comparison reports (for compatible changes, whose paths
// are kept below a combined schema).
func TestLocateReportedPaths(t *testing.T) {
	const d2020 = `"$schema":"https://json-schema.org/draft/2020-12/schema",`
	tests := []struct {
		original, update, want string
	}{
		{`{"type":"string","enum":["new"]}`, `{"type":"string","enum":["new","paid"]}`, "#/allOf/0/enum"},
		{`{"type":["string","null"],"maxLength":8}`, `{"type":["string","null"],"maxLength":80}`, "#/anyOf/0/maxLength"},
		{`{"allOf":[{"type":"object"},{"maxProperties":2}]}`, `{"allOf":[{"type":"object"},{"maxProperties":3}]}`, "#/allOf/1/maxProperties"},
		{`{` + d2020 + `"prefixItems":[{"type":"number"},{"type":"number"}],"items":false}`,
			`{` + d2020 + `"prefixItems":[{"type":"number"},{"type":"string"}],"items":false}`, "#/items/1"},
		{`{` + d2020 + `"prefixItems":[{"type":"number"}],"items":false}`,
			`{` + d2020 + `"prefixItems":[{"type":"number"}],"items":true}`, "#/additionalItems"},
		{`{` + d2020 + `"dependentRequired":{"a":["b"]}}`,
			`{` + d2020 + `"dependentRequired":{"a":["b","c"]}}`, "#/dependencies/a"},
		{`{` + d2020 + `"dependentSchemas":{"a":{"maxProperties":2}}}`,
			`{` + d2020 + `"dependentSchemas":{"a":{"maxProperties":3}}}`, "#/dependencies/a/maxProperties"},
		{`{` + d2020 + `"$defs":{"n":{"properties":{"v":{"type":"string","maxLength":1}}}},"$ref":"#/$defs/n","minProperties":1}`,
			`{` + d2020 + `"$defs":{"n":{"properties":{"v":{"type":"string","maxLength":2}}}},"$ref":"#/$defs/n","minProperties":1}`, "#/allOf/0/properties/v/maxLength"},
		{`{"required":["a"],"properties":{"a":{}}}`, `{"properties":{"a":{}}}`, "#/required/a"},
	}
	for _, tt := range tests {
		o, u := mustParse(t, tt.original, nil), mustParse(t, tt.update, nil)
		d := newDiff()
		d.compare(o.root, u.root)
		found := false
		for _, c := range d.changes {
			found = found || c.path == tt.want
		}
		if !found {
			t.Errorf("%s -> %s: changes %v, want %s among them", tt.original, tt.update, d.changes, tt.want)
		}
		if _, _, ok := o.Locate(tt.want); !ok {
			t.Errorf("%s: Locate(%q) not ok", tt.original, tt.want)
		}
	}
}

// TestLocateCorpusPaths locates every path the comparison reports for the
// corpus pairs, compatible changes included: each must name a value in the
// writer's text or, for what only the reader has, in the reader's.
func TestLocateCorpusPaths(t *testing.T) {
	for _, p := range loadPairs(t) {
		writer := mustParse(t, string(p.Original), p.OriginalRefs)
		reader := mustParse(t, string(p.Update), p.UpdateRefs)
		d := newDiff()
		d.compare(writer.root, reader.root)
		for _, c := range d.changes {
			_, _, okW := writer.Locate(c.path)
			_, _, okR := reader.Locate(c.path)
			if !okW && !okR {
				t.Errorf("%s: %s %s names nothing in either schema", p.Name, c.rule, c.path)
			}
		}
	}
}

// TestLocateConcurrent: a Schema is shared between requests, and the first
// Locate builds what the others use.
func TestLocateConcurrent(t *testing.T) {
	s := mustParse(t, locate2020, nil)
	done := make(chan bool)
	for range 8 {
		go func() {
			line, col, ok := s.Locate("#/properties/point/items/1")
			done <- ok && line == 7 && col == 43
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("concurrent Locate gave a wrong answer")
		}
	}
}
