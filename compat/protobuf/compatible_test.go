package protobuf

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/charterhq/charter/compat"
)

// pair is one case of testdata/pairs.json: can reader read writer's data?
// changes is the full difference list in Confluent's "TYPE #/path" form,
// compatible ones included; rules the incompatible types alone.
type pair struct {
	Name       string             `json:"name"`
	Source     string             `json:"source"`
	Writer     string             `json:"writer"`
	Reader     string             `json:"reader"`
	WriterRefs []compat.Reference `json:"writer_refs"`
	ReaderRefs []compat.Reference `json:"reader_refs"`
	Changes    []string           `json:"changes"`
	Compatible bool               `json:"compatible"`
	Rules      []string           `json:"rules"`
	Note       string             `json:"note"`
}

func loadPairs(tb testing.TB) []pair {
	tb.Helper()
	b, err := os.ReadFile("testdata/pairs.json")
	if err != nil {
		tb.Fatal(err)
	}
	var pairs []pair
	if err := json.Unmarshal(b, &pairs); err != nil {
		tb.Fatal(err)
	}
	return pairs
}

func mustParse(tb testing.TB, text string, refs []compat.Reference) *schema {
	tb.Helper()
	s, err := Format{}.Parse(text, refs)
	if err != nil {
		tb.Fatalf("parse: %v\n%s", err, text)
	}
	return s.(*schema)
}

func TestCompatiblePairs(t *testing.T) {
	for _, p := range loadPairs(t) {
		t.Run(p.Name, func(t *testing.T) {
			w := mustParse(t, p.Writer, p.WriterRefs)
			r := mustParse(t, p.Reader, p.ReaderRefs)

			var got []string
			for _, d := range diffFiles(w.file, r.file, true) {
				got = append(got, d.String())
			}
			want := slices.Clone(p.Changes)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("changes:\n got %q\nwant %q", got, want)
			}

			problems := Format{}.Compatible(r, w)
			if (len(problems) == 0) != p.Compatible {
				t.Errorf("compatible = %v, want %v: %v", len(problems) == 0, p.Compatible, problems)
			}
			var rules []string
			for _, pr := range problems {
				if pr.Path == "" || pr.Message == "" {
					t.Errorf("problem without path or message: %#v", pr)
				}
				if !slices.Contains(rules, pr.Rule) {
					rules = append(rules, pr.Rule)
				}
			}
			slices.Sort(rules)
			if !slices.Equal(rules, p.Rules) && !(len(rules) == 0 && len(p.Rules) == 0) {
				t.Errorf("rules = %q, want %q", rules, p.Rules)
			}
		})
	}
}

// TestCompatibleSelf checks that every corpus schema reads itself: a
// schema must never be incompatible with its own copy.
func TestCompatibleSelf(t *testing.T) {
	for _, p := range loadPairs(t) {
		for _, side := range []struct {
			text string
			refs []compat.Reference
		}{{p.Writer, p.WriterRefs}, {p.Reader, p.ReaderRefs}} {
			s := mustParse(t, side.text, side.refs)
			if d := diffFiles(s.file, s.file, true); len(d) != 0 {
				t.Errorf("%s: self diff %v", p.Name, d)
			}
		}
	}
}

func TestCompatibleProblemText(t *testing.T) {
	w := mustParse(t, "syntax = \"proto3\";\npackage shop.v1;\nmessage Order {\n  int64 total = 4;\n}\n", nil)
	r := mustParse(t, "syntax = \"proto3\";\npackage shop.v1;\nmessage Order {\n  string total = 4;\n}\n", nil)
	got := Format{}.Compatible(r, w)
	want := []compat.Problem{{
		Rule:    "FIELD_SCALAR_KIND_CHANGED",
		Path:    "shop.v1.Order.total (field 4)",
		Message: "Field total has type string in the reader schema but int64 in the writer schema, which is not wire-compatible.",
	}}
	if !slices.Equal(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

// TestConcurrentUse shares one Format and its schemas between goroutines;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	pairs := loadPairs(t)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, p := range pairs {
				w, err := Format{}.Parse(p.Writer, p.WriterRefs)
				if err != nil {
					t.Error(err)
					return
				}
				r, err := Format{}.Parse(p.Reader, p.ReaderRefs)
				if err != nil {
					t.Error(err)
					return
				}
				if got := len(Format{}.Compatible(r, w)) == 0; got != p.Compatible {
					t.Errorf("%s: compatible = %v", p.Name, got)
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
