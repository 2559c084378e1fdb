package jsonschema

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
		defer tooSlow(t, time.Now(), text)
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
		defer tooSlow(t, time.Now(), a, b)
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
		Format{}.Compatible(sb, sa)
		for _, p := range first {
			if p.Rule == "" || p.Path == "" || p.Message == "" {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
	})
}

// tooSlow fails an input that took more than two seconds: registry requests
// parse and compare untrusted schemas, so slowness is a denial of service.
func tooSlow(t *testing.T, start time.Time, inputs ...string) {
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v on %q", d, inputs)
	}
}
