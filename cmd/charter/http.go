package main

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/charterhq/charter/catalog"
	catalogrpc "github.com/charterhq/charter/catalog/rpc"
	"github.com/charterhq/charter/registry"
	registryrpc "github.com/charterhq/charter/registry/rpc"
	"github.com/charterhq/charter/ui"
)

// routes is everything served on the HTTP port besides /healthz and
// /metrics: the Confluent REST API at the root, the Connect APIs under
// their service paths, and the web UI under /ui/, where browsers asking
// for "/" are sent.
func routes(api http.Handler, svc *registry.Service, keeper *catalog.Keeper, deps ui.Deps, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(registryrpc.New(svc, logger))
	mux.Handle(catalogrpc.New(keeper, logger))
	mux.Handle("/ui/", ui.New(deps))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && ui.WantsHTML(r) {
			http.Redirect(w, r, "/ui/", http.StatusFound)
			return
		}
		api.ServeHTTP(w, r)
	}))
	return mux
}

// newMetricsRegistry is the process's one Prometheus registry, served on
// /metrics: the Go runtime's and the process's collectors, to which the
// HTTP handler and the broker add theirs.
func newMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// newHTTPHandler puts the API behind the process's own routes (/healthz,
// /metrics of reg) and request metrics, which it registers on reg.
func newHTTPHandler(api http.Handler, reg *prometheus.Registry, logger *slog.Logger) http.Handler {
	m := newHTTPMetrics(reg)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}))
	mux.Handle("/", api)
	return m.instrument(mux)
}

// httpMetrics counts requests and times them by route and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "charter_http_request_duration_seconds",
			Help:    "HTTP request latency, by method and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// instrument records each request under the route pattern that served it:
// the innermost mux leaves its pattern on the request, so labels stay few
// whatever the paths.
func (m *httpMetrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
