package protobuf

import (
	"os"
	"path/filepath"
	"testing"
)

// seedTexts is every schema text of the corpora.
func seedTexts(tb testing.TB) []string {
	var out []string
	for _, c := range loadParseCases(tb) {
		out = append(out, c.Text)
	}
	for _, p := range loadPairs(tb) {
		out = append(out, p.Writer, p.Reader)
	}
	files, _ := filepath.Glob("testdata/print/*.proto")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// FuzzParse checks that Parse never panics, that what it accepts prints in
// forms that parse back to themselves, and that a schema reads itself.
func FuzzParse(f *testing.F) {
	for _, s := range seedTexts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Format{}.Parse(text, nil)
		if err != nil {
			return
		}
		checkReparse(t, s, nil)
		if p := (Format{}).Compatible(s, s); len(p) != 0 {
			t.Errorf("schema incompatible with itself: %v\n%s", p, text)
		}
	})
}

// FuzzCompatible checks that comparing any two parsed schemas, both ways,
// never panics and names every problem.
func FuzzCompatible(f *testing.F) {
	for _, p := range loadPairs(f) {
		if len(p.WriterRefs) == 0 && len(p.ReaderRefs) == 0 {
			f.Add(p.Writer, p.Reader)
		}
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
		for _, pr := range append(Format{}.Compatible(sa, sb), Format{}.Compatible(sb, sa)...) {
			if pr.Rule == "" || pr.Path == "" || pr.Message == "" {
				t.Errorf("incomplete problem %#v", pr)
			}
		}
	})
}
