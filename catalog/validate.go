package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/charterhq/charter/registry"
)

// position is where something was written in a catalog file; the zero
// position stands for a spec that came through the API.
type position struct {
	file         string
	line, column int
}

func (p position) String() string { return fmt.Sprintf("%s:%d:%d", p.file, p.line, p.column) }

func (p position) known() bool { return p.file != "" }

func comparePositions(a, b position) int {
	return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line), cmp.Compare(a.column, b.column))
}

// ref names an entity of a Spec, by its kind ("team", "service", "topic",
// "relation") and index in the Spec's list, and optionally one of its fields
// by YAML key ("owner", "groups", "groups/1").
type ref struct {
	entity string
	index  int
	field  string
}

// locator says where a ref was written; ParseSpec knows, Apply does not.
type locator func(ref) position

func nowhere(ref) position { return position{} }

// problem is one rule a spec breaks.
type problem struct {
	at  position
	msg string
}

// validate checks every rule a declared catalog must keep, on s as given
// (not normalised, so that indexes match the locator's), and returns every
// problem, ordered by position when positions are known.
func validate(s Spec, at locator) []problem {
	v := &validator{at: at}
	teams := v.names("team", len(s.Teams), func(i int) string { return s.Teams[i].Name }, validName)
	services := v.names("service", len(s.Services), func(i int) string { return s.Services[i].Name }, validName)
	topics := v.names("topic", len(s.Topics), func(i int) string { return s.Topics[i].Name }, validTopicName)

	for i, sv := range s.Services {
		r := ref{"service", i, ""}
		if _, ok := teams[sv.Team]; sv.Team != "" && !ok {
			v.add(r, "team", "%s: team %q is not declared", v.label(r, sv.Name), sv.Team)
		}
		if sv.Lifecycle != "" && !slices.Contains(Lifecycles, sv.Lifecycle) {
			v.add(r, "lifecycle", "%s: lifecycle %q is not one of %s", v.label(r, sv.Name), sv.Lifecycle, strings.Join(Lifecycles, ", "))
		}
	}
	for i, t := range s.Topics {
		r := ref{"topic", i, ""}
		if _, ok := services[t.Owner]; t.Owner != "" && !ok {
			v.add(r, "owner", "%s: owner %q is not a declared service", v.label(r, t.Name), t.Owner)
		}
		if t.Classification != "" && !slices.Contains(Classifications, t.Classification) {
			v.add(r, "classification", "%s: classification %q is not one of %s", v.label(r, t.Name), t.Classification, strings.Join(Classifications, ", "))
		}
		seen := map[string]bool{}
		for j, tag := range t.Tags {
			field := fmt.Sprintf("tags/%d", j)
			switch {
			case strings.TrimSpace(tag) == "":
				v.add(r, field, "%s: a tag is empty", v.label(r, t.Name))
			case seen[tag]:
				v.add(r, field, "%s: tag %q is listed twice", v.label(r, t.Name), tag)
			}
			seen[tag] = true
		}
	}
	v.relations(s.Relations, services, topics)
	slices.SortStableFunc(v.problems, func(a, b problem) int { return comparePositions(a.at, b.at) })
	return v.problems
}

type validator struct {
	at       locator
	problems []problem
}

func (v *validator) add(r ref, field, format string, args ...any) {
	r.field = field
	v.problems = append(v.problems, problem{at: v.at(r), msg: fmt.Sprintf(format, args...)})
}

// label names an entity in a message: by name when it has one, else by its
// place in the list when no file position will say where it is.
func (v *validator) label(r ref, name string) string {
	switch {
	case name != "":
		return fmt.Sprintf("%s %q", r.entity, name)
	case v.at(r).known():
		return r.entity
	}
	return fmt.Sprintf("%s #%d", r.entity, r.index+1)
}

// names checks the names of n entities of one kind, and returns each valid
// name's index.
func (v *validator) names(entity string, n int, name func(int) string, valid func(string) string) map[string]int {
	first := make(map[string]int, n)
	for i := range n {
		r := ref{entity, i, ""}
		switch nm := name(i); {
		case nm == "":
			v.add(r, "name", "%s: name is required", v.label(r, nm))
		case valid(nm) != "":
			v.add(r, "name", "%s: name %s", v.label(r, nm), valid(nm))
		default:
			if j, dup := first[nm]; dup {
				v.add(r, "name", "%s is declared twice%s", v.label(r, nm), v.firstAt(ref{entity, j, "name"}))
				continue
			}
			first[nm] = i
		}
	}
	return first
}

// firstAt says where the first of two duplicates is, when that is known.
func (v *validator) firstAt(r ref) string {
	if p := v.at(r); p.known() {
		return " (first at " + p.String() + ")"
	}
	return ""
}

func (v *validator) relations(rels []Relation, services, topics map[string]int) {
	type key struct {
		service, topic string
		kind           Kind
	}
	first := map[key]int{}
	groupOwner := map[string]string{} // consumer group → the service listing it
	for i, rel := range rels {
		r := ref{"relation", i, ""}
		// Relations are written on topics, so messages name the topic
		// first; the service when the topic is what is missing.
		where := fmt.Sprintf("topic %q", rel.Topic)
		role := map[Kind]string{Produces: "producer", Consumes: "consumer"}[rel.Kind]
		switch {
		case rel.Kind != Produces && rel.Kind != Consumes:
			v.add(r, "kind", "relation #%d: kind %q is not one of produces, consumes", i+1, rel.Kind)
			continue
		case rel.Topic == "":
			v.add(r, "topic", "service %q: a %s relation needs a topic", rel.Service, rel.Kind)
			continue
		case rel.Service == "":
			v.add(r, "service", "%s: a %s needs a service", where, role)
			continue
		}
		if _, declared := topics[rel.Topic]; !declared {
			v.add(r, "topic", "service %q: %s topic %q, which is not declared", rel.Service, rel.Kind, rel.Topic)
		}
		if _, declared := services[rel.Service]; !declared {
			v.add(r, "service", "%s: %s %q is not a declared service", where, role, rel.Service)
		}
		k := key{rel.Service, rel.Topic, rel.Kind}
		if j, dup := first[k]; dup {
			v.add(r, "", "%s: %s %q is declared twice%s", where, role, rel.Service, v.firstAt(ref{"relation", j, ""}))
			continue
		}
		first[k] = i
		if rel.Kind == Produces && len(rel.Groups) > 0 {
			v.add(r, "groups", "%s: producer %q may not list consumer groups", where, rel.Service)
			continue
		}
		seen := map[string]bool{}
		for j, g := range rel.Groups {
			field := fmt.Sprintf("groups/%d", j)
			switch owner, taken := groupOwner[g]; {
			case strings.TrimSpace(g) == "":
				v.add(r, field, "%s: consumer %q lists an empty group", where, rel.Service)
			case seen[g]:
				v.add(r, field, "%s: consumer %q lists group %q twice", where, rel.Service, g)
			case taken && owner != rel.Service:
				v.add(r, field, "%s: consumer group %q of %q is already listed for service %q", where, g, rel.Service, owner)
			case !taken:
				groupOwner[g] = rel.Service
			}
			seen[g] = true
		}
	}
}

// validName says what is wrong with a team's or service's name, "" if
// nothing: names are identifiers, the way topic names are.
func validName(name string) string {
	for _, r := range name {
		if !nameRune(r) {
			return "may contain only letters, digits, '.', '_' and '-'"
		}
	}
	return ""
}

// validTopicName applies Kafka's rules for topic names.
func validTopicName(name string) string {
	switch {
	case name == "." || name == "..":
		return "is not a legal topic name"
	case len(name) > 249:
		return "is longer than 249 characters"
	}
	return validName(name)
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

// invalid turns problems into the error Apply and ParseSpec return: one
// line per problem, each prefixed by its position when known.
func invalid(problems []problem) error {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = p.msg
		if p.at.known() {
			lines[i] = p.at.String() + ": " + p.msg
		}
	}
	return registry.Errorf(registry.CodeUnprocessable, "%s", strings.Join(lines, "\n"))
}
