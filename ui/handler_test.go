package ui_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charterhq/charter/ui"
)

// get serves one request and returns its status and body.
func get(t *testing.T, h http.Handler, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body), rec.Header()
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	h := ui.New(f.deps())
	paymentV3 := strconv.Itoa(f.IDs["payments-value v3"])
	tests := []struct {
		path   string
		status int
		want   []string
		unwant []string
	}{
		{"/ui/", 200, []string{"<h1>Overview</h1>", "unowned topics", "legacy", "analytics", `href="/ui/topics?drift=1"`}, nil},
		{"/ui/topics", 200, []string{"orders", "payments", "shipments", "legacy", "clickstream", "not in catalog", "5 of 5 topics"}, []string{"__consumer_offsets"}},
		{"/ui/topics?team=logistics", 200, []string{"1 of 5 topics", `href="/ui/topics/shipments"`, `<option value="logistics" selected>`}, []string{`href="/ui/topics/orders"`}},
		{"/ui/topics?service=billing", 200, []string{"2 of 5 topics", `href="/ui/topics/orders"`, `href="/ui/topics/payments"`}, []string{`href="/ui/topics/shipments"`}},
		{"/ui/topics?tag=pii", 200, []string{"1 of 5 topics", `href="/ui/topics/orders"`}, []string{`href="/ui/topics/payments"`}},
		{"/ui/topics?unowned=1", 200, []string{`href="/ui/topics/legacy"`, `name="unowned" value="1" checked`}, []string{`href="/ui/topics/orders"`}},
		{"/ui/topics?drift=1", 200, []string{`href="/ui/topics/legacy"`, `href="/ui/topics/orders"`}, []string{`href="/ui/topics/shipments"`}},
		{"/ui/topics/orders", 200, []string{
			"Orders as placed", `href="/ui/services/checkout"`, `href="/ui/teams/payments"`,
			`href="mailto:payments@acme.example"`, "#payments", `href="https://oncall.acme.example/payments"`,
			"confidential", "pii",
			`href="/ui/subjects/orders-key"`, `href="/ui/subjects/orders-value"`, "latest v2", "compatibility NONE",
			"checkout-7f9c", "billing-orders", "analytics", "undeclared",
			"gift wrap", "order-42", "could not decode through the schema", `href="/ui/schemas/9999"`,
			"trace", "abc123", "<code>cleanup.policy</code>",
		}, nil},
		{"/ui/topics/clickstream", 200, []string{"The catalog does not know this topic", "ff 00 13 37", "No schema is registered under clickstream-value."}, nil},
		{"/ui/topics/nope", 404, []string{"<h1>Not found</h1>"}, nil},
		{"/ui/subjects", 200, []string{"orders-key", "orders-value", "payments-value", "shipments-value", "PROTOBUF", "AVRO", "JSON"}, nil},
		{"/ui/subjects/payments-value", 200, []string{"Version 3", "Version 2", "Version 1", "BACKWARD", `class="tok-key"`, `href="/ui/subjects/payments-value/diff?from=2&amp;to=3"`, `href="/ui/topics/payments"`}, nil},
		{"/ui/subjects/shipments-value", 200, []string{`<span class="tok-kw">message</span>`, `<span class="tok-type">int64</span>`}, nil},
		{"/ui/subjects/payments-value/diff?from=2&to=3", 200, []string{"Incompatible", "at BACKWARD", `data-testid="violations"`, "/fields/0/type", "1 line removed, 1 line added."}, nil},
		{"/ui/subjects/payments-value/diff?from=1&to=2", 200, []string{"Compatible", "could follow v1"}, []string{"violations"}},
		{"/ui/subjects/payments-value/diff", 200, []string{"Compare v2 with v3"}, nil},
		{"/ui/subjects/payments-value/diff?from=3&to=3", 200, []string{"nothing to check"}, nil},
		{"/ui/subjects/payments-value/diff?from=x", 400, []string{"positive number"}, nil},
		{"/ui/subjects/payments-value/diff?from=9", 404, []string{"Version 9 not found"}, nil},
		{"/ui/subjects/nope", 404, []string{"Subject &#39;nope&#39; not found."}, nil},
		{"/ui/schemas/" + paymentV3, 200, []string{`href="/ui/subjects/payments-value#v3"`, "AVRO", `class="tok-key"`}, nil},
		{"/ui/schemas/9999", 404, []string{"Schema 9999 not found"}, nil},
		{"/ui/schemas/x", 404, nil, nil},
		{"/ui/services", 200, []string{"checkout", "billing", "shipper", "experimental"}, nil},
		{"/ui/services/billing", 200, []string{"Invoices customers", `href="/ui/teams/payments"`, `href="/ui/topics/payments"`, `href="/ui/topics/orders"`, "billing-orders"}, nil},
		{"/ui/services/nope", 404, nil, nil},
		{"/ui/teams", 200, []string{"payments", "logistics", "payments@acme.example"}, nil},
		{"/ui/teams/logistics", 200, []string{"Parcels", `href="/ui/services/shipper"`, `href="/ui/topics/shipments"`}, []string{`href="/ui/topics/orders"`}},
		{"/ui/teams/nope", 404, nil, nil},
		{"/ui/search?q=ORD", 200, []string{`href="/ui/topics/orders"`, `href="/ui/subjects/orders-value"`, `value="ORD"`}, []string{`href="/ui/topics/shipments"`}},
		{"/ui/search?q=parcel", 200, []string{`href="/ui/topics/shipments"`, `href="/ui/services/shipper"`, `href="/ui/teams/logistics"`}, nil},
		{"/ui/search?q=" + paymentV3, 200, []string{`href="/ui/schemas/` + paymentV3 + `"`}, nil},
		{"/ui/search?q=zzz", 200, []string{"0 results"}, nil},
		{"/ui/elsewhere", 404, []string{"There is no page at /ui/elsewhere."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body, header := get(t, h, tt.path)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body:\n%s", status, tt.status, body)
			}
			if ct := header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tt.unwant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			checkPage(t, body)
		})
	}
}

var (
	headingRE = regexp.MustCompile(`<h([1-6])[ >]`)
	idRE      = regexp.MustCompile(` id="([^"]+)"`)
)

// checkPage asserts what every page owes its readers: a language, a skip
// link to main, one h1, headings that never skip a level going down, and
// unique IDs.
func checkPage(t *testing.T, body string) {
	t.Helper()
	for _, w := range []string{`<html lang="en">`, `<a class="skip-link" href="#main">`, `<main id="main"`, `<nav aria-label="Main">`} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	prev := 0
	h1 := 0
	for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
		level, _ := strconv.Atoi(m[1])
		if level == 1 {
			h1++
		}
		if level > prev+1 {
			t.Errorf("heading h%d follows h%d", level, prev)
		}
		prev = level
	}
	if h1 != 1 {
		t.Errorf("%d h1 headings, want 1", h1)
	}
	seen := map[string]bool{}
	for _, m := range idRE.FindAllStringSubmatch(body, -1) {
		if seen[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		seen[m[1]] = true
	}
}

func TestSearchFragmentForHTMX(t *testing.T) {
	h := ui.New(newFixture(t).deps())
	status, body, header := get(t, h, "/ui/search?q=ship", "HX-Request", "true")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	if strings.Contains(body, "<html") || !strings.HasPrefix(strings.TrimSpace(body), `<section id="search-results"`) {
		t.Errorf("htmx got more than the results fragment:\n%s", body)
	}
	if !strings.Contains(body, `href="/ui/topics/shipments"`) {
		t.Errorf("fragment lacks the shipments topic:\n%s", body)
	}
	if header.Get("Vary") != "HX-Request" {
		t.Errorf("Vary %q", header.Get("Vary"))
	}
	// A history restore needs the whole page.
	_, body, _ = get(t, h, "/ui/search?q=ship", "HX-Request", "true", "HX-History-Restore-Request", "true")
	if !strings.Contains(body, "<html") {
		t.Error("a history restore got only the fragment")
	}
}

func TestStatic(t *testing.T) {
	h := ui.New(newFixture(t).deps())
	_, page, _ := get(t, h, "/ui/")
	for _, tt := range []struct{ name, ctype, want string }{
		{"style.css", "text/css; charset=utf-8", "prefers-color-scheme: dark"},
		{"htmx.min.js", "text/javascript; charset=utf-8", "htmx"},
	} {
		m := regexp.MustCompile(`/ui/static/` + regexp.QuoteMeta(tt.name) + `\?v=[0-9a-f]+`).FindString(page)
		if m == "" {
			t.Fatalf("page does not link %s", tt.name)
		}
		status, body, header := get(t, h, m)
		if status != 200 || header.Get("Content-Type") != tt.ctype || !strings.Contains(body, tt.want) {
			t.Errorf("%s: status %d, Content-Type %q, has %q: %t", m, status, header.Get("Content-Type"), tt.want, strings.Contains(body, tt.want))
		}
		if !strings.Contains(header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q", m, header.Get("Cache-Control"))
		}
	}
	if status, _, _ := get(t, h, "/ui/static/"); status != 404 {
		t.Errorf("static directory listing: status %d", status)
	}
	if strings.Contains(page, "http://") && regexp.MustCompile(`<(script|link)[^>]+https?://`).MatchString(page) {
		t.Error("the page loads an asset from another origin")
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := ui.New(newFixture(t).deps())
	_, _, header := get(t, h, "/ui/topics")
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options: nosniff")
	}
}

func TestWithoutCatalogAndBroker(t *testing.T) {
	f := newFixture(t)
	h := ui.New(ui.Deps{Registry: f.Registry})
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/ui/", 200, "The catalog is off"},
		{"/ui/topics", 200, "The broker is off"},
		{"/ui/services", 200, "The catalog is off"},
		{"/ui/teams", 200, "The catalog is off"},
		{"/ui/services/billing", 404, "Not found"},
		{"/ui/topics/orders", 404, "Not found"},
		{"/ui/subjects/orders-value", 200, "Version 2"},
		{"/ui/search?q=orders", 200, `href="/ui/subjects/orders-value"`},
	}
	for _, tt := range tests {
		status, body, _ := get(t, h, tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: status %d, has %q: %t", tt.path, status, tt.want, strings.Contains(body, tt.want))
		}
	}
}

func TestBrokerFailureStillRenders(t *testing.T) {
	f := newFixture(t)
	f.Broker.err = errors.New("log closed")
	h := ui.New(f.deps())
	status, body, _ := get(t, h, "/ui/topics")
	if status != 200 || !strings.Contains(body, "The broker did not answer") || !strings.Contains(body, `href="/ui/topics/orders"`) {
		t.Errorf("status %d; body:\n%s", status, body)
	}
	if strings.Contains(body, "log closed") {
		t.Error("the page shows the broker's error")
	}
	status, body, _ = get(t, h, "/ui/topics/orders")
	if status != 200 || !strings.Contains(body, "Orders as placed") {
		t.Errorf("topic page: status %d", status)
	}
}

func TestWithoutDecoder(t *testing.T) {
	f := newFixture(t)
	deps := f.deps()
	deps.Decoder = nil
	_, body, _ := get(t, ui.New(deps), "/ui/topics/orders")
	// Without a decoder the JSON after the header still shows as text.
	for _, w := range []string{"no decoder configured", "order-42", `href="/ui/schemas/` + strconv.Itoa(f.IDs["orders-value v2"]) + `"`} {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

func TestHead(t *testing.T) {
	h := ui.New(newFixture(t).deps())
	req := httptest.NewRequest(http.MethodHead, "/ui/subjects", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", rec.Code, rec.Body.Len())
	}
}

func TestWantsHTML(t *testing.T) {
	tests := []struct {
		method, accept string
		want           bool
	}{
		{"GET", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"GET", "application/xhtml+xml", true},
		{"HEAD", "text/html", true},
		{"GET", "text/html;q=0", false},
		{"GET", "text/html;q=0.0, application/json", false},
		{"GET", "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5", false},
		{"GET", "*/*", false},
		{"GET", "", false},
		{"POST", "text/html", false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, "/", nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		if got := ui.WantsHTML(req); got != tt.want {
			t.Errorf("%s Accept %q: %t, want %t", tt.method, tt.accept, got, tt.want)
		}
	}
}

func TestTopicPageConsumerGroups(t *testing.T) {
	f := newFixture(t)
	rowRE := regexp.MustCompile(`(?s)<tr><th scope="row"><code>([^<]+)</code></th><td class="numeric">(\d+)</td><td class="numeric">(\d+)</td><td class="numeric">(\d+)</td><td class="numeric">(\d+)</td></tr>`)
	totalRE := regexp.MustCompile(`(?s)Total lag of ([^<]+)</th>.*?data-testid="group-total"><strong[^>]*>(\d+)</strong>`)

	t.Run("Rows", func(t *testing.T) {
		_, body, _ := get(t, ui.New(f.deps()), "/ui/topics/orders")
		var rows []string
		for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
			rows = append(rows, strings.Join(m[1:], " "))
		}
		want := []string{"analytics 0 2 2 0", "billing-orders 0 1 2 1", "billing-orders 1 5 7 2"}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Errorf("rows (group partition committed end lag):\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
		var totals []string
		for _, m := range totalRE.FindAllStringSubmatch(body, -1) {
			totals = append(totals, m[1]+" "+m[2])
		}
		if got, want := strings.Join(totals, ", "), "analytics 0, billing-orders 3"; got != want {
			t.Errorf("totals %q, want %q", got, want)
		}
		checkPage(t, body)
	})
	t.Run("NoGroups", func(t *testing.T) {
		_, body, _ := get(t, ui.New(f.deps()), "/ui/topics/clickstream")
		if !strings.Contains(body, "Consumer groups") || !strings.Contains(body, "No consumer group has committed offsets on this topic.") {
			t.Errorf("clickstream page lacks the consumer groups section saying there are none")
		}
	})
	t.Run("BrokerOff", func(t *testing.T) {
		deps := f.deps()
		deps.Broker = nil
		status, body, _ := get(t, ui.New(deps), "/ui/topics/orders")
		if status != 200 || strings.Contains(body, "Consumer groups") {
			t.Errorf("status %d; the page has a consumer groups section with the broker off", status)
		}
	})
	t.Run("BrokerFails", func(t *testing.T) {
		broken := *f.Broker
		broken.err = errors.New("log closed")
		deps := f.deps()
		deps.Broker = &broken
		_, body, _ := get(t, ui.New(deps), "/ui/topics/orders")
		if !strings.Contains(body, "The broker could not read the consumer groups&#39; offsets.") || strings.Contains(body, "log closed") {
			t.Errorf("the page does not say the offsets could not be read, or shows the broker's error")
		}
	})
}
