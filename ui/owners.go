package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/charterhq/charter/catalog"
)

// serviceRow is a service in the service list.
type serviceRow struct {
	Service catalog.Service
	Owns    int // topics it owns
}

// usage is one topic a service produces or consumes.
type usage struct {
	Topic   string
	Parties []catalog.Party // the service's own parties on the topic
}

// serviceView is the service page.
type serviceView struct {
	Service   catalog.Service
	Team      *catalog.Team
	Owns      []topicEntry
	Produces  []usage
	Consumes  []usage
	Drift     []catalog.Drift
	BrokerOff bool
}

// teamRow is a team in the team list.
type teamRow struct {
	Team     catalog.Team
	Services int
}

// teamView is the team page.
type teamView struct {
	Team     catalog.Team
	Services []catalog.Service
	Owns     []topicEntry
}

func (s *server) services(w http.ResponseWriter, r *http.Request) {
	if s.Catalog == nil {
		s.render(w, r, http.StatusOK, catalogOffPage("Services", "services"))
		return
	}
	spec, err := s.Catalog.Spec(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]serviceRow, 0, len(spec.Services))
	for _, sv := range spec.Services {
		row := serviceRow{Service: sv}
		for _, t := range spec.Topics {
			if t.Owner == sv.Name {
				row.Owns++
			}
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, servicesPage(rows))
}

func (s *server) service(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if s.Catalog == nil {
		s.fail(w, r, errNotFound)
		return
	}
	spec, err := s.Catalog.Spec(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv, ok := spec.Service(r.PathValue("name"))
	if !ok {
		s.fail(w, r, errNotFound)
		return
	}
	view := serviceView{Service: sv, BrokerOff: s.Broker == nil}
	if t, ok := spec.Team(sv.Team); ok {
		view.Team = &t
	}
	set, err := s.allTopics(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range set.Topics {
		if e.View.Topic.Owner == sv.Name {
			view.Owns = append(view.Owns, e)
		}
		if u := usageOf(e, e.View.Producers, sv.Name); u != nil {
			view.Produces = append(view.Produces, *u)
		}
		if u := usageOf(e, e.View.Consumers, sv.Name); u != nil {
			view.Consumes = append(view.Consumes, *u)
		}
		for _, d := range e.View.Drift {
			if d.Service == sv.Name {
				view.Drift = append(view.Drift, d)
			}
		}
	}
	s.render(w, r, http.StatusOK, servicePage(view))
}

// usageOf collects service's parties on e, nil when it has none.
func usageOf(e topicEntry, parties []catalog.Party, service string) *usage {
	var u *usage
	for _, p := range parties {
		if p.Service != service {
			continue
		}
		if u == nil {
			u = &usage{Topic: e.Name()}
		}
		u.Parties = append(u.Parties, p)
	}
	return u
}

func (s *server) teams(w http.ResponseWriter, r *http.Request) {
	if s.Catalog == nil {
		s.render(w, r, http.StatusOK, catalogOffPage("Teams", "teams"))
		return
	}
	spec, err := s.Catalog.Spec(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]teamRow, 0, len(spec.Teams))
	for _, t := range spec.Teams {
		row := teamRow{Team: t}
		for _, sv := range spec.Services {
			if sv.Team == t.Name {
				row.Services++
			}
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, teamsPage(rows))
}

func (s *server) team(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if s.Catalog == nil {
		s.fail(w, r, errNotFound)
		return
	}
	spec, err := s.Catalog.Spec(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, ok := spec.Team(r.PathValue("name"))
	if !ok {
		s.fail(w, r, errNotFound)
		return
	}
	view := teamView{Team: t}
	for _, sv := range spec.Services {
		if sv.Team == t.Name {
			view.Services = append(view.Services, sv)
		}
	}
	set, err := s.allTopics(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range set.Topics {
		if e.View.Team != nil && e.View.Team.Name == t.Name {
			view.Owns = append(view.Owns, e)
		}
	}
	s.render(w, r, http.StatusOK, teamPage(view))
}

// webURL returns s when it is an http(s) URL worth linking to, else "".
func webURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// driftLabel names a drift kind for people: "undeclared producer".
func driftLabel(k catalog.DriftKind) string { return strings.ReplaceAll(string(k), "_", " ") }
