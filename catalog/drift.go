package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DriftKind is a kind of disagreement between the declared catalog and what
// the broker observed.
type DriftKind string

// The kinds of drift.
const (
	// UnownedTopic: a declared topic has no owner.
	UnownedTopic DriftKind = "unowned_topic"
	// UndeclaredProducer: a client produced to a declared topic, and no
	// service it belongs to is declared to produce it.
	UndeclaredProducer DriftKind = "undeclared_producer"
	// UndeclaredConsumer: a consumer group committed offsets on a declared
	// topic, and no service it belongs to is declared to consume it.
	UndeclaredConsumer DriftKind = "undeclared_consumer"
	// UnseenProducer: a declared producer was not seen producing lately.
	UnseenProducer DriftKind = "unseen_producer"
	// UnseenConsumer: a declared consumer (or one of its listed groups)
	// was not seen committing offsets lately.
	UnseenConsumer DriftKind = "unseen_consumer"
	// UndeclaredTopic: a topic was observed but is not declared.
	UndeclaredTopic DriftKind = "undeclared_topic"
)

// Drift is one disagreement. Topic is always set; Service names the
// declared service involved, if any; Client the observed client ID or
// consumer group, if any. Message says it in a sentence.
type Drift struct {
	Kind    DriftKind
	Topic   string
	Service string
	Client  string
	Message string
}

// Drift compares the declared catalog with the observations, as of now. A
// declared producer or consumer counts as seen when an observation of it has
// LastSeen within staleAfter of now; an undeclared client or topic counts
// only when seen within staleAfter, so that what went away stops being
// reported. staleAfter <= 0 means forever. The list is sorted by topic,
// kind, service and client.
func (k *Keeper) Drift(ctx context.Context, staleAfter time.Duration, now time.Time) ([]Drift, error) {
	x, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	return x.drift(staleAfter, now), nil
}

// index is the declared catalog and the observations, loaded once and
// indexed for Drift, Topic and Topics.
type index struct {
	spec     Spec
	obs      []Observation
	services map[string]Service
	teams    map[string]Team
	topics   map[string]Topic
	groups   map[string]string // consumer group → the service listing it
	rels     map[obsKey]Relation
	observed map[string][]Observation // by topic
}

func (k *Keeper) load(ctx context.Context) (*index, error) {
	spec, err := k.Spec(ctx)
	if err != nil {
		return nil, err
	}
	obs, err := k.Observations(ctx)
	if err != nil {
		return nil, err
	}
	x := &index{
		spec: spec, obs: obs,
		services: map[string]Service{}, teams: map[string]Team{}, topics: map[string]Topic{},
		groups: map[string]string{}, rels: map[obsKey]Relation{}, observed: map[string][]Observation{},
	}
	for _, t := range spec.Teams {
		x.teams[t.Name] = t
	}
	for _, s := range spec.Services {
		x.services[s.Name] = s
	}
	for _, t := range spec.Topics {
		x.topics[t.Name] = t
	}
	for _, r := range spec.Relations {
		x.rels[obsKey{r.Topic, r.Kind, r.Service}] = r
		for _, g := range r.Groups {
			x.groups[g] = r.Service
		}
	}
	for _, o := range obs {
		x.observed[o.Topic] = append(x.observed[o.Topic], o)
	}
	return x, nil
}

// serviceOf says which declared service an observed client belongs to, ""
// if none: a listed consumer group's, else the longest service name the
// client ID equals or starts with followed by a separator.
func (x *index) serviceOf(kind Kind, client string) string {
	if s, ok := x.groups[client]; ok && kind == Consumes {
		return s
	}
	best := ""
	for name := range x.services {
		if len(name) > len(best) && clientOf(name, client) {
			best = name
		}
	}
	return best
}

func clientOf(service, client string) bool {
	rest, ok := strings.CutPrefix(client, service)
	return ok && (rest == "" || strings.ContainsRune("-._:/", rune(rest[0])))
}

// declares reports whether the catalog declares that service relates to
// topic as kind.
func (x *index) declares(service, topic string, kind Kind) bool {
	_, ok := x.rels[obsKey{topic, kind, service}]
	return service != "" && ok
}

func (x *index) drift(staleAfter time.Duration, now time.Time) []Drift {
	recent := func(o Observation) bool { return staleAfter <= 0 || !o.LastSeen.Before(now.Add(-staleAfter)) }
	var out []Drift
	for _, t := range x.spec.Topics {
		if t.Owner == "" {
			out = append(out, Drift{Kind: UnownedTopic, Topic: t.Name, Message: fmt.Sprintf("topic %q has no owner", t.Name)})
		}
	}
	for topic, obs := range x.observed {
		if _, declared := x.topics[topic]; !declared {
			if clients := recentClients(obs, recent); clients != "" {
				out = append(out, Drift{Kind: UndeclaredTopic, Topic: topic,
					Message: fmt.Sprintf("topic %q is in use (%s) but not declared", topic, clients)})
			}
			continue
		}
		for _, o := range obs {
			if !recent(o) {
				continue
			}
			svc := x.serviceOf(o.Kind, o.Client)
			if x.declares(svc, topic, o.Kind) {
				continue
			}
			out = append(out, undeclared(o, svc))
		}
	}
	for _, r := range x.spec.Relations {
		out = append(out, x.unseen(r, recent, now)...)
	}
	slices.SortFunc(out, func(a, b Drift) int {
		return cmp.Or(strings.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind),
			strings.Compare(a.Service, b.Service), strings.Compare(a.Client, b.Client))
	})
	return out
}

func recentClients(obs []Observation, recent func(Observation) bool) string {
	var parts []string
	for _, o := range obs {
		if recent(o) {
			verb := map[Kind]string{Produces: "produced by", Consumes: "consumed by group"}[o.Kind]
			parts = append(parts, fmt.Sprintf("%s %q", verb, o.Client))
		}
	}
	return strings.Join(parts, ", ")
}

func undeclared(o Observation, svc string) Drift {
	d := Drift{Kind: UndeclaredProducer, Topic: o.Topic, Service: svc, Client: o.Client}
	who, verb := fmt.Sprintf("client %q", o.Client), "produces to"
	if o.Kind == Consumes {
		d.Kind, who, verb = UndeclaredConsumer, fmt.Sprintf("consumer group %q", o.Client), "consumes"
	}
	if svc == "" {
		d.Message = fmt.Sprintf("%s %s topic %q and belongs to no declared service", who, verb, o.Topic)
	} else {
		d.Message = fmt.Sprintf("%s of service %q %s topic %q, which %q does not declare", who, svc, verb, o.Topic, svc)
	}
	return d
}

// unseen returns drift for a declared relation not observed lately: per
// listed group for a consumer that lists groups, else for the service.
func (x *index) unseen(r Relation, recent func(Observation) bool, now time.Time) []Drift {
	kind, role := UnseenProducer, "producer"
	if r.Kind == Consumes {
		kind, role = UnseenConsumer, "consumer"
	}
	lastSeen := func(match func(Observation) bool) (time.Time, bool) {
		var last time.Time
		for _, o := range x.observed[r.Topic] {
			if o.Kind == r.Kind && match(o) && o.LastSeen.After(last) {
				last = o.LastSeen
			}
		}
		return last, !last.IsZero()
	}
	describe := func(last time.Time, seen bool) string {
		if !seen {
			return "never seen"
		}
		return fmt.Sprintf("last seen %s (%s ago)", last.UTC().Format(time.RFC3339), now.Sub(last).Round(time.Second))
	}
	var out []Drift
	if len(r.Groups) > 0 {
		for _, g := range r.Groups {
			last, seen := lastSeen(func(o Observation) bool { return o.Client == g })
			if !seen || !recent(Observation{LastSeen: last}) {
				out = append(out, Drift{Kind: kind, Topic: r.Topic, Service: r.Service, Client: g,
					Message: fmt.Sprintf("declared %s %q of topic %q with group %q: %s", role, r.Service, r.Topic, g, describe(last, seen))})
			}
		}
		return out
	}
	last, seen := lastSeen(func(o Observation) bool { return x.serviceOf(o.Kind, o.Client) == r.Service })
	if !seen || !recent(Observation{LastSeen: last}) {
		out = append(out, Drift{Kind: kind, Topic: r.Topic, Service: r.Service,
			Message: fmt.Sprintf("declared %s %q of topic %q: %s", role, r.Service, r.Topic, describe(last, seen))})
	}
	return out
}
