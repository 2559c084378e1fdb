package jsonschema

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charterhq/charter/compat"
)

// seeds returns every schema text in the corpora, for fuzzing.
func seeds(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, p := range loadPairs(tb) {
		out = append(out, string(p.Original), string(p.Update))
	}
	inputs, _ := filepath.Glob("testdata/canonical/*.json")
	for _, in := range inputs {
		text, err := os.ReadFile(in)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(text))
	}
	return append(out, ``, `{`, `{"$ref":"#"}`, `{"$ref":"a.json"}`, `[`+`{"a":1}`+`]`)
}

// FuzzParse checks that Parse never panics and that what it accepts has
// stable canonical and normalised forms and is compatible with itself.
//
//	go test -run=^$ -fuzz=FuzzParse -fuzztime=30s ./compat/jsonschema/
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Format{}.Parse(text, nil)
		if err != nil {
			if !compat.IsParseError(err) {
				t.Fatalf("error is not a ParseError: %v", err)
			}
			return
		}
		again, err := Format{}.Parse(s.Canonical(), nil)
		if err != nil {
			t.Fatalf("canonical text %s does not parse: %v", s.Canonical(), err)
		}
		if again.Canonical() != s.Canonical() || again.Normalized() != s.Normalized() {
			t.Fatalf("forms not stable:\n%s\n%s\n%s\n%s", s.Canonical(), again.Canonical(), s.Normalized(), again.Normalized())
		}
		if p := (Format{}).Compatible(s, again); len(p) != 0 {
			t.Fatalf("%s is incompatible with itself: %v", s.Canonical(), p)
		}
	})
}

// FuzzCompatible checks that comparing any two accepted schemas neither
// panics nor depends on anything but its inputs.
//
//	go test -run=^$ -fuzz=FuzzCompatible -fuzztime=30s ./compat/jsonschema/
func FuzzCompatible(f *testing.F) {
	for _, p := range loadPairs(f) {
		f.Add(string(p.Original), string(p.Update))
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, err := Format{}.Parse(a, nil)
		if err != nil {
			return
		}
		sb, err := Format{}.Parse(b, nil)
		if err != nil {
			return
		}
		first := Format{}.Compatible(sa, sb)
		if second := (Format{}).Compatible(sa, sb); !slices.Equal(first, second) {
			t.Fatalf("not deterministic:\n%v\n%v", first, second)
		}
		reverse := Format{}.Compatible(sb, sa)
		for _, p := range first {
			if p.Rule == "" || p.Path == "" || p.Message == "" {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
		// Every reported path, compatible changes included, is located in
		// both schemas without panicking.
		d := newDiff()
		d.compare(sb.(*Schema).root, sa.(*Schema).root)
		for _, c := range d.changes {
			checkLocate(t, sa.(*Schema), c.path)
			checkLocate(t, sb.(*Schema), c.path)
		}
		for _, p := range append(first, reverse...) {
			checkLocate(t, sa.(*Schema), p.Path)
			checkLocate(t, sb.(*Schema), p.Path)
		}
	})
}

// FuzzLocate checks that Locate never panics, whatever the path, and that
// what it reports lies in the text.
//
//	go test -run=^$ -fuzz=FuzzLocate -fuzztime=30s ./compat/jsonschema/
func FuzzLocate(f *testing.F) {
	paths := []string{"#/", "#", "#/properties/a", "#/items/1", "#/allOf/0/enum", "#/anyOf/1",
		"#/required/a", "#/dependencies/a", "#/additionalItems", "#/definitions/a/properties/b", "#/$defs/n"}
	for i, s := range seeds(f) {
		f.Add(s, paths[i%len(paths)])
	}
	f.Add(locateDraft7, "#/properties/lines/items/properties/qty/minimum")
	f.Add(locate2020, "#/properties/tree/allOf/0/properties/next/properties/value")
	f.Fuzz(func(t *testing.T, text, path string) {
		s, err := Format{}.Parse(text, nil)
		if err != nil {
			return
		}
		checkLocate(t, s.(*Schema), path)
	})
}

// checkLocate calls Locate and checks that a position it reports is in the
// schema's text.
func checkLocate(t *testing.T, s *Schema, path string) {
	t.Helper()
	line, col, ok := s.Locate(path)
	if !ok {
		if line != 0 || col != 0 {
			t.Fatalf("Locate(%q) = %d, %d, false", path, line, col)
		}
		return
	}
	lines := strings.Split(s.text, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > utf8.RuneCountInString(lines[line-1]) {
		t.Fatalf("Locate(%q) = %d:%d, outside the text %q", path, line, col, s.text)
	}
}
