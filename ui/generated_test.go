package ui_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// templVersion is the templ CLI that `make generate` runs; it must equal the
// github.com/a-h/templ version in go.mod.
const templVersion = "v0.3.977"

// TestGeneratedCodeIsFresh regenerates the components in a scratch folder
// with the pinned templ CLI and fails when a committed *_templ.go differs.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the templ CLI through go run")
	}
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`github\.com/a-h/templ (v\S+)`).FindSubmatch(mod); m == nil || string(m[1]) != templVersion {
		t.Fatalf("go.mod has templ %q; the test and the Makefile pin %s", m, templVersion)
	}
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no .templ files: %v", err)
	}
	dir := t.TempDir()
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, src), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goCmd, "run", "github.com/a-h/templ/cmd/templ@"+templVersion, "generate", "-path", dir)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		target := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(dir, target))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("%v: run make generate", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate", target)
		}
	}
}
