package jsonschema

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
)

// pair is one case of testdata/pairs.json. Schemas are in Confluent's
// orientation: original is the writer, update the reader (BACKWARD: update
// is the new schema). changes is Confluent's full difference list, rules its
// incompatible subset, which Compatible must report.
type pair struct {
	Name         string             `json:"name"`
	Source       string             `json:"source"`
	Original     json.RawMessage    `json:"original"`
	Update       json.RawMessage    `json:"update"`
	OriginalRefs []compat.Reference `json:"original_refs"`
	UpdateRefs   []compat.Reference `json:"update_refs"`
	Changes      []string           `json:"changes"`
	Compatible   bool               `json:"compatible"`
	Rules        []string           `json:"rules"`
}

func loadPairs(tb testing.TB) []pair {
	tb.Helper()
	data, err := os.ReadFile("testdata/pairs.json")
	if err != nil {
		tb.Fatal(err)
	}
	var pairs []pair
	if err := json.Unmarshal(data, &pairs); err != nil {
		tb.Fatal(err)
	}
	return pairs
}

func mustParse(tb testing.TB, text string, refs []compat.Reference) *Schema {
	tb.Helper()
	s, err := Format{}.Parse(text, refs)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", text, err)
	}
	return s.(*Schema)
}

func TestCompatiblePairs(t *testing.T) {
	pairs := loadPairs(t)
	if len(pairs) < 50 {
		t.Fatalf("corpus has %d pairs, want at least 50", len(pairs))
	}
	for _, p := range pairs {
		t.Run(p.Name, func(t *testing.T) {
			writer := mustParse(t, string(p.Original), p.OriginalRefs)
			reader := mustParse(t, string(p.Update), p.UpdateRefs)
			problems := Format{}.Compatible(reader, writer)
			var got []string
			for _, pr := range problems {
				got = append(got, pr.Rule+" "+pr.Path)
				if pr.Message == "" || !strings.HasSuffix(pr.Message, ".") {
					t.Errorf("problem %v: message %q is not a sentence", pr, pr.Message)
				}
			}
			if (len(problems) == 0) != p.Compatible {
				t.Errorf("compatible = %v, want %v; problems %q", len(problems) == 0, p.Compatible, got)
			}
			if !sameSet(got, p.Rules) {
				t.Errorf("rules\n got %q\nwant %q", got, p.Rules)
			}
			// The full list, compatible changes included, checks that the
			// comparison walks the schemas as Confluent does.
			d := newDiff()
			d.compare(writer.root, reader.root)
			var all []string
			for _, c := range d.changes {
				all = append(all, c.rule+" "+c.path)
			}
			if !sameSet(all, p.Changes) {
				t.Errorf("changes\n got %q\nwant %q", all, p.Changes)
			}
		})
	}
}

// sameSet compares lists ignoring order: Confluent walks properties in hash
// order, so its order is not part of the contract.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestCompatibleOrientation(t *testing.T) {
	open := `{"type":"object","properties":{"a":{"type":"string"}}}`
	openPlus := `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`
	closed := `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`
	closedPlus := `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}`
	tests := []struct {
		name          string
		level         compat.Level
		old, new      string
		wantRule      string // "" for compatible
		wantDirection compat.Direction
	}{
		{"backward: add optional to open model", compat.Backward, open, openPlus, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", compat.NewReadsOld},
		{"backward: add optional to closed model", compat.Backward, closed, closedPlus, "", 0},
		{"forward: add optional to open model", compat.Forward, open, openPlus, "", 0},
		{"forward: add optional to closed model", compat.Forward, closed, closedPlus, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", compat.OldReadsNew},
		{"backward: remove from open model", compat.Backward, openPlus, open, "", 0},
		{"full: add optional to open model", compat.Full, open, openPlus, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", compat.NewReadsOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, nw := mustParse(t, tt.old, nil), mustParse(t, tt.new, nil)
			problems := compat.Check(Format{}, tt.level, nw, []compat.Schema{old})
			if tt.wantRule == "" {
				if len(problems) != 0 {
					t.Fatalf("want compatible, got %v", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Rule != tt.wantRule || problems[0].Direction != tt.wantDirection {
				t.Fatalf("want one %s (%v), got %v", tt.wantRule, tt.wantDirection, problems)
			}
			if problems[0].Path != "#/properties/b" {
				t.Errorf("path = %q, want #/properties/b", problems[0].Path)
			}
		})
	}
}
