package protobuf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
)

// benchSchema is a 200-field message whose first n fields are set; the
// field types cycle through scalars, an enum, a nested message and a map.
func benchSchema(n int) string {
	types := []string{"int32", "int64", "string", "bytes", "double", "bool", "Status", "Line", "map<string, Line>", "sint64"}
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage bench.v1;\nimport \"google/protobuf/timestamp.proto\";\nmessage Order {\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  %s f%d = %d;\n", types[i%len(types)], i, i)
	}
	b.WriteString("  google.protobuf.Timestamp at = 1000;\n")
	b.WriteString("  message Line { string sku = 1; int32 qty = 2; }\n  enum Status { UNKNOWN = 0; OK = 1; }\n}\n")
	return b.String()
}

// BenchmarkCompatible checks a 200-field message against 50 earlier
// versions (150..199 fields) at FULL_TRANSITIVE, every pair compatible so
// that Check walks the whole history in both directions.
func BenchmarkCompatible(b *testing.B) {
	f := Format{}
	var history []compat.Schema
	for n := 150; n < 200; n++ {
		s, err := f.Parse(benchSchema(n), nil)
		if err != nil {
			b.Fatal(err)
		}
		history = append(history, s)
	}
	candidate, err := f.Parse(benchSchema(200), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if p := compat.Check(f, compat.FullTransitive, candidate, history); len(p) != 0 {
			b.Fatal(p)
		}
	}
}

// BenchmarkParse measures parsing and printing the 200-field schema.
func BenchmarkParse(b *testing.B) {
	text := benchSchema(200)
	for b.Loop() {
		if _, err := (Format{}).Parse(text, nil); err != nil {
			b.Fatal(err)
		}
	}
}
