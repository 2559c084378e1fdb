package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Changes is what applying a spec changes in the declared catalog, each list
// ordered by entity kind (team, service, topic, relation) then name.
type Changes struct {
	Added, Removed, Changed []Change
}

// Change is one entity added, removed or changed.
type Change struct {
	Kind string // "team", "service", "topic" or "relation"
	// Name is the entity's name; a relation's is "<service> produces
	// <topic>" or "<service> consumes <topic>".
	Name string
	// Detail, for a changed entity, lists its changed fields, as
	// "team payments → finance; lifecycle (none) → production".
	Detail string
}

// Empty reports whether nothing changes.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Changed) == 0
}

// String returns one line per change, in kind then name order: "+ topic
// orders", "- team legacy", "~ service billing: team payments → finance". It
// returns "no changes" when there are none.
func (c Changes) String() string {
	if c.Empty() {
		return "no changes"
	}
	type line struct {
		change Change
		mark   string
	}
	var lines []line
	for _, ch := range c.Added {
		lines = append(lines, line{ch, "+"})
	}
	for _, ch := range c.Removed {
		lines = append(lines, line{ch, "-"})
	}
	for _, ch := range c.Changed {
		lines = append(lines, line{ch, "~"})
	}
	slices.SortStableFunc(lines, func(a, b line) int { return compareChanges(a.change, b.change) })
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %s %s", l.mark, l.change.Kind, l.change.Name)
		if l.change.Detail != "" {
			b.WriteString(": " + l.change.Detail)
		}
	}
	return b.String()
}

var kindOrder = map[string]int{"team": 0, "service": 1, "topic": 2, "relation": 3}

func compareChanges(a, b Change) int {
	return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.Name, b.Name))
}

// diff returns what replacing from with to changes; both are normalised.
func diff(from, to Spec) Changes {
	var c Changes
	diffList(&c, "team", from.Teams, to.Teams, func(t Team) string { return t.Name }, func(a, b Team) []field {
		return []field{
			{"description", a.Description, b.Description},
			{"email", a.Email, b.Email},
			{"chat", a.Chat, b.Chat},
			{"oncall", a.OnCall, b.OnCall},
		}
	})
	diffList(&c, "service", from.Services, to.Services, func(s Service) string { return s.Name }, func(a, b Service) []field {
		return []field{
			{"team", a.Team, b.Team},
			{"description", a.Description, b.Description},
			{"repository", a.Repository, b.Repository},
			{"lifecycle", a.Lifecycle, b.Lifecycle},
		}
	})
	diffList(&c, "topic", from.Topics, to.Topics, func(t Topic) string { return t.Name }, func(a, b Topic) []field {
		return []field{
			{"description", a.Description, b.Description},
			{"owner", a.Owner, b.Owner},
			{"key_subject", a.KeySubject, b.KeySubject},
			{"value_subject", a.ValueSubject, b.ValueSubject},
			{"tags", list(a.Tags), list(b.Tags)},
			{"classification", a.Classification, b.Classification},
		}
	})
	diffList(&c, "relation", from.Relations, to.Relations, relationName, func(a, b Relation) []field {
		return []field{{"groups", list(a.Groups), list(b.Groups)}}
	})
	for _, l := range [][]Change{c.Added, c.Removed, c.Changed} {
		slices.SortStableFunc(l, compareChanges)
	}
	return c
}

func relationName(r Relation) string { return fmt.Sprintf("%s %s %s", r.Service, r.Kind, r.Topic) }

// field is one field of an entity before and after.
type field struct{ name, from, to string }

func diffList[T any](c *Changes, kind string, from, to []T, name func(T) string, fields func(a, b T) []field) {
	before := make(map[string]T, len(from))
	for _, e := range from {
		before[name(e)] = e
	}
	after := make(map[string]bool, len(to))
	for _, e := range to {
		n := name(e)
		after[n] = true
		old, ok := before[n]
		if !ok {
			c.Added = append(c.Added, Change{Kind: kind, Name: n})
			continue
		}
		var details []string
		for _, f := range fields(old, e) {
			if f.from != f.to {
				details = append(details, fmt.Sprintf("%s %s → %s", f.name, shown(f.from), shown(f.to)))
			}
		}
		if len(details) > 0 {
			c.Changed = append(c.Changed, Change{Kind: kind, Name: n, Detail: strings.Join(details, "; ")})
		}
	}
	for _, e := range from {
		if n := name(e); !after[n] {
			c.Removed = append(c.Removed, Change{Kind: kind, Name: n})
		}
	}
}

func list(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return "[" + strings.Join(values, ", ") + "]"
}

// shown quotes a value for a change line when it would otherwise be
// unreadable: empty, or holding spaces or an arrow.
func shown(v string) string {
	switch {
	case v == "":
		return "(none)"
	case strings.HasPrefix(v, "["):
		return v
	case strings.ContainsAny(v, " \t\n→;") || len(v) > 60:
		if r := []rune(v); len(r) > 60 {
			v = string(r[:57]) + "..."
		}
		return fmt.Sprintf("%q", v)
	}
	return v
}
