package catalog

import (
	"cmp"
	"slices"
	"time"

	"github.com/charterhq/charter/registry"
)

// Team owns services.
type Team struct {
	Name        string
	Description string
	Email       string
	Chat        string // a chat channel or its URL
	OnCall      string // an on-call schedule, usually a URL
}

// Service is a program that produces or consumes topics, owned by a team.
type Service struct {
	Name        string
	Team        string // a declared team, or "" when unowned
	Description string
	Repository  string
	Lifecycle   string // one of Lifecycles, or ""
}

// Lifecycles are the values Service.Lifecycle may take besides "".
var Lifecycles = []string{"experimental", "production", "deprecated"}

// Topic is a declared topic.
type Topic struct {
	Name         string
	Description  string
	Owner        string // the owning service, or "" when unowned
	KeySubject   string // "" when keys carry no schema
	ValueSubject string // <Name>-value unless declared otherwise
	Tags         []string
	// Classification is one of Classifications, or "".
	Classification string
}

// Classifications are the values Topic.Classification may take besides "",
// from the least to the most sensitive.
var Classifications = []string{"public", "internal", "confidential", "restricted"}

// Kind says which way a service uses a topic.
type Kind string

// The kinds of relations and observations.
const (
	Produces Kind = "produces"
	Consumes Kind = "consumes"
)

// Relation declares that a service produces or consumes a topic.
type Relation struct {
	Service string
	Topic   string
	Kind    Kind
	// Groups lists the consumer group IDs the service consumes the topic
	// with; only a Consumes relation has them.
	Groups []string
}

// Spec is the declared catalog. As returned by Keeper and Store, every list
// is sorted: teams, services and topics by name, relations by topic, kind and
// service, tags and groups alphabetically; empty lists are nil.
type Spec struct {
	Teams     []Team
	Services  []Service
	Topics    []Topic
	Relations []Relation
}

// Observation is what the broker saw of one client on one topic: a producer
// (Client is its client ID) or a consumer group committing offsets (Client is
// the group ID).
type Observation struct {
	Topic     string
	Kind      Kind
	Client    string
	FirstSeen time.Time
	LastSeen  time.Time
}

// Errors the Keeper returns, for errors.Is, which compares codes.
var (
	// ErrTopicNotFound: the topic is neither declared nor observed.
	ErrTopicNotFound = &registry.Error{Code: registry.CodeNotFound, Message: "Topic not found"}
	// ErrInvalidSpec: the catalog breaks a rule; the message lists each.
	ErrInvalidSpec = &registry.Error{Code: registry.CodeUnprocessable, Message: "Invalid catalog"}
)

// DefaultValueSubject is the subject a topic's values are registered under
// unless the topic names another: TopicNameStrategy's.
func DefaultValueSubject(topic string) string { return topic + "-value" }

// normalize returns a copy of s in canonical form: defaults filled in, lists
// sorted, empty lists nil. It does not validate.
func (s Spec) normalize() Spec {
	out := Spec{
		Teams:     nilIfEmpty(slices.Clone(s.Teams)),
		Services:  nilIfEmpty(slices.Clone(s.Services)),
		Topics:    nilIfEmpty(slices.Clone(s.Topics)),
		Relations: nilIfEmpty(slices.Clone(s.Relations)),
	}
	for i := range out.Topics {
		t := &out.Topics[i]
		if t.ValueSubject == "" {
			t.ValueSubject = DefaultValueSubject(t.Name)
		}
		t.Tags = sortedSet(t.Tags)
	}
	for i := range out.Relations {
		out.Relations[i].Groups = sortedSet(out.Relations[i].Groups)
	}
	slices.SortStableFunc(out.Teams, func(a, b Team) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortStableFunc(out.Services, func(a, b Service) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortStableFunc(out.Topics, func(a, b Topic) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortStableFunc(out.Relations, compareRelations)
	return out
}

func compareRelations(a, b Relation) int {
	return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Service, b.Service))
}

// sortedSet returns the distinct values of list, sorted, or nil.
func sortedSet(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

func nilIfEmpty[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// Team returns the declared team named name.
func (s Spec) Team(name string) (Team, bool) {
	for _, t := range s.Teams {
		if t.Name == name {
			return t, true
		}
	}
	return Team{}, false
}

// Service returns the declared service named name.
func (s Spec) Service(name string) (Service, bool) {
	for _, sv := range s.Services {
		if sv.Name == name {
			return sv, true
		}
	}
	return Service{}, false
}

// Topic returns the declared topic named name.
func (s Spec) Topic(name string) (Topic, bool) {
	for _, t := range s.Topics {
		if t.Name == name {
			return t, true
		}
	}
	return Topic{}, false
}
