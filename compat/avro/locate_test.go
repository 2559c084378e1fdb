package avro_test

import (
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// locateSchema is laid out so that every value starts at a known place;
// columns count characters, so the tab and the "é" each count as one.
const locateSchema = `{
  "type": "record",
  "name": "Order",
  "namespace": "shop",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "tags",
     "type": {"type": "array", "items": ["null", "string"]}},
    {"name": "kind", "type": {"type": "enum", "name": "Kind",
      "symbols": ["A", "B"]}},
    {"name": "hash",
     "type": ["null",
              {"type": "fixed", "name": "MD5", "size": 16}]},
    {"name": "attrs", "type": {"type": "map", "values": "Kind"}},
	{"doc": "é", "name": "m5", "type": "MD5"},
    {"name": "next", "type": ["null", "Order"], "default": null},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4}}
  ]
}`

func TestLocate(t *testing.T) {
	t.Parallel()
	s := mustParse(t, locateSchema, nil).(compat.Locator)
	for _, tc := range []struct {
		path      string
		line, col int
		ok        bool
	}{
		{"", 1, 1, true},
		{"/", 1, 1, true},
		{"/name", 3, 11, true},
		{"/fields/0", 6, 5, true},
		{"/fields/0/type", 6, 28, true},
		{"/fields/1", 7, 5, true},
		{"/fields/1/type", 8, 14, true},
		{"/fields/1/type/items", 8, 41, true},
		{"/fields/1/type/items/1", 8, 50, true},
		{"/fields/1/type/items/2", 8, 41, true}, // a writer branch the reader lacks
		{"/fields/2/type", 9, 30, true},
		{"/fields/2/type/name", 9, 55, true},
		{"/fields/2/type/symbols", 10, 18, true},
		{"/fields/3/type", 12, 14, true},
		{"/fields/3/type/1", 13, 15, true},
		{"/fields/3/type/1/size", 13, 56, true},
		{"/fields/3/type/1/name", 13, 41, true},
		{"/fields/4/type/values", 14, 57, true},
		{"/fields/4/type/values/symbols", 14, 57, true}, // by name: the name
		{"/fields/4/type/values/name", 14, 57, true},
		{"/fields/5", 15, 2, true},
		{"/fields/5/type/size", 15, 37, true},
		{"/fields/6/type/1", 16, 39, true},
		{"/fields/6/type/1/fields/1/type/items", 16, 39, true}, // recursion, by name
		{"/fields/7/type", 17, 32, true},
		{"/1/fields/0/type", 6, 28, true}, // a writer branch where the reader is not a union
		{"/fields/0/type/0", 6, 28, true},

		{"fields", 0, 0, false},
		{"//", 0, 0, false},
		{"/fields", 0, 0, false},
		{"/fields/", 0, 0, false},
		{"/fields/8", 0, 0, false},
		{"/fields/-1", 0, 0, false},
		{"/fields/01", 0, 0, false},
		{"/fields/x/type", 0, 0, false},
		{"/fields/0/name", 0, 0, false},
		{"/fields/0/type/items", 0, 0, false},
		{"/fields/1/type/values", 0, 0, false},
		{"/fields/1/type/items/2/0", 0, 0, false},
		{"/fields/0/type/0/1", 0, 0, false},
		{"/symbols", 0, 0, false},
		{"/size", 0, 0, false},
		{"/name/x", 0, 0, false},
		{"/fields/2/type/size", 0, 0, false},
		{"/fields/4/type/values/fields/0", 0, 0, false},
		{"/fields/6/type/1/fields/9", 0, 0, false},
		{"/type", 0, 0, false},
		{"/99999999999999999999", 0, 0, false},
	} {
		line, col, ok := s.Locate(tc.path)
		if line != tc.line || col != tc.col || ok != tc.ok {
			t.Errorf("Locate(%q) = %d, %d, %v; want %d, %d, %v", tc.path, line, col, ok, tc.line, tc.col, tc.ok)
		}
	}
}

func TestLocate_Roots(t *testing.T) {
	t.Parallel()
	refs := []compat.Reference{{Name: "shop.Kind", Schema: `{"type":"enum","name":"Kind","namespace":"shop","symbols":["A"]}`}}
	for _, tc := range []struct {
		text      string
		refs      []compat.Reference
		path      string
		line, col int
		ok        bool
	}{
		{`"string"`, nil, "", 1, 1, true},
		{"\n  \"string\"", nil, "/", 2, 3, true},
		{"\n  \"string\"", nil, "/name", 0, 0, false},
		{` {"type": "int"}`, nil, "", 1, 2, true},
		{`["null", {"type": "fixed", "name": "F", "size": 2}]`, nil, "/1/size", 1, 49, true},
		{`["null", "int"]`, nil, "/5", 1, 1, true},
		{`{"type": "array", "items": "shop.Kind"}`, refs, "/items/symbols", 1, 28, true},
		{`"shop.Kind"`, refs, "/symbols", 1, 1, true},
		{`"shop.Kind"`, refs, "/size", 0, 0, false},
		{`{"type": "shop.Kind"}`, refs, "/name", 1, 1, true},
	} {
		s := mustParse(t, tc.text, tc.refs).(compat.Locator)
		line, col, ok := s.Locate(tc.path)
		if line != tc.line || col != tc.col || ok != tc.ok {
			t.Errorf("%s: Locate(%q) = %d, %d, %v; want %d, %d, %v", tc.text, tc.path, line, col, ok, tc.line, tc.col, tc.ok)
		}
	}
}

// TestLocate_Pairs places every problem of the pair corpus.
func TestLocate_Pairs(t *testing.T) {
	t.Parallel()
	for _, tc := range loadPairs(t) {
		reader := mustParse(t, string(tc.Reader), tc.ReaderRefs)
		writer := mustParse(t, string(tc.Writer), tc.WriterRefs)
		for _, p := range (avro.Format{}).Compatible(reader, writer) {
			if line, col, ok := reader.(compat.Locator).Locate(p.Path); !ok || line < 1 || col < 1 {
				t.Errorf("%s: Locate(%q) = %d, %d, %v", tc.Name, p.Path, line, col, ok)
			}
		}
	}
}
