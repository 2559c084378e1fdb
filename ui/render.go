package ui

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/charterhq/charter/registry"
)

// errNotFound marks a name no source knows; pages answer it with 404.
var errNotFound = errors.New("not found")

// render writes c with status, buffering it first so that a failed render
// becomes a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.Logger.ErrorContext(r.Context(), "ui: render", "path", r.URL.Path, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// fail answers err: a 404 page for names the registry or catalog do not
// know, a 500 page (cause logged, not shown) for anything else.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isNotFound(err) {
		msg := "Nothing here by that name."
		var e *registry.Error
		if errors.As(err, &e) {
			msg = e.Message
		}
		s.render(w, r, http.StatusNotFound, notFoundPage(msg))
		return
	}
	s.Logger.ErrorContext(r.Context(), "ui: page failed", "path", r.URL.Path, "err", err)
	s.render(w, r, http.StatusInternalServerError, errorPage(http.StatusInternalServerError, "Something went wrong while reading this page. The server log has the details."))
}

// isNotFound reports whether err says a subject, version, schema or
// catalog entry does not exist.
func isNotFound(err error) bool {
	if errors.Is(err, errNotFound) {
		return true
	}
	var e *registry.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case registry.CodeNotFound, registry.CodeSubjectNotFound, registry.CodeVersionNotFound, registry.CodeSchemaNotFound:
		return true
	}
	return false
}

// notFound answers every path under /ui/ that no page serves.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, notFoundPage("There is no page at "+r.URL.Path+"."))
}

// badRequest answers a malformed query.
func (s *server) badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	s.render(w, r, http.StatusBadRequest, errorPage(http.StatusBadRequest, msg))
}

func statusText(status int) string { return http.StatusText(status) }

func itoa(n int) string { return strconv.Itoa(n) }

// count says n of noun in English: "1 line", "2 lines".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func i32(n int32) string { return strconv.FormatInt(int64(n), 10) }

// Links to pages; names are escaped as one path segment.
func topicURL(name string) string   { return "/ui/topics/" + url.PathEscape(name) }
func subjectURL(name string) string { return "/ui/subjects/" + url.PathEscape(name) }
func serviceURL(name string) string { return "/ui/services/" + url.PathEscape(name) }
func teamURL(name string) string    { return "/ui/teams/" + url.PathEscape(name) }
func schemaURL(id int) string       { return "/ui/schemas/" + strconv.Itoa(id) }

func diffURL(subject string, from, to int) string {
	return subjectURL(subject) + "/diff?from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
}

func versionAnchor(v int) string { return "v" + strconv.Itoa(v) }
