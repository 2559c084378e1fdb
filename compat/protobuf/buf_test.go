package protobuf

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/charterhq/charter/compat"
)

// bufPair is one case of testdata/buf_pairs.json: buf's breaking check of
// current against previous under one category. problems lists each
// expected problem as "RULE path"; messages, when given, the exact texts.
type bufPair struct {
	Name       string   `json:"name"`
	Source     string   `json:"source"`
	Rules      string   `json:"rules"`
	Previous   string   `json:"previous"`
	Current    string   `json:"current"`
	Compatible bool     `json:"compatible"`
	Problems   []string `json:"problems"`
	Messages   []string `json:"messages"`
}

func loadBufPairs(tb testing.TB) []bufPair {
	tb.Helper()
	b, err := os.ReadFile("testdata/buf_pairs.json")
	if err != nil {
		tb.Fatal(err)
	}
	var pairs []bufPair
	if err := json.Unmarshal(b, &pairs); err != nil {
		tb.Fatal(err)
	}
	return pairs
}

func TestBufPairs(t *testing.T) {
	pairs := loadBufPairs(t)
	if len(pairs) < 30 {
		t.Errorf("only %d buf cases", len(pairs))
	}
	for _, p := range pairs {
		t.Run(p.Name, func(t *testing.T) {
			rs, err := ParseRuleSet(p.Rules)
			if err != nil || rs == Confluent {
				t.Fatalf("rules %q: %v", p.Rules, err)
			}
			prev := mustParse(t, p.Previous, nil)
			cur := mustParse(t, p.Current, nil)
			problems := Format{Rules: rs}.Compatible(cur, prev)
			if (len(problems) == 0) != p.Compatible {
				t.Errorf("compatible = %v, want %v: %v", len(problems) == 0, p.Compatible, problems)
			}
			var got, msgs []string
			for _, pr := range problems {
				if pr.Rule == "" || pr.Path == "" || pr.Message == "" {
					t.Errorf("incomplete problem %#v", pr)
				}
				if !slices.Contains(rs.ruleIDs(), pr.Rule) {
					t.Errorf("rule %s is not in %s", pr.Rule, rs)
				}
				got = append(got, pr.Rule+" "+pr.Path)
				msgs = append(msgs, pr.Message)
				if _, _, ok := cur.Locate(pr.Path); !ok {
					if _, _, ok := prev.Locate(pr.Path); !ok {
						t.Errorf("cannot locate %q in either schema", pr.Path)
					}
				}
			}
			want := slices.Clone(p.Problems)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("problems:\n got %q\nwant %q", got, want)
			}
			if p.Messages != nil {
				wantMsgs := slices.Clone(p.Messages)
				slices.Sort(msgs)
				slices.Sort(wantMsgs)
				if !slices.Equal(msgs, wantMsgs) {
					t.Errorf("messages:\n got %q\nwant %q", msgs, wantMsgs)
				}
			}
		})
	}
}

// TestBufSelf checks that every corpus schema, Confluent's and buf's, is
// compatible with itself under both buf categories.
func TestBufSelf(t *testing.T) {
	var texts []string
	for _, p := range loadBufPairs(t) {
		texts = append(texts, p.Previous, p.Current)
	}
	for _, p := range loadPairs(t) {
		if len(p.WriterRefs) == 0 && len(p.ReaderRefs) == 0 {
			texts = append(texts, p.Writer, p.Reader)
		}
	}
	for _, text := range texts {
		s := mustParse(t, text, nil)
		for _, rs := range []RuleSet{Wire, WireJSON} {
			if pr := (Format{Rules: rs}).Compatible(s, s); len(pr) != 0 {
				t.Errorf("%s: schema breaks itself: %v\n%s", rs, pr, text)
			}
		}
	}
}

// TestBufWireSubsetOfWireJSON: WIRE_JSON is stricter except for the two
// wire-only field rules, so anything else WIRE reports WIRE_JSON reports.
func TestBufCategories(t *testing.T) {
	for _, p := range loadBufPairs(t) {
		prev := mustParse(t, p.Previous, nil)
		cur := mustParse(t, p.Current, nil)
		json := map[string]bool{}
		for _, pr := range (Format{Rules: WireJSON}).Compatible(cur, prev) {
			json[pr.Rule+" "+pr.Path] = true
		}
		for _, pr := range (Format{Rules: Wire}).Compatible(cur, prev) {
			switch pr.Rule {
			case bufFieldWireCompatibleType, bufFieldWireCompatibleCardinality:
				continue
			}
			if !json[pr.Rule+" "+pr.Path] {
				t.Errorf("%s: WIRE reports %s %s, WIRE_JSON does not", p.Name, pr.Rule, pr.Path)
			}
		}
	}
}

func TestParseRuleSet(t *testing.T) {
	for in, want := range map[string]RuleSet{"": Confluent, "confluent": Confluent, "CONFLUENT": Confluent,
		"wire": Wire, "WIRE": Wire, " Wire_Json ": WireJSON, "WIRE_JSON": WireJSON} {
		got, err := ParseRuleSet(in)
		if err != nil || got != want {
			t.Errorf("ParseRuleSet(%q) = %v, %v; want %v", in, got, err, want)
		}
		if in != "" && got.String() == "" {
			t.Errorf("%v has no name", got)
		}
	}
	for _, in := range []string{"FILE", "PACKAGE", "wirejson", "CSR"} {
		if _, err := ParseRuleSet(in); err == nil {
			t.Errorf("ParseRuleSet(%q) accepted", in)
		}
	}
	if len(wireRules) != 15 || len(wireJSONRules) != 22 {
		t.Errorf("WIRE has %d rules, WIRE_JSON %d; buf has 15 and 22", len(wireRules), len(wireJSONRules))
	}
}

// TestZeroFormatIsConfluent: the zero Format and an explicit Confluent rule
// set give Confluent's answers.
func TestZeroFormatIsConfluent(t *testing.T) {
	for _, p := range loadPairs(t) {
		w := mustParse(t, p.Writer, p.WriterRefs)
		r := mustParse(t, p.Reader, p.ReaderRefs)
		a, b := Format{}.Compatible(r, w), Format{Rules: Confluent}.Compatible(r, w)
		if !slices.Equal(a, b) {
			t.Errorf("%s: %v vs %v", p.Name, a, b)
		}
	}
	var _ compat.Format = Format{Rules: Wire}
}
