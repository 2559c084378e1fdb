package jsonschema

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain registers -update, which rewrites the golden files under
// testdata/canonical instead of comparing with them. The flag is looked up
// by name rather than kept in a package variable.
func TestMain(m *testing.M) {
	flag.Bool("update", false, "rewrite golden files in testdata/canonical")
	flag.Parse()
	os.Exit(m.Run())
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestCanonicalGolden parses each testdata/canonical/*.json and compares its
// canonical and normalised text with the .canonical and .normalized files
// beside it. Both forms must also be fixed points: parsing either gives it
// back.
func TestCanonicalGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/canonical/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			s := mustParse(t, string(text), nil)
			for _, form := range []struct{ ext, got string }{
				{".canonical", s.Canonical()},
				{".normalized", s.Normalized()},
			} {
				golden := strings.TrimSuffix(in, ".json") + form.ext
				if updating() {
					if err := os.WriteFile(golden, []byte(form.got+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if form.got != strings.TrimSuffix(string(want), "\n") {
					t.Errorf("%s:\n got %s\nwant %s", form.ext, form.got, want)
				}
			}
			again := mustParse(t, s.Canonical(), nil)
			if again.Canonical() != s.Canonical() || again.Normalized() != s.Normalized() {
				t.Errorf("canonical form is not a fixed point")
			}
			sorted := mustParse(t, s.Normalized(), nil)
			if sorted.Normalized() != s.Normalized() {
				t.Errorf("normalized form is not a fixed point")
			}
		})
	}
}
