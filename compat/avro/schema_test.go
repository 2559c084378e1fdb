package avro_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSchema_Golden renders each testdata/canonical/*.avsc. Its .golden file
// holds two lines: the canonical text, then the normalised text. A
// NAME.refs.json next to NAME.avsc lists the references it is parsed with.
func TestSchema_Golden(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob("testdata/canonical/*.avsc")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".avsc")
		t.Run(filepath.Base(base), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			refs := readRefs(t, base+".refs.json")
			s := mustParse(t, string(text), refs)
			got := s.Canonical() + "\n" + s.Normalized() + "\n"
			golden := base + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			assertFixedPoint(t, s, refs)
		})
	}
}

func readRefs(t *testing.T, path string) []compat.Reference {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var refs []compat.Reference
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	return refs
}

// assertFixedPoint checks that re-parsing either rendering changes nothing:
// the canonical text must parse to itself, and so must the normalised one.
func assertFixedPoint(t testing.TB, s compat.Schema, refs []compat.Reference) {
	t.Helper()
	again, err := avro.Format{}.Parse(s.Canonical(), refs)
	if err != nil {
		t.Fatalf("canonical %s does not parse: %v", s.Canonical(), err)
	}
	if again.Canonical() != s.Canonical() {
		t.Errorf("canonical not a fixed point:\n%s\n%s", s.Canonical(), again.Canonical())
	}
	if again.Normalized() != s.Normalized() {
		t.Errorf("normalized changed on reparse:\n%s\n%s", s.Normalized(), again.Normalized())
	}
	norm, err := avro.Format{}.Parse(s.Normalized(), refs)
	if err != nil {
		t.Fatalf("normalized %s does not parse: %v", s.Normalized(), err)
	}
	if norm.Normalized() != s.Normalized() {
		t.Errorf("normalized not a fixed point:\n%s\n%s", s.Normalized(), norm.Normalized())
	}
}

// TestSchema_NormalizedEquivalence lists schemas that differ only in ways
// normalize=true must erase, and ones that differ in substance.
func TestSchema_NormalizedEquivalence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"whitespace", `{"type":"record","name":"R","fields":[]}`, "{ \"type\" : \"record\",\n \"name\" : \"R\", \"fields\" : [ ] }", true},
		{"key order", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, `{"fields":[{"type":"int","name":"a"}],"name":"R","type":"record"}`, true},
		{"doc", `{"type":"record","name":"R","doc":"x","fields":[{"name":"a","type":"int","doc":"y"}]}`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, true},
		{"namespace style", `{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}}]}`, `{"type":"record","name":"a.b.R","fields":[{"name":"e","type":{"type":"enum","name":"a.b.E","symbols":["X"]}}]}`, true},
		{"custom property", `{"type":"string","x":1}`, `"string"`, true},
		{"primitive object", `{"type":"int"}`, `"int"`, true},
		{"alias order", `{"type":"fixed","name":"F","size":2,"aliases":["A","B"]}`, `{"type":"fixed","name":"F","size":2,"aliases":["B","A"]}`, true},
		{"default key order", `{"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"int"},"default":{"a":1,"b":2}}]}`, `{"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"int"},"default":{"b":2,"a":1}}]}`, true},
		{"default number spelling", `{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1e1}]}`, `{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":10.0}]}`, true},
		{"ascending order explicit", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ascending"}]}`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, true},
		{"different default", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1}]}`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2}]}`, false},
		{"different namespace", `{"type":"record","name":"R","namespace":"a","fields":[]}`, `{"type":"record","name":"R","namespace":"b","fields":[]}`, false},
		{"logical type", `{"type":"int","logicalType":"date"}`, `"int"`, false},
		{"field alias", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}`, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, false},
		{"enum default", `{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`, `{"type":"enum","name":"E","symbols":["A","B"]}`, false},
		{"symbol order", `{"type":"enum","name":"E","symbols":["A","B"]}`, `{"type":"enum","name":"E","symbols":["B","A"]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := mustParse(t, tc.a, nil), mustParse(t, tc.b, nil)
			if got := a.Normalized() == b.Normalized(); got != tc.equal {
				t.Errorf("equal = %v, want %v:\n%s\n%s", got, tc.equal, a.Normalized(), b.Normalized())
			}
		})
	}
}

// TestSchema_CanonicalKeepsCosmetics checks what Confluent's identity keeps:
// a doc change or a custom property is a different canonical text.
func TestSchema_CanonicalKeepsCosmetics(t *testing.T) {
	t.Parallel()
	a := mustParse(t, `{"type":"record","name":"R","doc":"one","fields":[]}`, nil)
	b := mustParse(t, `{"type":"record","name":"R","doc":"two","fields":[]}`, nil)
	if a.Canonical() == b.Canonical() {
		t.Errorf("doc change lost: %s", a.Canonical())
	}
	c := mustParse(t, `{"type":"record","name":"R","fields":[],"a":1,"b":1}`, nil)
	d := mustParse(t, `{"type":"record","name":"R","fields":[],"b":1,"a":1}`, nil)
	if c.Canonical() == d.Canonical() {
		t.Errorf("custom property order lost: %s", c.Canonical())
	}
}
