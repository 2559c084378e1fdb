package confluent_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
	"github.com/charterhq/charter/compat/jsonschema"
	"github.com/charterhq/charter/compat/protobuf"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/confluent"
	"github.com/charterhq/charter/registry/sqlite"
)

var update = flag.Bool("update", false, "rewrite golden files")

// newServer starts the REST API over a fresh SQLite store.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "charter.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := registry.New(sqlite.New(db), []compat.Format{avro.Format{}, protobuf.Format{}, jsonschema.Format{}}, logger)
	srv := httptest.NewServer(confluent.New(svc, logger))
	t.Cleanup(srv.Close)
	return srv
}

// step is one request of a script: "METHOD PATH [BODY]", optionally
// preceded by header lines "Name: value".
type step struct {
	method, path, body string
	header             http.Header
}

// readScript parses a script: blank lines and # comments separate nothing;
// header lines apply to the next request line.
func readScript(t *testing.T, path string) []step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []step
	header := http.Header{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.Contains(strings.SplitN(line, " ", 2)[0], ":"):
			name, value, _ := strings.Cut(line, ":")
			header.Add(name, strings.TrimSpace(value))
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) < 2 {
			t.Fatalf("%s: bad step %q", path, line)
		}
		s := step{method: parts[0], path: parts[1], header: header}
		if len(parts) == 3 {
			s.body = parts[2]
		}
		steps = append(steps, s)
		header = http.Header{}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return steps
}

var volatile = regexp.MustCompile(`"ts":\d+`)

// TestGolden drives every endpoint through testdata/*.script against a fresh
// server and compares status, content type and body with the .golden file.
func TestGolden(t *testing.T) {
	scripts, _ := filepath.Glob("testdata/*.script")
	if len(scripts) == 0 {
		t.Fatal("no scripts in testdata")
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".script")
		t.Run(name, func(t *testing.T) {
			srv := newServer(t)
			var out bytes.Buffer
			for _, s := range readScript(t, script) {
				req, err := http.NewRequest(s.method, srv.URL+s.path, strings.NewReader(s.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header = s.header.Clone()
				if s.body != "" && req.Header.Get("Content-Type") == "" {
					req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				fmt.Fprintf(&out, "### %s %s\n%d %s\n%s\n\n", s.method, s.path, resp.StatusCode, resp.Header.Get("Content-Type"),
					volatile.ReplaceAll(body, []byte(`"ts":0`)))
			}
			golden := strings.TrimSuffix(script, ".script") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("responses differ from %s (run with -update to rewrite, then review the diff):\n%s", golden, firstDiff(got, string(want)))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts with context.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			start := max(0, i-3)
			return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s\ncontext:\n%s", i+1, gl, wl, strings.Join(g[start:min(len(g), i+1)], "\n"))
		}
	}
	return ""
}
