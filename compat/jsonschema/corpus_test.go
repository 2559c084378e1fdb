package jsonschema

import (
	"strings"
	"testing"
)

// TestCorpusCoverage keeps testdata/pairs.json covering every supported
// draft, named by $schema on both sides, and the keywords and reference
// handling that differ between drafts.
func TestCorpusCoverage(t *testing.T) {
	pairs := loadPairs(t)
	perDraft := map[draft]int{}
	keywords := map[string]int{}
	bothRefs := 0
	for _, p := range pairs {
		o, err1 := decode(string(p.Original))
		u, err2 := decode(string(p.Update))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", p.Name, err1, err2)
		}
		_, named1 := o.str("$schema")
		_, named2 := u.str("$schema")
		if named1 && named2 && draftOf(o) == draftOf(u) {
			perDraft[draftOf(o)]++
		}
		text := string(p.Original) + string(p.Update)
		for _, kw := range []string{"prefixItems", "unevaluatedProperties", "dependentRequired", "dependentSchemas"} {
			if strings.Contains(text, `"`+kw+`"`) {
				keywords[kw]++
			}
		}
		if len(p.OriginalRefs) > 0 && len(p.UpdateRefs) > 0 {
			bothRefs++
		}
		if p.Source == "" {
			t.Errorf("%s: no source", p.Name)
		}
	}
	for _, d := range []draft{draft4, draft6, draft7, draft2019, draft2020} {
		if perDraft[d] < 3 {
			t.Errorf("draft %d: %d pairs naming it in $schema, want at least 3", d, perDraft[d])
		}
	}
	for _, kw := range []string{"prefixItems", "unevaluatedProperties", "dependentRequired", "dependentSchemas"} {
		if keywords[kw] < 2 {
			t.Errorf("%s: in %d pairs, want at least 2", kw, keywords[kw])
		}
	}
	if bothRefs < 3 {
		t.Errorf("%d pairs with references on both sides, want at least 3", bothRefs)
	}
	t.Logf("pairs %d, per draft %v, keywords %v, references on both sides %d", len(pairs), perDraft, keywords, bothRefs)
}
