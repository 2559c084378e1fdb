package avro_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// pair is one case of testdata/pairs.json: whether reader can read data
// written with writer, and the problems expected, in order.
type pair struct {
	Name       string             `json:"name"`
	Source     string             `json:"source"`
	Reader     json.RawMessage    `json:"reader"`
	Writer     json.RawMessage    `json:"writer"`
	Compatible bool               `json:"compatible"`
	Rules      []string           `json:"rules"`
	Paths      []string           `json:"paths"`
	Messages   []string           `json:"messages"`
	ReaderRefs []compat.Reference `json:"reader_refs"`
	WriterRefs []compat.Reference `json:"writer_refs"`
}

func loadPairs(t testing.TB) []pair {
	t.Helper()
	data, err := os.ReadFile("testdata/pairs.json")
	if err != nil {
		t.Fatal(err)
	}
	var pairs []pair
	if err := json.Unmarshal(data, &pairs); err != nil {
		t.Fatal(err)
	}
	return pairs
}

func mustParse(t testing.TB, text string, refs []compat.Reference) compat.Schema {
	t.Helper()
	s, err := avro.Format{}.Parse(text, refs)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", text, err)
	}
	return s
}

func TestCompatible_Pairs(t *testing.T) {
	t.Parallel()
	pairs := loadPairs(t)
	if len(pairs) < 160 {
		t.Errorf("corpus has %d pairs, want at least 160", len(pairs))
	}
	seen := map[string]bool{}
	for _, tc := range pairs {
		if seen[tc.Name] {
			t.Errorf("duplicate case name %q", tc.Name)
		}
		seen[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			reader := mustParse(t, string(tc.Reader), tc.ReaderRefs)
			writer := mustParse(t, string(tc.Writer), tc.WriterRefs)
			problems := avro.Format{}.Compatible(reader, writer)
			if got := len(problems) == 0; got != tc.Compatible {
				t.Fatalf("compatible = %v, want %v; problems: %v", got, tc.Compatible, problems)
			}
			var rules, paths, messages []string
			for _, p := range problems {
				rules = append(rules, p.Rule)
				paths = append(paths, p.Path)
				messages = append(messages, p.Message)
			}
			if !slices.Equal(rules, tc.Rules) {
				t.Errorf("rules = %q, want %q", rules, tc.Rules)
			}
			if tc.Paths != nil && !slices.Equal(paths, tc.Paths) {
				t.Errorf("paths = %q, want %q", paths, tc.Paths)
			}
			if tc.Messages != nil && !slices.Equal(messages, tc.Messages) {
				t.Errorf("messages = %q, want %q", messages, tc.Messages)
			}
		})
	}
}

// TestCompatible_Coverage keeps the corpus honest: every rule appears.
func TestCompatible_Coverage(t *testing.T) {
	t.Parallel()
	found := map[string]bool{}
	for _, tc := range loadPairs(t) {
		for _, r := range tc.Rules {
			found[r] = true
		}
	}
	for _, rule := range []string{"NAME_MISMATCH", "FIXED_SIZE_MISMATCH", "MISSING_ENUM_SYMBOLS",
		"READER_FIELD_MISSING_DEFAULT_VALUE", "TYPE_MISMATCH", "MISSING_UNION_BRANCH"} {
		if !found[rule] {
			t.Errorf("no case exercises %s", rule)
		}
	}
}
