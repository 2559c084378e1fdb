// Package ui is Charter's web UI: server-rendered pages (templ components)
// over the registry, the catalog and the broker, served under /ui/ with
// embedded static assets and no CDN. Every page works without JavaScript;
// htmx, vendored, only enhances (search as you type).
//
// It reads; it never writes. It knows registry.Service and the catalog's
// read methods, and sees the broker only through the small Broker interface
// declared here, which main implements over the log. It knows nothing of
// SQL, the Kafka protocol or how payloads are decoded.
package ui

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/registry"
)

// Broker is what the UI needs from the log: topics with their partitions'
// offsets, the newest records of a topic, and how far behind its consumer
// groups are. Main implements it over the bundled broker (or an external
// cluster).
type Broker interface {
	// Topics lists every topic.
	Topics(ctx context.Context) ([]BrokerTopic, error)
	// Latest returns the newest n records of topic across its partitions.
	Latest(ctx context.Context, topic string, n int) ([]Message, error)
	// GroupLags returns the committed offsets of every consumer group on
	// topic's partitions with their lag, sorted by group and partition;
	// none when no group committed offsets of topic.
	GroupLags(ctx context.Context, topic string) ([]GroupLag, error)
}

// GroupLag is one consumer group's position on one partition: the offset it
// committed (the next it will read), the partition's end offset, and Lag,
// the records between them (0 when the group is ahead).
type GroupLag struct {
	Group                     string
	Partition                 int32
	Committed, EndOffset, Lag int64
}

// BrokerTopic is a topic as the log holds it.
type BrokerTopic struct {
	Name       string
	Partitions []BrokerPartition
	Configs    map[string]string
}

// BrokerPartition is one partition's offset range: StartOffset is the first
// offset still stored, EndOffset the next to be written.
type BrokerPartition struct {
	ID                     int32
	StartOffset, EndOffset int64
}

// Message is one record read from the log.
type Message struct {
	Partition  int32
	Offset     int64
	Time       time.Time
	Key, Value []byte
	Headers    map[string][]byte
}

// Decoder turns a record payload into JSON through its schema. payload is
// what follows the 5-byte wire header (magic byte 0, schema ID). When the
// Decoder is nil or fails, pages show the schema ID and a text or hex
// preview instead.
type Decoder interface {
	DecodeJSON(ctx context.Context, id int, payload []byte) ([]byte, error)
}

// Deps are what the UI reads from. Registry is required. Catalog, Broker
// and Decoder may be nil (Broker and Decoder as nil interfaces, not typed
// nil pointers); the pages then say what is off. Drift is judged by the
// Catalog's own StaleAfter and clock.
type Deps struct {
	Registry *registry.Service
	Catalog  *catalog.Keeper
	Broker   Broker
	Decoder  Decoder
	Logger   *slog.Logger
}

// server holds the dependencies of the page handlers.
type server struct {
	Deps
}

// New returns the handler for every path under /ui/. Mount it at "/ui/".
func New(deps Deps) http.Handler {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &server{Deps: deps}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ui/{$}", s.overview)
	mux.HandleFunc("GET /ui/search", s.search)
	mux.HandleFunc("GET /ui/topics", s.topics)
	mux.HandleFunc("GET /ui/topics/{name}", s.topic)
	mux.HandleFunc("GET /ui/subjects", s.subjects)
	mux.HandleFunc("GET /ui/subjects/{subject}", s.subject)
	mux.HandleFunc("GET /ui/subjects/{subject}/diff", s.diff)
	mux.HandleFunc("GET /ui/schemas/{id}", s.schema)
	mux.HandleFunc("GET /ui/services", s.services)
	mux.HandleFunc("GET /ui/services/{name}", s.service)
	mux.HandleFunc("GET /ui/teams", s.teams)
	mux.HandleFunc("GET /ui/teams/{name}", s.team)
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", staticHandler()))
	mux.HandleFunc("/ui/", s.notFound)
	return secure(mux)
}

// secure sets the headers every page carries: a strict content security
// policy (only our own scripts and styles), no sniffing, no framing.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// WantsHTML reports whether r is a browser asking for a page: a GET or HEAD
// whose Accept header names text/html (or application/xhtml+xml) with a
// non-zero quality. API clients (Accept: application/json, the Confluent
// media types, */*) do not.
func WantsHTML(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, accept := range r.Header.Values("Accept") {
		for _, part := range strings.Split(accept, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if mediaType != "text/html" && mediaType != "application/xhtml+xml" {
				continue
			}
			if q := strings.TrimSpace(params["q"]); q != "" && strings.Trim(q, "0.") == "" {
				continue // q=0: explicitly not acceptable
			}
			return true
		}
	}
	return false
}
