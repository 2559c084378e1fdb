package rpc

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/charterhq/charter/catalog"
	catalogv1 "github.com/charterhq/charter/catalog/v1"
)

// The enums and the domain's strings. A value missing from a map reaches
// the Keeper as its number, and the Keeper's validation names it.
var (
	lifecycles = map[catalogv1.Lifecycle]string{
		catalogv1.Lifecycle_LIFECYCLE_UNSPECIFIED:  "",
		catalogv1.Lifecycle_LIFECYCLE_EXPERIMENTAL: "experimental",
		catalogv1.Lifecycle_LIFECYCLE_PRODUCTION:   "production",
		catalogv1.Lifecycle_LIFECYCLE_DEPRECATED:   "deprecated",
	}
	classifications = map[catalogv1.Classification]string{
		catalogv1.Classification_CLASSIFICATION_UNSPECIFIED:  "",
		catalogv1.Classification_CLASSIFICATION_PUBLIC:       "public",
		catalogv1.Classification_CLASSIFICATION_INTERNAL:     "internal",
		catalogv1.Classification_CLASSIFICATION_CONFIDENTIAL: "confidential",
		catalogv1.Classification_CLASSIFICATION_RESTRICTED:   "restricted",
	}
	relationKinds = map[catalogv1.RelationKind]catalog.Kind{
		catalogv1.RelationKind_RELATION_KIND_UNSPECIFIED: "",
		catalogv1.RelationKind_RELATION_KIND_PRODUCES:    catalog.Produces,
		catalogv1.RelationKind_RELATION_KIND_CONSUMES:    catalog.Consumes,
	}
	entityKinds = map[string]catalogv1.EntityKind{
		"team":     catalogv1.EntityKind_ENTITY_KIND_TEAM,
		"service":  catalogv1.EntityKind_ENTITY_KIND_SERVICE,
		"topic":    catalogv1.EntityKind_ENTITY_KIND_TOPIC,
		"relation": catalogv1.EntityKind_ENTITY_KIND_RELATION,
	}
	driftKinds = map[catalog.DriftKind]catalogv1.DriftKind{
		catalog.UnownedTopic:       catalogv1.DriftKind_DRIFT_KIND_UNOWNED_TOPIC,
		catalog.UndeclaredProducer: catalogv1.DriftKind_DRIFT_KIND_UNDECLARED_PRODUCER,
		catalog.UndeclaredConsumer: catalogv1.DriftKind_DRIFT_KIND_UNDECLARED_CONSUMER,
		catalog.UnseenProducer:     catalogv1.DriftKind_DRIFT_KIND_UNSEEN_PRODUCER,
		catalog.UnseenConsumer:     catalogv1.DriftKind_DRIFT_KIND_UNSEEN_CONSUMER,
		catalog.UndeclaredTopic:    catalogv1.DriftKind_DRIFT_KIND_UNDECLARED_TOPIC,
	}
)

// inverse returns m with keys and values swapped.
func inverse[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

var (
	lifecycleOf      = inverse(lifecycles)
	classificationOf = inverse(classifications)
	relationKindOf   = inverse(relationKinds)
)

// known returns m[k], or k's name (its number when undefined) for the
// Keeper to refuse.
func known[K interface {
	comparable
	String() string
}, V ~string](m map[K]V, k K) V {
	if v, ok := m[k]; ok {
		return v
	}
	return V(k.String())
}

// SpecOf converts a Spec message to the catalog's Spec (for clients such as
// `charter catalog`).
func SpecOf(m *catalogv1.Spec) catalog.Spec {
	var s catalog.Spec
	for _, t := range m.GetTeams() {
		s.Teams = append(s.Teams, teamOf(t))
	}
	for _, sv := range m.GetServices() {
		s.Services = append(s.Services, catalog.Service{
			Name:        sv.GetName(),
			Team:        sv.GetTeam(),
			Description: sv.GetDescription(),
			Repository:  sv.GetRepository(),
			Lifecycle:   known(lifecycles, sv.GetLifecycle()),
		})
	}
	for _, t := range m.GetTopics() {
		s.Topics = append(s.Topics, catalog.Topic{
			Name:           t.GetName(),
			Description:    t.GetDescription(),
			Owner:          t.GetOwner(),
			KeySubject:     t.GetKeySubject(),
			ValueSubject:   t.GetValueSubject(),
			Tags:           t.GetTags(),
			Classification: known(classifications, t.GetClassification()),
		})
	}
	for _, r := range m.GetRelations() {
		s.Relations = append(s.Relations, catalog.Relation{
			Service: r.GetService(),
			Topic:   r.GetTopic(),
			Kind:    known(relationKinds, r.GetKind()),
			Groups:  r.GetGroups(),
		})
	}
	return s
}

func teamOf(t *catalogv1.Team) catalog.Team {
	return catalog.Team{Name: t.GetName(), Description: t.GetDescription(), Email: t.GetEmail(), Chat: t.GetChat(), OnCall: t.GetOncall()}
}

// SpecMessage converts the catalog's Spec to its message.
func SpecMessage(s catalog.Spec) *catalogv1.Spec {
	m := &catalogv1.Spec{}
	for _, t := range s.Teams {
		m.Teams = append(m.Teams, teamMessage(t))
	}
	for _, sv := range s.Services {
		m.Services = append(m.Services, serviceMessage(sv))
	}
	for _, t := range s.Topics {
		m.Topics = append(m.Topics, topicMessage(t))
	}
	for _, r := range s.Relations {
		m.Relations = append(m.Relations, &catalogv1.Relation{Service: r.Service, Topic: r.Topic, Kind: relationKindOf[r.Kind], Groups: r.Groups})
	}
	return m
}

func teamMessage(t catalog.Team) *catalogv1.Team {
	return &catalogv1.Team{Name: t.Name, Description: t.Description, Email: t.Email, Chat: t.Chat, Oncall: t.OnCall}
}

func serviceMessage(s catalog.Service) *catalogv1.Service {
	return &catalogv1.Service{Name: s.Name, Team: s.Team, Description: s.Description, Repository: s.Repository, Lifecycle: lifecycleOf[s.Lifecycle]}
}

func topicMessage(t catalog.Topic) *catalogv1.Topic {
	return &catalogv1.Topic{
		Name:           t.Name,
		Description:    t.Description,
		Owner:          t.Owner,
		KeySubject:     t.KeySubject,
		ValueSubject:   t.ValueSubject,
		Tags:           t.Tags,
		Classification: classificationOf[t.Classification],
	}
}

func changeMessages(changes []catalog.Change) []*catalogv1.Change {
	out := make([]*catalogv1.Change, len(changes))
	for i, c := range changes {
		out[i] = &catalogv1.Change{Kind: entityKinds[c.Kind], Name: c.Name, Detail: c.Detail}
	}
	return out
}

func driftMessages(drift []catalog.Drift) []*catalogv1.Drift {
	out := make([]*catalogv1.Drift, len(drift))
	for i, d := range drift {
		out[i] = &catalogv1.Drift{Kind: driftKinds[d.Kind], Topic: d.Topic, Service: d.Service, Client: d.Client, Message: d.Message}
	}
	return out
}

func viewMessage(v catalog.TopicView) *catalogv1.TopicView {
	m := &catalogv1.TopicView{
		Topic:     topicMessage(v.Topic),
		Declared:  v.Declared,
		Producers: partyMessages(v.Producers),
		Consumers: partyMessages(v.Consumers),
		Drift:     driftMessages(v.Drift),
	}
	if v.Owner != nil {
		m.Owner = serviceMessage(*v.Owner)
	}
	if v.Team != nil {
		m.Team = teamMessage(*v.Team)
	}
	return m
}

func partyMessages(parties []catalog.Party) []*catalogv1.Party {
	out := make([]*catalogv1.Party, len(parties))
	for i, p := range parties {
		out[i] = &catalogv1.Party{Service: p.Service, Client: p.Client, Declared: p.Declared, FirstSeen: timestamp(p.FirstSeen), LastSeen: timestamp(p.LastSeen)}
	}
	return out
}

// timestamp is nil for the zero time, which means "never".
func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// ChangesOf converts an Apply answer back to the catalog's Changes (for
// clients such as `charter catalog apply`).
func ChangesOf(m *catalogv1.ApplyResponse) catalog.Changes {
	kinds := inverse(entityKinds)
	of := func(msgs []*catalogv1.Change) []catalog.Change {
		out := make([]catalog.Change, len(msgs))
		for i, c := range msgs {
			out[i] = catalog.Change{Kind: kinds[c.GetKind()], Name: c.GetName(), Detail: c.GetDetail()}
		}
		return out
	}
	return catalog.Changes{Added: of(m.GetAdded()), Removed: of(m.GetRemoved()), Changed: of(m.GetChanged())}
}
