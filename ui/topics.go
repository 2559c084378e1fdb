package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// latestMessages is how many records a topic page shows.
const latestMessages = 10

// topicEntry is a topic as the catalog and the broker know it: View is the
// catalog's (only the name and default subject when the catalog does not
// know the topic), Broker the log's (nil when absent or the broker is off).
type topicEntry struct {
	View      catalog.TopicView
	InCatalog bool
	Broker    *BrokerTopic
}

// Name is the topic's name.
func (e topicEntry) Name() string { return e.View.Topic.Name }

// Records counts the records the log holds (end minus start offsets).
func (e topicEntry) Records() int64 {
	if e.Broker == nil {
		return 0
	}
	var n int64
	for _, p := range e.Broker.Partitions {
		n += p.EndOffset - p.StartOffset
	}
	return n
}

// topicSet is every topic known, by name, and what could not be read.
type topicSet struct {
	Topics     []topicEntry
	CatalogOff bool
	BrokerOff  bool
	BrokerErr  bool // the broker is on but failed to answer
}

// internalTopic reports whether name is one of Kafka's own topics, such as
// __consumer_offsets, which lists leave out.
func internalTopic(name string) bool { return strings.HasPrefix(name, "__") }

// allTopics joins the catalog's topics (declared or observed) with the
// log's. A failing broker is logged and noted; the page still renders.
func (s *server) allTopics(ctx context.Context) (topicSet, error) {
	set := topicSet{CatalogOff: s.Catalog == nil, BrokerOff: s.Broker == nil}
	byName := map[string]int{}
	if s.Catalog != nil {
		views, err := s.Catalog.Topics(ctx)
		if err != nil {
			return set, err
		}
		for _, v := range views {
			byName[v.Topic.Name] = len(set.Topics)
			set.Topics = append(set.Topics, topicEntry{View: v, InCatalog: true})
		}
	}
	if s.Broker != nil {
		bts, err := s.Broker.Topics(ctx)
		if err != nil {
			s.Logger.WarnContext(ctx, "ui: broker topics", "err", err)
			set.BrokerErr = true
		}
		for i := range bts {
			bt := &bts[i]
			if internalTopic(bt.Name) {
				continue
			}
			if k, ok := byName[bt.Name]; ok {
				set.Topics[k].Broker = bt
				continue
			}
			byName[bt.Name] = len(set.Topics)
			set.Topics = append(set.Topics, topicEntry{View: bareView(bt.Name), Broker: bt})
		}
	}
	slices.SortFunc(set.Topics, func(a, b topicEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return set, nil
}

// bareView is the view of a topic the catalog does not know.
func bareView(name string) catalog.TopicView {
	return catalog.TopicView{Topic: catalog.Topic{Name: name, ValueSubject: catalog.DefaultValueSubject(name)}}
}

// topicFilter is the topic list's query: ?team=&service=&tag=&unowned=1&drift=1.
type topicFilter struct {
	Team, Service, Tag string
	Unowned, Drift     bool
}

func parseTopicFilter(r *http.Request) topicFilter {
	q := r.URL.Query()
	on := func(k string) bool { v := q.Get(k); return v != "" && v != "0" && v != "false" }
	return topicFilter{Team: q.Get("team"), Service: q.Get("service"), Tag: q.Get("tag"), Unowned: on("unowned"), Drift: on("drift")}
}

// Active reports whether any filter is set.
func (f topicFilter) Active() bool { return f != topicFilter{} }

func (f topicFilter) keep(e topicEntry) bool {
	v := e.View
	if f.Team != "" && (v.Team == nil || v.Team.Name != f.Team) {
		return false
	}
	if f.Service != "" && v.Topic.Owner != f.Service && !hasService(v.Producers, f.Service) && !hasService(v.Consumers, f.Service) {
		return false
	}
	if f.Tag != "" && !slices.Contains(v.Topic.Tags, f.Tag) {
		return false
	}
	if f.Unowned && v.Topic.Owner != "" {
		return false
	}
	if f.Drift && len(v.Drift) == 0 {
		return false
	}
	return true
}

func hasService(parties []catalog.Party, service string) bool {
	for _, p := range parties {
		if p.Service == service {
			return true
		}
	}
	return false
}

// topicsView is the topic list page.
type topicsView struct {
	Set      topicSet
	Shown    []topicEntry
	Filter   topicFilter
	Teams    []string
	Services []string
	Tags     []string
}

func (s *server) topics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	set, err := s.allTopics(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := topicsView{Set: set, Filter: parseTopicFilter(r)}
	for _, e := range set.Topics {
		if view.Filter.keep(e) {
			view.Shown = append(view.Shown, e)
		}
		view.Tags = append(view.Tags, e.View.Topic.Tags...)
	}
	slices.Sort(view.Tags)
	view.Tags = slices.Compact(view.Tags)
	if s.Catalog != nil {
		spec, err := s.Catalog.Spec(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, t := range spec.Teams {
			view.Teams = append(view.Teams, t.Name)
		}
		for _, sv := range spec.Services {
			view.Services = append(view.Services, sv.Name)
		}
	}
	s.render(w, r, http.StatusOK, topicsPage(view))
}

// subjectSummary is a topic's key or value subject with its latest version.
type subjectSummary struct {
	Role     string // "Key" or "Value"
	Name     string
	Declared bool // the catalog names it (else it is the default name)
	Found    bool // registered
	Latest   versionView
	Level    compat.Level
}

// topicView is the topic page.
type topicView struct {
	Entry       topicEntry
	BrokerOff   bool
	CatalogOff  bool
	Subjects    []subjectSummary
	Messages    []messageView
	MessagesErr bool
	Groups      []groupLags
	GroupsErr   bool
}

// groupLags is one consumer group's lag on a topic: per partition, and
// their sum.
type groupLags struct {
	Name       string
	Partitions []GroupLag
	Total      int64
}

// byGroup gathers lags (sorted by group) into one groupLags per group.
func byGroup(lags []GroupLag) []groupLags {
	var out []groupLags
	for _, l := range lags {
		if len(out) == 0 || out[len(out)-1].Name != l.Group {
			out = append(out, groupLags{Name: l.Group})
		}
		g := &out[len(out)-1]
		g.Partitions = append(g.Partitions, l)
		g.Total += l.Lag
	}
	return out
}

func (s *server) topic(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	view := topicView{Entry: topicEntry{View: bareView(name)}, BrokerOff: s.Broker == nil, CatalogOff: s.Catalog == nil}
	if s.Catalog != nil {
		v, err := s.Catalog.Topic(ctx, name)
		switch {
		case err == nil:
			view.Entry.View, view.Entry.InCatalog = v, true
		case !isNotFound(err):
			s.fail(w, r, err)
			return
		}
	}
	if s.Broker != nil {
		bts, err := s.Broker.Topics(ctx)
		if err != nil {
			s.Logger.WarnContext(ctx, "ui: broker topics", "err", err)
		}
		for i := range bts {
			if bts[i].Name == name {
				view.Entry.Broker = &bts[i]
			}
		}
	}
	if !view.Entry.InCatalog && view.Entry.Broker == nil {
		s.fail(w, r, errNotFound)
		return
	}
	if view.Entry.Broker != nil {
		msgs, err := s.Broker.Latest(ctx, name, latestMessages)
		if err != nil {
			s.Logger.WarnContext(ctx, "ui: latest messages", "topic", name, "err", err)
			view.MessagesErr = true
		}
		view.Messages = s.viewMessages(ctx, msgs)
		lags, err := s.Broker.GroupLags(ctx, name)
		if err != nil {
			s.Logger.WarnContext(ctx, "ui: consumer group lags", "topic", name, "err", err)
			view.GroupsErr = true
		}
		view.Groups = byGroup(lags)
	}
	t := view.Entry.View.Topic
	key := subjectSummary{Role: "Key", Name: t.KeySubject, Declared: t.KeySubject != ""}
	if key.Name == "" {
		key.Name = name + "-key"
	}
	value := subjectSummary{Role: "Value", Name: t.ValueSubject, Declared: view.Entry.InCatalog}
	if value.Name == "" {
		value.Name = catalog.DefaultValueSubject(name)
	}
	for _, sum := range []subjectSummary{key, value} {
		v, err := s.Registry.Version(ctx, sum.Name, registry.Latest, false)
		switch {
		case err == nil:
			sum.Found, sum.Latest = true, viewVersion(v)
			if sum.Level, _, err = s.level(ctx, sum.Name); err != nil {
				s.fail(w, r, err)
				return
			}
		case registry.CodeOf(err) != registry.CodeSubjectNotFound:
			s.fail(w, r, err)
			return
		}
		if sum.Found || sum.Declared || sum.Role == "Value" {
			view.Subjects = append(view.Subjects, sum)
		}
	}
	s.render(w, r, http.StatusOK, topicPage(view))
}

// sortedConfigs lists a topic's configs as name-value pairs, by name.
func sortedConfigs(m map[string]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for k, v := range m {
		out = append(out, [2]string{k, v})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}
