package protobuf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
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
		checkLocate(t, s, text, string(s.(*schema).file.Package()), text)
		for _, rs := range []RuleSet{Wire, WireJSON} {
			if p := (Format{Rules: rs}).Compatible(s, s); len(p) != 0 {
				t.Errorf("schema breaks itself under %s: %v\n%s", rs, p, text)
			}
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
	for _, p := range loadBufPairs(f) {
		f.Add(p.Previous, p.Current)
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
		var all []compat.Problem
		for _, f := range []Format{{}, {Rules: Wire}, {Rules: WireJSON}} {
			all = append(all, f.Compatible(sa, sb)...)
			all = append(all, f.Compatible(sb, sa)...)
		}
		for _, pr := range all {
			if pr.Rule == "" || pr.Path == "" || pr.Message == "" {
				t.Errorf("incomplete problem %#v", pr)
			}
			checkLocate(t, sa, a, pr.Path)
			checkLocate(t, sb, b, pr.Path)
		}
	})
}

// checkLocate calls Locate on each path, which must not panic and, when it
// answers, must point inside text.
func checkLocate(t *testing.T, s compat.Schema, text string, paths ...string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for _, p := range paths {
		line, col, ok := s.(compat.Locator).Locate(p)
		if !ok {
			continue
		}
		if line < 1 || line > len(lines) || col < 1 {
			t.Errorf("Locate(%q) = %d, %d outside the text", p, line, col)
		}
	}
}
