package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/charterhq/charter/compat"
)

// tree is a set of files: the working tree, or the same directory at a git
// ref. Names are slash-separated and relative to the checked directory.
type tree interface {
	// read returns a file's content; ok is false when the tree lacks it.
	read(name string) (content []byte, ok bool, err error)
	// list returns every file's name.
	list() ([]string, error)
}

// dirTree is the working tree.
type dirTree struct{ dir string }

func (t dirTree) read(name string) ([]byte, bool, error) {
	b, err := os.ReadFile(filepath.Join(t.dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (t dirTree) list() ([]string, error) {
	var out []string
	err := filepath.WalkDir(t.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != t.dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(t.dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

// gitTree is the checked directory as it was at a ref, read through git.
type gitTree struct {
	ctx      context.Context
	dir, ref string
}

func openGitTree(ctx context.Context, dir, ref string) (gitTree, error) {
	t := gitTree{ctx: ctx, dir: dir, ref: ref}
	if _, err := t.git("rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return t, usageErrorf("--against %s: not a commit in the git repository at %s", ref, dir)
	}
	return t, nil
}

func (t gitTree) git(args ...string) ([]byte, error) {
	cmd := exec.CommandContext(t.ctx, "git", args...)
	cmd.Dir = t.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func (t gitTree) read(name string) ([]byte, bool, error) {
	// ls-tree first, so that "absent" is told apart from a failing git.
	out, err := t.git("ls-tree", "--name-only", t.ref, "--", name)
	if err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(string(out)) == "" {
		return nil, false, nil
	}
	b, err := t.git("show", t.ref+":./"+name)
	return b, err == nil, err
}

// list names the files under the checked directory at the ref; git lists
// them relative to it.
func (t gitTree) list() ([]string, error) {
	out, err := t.git("ls-tree", "-r", "--name-only", "-z", t.ref)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range strings.Split(string(out), "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// selectFiles returns the schema files of t that the run covers: those under
// scope (files or directories; all when empty) that charter.yaml maps or,
// without mappings, that carry a schema extension (.json only with a
// top-level "$schema", so that package.json and friends stay out).
func selectFiles(t tree, cfg *config, scope []string) ([]string, error) {
	all, err := t.list()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range all {
		explicit, in := inScope(name, scope)
		if !in {
			continue
		}
		switch {
		case len(cfg.Schemas) > 0 && !explicit:
			if cfg.entryFor(name) == nil {
				continue
			}
		case explicit:
			// A named file is checked if its format is known at all.
		case path.Ext(name) == ".json":
			b, _, err := t.read(name)
			if err != nil {
				return nil, err
			}
			if !declaresSchema(b) {
				continue
			}
		case formatOf(path.Ext(name)) == "":
			continue
		}
		out = append(out, name)
	}
	return out, nil
}

// inScope reports whether name is under one of scope's files or directories
// (everything is when scope is empty), and whether scope names it itself.
func inScope(name string, scope []string) (explicit, in bool) {
	if len(scope) == 0 {
		return false, true
	}
	for _, s := range scope {
		s = path.Clean(filepath.ToSlash(s))
		if s == name {
			return true, true
		}
		if s == "." || strings.HasPrefix(name, s+"/") {
			in = true
		}
	}
	return false, in
}

func declaresSchema(b []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return false
	}
	_, ok := top["$schema"]
	return ok
}

var protoImport = regexp.MustCompile(`(?m)^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;`)

// protoImports returns the local files a .proto file imports, directly or
// not, dependencies first, as references named by their import paths. An
// import that no local file answers is left to the format: it may be a
// built-in (google/protobuf/…), or the parser says it is missing.
func protoImports(t tree, cfg *config, file string, text []byte) ([]localImport, error) {
	roots := append([]string{"."}, cfg.Protobuf.ImportPaths...)
	var out []localImport
	seen := map[string]bool{}
	var visit func(text []byte) error
	visit = func(text []byte) error {
		for _, m := range protoImport.FindAllSubmatch(text, -1) {
			imp := string(m[1])
			if seen[imp] {
				continue
			}
			seen[imp] = true
			for _, root := range roots {
				name := path.Join(root, imp)
				if name == file {
					continue
				}
				b, ok, err := t.read(name)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				if err := visit(b); err != nil {
					return err
				}
				out = append(out, localImport{file: name, ref: compat.Reference{Name: imp, Schema: string(b)}})
				break
			}
		}
		return nil
	}
	return out, visit(text)
}

// localImport is a .proto file of the tree that another imports.
type localImport struct {
	file string // its name in the tree
	ref  compat.Reference
}
