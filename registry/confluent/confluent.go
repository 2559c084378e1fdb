// Package confluent serves the registry over the Confluent Schema Registry
// REST API, so that existing serializers and tools work against Charter
// unchanged: the same paths, query parameters, JSON shapes, status codes,
// error bodies ({"error_code": 40401, "message": "..."}) and content types.
//
// It is a thin edge: it decodes requests, calls registry.Service, and encodes
// answers; every rule lives in the registry. It knows HTTP and JSON, nothing
// of storage or schema syntax.
package confluent

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/charterhq/charter/registry"
)

// MaxBodyBytes bounds request bodies; larger ones are answered 413.
const MaxBodyBytes = 16 << 20

// Handler is the Confluent REST API over a registry.Service.
type Handler struct {
	svc    *registry.Service
	logger *slog.Logger
	mux    *http.ServeMux

	// Version is what /v1/metadata/version reports.
	Version string
}

// New returns the API's handler. It serves every path it knows and answers
// the rest with Confluent's 404 and 405 bodies.
func New(svc *registry.Service, logger *slog.Logger) *Handler {
	h := &Handler{svc: svc, logger: logger, mux: http.NewServeMux(), Version: "dev"}
	h.routes()
	return h
}

// routes lists every route of the API in one place.
func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /{$}", h.root)
	m.HandleFunc("POST /{$}", h.root)

	m.HandleFunc("GET /schemas", h.listSchemas)
	m.HandleFunc("GET /schemas/types", h.schemaTypes)
	m.HandleFunc("GET /schemas/ids/{id}", h.schemaByID)
	m.HandleFunc("GET /schemas/ids/{id}/schema", h.rawSchemaByID)
	m.HandleFunc("GET /schemas/ids/{id}/subjects", h.schemaSubjects)
	m.HandleFunc("GET /schemas/ids/{id}/versions", h.schemaVersions)
	m.HandleFunc("GET /schemas/guids/{guid}", h.schemaByGUID)
	m.HandleFunc("GET /schemas/guids/{guid}/ids", h.schemaIDsByGUID)

	m.HandleFunc("GET /subjects", h.listSubjects)
	m.HandleFunc("POST /subjects/{subject}", h.lookup)
	m.HandleFunc("DELETE /subjects/{subject}", h.deleteSubject)
	m.HandleFunc("GET /subjects/{subject}/versions", h.listVersions)
	m.HandleFunc("POST /subjects/{subject}/versions", h.register)
	m.HandleFunc("GET /subjects/{subject}/versions/{version}", h.getVersion)
	m.HandleFunc("GET /subjects/{subject}/versions/{version}/schema", h.rawVersion)
	m.HandleFunc("GET /subjects/{subject}/versions/{version}/referencedby", h.referencedBy)
	m.HandleFunc("DELETE /subjects/{subject}/versions/{version}", h.deleteVersion)

	m.HandleFunc("POST /compatibility/subjects/{subject}/versions", h.compatibility)
	m.HandleFunc("POST /compatibility/subjects/{subject}/versions/{$}", h.compatibility)
	m.HandleFunc("POST /compatibility/subjects/{subject}/versions/{version}", h.compatibility)

	m.HandleFunc("GET /config", h.getConfig)
	m.HandleFunc("PUT /config", h.putConfig)
	m.HandleFunc("DELETE /config", h.deleteConfig)
	m.HandleFunc("GET /config/{subject}", h.getConfig)
	m.HandleFunc("PUT /config/{subject}", h.putConfig)
	m.HandleFunc("DELETE /config/{subject}", h.deleteConfig)

	m.HandleFunc("GET /mode", h.getMode)
	m.HandleFunc("PUT /mode", h.putMode)
	m.HandleFunc("DELETE /mode", h.deleteMode)
	m.HandleFunc("GET /mode/{subject}", h.getMode)
	m.HandleFunc("PUT /mode/{subject}", h.putMode)
	m.HandleFunc("DELETE /mode/{subject}", h.deleteMode)

	m.HandleFunc("GET /contexts", h.listContexts)
	m.HandleFunc("DELETE /contexts/{context}", h.deleteContext)
	m.HandleFunc("/contexts/{context}/{rest...}", h.inContext)

	m.HandleFunc("GET /v1/metadata/id", h.clusterID)
	m.HandleFunc("GET /v1/metadata/version", h.serverVersion)
}

// ServeHTTP implements http.Handler. Paths the API lacks get Confluent's
// JSON 404 and 405 bodies rather than the mux's plain text.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern == "" {
		probe := &statusRecorder{header: http.Header{}}
		h.mux.ServeHTTP(probe, r)
		code := registry.CodeNotFound
		msg := "HTTP 404 Not Found"
		if probe.status == http.StatusMethodNotAllowed {
			code, msg = registry.CodeMethodNotAllowed, "HTTP 405 Method Not Allowed"
			w.Header().Set("Allow", probe.header.Get("Allow"))
		}
		h.fail(w, r, registry.Errorf(code, "%s", msg))
		return
	}
	h.mux.ServeHTTP(w, r)
}

// statusRecorder captures what the mux would answer an unknown path with.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(status int)      { s.status = status }

// inContext serves the /contexts/{context}/... URL prefix by rewriting the
// request to the plain path with context-qualified subjects, as Confluent
// does.
func (h *Handler) inContext(w http.ResponseWriter, r *http.Request) {
	ctxName := r.PathValue("context")
	rest := r.PathValue("rest")
	qualifier := ":" + ctxName + ":"
	if !strings.HasPrefix(ctxName, ".") {
		qualifier = ":." + ctxName + ":"
	}
	r2 := r.Clone(r.Context())
	parts := strings.SplitN(rest, "/", 3)
	switch {
	case parts[0] == "subjects" && len(parts) >= 2:
		r2.URL.Path = "/subjects/" + qualifier + strings.Join(parts[1:], "/")
	case parts[0] == "schemas":
		r2.URL.Path = "/" + rest
		q := r2.URL.Query()
		if q.Get("subject") == "" {
			q.Set("subject", qualifier)
		} else {
			q.Set("subject", qualifier+q.Get("subject"))
		}
		r2.URL.RawQuery = q.Encode()
	case (parts[0] == "config" || parts[0] == "mode") && len(parts) == 1:
		r2.URL.Path = "/" + parts[0] + "/" + qualifier
	case (parts[0] == "config" || parts[0] == "mode") && len(parts) >= 2:
		r2.URL.Path = "/" + parts[0] + "/" + qualifier + strings.Join(parts[1:], "/")
	case parts[0] == "compatibility" && len(parts) == 3 && parts[1] == "subjects":
		r2.URL.Path = "/compatibility/subjects/" + qualifier + parts[2]
	default:
		h.fail(w, r, registry.Errorf(registry.CodeNotFound, "HTTP 404 Not Found"))
		return
	}
	r2.URL.RawPath = ""
	r2.RequestURI = r2.URL.RequestURI()
	h.ServeHTTP(w, r2)
}
