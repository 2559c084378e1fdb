// Package charter_test enforces the dependency rules of DESIGN.md: the
// domain at the centre imports no edge, and each format library stays in the
// one package that wraps it.
package charter_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/charterhq/charter"

// allowed maps a package (relative to the module) to the import path
// prefixes it may use besides the standard library. A package not listed may
// import anything but cmd.
var allowed = map[string][]string{
	"compat":                {},
	"compat/avro":           {"compat", "github.com/hamba/avro/v2"},
	"compat/protobuf":       {"compat", "github.com/bufbuild/protocompile", "google.golang.org/protobuf", "github.com/jhump/protoreflect"},
	"compat/jsonschema":     {"compat", "github.com/santhosh-tekuri/jsonschema/v6"},
	"registry":              {"compat"},
	"registry/sqlite":       {"registry", "modernc.org/sqlite"},
	"registry/postgres":     {"registry", "github.com/jackc/pgx/v5"},
	"registry/confluent":    {"registry", "compat"},
	"registry/registrytest": {"registry", "compat"},
	"check":                 {"compat", "go.yaml.in/yaml/v3"},
	"catalog":               {"registry", "go.yaml.in/yaml/v3"},
	"catalog/catalogtest":   {"catalog"},
	"catalog/sqlite":        {"catalog"},
	"catalog/postgres":      {"catalog", "github.com/jackc/pgx/v5"},
	"catalog/rpc":           {"catalog", "catalog/v1", "registry", "registry/rpc", "connectrpc.com/connect", "google.golang.org/protobuf"},
	"registry/rpc":          {"registry", "registry/v1", "compat", "connectrpc.com/connect", "google.golang.org/protobuf"},
	"ui":                    {"registry", "catalog", "compat", "github.com/a-h/templ"},
	"migrations":            {},
	"log":                   {"golang.org/x/sys"},
	"log/kafka":             {"log", "github.com/twmb/franz-go", "github.com/klauspost/compress", "github.com/pierrec/lz4/v4"},
}

// wrapped lists libraries that only one package may import.
var wrapped = map[string]string{
	"github.com/hamba/avro/v2":                 "compat/avro",
	"github.com/bufbuild/protocompile":         "compat/protobuf",
	"github.com/santhosh-tekuri/jsonschema/v6": "compat/jsonschema",
}

func TestDependencyRules(t *testing.T) {
	imports := packageImports(t)
	if len(imports) < 5 {
		t.Fatalf("found only %d packages; is the test running at the module root?", len(imports))
	}
	for pkg, imps := range imports {
		for _, imp := range imps {
			if imp == module+"/cmd" || strings.HasPrefix(imp, module+"/cmd/") {
				t.Errorf("%s imports %s: nothing may import cmd", pkg, imp)
			}
			for lib, owner := range wrapped {
				if strings.HasPrefix(imp, lib) && pkg != owner && !strings.HasPrefix(pkg, "cmd/") {
					t.Errorf("%s imports %s, which only %s may wrap", pkg, imp, owner)
				}
			}
			rules, ok := allowed[pkg]
			if !ok || isStdlib(imp) {
				continue
			}
			if !permitted(imp, rules) {
				t.Errorf("%s imports %s; it may import only the standard library and %v", pkg, imp, rules)
			}
		}
	}
}

func permitted(imp string, rules []string) bool {
	for _, r := range rules {
		if !strings.Contains(r, ".") {
			r = module + "/" + r
		}
		if imp == r || strings.HasPrefix(imp, r+"/") {
			return true
		}
	}
	return false
}

func isStdlib(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// packageImports reads the imports of every non-test Go file in the module,
// by package directory.
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			out[pkg] = append(out[pkg], strings.Trim(imp.Path.Value, `"`))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
