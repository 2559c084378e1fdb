package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/registry"
)

// maxOverviewDrift bounds the drift the overview lists.
const maxOverviewDrift = 20

// overviewView is the front page.
type overviewView struct {
	Set        topicSet
	Subjects   int
	Services   int
	Teams      int
	Unowned    int
	Drift      []catalog.Drift // the first maxOverviewDrift
	DriftTotal int
}

func (s *server) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	set, err := s.allTopics(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := overviewView{Set: set}
	subjects, err := s.Registry.Subjects(ctx, registry.SubjectQuery{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Subjects = len(subjects)
	for _, e := range set.Topics {
		if e.View.Declared && e.View.Topic.Owner == "" {
			view.Unowned++
		}
	}
	if s.Catalog != nil {
		spec, err := s.Catalog.Spec(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.Services, view.Teams = len(spec.Services), len(spec.Teams)
		drift, err := s.Catalog.Drift(ctx, s.Catalog.StaleAfter, s.Catalog.Now())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.DriftTotal = len(drift)
		view.Drift = drift[:min(len(drift), maxOverviewDrift)]
	}
	s.render(w, r, http.StatusOK, overviewPage(view))
}

// maxResults bounds each group of search results.
const maxResults = 50

// searchView is the search page and, for htmx, its results fragment.
type searchView struct {
	Query    string
	Topics   []topicEntry
	Subjects []string
	Services []catalog.Service
	Teams    []catalog.Team
	SchemaID int // a schema whose ID the query is, or 0
}

// Total counts the results.
func (v searchView) Total() int {
	n := len(v.Topics) + len(v.Subjects) + len(v.Services) + len(v.Teams)
	if v.SchemaID > 0 {
		n++
	}
	return n
}

// matches reports whether any of fields contains q, ignoring case; q is
// already lower case.
func matches(q string, fields ...string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	view := searchView{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if q := strings.ToLower(view.Query); q != "" {
		set, err := s.allTopics(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, e := range set.Topics {
			t := e.View.Topic
			if len(view.Topics) < maxResults && matches(q, append([]string{t.Name, t.Description, t.Owner}, t.Tags...)...) {
				view.Topics = append(view.Topics, e)
			}
		}
		subjects, err := s.Registry.Subjects(ctx, registry.SubjectQuery{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, name := range subjects {
			if len(view.Subjects) < maxResults && matches(q, name) {
				view.Subjects = append(view.Subjects, name)
			}
		}
		if s.Catalog != nil {
			spec, err := s.Catalog.Spec(ctx)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for _, sv := range spec.Services {
				if len(view.Services) < maxResults && matches(q, sv.Name, sv.Description, sv.Team) {
					view.Services = append(view.Services, sv)
				}
			}
			for _, t := range spec.Teams {
				if len(view.Teams) < maxResults && matches(q, t.Name, t.Description, t.Email) {
					view.Teams = append(view.Teams, t)
				}
			}
		}
		if id, err := strconv.Atoi(q); err == nil && id > 0 {
			if _, err := s.Registry.SchemaByID(ctx, id, ""); err == nil {
				view.SchemaID = id
			}
		}
	}
	w.Header().Set("Vary", "HX-Request")
	// htmx asks for the results alone while the user types; a history
	// restore needs the whole page.
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		s.render(w, r, http.StatusOK, searchResults(view))
		return
	}
	s.render(w, r, http.StatusOK, searchPage(view))
}

func searchTitle(q string) string {
	if q == "" {
		return "Search"
	}
	return "Search: " + q
}
