package jsonschema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
)

// wideSchema is an object with 300 properties of assorted kinds. Version v
// differs from the others in descriptions and in v extra properties with an
// empty schema, changes compatible in both directions, so a transitive check
// visits every version.
func wideSchema(v int) string {
	var props []string
	for i := 0; i < 300; i++ {
		var p string
		switch i % 6 {
		case 0:
			p = `{"type":"string","maxLength":64,"description":"v%d"}`
		case 1:
			p = `{"type":"integer","minimum":0,"description":"v%d"}`
		case 2:
			p = `{"type":["string","null"],"description":"v%d"}`
		case 3:
			p = `{"enum":["A","B","C"],"description":"v%d"}`
		case 4:
			p = `{"type":"array","items":{"$ref":"#/definitions/line"},"description":"v%d"}`
		default:
			p = `{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x"],"description":"v%d"}`
		}
		props = append(props, fmt.Sprintf(`"p%d":`+p, i, v))
	}
	for i := 0; i < v; i++ {
		props = append(props, fmt.Sprintf(`"extra%d":{}`, i))
	}
	return `{"type":"object","properties":{` + strings.Join(props, ",") +
		`},"required":["p0","p1"],"definitions":{"line":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}}`
}

// BenchmarkCompatible checks a new version of a 300-property schema against
// 50 earlier ones at FULL_TRANSITIVE: 100 comparisons per iteration.
//
//	go test -run=^$ -bench=BenchmarkCompatible -benchmem ./compat/jsonschema/
func BenchmarkCompatible(b *testing.B) {
	var history []compat.Schema
	for v := 0; v < 50; v++ {
		history = append(history, mustParse(b, wideSchema(v), nil))
	}
	candidate := mustParse(b, wideSchema(50), nil)
	if p := compat.Check(Format{}, compat.FullTransitive, candidate, history); len(p) != 0 {
		b.Fatalf("versions should be compatible: %v", p[:1])
	}
	b.ResetTimer()
	for b.Loop() {
		compat.Check(Format{}, compat.FullTransitive, candidate, history)
	}
}

// BenchmarkParse parses one 300-property schema.
func BenchmarkParse(b *testing.B) {
	text := wideSchema(10)
	for b.Loop() {
		if _, err := (Format{}).Parse(text, nil); err != nil {
			b.Fatal(err)
		}
	}
}
