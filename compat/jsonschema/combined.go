package jsonschema

import "strconv"

// compareCombined is CombinedSchemaDiff. The criterion may change only
// towards something more permissive; then each original subschema is tried
// against each update subschema, and the schemas are compatible when a
// matching of compatible pairs covers the smaller side. The matching is a
// maximum-cardinality bipartite matching, so the order of subschemas does
// not matter.
func (d *diff) compareCombined(original, update *shape) {
	if d.compareCriterion(original, update) == "COMBINED_TYPE_CHANGED" {
		return
	}
	o, u := distinct(original.subs), distinct(update.subs)
	switch {
	case len(o) < len(u) && update.criterion == "allOf":
		d.add("PRODUCT_TYPE_EXTENDED")
	case len(o) < len(u):
		d.add("SUM_TYPE_EXTENDED")
	case len(o) > len(u) && update.criterion == "allOf":
		d.add("PRODUCT_TYPE_NARROWED")
	case len(o) > len(u):
		d.add("SUM_TYPE_NARROWED")
	}

	// edges[i][j] holds the changes of pair (o[i], u[j]) when compatible.
	edges := make([]map[int][]change, len(o))
	for i, os := range o {
		edges[i] = map[int][]change{}
		leave := d.enter(original.criterion, strconv.Itoa(i))
		for j, us := range u {
			sub := d.sub()
			sub.compare(os, us)
			if sub.compatible() {
				edges[i][j] = sub.changes
			}
		}
		leave()
	}
	match := maximumMatching(len(o), len(u), edges)
	matched := 0
	for i, j := range match {
		if j >= 0 {
			d.addAll(edges[i][j])
			matched++
		}
	}
	if matched < min(len(o), len(u)) {
		d.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED")
	}
}

// compareCriterion records a change of criterion and returns it ("" when
// unchanged). anyOf accepts whatever allOf or oneOf accepted; a singleton
// is its member under any criterion.
func (d *diff) compareCriterion(original, update *shape) string {
	var rule string
	switch {
	case original.criterion == update.criterion:
		return ""
	case update.criterion == "anyOf":
		rule = "COMBINED_TYPE_EXTENDED"
	case update.criterion == "oneOf" && len(original.subs) == 1:
		rule = "COMBINED_TYPE_EXTENDED"
	case update.criterion == "allOf" && len(original.subs) == 1 && len(update.subs) == 1:
		rule = "COMBINED_TYPE_EXTENDED"
	default:
		rule = "COMBINED_TYPE_CHANGED"
	}
	d.add(rule)
	return rule
}

// distinct drops repeated subschemas, as Confluent does by collecting them
// into a set.
func distinct(subs []*shape) []*shape {
	seen := map[string]bool{}
	var out []*shape
	for _, s := range subs {
		if s.key != "" && seen[s.key] {
			continue
		}
		seen[s.key] = true
		out = append(out, s)
	}
	return out
}

// maximumMatching pairs left vertices with right ones along edges, as many
// as possible (Kuhn's augmenting paths). It returns, for each left vertex,
// its right partner or -1.
func maximumMatching(left, right int, edges []map[int][]change) []int {
	matchL := make([]int, left)
	matchR := make([]int, right)
	for i := range matchL {
		matchL[i] = -1
	}
	for j := range matchR {
		matchR[j] = -1
	}
	var augment func(i int, seen []bool) bool
	augment = func(i int, seen []bool) bool {
		for j := 0; j < right; j++ {
			if _, ok := edges[i][j]; !ok || seen[j] {
				continue
			}
			seen[j] = true
			if matchR[j] < 0 || augment(matchR[j], seen) {
				matchL[i], matchR[j] = j, i
				return true
			}
		}
		return false
	}
	for i := 0; i < left; i++ {
		augment(i, make([]bool, right))
	}
	return matchL
}
