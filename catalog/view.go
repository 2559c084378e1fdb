package catalog

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/charterhq/charter/registry"
)

// TopicView is one topic as declared and as observed, side by side.
type TopicView struct {
	// Topic is the declaration; for a topic only observed, just its name
	// and its default value subject.
	Topic    Topic
	Declared bool
	Owner    *Service // the owning service, nil when none is declared
	Team     *Team    // the owning service's team, nil when none
	// Producers and Consumers list the declared and the observed parties,
	// declared ones first, then by service and client.
	Producers []Party
	Consumers []Party
	Drift     []Drift // the topic's drift, judged by the Keeper's StaleAfter
}

// Party is a producer or consumer of a topic: a declared service, an
// observed client, or both.
type Party struct {
	// Service is the declared service the party is or belongs to, "" for a
	// client that belongs to no declared service.
	Service string
	// Client is the observed client ID (producers) or consumer group
	// (consumers), or a group a consumer relation lists; "" for a declared
	// service never seen.
	Client string
	// Declared reports whether the catalog declares Service to produce or
	// consume the topic.
	Declared bool
	// FirstSeen and LastSeen are zero when the client was never seen.
	FirstSeen, LastSeen time.Time
}

// Topic returns the view of one topic, declared or only observed. It
// returns an error with CodeNotFound (404) when the topic is neither.
func (k *Keeper) Topic(ctx context.Context, name string) (TopicView, error) {
	x, err := k.load(ctx)
	if err != nil {
		return TopicView{}, err
	}
	_, declared := x.topics[name]
	if !declared && len(x.observed[name]) == 0 {
		return TopicView{}, registry.Errorf(ErrTopicNotFound.Code, "Topic %q not found", name)
	}
	return x.view(name, x.topicDrift(k, name)), nil
}

// Topics returns the view of every topic declared or observed, by name.
func (k *Keeper) Topics(ctx context.Context) ([]TopicView, error) {
	x, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	drift := map[string][]Drift{}
	for _, d := range x.drift(k.StaleAfter, k.Now()) {
		drift[d.Topic] = append(drift[d.Topic], d)
	}
	var names []string
	for name := range x.topics {
		names = append(names, name)
	}
	for name := range x.observed {
		if _, ok := x.topics[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	views := make([]TopicView, len(names))
	for i, name := range names {
		views[i] = x.view(name, drift[name])
	}
	return views, nil
}

func (x *index) topicDrift(k *Keeper, name string) []Drift {
	var out []Drift
	for _, d := range x.drift(k.StaleAfter, k.Now()) {
		if d.Topic == name {
			out = append(out, d)
		}
	}
	return out
}

func (x *index) view(name string, drift []Drift) TopicView {
	t, declared := x.topics[name]
	if !declared {
		t = Topic{Name: name, ValueSubject: DefaultValueSubject(name)}
	}
	v := TopicView{Topic: t, Declared: declared, Drift: drift}
	if owner, ok := x.services[t.Owner]; ok {
		v.Owner = &owner
		if team, ok := x.teams[owner.Team]; ok {
			v.Team = &team
		}
	}
	v.Producers = x.parties(name, Produces)
	v.Consumers = x.parties(name, Consumes)
	return v
}

// parties lists the declared and observed parties of kind on topic: one per
// observed client, one per listed group, and one for a declared service
// with neither.
func (x *index) parties(topic string, kind Kind) []Party {
	type key struct{ service, client string }
	byKey := map[key]Party{}
	for _, r := range x.spec.Relations {
		if r.Topic == topic && r.Kind == kind {
			for _, g := range r.Groups {
				byKey[key{r.Service, g}] = Party{Service: r.Service, Client: g, Declared: true}
			}
		}
	}
	seenService := map[string]bool{}
	for _, o := range x.observed[topic] {
		if o.Kind != kind {
			continue
		}
		svc := x.serviceOf(kind, o.Client)
		seenService[svc] = true
		byKey[key{svc, o.Client}] = Party{Service: svc, Client: o.Client, Declared: x.declares(svc, topic, kind),
			FirstSeen: o.FirstSeen, LastSeen: o.LastSeen}
	}
	for _, r := range x.spec.Relations {
		if r.Topic == topic && r.Kind == kind && len(r.Groups) == 0 && !seenService[r.Service] {
			byKey[key{r.Service, ""}] = Party{Service: r.Service, Declared: true}
		}
	}
	out := make([]Party, 0, len(byKey))
	for _, p := range byKey {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Party) int {
		return cmp.Or(compareBool(b.Declared, a.Declared), compareBool(a.Service == "", b.Service == ""),
			strings.Compare(a.Service, b.Service), strings.Compare(a.Client, b.Client))
	})
	return nilIfEmpty(out)
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
