package ui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/charterhq/charter/ui"
)

// chromium finds Debian's chromium. In CI (CI=true) a missing browser fails
// the test: .ci/run installs it, so its absence is a broken machine, not a
// reason to skip.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; .ci/run installs it with apt-get install chromium")
	}
	t.Skip("chromium is not installed (apt-get install chromium); CI=true makes this a failure")
	return ""
}

// artifacts is where screenshots go: $CHARTER_ARTIFACTS when set, so CI can
// keep them, else the test's temporary folder.
func artifacts(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("CHARTER_ARTIFACTS"); dir != "" {
		dir = filepath.Join(dir, "ui")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// TestBrowser drives chromium through the UI as a person would: land on /,
// search as they type, open a topic and read its owner and decoded messages,
// open a subject and compare two of its versions, in light and dark.
func TestBrowser(t *testing.T) {
	path := chromium(t)
	shots := artifacts(t)
	f := newFixture(t)

	// main's wiring: browsers asking for / go to /ui/.
	h := ui.New(f.deps())
	mux := http.NewServeMux()
	mux.Handle("/ui/", h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && ui.WantsHTML(r) {
			http.Redirect(w, r, "/ui/", http.StatusFound)
			return
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	parent, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		must("read "+sel, err)
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must("screenshot "+name, err)
		must("save "+name, os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644))
	}
	expect := func(what, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", what, got, w)
			}
		}
	}

	// Landing on / redirects to the overview.
	must("open /", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if loc != srv.URL+"/ui/" {
		t.Errorf("/ led to %s, want the overview", loc)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	must("title", err)
	if title != "Overview · Charter" {
		t.Errorf("title %q", title)
	}
	htmxLoaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx === "object"`))
	must("htmx", err)
	if !htmxLoaded {
		t.Error("htmx did not load from /ui/static/")
	}
	// The first Tab reaches the skip link.
	must("tab", chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	must("focus", err)
	if focused != "skip-link" {
		t.Errorf("first Tab focused %q, want the skip link", focused)
	}
	shot("1-overview")

	// Search as you type: htmx swaps the results in without a page load.
	must("open search", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ui/search")))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.samePage = true`))
	must("mark page", err)
	must("type", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("q"), "ord")))
	must("results", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#search-results a[href="/ui/topics/orders"]`))))
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.samePage === true`))
	must("same page", err)
	if !same {
		t.Error("typing reloaded the page instead of swapping the results in")
	}
	expect("results", text("#search-results"), "orders", "orders-value")
	shot("2-search")

	// Open the topic: its owner, team contacts and decoded messages.
	must("open topic", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#search-results a[href="/ui/topics/orders"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="owner"]`)),
	))
	expect("owner", text(`[data-testid="owner"]`), "checkout", "payments", "payments@acme.example")
	expect("messages", text(`[data-testid="messages"]`), `"gift wrap"`, `"id": "order-42"`, "could not decode through the schema")
	expect("partitions", text(`[data-testid="partitions"]`), "5", "7")
	expect("consumers", text(`[data-testid="consumers"]`), "billing-orders", "analytics", "undeclared")
	shot("3-topic")

	// Open a subject and compare two versions with the form.
	must("open subject", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/ui/subjects/payments-value"),
		chromedp.WaitVisible(chromedp.CSS(`#v3 pre.code`)),
	))
	expect("level", text(`[data-testid="level"]`), "BACKWARD")
	shot("4-subject")
	must("compare", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.diff-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="diff"]`)),
	))
	expect("verdict", text(`[data-testid="verdict"]`), "Incompatible", "BACKWARD", "TYPE_MISMATCH", "/fields/0/type")
	changed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("tr.row-changed").length`))
	must("changed rows", err)
	if changed != 1 {
		t.Errorf("%d changed rows, want 1", changed)
	}
	loc, err = chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	expect("diff URL", loc, "/ui/subjects/payments-value/diff?from=2&to=3")
	shot("5-diff")

	// The dark scheme follows the system's preference.
	must("dark", chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	})))
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	must("background", err)
	if bg != "rgb(13, 17, 23)" {
		t.Errorf("dark background %q", bg)
	}
	shot("6-diff-dark")
	t.Logf("screenshots in %s", shots)
}
