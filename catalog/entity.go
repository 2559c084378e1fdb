package catalog

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// This file reads each kind of entity of a catalog file; parse.go holds the
// machinery.

func (p *parser) team(n *yaml.Node) {
	r := ref{"team", len(p.spec.Teams), ""}
	var t Team
	p.pos[r] = p.at(n)
	if p.fields(n, "team", []key{
		p.setStr(r, "name", "team", &t.Name),
		p.setStr(r, "description", "team", &t.Description),
		p.setStr(r, "email", "team", &t.Email),
		p.setStr(r, "chat", "team", &t.Chat),
		p.setStr(r, "oncall", "team", &t.OnCall),
	}) {
		p.spec.Teams = append(p.spec.Teams, t)
	}
}

// link is a relation as written, before the entity it was written on is
// fully read.
type link struct {
	kind   Kind
	other  string // the service (on a topic) or topic (on a service)
	groups []string
	node   *yaml.Node // the entry
	otherN *yaml.Node // where other was written
	groupN *yaml.Node // where groups were written, nil if not
	groupP []position // where each group was written
}

func (p *parser) service(n *yaml.Node) {
	r := ref{"service", len(p.spec.Services), ""}
	var s Service
	var links []link
	p.pos[r] = p.at(n)
	if !p.fields(n, "service", []key{
		p.setStr(r, "name", "service", &s.Name),
		p.setStr(r, "team", "service", &s.Team),
		p.setStr(r, "description", "service", &s.Description),
		p.setStr(r, "repository", "service", &s.Repository),
		p.setStr(r, "lifecycle", "service", &s.Lifecycle),
		{"produces", func(v *yaml.Node) { links = append(links, p.links(v, Produces, "topic")...) }},
		{"consumes", func(v *yaml.Node) { links = append(links, p.links(v, Consumes, "topic")...) }},
	}) {
		return
	}
	p.spec.Services = append(p.spec.Services, s)
	for _, l := range links {
		p.relation(Relation{Service: s.Name, Topic: l.other, Kind: l.kind, Groups: l.groups}, l,
			p.locate(ref{"service", r.index, "name"}), p.at(l.otherN))
	}
}

func (p *parser) topic(n *yaml.Node) {
	r := ref{"topic", len(p.spec.Topics), ""}
	var t Topic
	var links []link
	p.pos[r] = p.at(n)
	if !p.fields(n, "topic", []key{
		p.setStr(r, "name", "topic", &t.Name),
		p.setStr(r, "description", "topic", &t.Description),
		p.setStr(r, "owner", "topic", &t.Owner),
		p.setStr(r, "key_subject", "topic", &t.KeySubject),
		p.setStr(r, "value_subject", "topic", &t.ValueSubject),
		{"tags", func(v *yaml.Node) {
			p.pos[ref{"topic", r.index, "tags"}] = p.at(v)
			t.Tags = p.strs(v, "topic tags", ref{"topic", r.index, "tags"})
		}},
		p.setStr(r, "classification", "topic", &t.Classification),
		{"producers", func(v *yaml.Node) { links = append(links, p.links(v, Produces, "service")...) }},
		{"consumers", func(v *yaml.Node) { links = append(links, p.links(v, Consumes, "service")...) }},
	}) {
		return
	}
	p.spec.Topics = append(p.spec.Topics, t)
	for _, l := range links {
		p.relation(Relation{Service: l.other, Topic: t.Name, Kind: l.kind, Groups: l.groups}, l,
			p.at(l.otherN), p.locate(ref{"topic", r.index, "name"}))
	}
}

// links reads a producers/consumers list (other = "service", on a topic) or
// a produces/consumes list (other = "topic", on a service). An entry is the
// other's name, or a mapping with it and, for consumers, groups.
func (p *parser) links(n *yaml.Node, kind Kind, other string) []link {
	what := map[Kind]string{Produces: "producer", Consumes: "consumer"}[kind]
	if other == "topic" {
		what = fmt.Sprintf("%s topic", kind)
	}
	var out []link
	p.list(n, what+"s", func(e *yaml.Node) {
		l := link{kind: kind, node: e, otherN: e}
		if e.Kind != yaml.MappingNode {
			l.other = p.str(e, what)
			out = append(out, l)
			return
		}
		keys := []key{{other, func(v *yaml.Node) { l.otherN, l.other = v, p.str(v, what+" "+other) }}}
		if kind == Consumes {
			keys = append(keys, key{"groups", func(v *yaml.Node) {
				l.groupN = v
				p.list(v, what+" groups", func(g *yaml.Node) {
					l.groupP = append(l.groupP, p.at(g))
					l.groups = append(l.groups, p.str(g, what+" group"))
				})
			}})
		}
		p.fields(e, what, keys)
		out = append(out, l)
	})
	return out
}

// relation adds a relation read from link l, recording its positions.
func (p *parser) relation(rel Relation, l link, service, topic position) {
	i := len(p.spec.Relations)
	p.spec.Relations = append(p.spec.Relations, rel)
	p.pos[ref{"relation", i, ""}] = p.at(l.node)
	p.pos[ref{"relation", i, "service"}] = service
	p.pos[ref{"relation", i, "topic"}] = topic
	if l.groupN != nil {
		p.pos[ref{"relation", i, "groups"}] = p.at(l.groupN)
	}
	for j, g := range l.groupP {
		p.pos[ref{"relation", i, fmt.Sprintf("groups/%d", j)}] = g
	}
}
