package avro_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// wideRecord is a 400+extra field record mixing primitive, union, array and
// nested record fields; the extra fields have defaults, so every version
// reads and is read by every other.
func wideRecord(extra int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Wide","namespace":"bench","fields":[`)
	for i := range 400 + extra {
		if i > 0 {
			b.WriteByte(',')
		}
		var typ string
		switch i % 5 {
		case 0:
			typ = `"long"`
		case 1:
			typ = `"string"`
		case 2:
			typ = `["null","double"]`
		case 3:
			typ = `{"type":"array","items":"int"}`
		case 4:
			typ = fmt.Sprintf(`{"type":"record","name":"Sub%d","fields":[{"name":"x","type":"int"},{"name":"y","type":{"type":"enum","name":"E%d","symbols":["A","B"]}}]}`, i, i)
		}
		def := ""
		if i >= 400 {
			def = `,"default":` + map[int]string{0: "0", 1: `""`, 2: "null", 3: "[]", 4: `{"x":0,"y":"A"}`}[i%5]
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":%s%s}`, i, typ, def)
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkCompatible checks a 500-field record against 100 earlier versions
// at FULL_TRANSITIVE: 200 pairwise checks per operation.
func BenchmarkCompatible(b *testing.B) {
	history := make([]compat.Schema, 100)
	for i := range history {
		history[i] = mustParse(b, wideRecord(i), nil)
	}
	candidate := mustParse(b, wideRecord(100), nil)
	b.ResetTimer()
	for b.Loop() {
		if problems := compat.Check(avro.Format{}, compat.FullTransitive, candidate, history); len(problems) != 0 {
			b.Fatalf("unexpected problems: %v", problems[:1])
		}
	}
}

// BenchmarkParse parses the 500-field record.
func BenchmarkParse(b *testing.B) {
	text := wideRecord(100)
	for b.Loop() {
		if _, err := (avro.Format{}).Parse(text, nil); err != nil {
			b.Fatal(err)
		}
	}
}
