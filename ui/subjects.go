package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// subjectRow is a subject in the subject list.
type subjectRow struct {
	Name     string
	Type     string
	Latest   int
	SchemaID int
	Level    compat.Level
	Topic    string // the topic the name implies (TopicNameStrategy), if any
}

// versionView is one version of a subject, pretty-printed and highlighted.
type versionView struct {
	Version    int
	SchemaID   int
	Type       string
	Created    time.Time
	Lines      []line
	References []registry.Reference
}

// subjectView is the subject page.
type subjectView struct {
	Name     string
	Level    compat.Level
	LevelSet bool // configured on the subject itself, not inherited
	Topic    string
	Versions []versionView // oldest first
}

// Latest is the newest version.
func (v subjectView) Latest() versionView { return v.Versions[len(v.Versions)-1] }

// diffView is the diff page between two versions of a subject.
type diffView struct {
	Subject  string
	Versions []int
	From, To versionView
	Rows     []diffRow
	Removed  int
	Added    int
	Level    compat.Level
	Checked  bool // a check ran (the versions differ)
	Result   registry.CompatibilityResult
	CheckErr string // why the check could not run
}

// schemaView is the page of one schema ID.
type schemaView struct {
	ID         int
	Type       string
	Lines      []line
	References []registry.Reference
	Usage      []registry.SubjectVersion
}

// topicOfSubject returns the topic a subject names by the default
// TopicNameStrategy: "orders-value" → "orders".
func topicOfSubject(subject string) string {
	for _, suffix := range []string{"-value", "-key"} {
		if t, ok := strings.CutSuffix(subject, suffix); ok && t != "" {
			return t
		}
	}
	return ""
}

func schemaType(t string) string {
	if t == "" {
		return registry.TypeAvro
	}
	return t
}

func (s *server) subjects(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	latest, err := s.Registry.Schemas(ctx, registry.SchemaQuery{LatestOnly: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]subjectRow, 0, len(latest))
	for _, v := range latest {
		cfg, err := s.Registry.Config(ctx, v.Subject, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows = append(rows, subjectRow{
			Name:     v.Subject,
			Type:     schemaType(v.Schema.Type),
			Latest:   v.Version,
			SchemaID: v.Schema.ID,
			Level:    cfg.Compatibility,
			Topic:    topicOfSubject(v.Subject),
		})
	}
	s.render(w, r, http.StatusOK, subjectsPage(rows))
}

// viewVersion pretty-prints and highlights a version.
func viewVersion(v registry.Version) versionView {
	t := schemaType(v.Schema.Type)
	return versionView{
		Version:    v.Version,
		SchemaID:   v.Schema.ID,
		Type:       t,
		Created:    v.CreatedAt,
		Lines:      highlight(t, pretty(t, v.Schema.Text)),
		References: v.Schema.References,
	}
}

// level returns subject's effective compatibility level and whether the
// subject sets it itself.
func (s *server) level(ctx context.Context, subject string) (compat.Level, bool, error) {
	own, err := s.Registry.Config(ctx, subject, false)
	if err == nil && own.Compatibility != "" {
		return own.Compatibility, true, nil
	}
	if err != nil && registry.CodeOf(err) != registry.CodeSubjectConfigNotFound {
		return "", false, err
	}
	cfg, err := s.Registry.Config(ctx, subject, true)
	return cfg.Compatibility, false, err
}

func (s *server) subject(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("subject")
	nums, err := s.Registry.Versions(ctx, name, registry.VersionQuery{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := subjectView{Name: name, Topic: topicOfSubject(name)}
	for _, n := range nums {
		v, err := s.Registry.Version(ctx, name, n, false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.Versions = append(view.Versions, viewVersion(v))
	}
	if view.Level, view.LevelSet, err = s.level(ctx, name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, subjectPage(view))
}

// versionParam reads a version number from the query; def when absent.
func versionParam(r *http.Request, key string, def int) (int, error) {
	raw := r.URL.Query().Get(key)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, errors.New("The " + key + " version must be a positive number.")
	}
	return n, nil
}

func (s *server) diff(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("subject")
	nums, err := s.Registry.Versions(ctx, name, registry.VersionQuery{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := versionParam(r, "to", nums[len(nums)-1])
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	defFrom := nums[0]
	for _, n := range nums {
		if n < to {
			defFrom = n
		}
	}
	from, err := versionParam(r, "from", defFrom)
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	fromV, err := s.Registry.Version(ctx, name, from, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	toV, err := s.Registry.Version(ctx, name, to, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := diffView{Subject: name, Versions: nums, From: viewVersion(fromV), To: viewVersion(toV)}
	view.Rows = sideBySide(view.From.Lines, view.To.Lines)
	view.Removed, view.Added = diffStats(view.Rows)
	if view.Level, _, err = s.level(ctx, name); err != nil {
		s.fail(w, r, err)
		return
	}
	if from != to {
		view.Checked = true
		// Could a subject holding only "from" take "to" as its next
		// version? That is the subject's level applied between the two.
		view.Result, err = s.Registry.CheckCompatibility(ctx, name, from, registry.SchemaRequest{
			Schema:     toV.Schema.Text,
			Type:       toV.Schema.Type,
			References: toV.Schema.References,
			Metadata:   json.RawMessage(toV.Schema.Metadata),
		})
		if err != nil {
			var e *registry.Error
			if !errors.As(err, &e) || e.Code == registry.CodeStoreError || e.Code == registry.CodeInternal {
				s.fail(w, r, err)
				return
			}
			view.CheckErr = e.Message
		}
	}
	s.render(w, r, http.StatusOK, diffPage(view))
}

func (s *server) schema(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		s.notFound(w, r)
		return
	}
	sc, err := s.Registry.SchemaByID(ctx, id, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	usage, err := s.Registry.SchemaVersions(ctx, id, "", false)
	if err != nil && registry.CodeOf(err) != registry.CodeSchemaNotFound {
		s.fail(w, r, err)
		return
	}
	t := schemaType(sc.Type)
	s.render(w, r, http.StatusOK, schemaPage(schemaView{
		ID:         id,
		Type:       t,
		Lines:      highlight(t, pretty(t, sc.Text)),
		References: sc.References,
		Usage:      usage,
	}))
}

func versionNumbers(vs []versionView) []int {
	out := make([]int, len(vs))
	for i, v := range vs {
		out[i] = v.Version
	}
	return out
}

// prevVersion is the version before vs[i], 0 for the first.
func prevVersion(vs []versionView, i int) int {
	if i == 0 {
		return 0
	}
	return vs[i-1].Version
}

func rowClass(k rowKind) string {
	switch k {
	case rowRemoved:
		return "row-removed"
	case rowAdded:
		return "row-added"
	case rowChanged:
		return "row-changed"
	}
	return "row-same"
}

// cellLabel tells screen readers which side of a changed diff row a line
// is on; unchanged lines need no label.
func cellLabel(changed bool, what string) string {
	if !changed {
		return ""
	}
	return what + ": "
}
