package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is one catalog file: its name, for messages, and its content.
type File struct {
	Name string
	Data []byte
}

// ParseSpec reads the catalog files (see the package documentation for the
// format), merges them, and validates the result as Apply would. On any
// problem it returns no Spec and an error with CodeUnprocessable (422) whose
// message has one line per problem, "file:line:column: what is wrong",
// sorted by file and position: YAML syntax, unknown keys, wrong types,
// repeated keys, names declared twice across files, and dangling
// references. The Spec it returns is normalised (see Spec).
func ParseSpec(files []File) (Spec, error) {
	p := &parser{pos: map[ref]position{}}
	syntaxOK := true
	for _, f := range files {
		p.file = f.Name
		syntaxOK = p.parseFile(f.Data) && syntaxOK
	}
	problems := p.problems
	// Reference checks on a spec missing a file that is not YAML would
	// only echo that one error as dangling references; and a rule broken
	// where a key or value was already reported wrong is the same error.
	if syntaxOK {
		reported := map[position]bool{}
		for _, pr := range p.problems {
			reported[pr.at] = true
		}
		for _, pr := range validate(p.spec, p.locate) {
			if !reported[pr.at] {
				problems = append(problems, pr)
			}
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return Spec{}, invalid(problems)
	}
	return p.spec.normalize(), nil
}

// LoadSpec reads the catalog at path: one file, or every *.yaml and *.yml
// file under a folder (recursively, skipping hidden folders), and parses
// them with ParseSpec. Messages name files by their path.
func LoadSpec(path string) (Spec, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Spec{}, err
	}
	var files []File
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return Spec{}, err
		}
		return ParseSpec([]File{{Name: path, Data: data}})
	}
	err = filepath.WalkDir(path, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name != path && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(name); d.IsDir() || (ext != ".yaml" && ext != ".yml") {
			return nil
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, File{Name: name, Data: data})
		return nil
	})
	if err != nil {
		return Spec{}, err
	}
	if len(files) == 0 {
		return Spec{}, fmt.Errorf("%s: no *.yaml or *.yml files", path)
	}
	return ParseSpec(files)
}

// parser walks YAML nodes into a Spec, recording where each entity and
// field was written and every problem it meets.
type parser struct {
	file     string
	spec     Spec
	pos      map[ref]position
	problems []problem
}

func (p *parser) at(n *yaml.Node) position { return position{p.file, n.Line, n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.problems = append(p.problems, problem{at: p.at(n), msg: fmt.Sprintf(format, args...)})
}

// locate implements locator: a field's own position, else its list's (for
// "tags/2"), else the entity's.
func (p *parser) locate(r ref) position {
	if pos, ok := p.pos[r]; ok {
		return pos
	}
	if list, _, ok := strings.Cut(r.field, "/"); ok {
		if pos, ok := p.pos[ref{r.entity, r.index, list}]; ok {
			return pos
		}
	}
	return p.pos[ref{r.entity, r.index, ""}]
}

// parseFile parses the documents of one file; it reports false when the file
// is not YAML.
func (p *parser) parseFile(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			line, msg := syntaxError(err)
			p.problems = append(p.problems, problem{at: position{p.file, line, 1}, msg: msg})
			return false
		}
		if len(doc.Content) == 1 {
			p.root(doc.Content[0])
		}
	}
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// syntaxError splits the YAML parser's message into a line and the rest.
func syntaxError(err error) (int, string) {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return line, "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")
}

func (p *parser) root(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty document
	}
	p.fields(n, "the catalog", []key{
		{"teams", func(v *yaml.Node) { p.list(v, "teams", p.team) }},
		{"services", func(v *yaml.Node) { p.list(v, "services", p.service) }},
		{"topics", func(v *yaml.Node) { p.list(v, "topics", p.topic) }},
	})
}

// key is a known key of a mapping and what its value sets.
type key struct {
	name string
	set  func(v *yaml.Node)
}

// fields walks mapping n, calling each known key's set, and reports what
// is not a mapping, unknown keys and repeated keys. what names the mapping
// in messages.
func (p *parser) fields(n *yaml.Node, what string, keys []key) bool {
	if !p.is(n, yaml.MappingNode, what, "a mapping") {
		return false
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be plain words", what)
			continue
		}
		if first, ok := seen[k.Value]; ok {
			p.errorf(k, "%s: key %q is repeated (first at %s)", what, k.Value, p.at(first))
			continue
		}
		seen[k.Value] = k
		known := false
		for _, kk := range keys {
			if kk.name == k.Value {
				kk.set(v)
				known = true
				break
			}
		}
		if !known {
			names := make([]string, len(keys))
			for j, kk := range keys {
				names[j] = kk.name
			}
			p.errorf(k, "%s: unknown key %q (known keys: %s)", what, k.Value, strings.Join(names, ", "))
		}
	}
	return true
}

// is reports whether n has kind, reporting a problem when it has not.
func (p *parser) is(n *yaml.Node, kind yaml.Kind, what, want string) bool {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "%s: aliases (*name) are not supported", what)
		return false
	}
	if n.Kind != kind {
		p.errorf(n, "%s: want %s, got %s", what, want, describe(n))
		return false
	}
	return true
}

// describe names what a node holds, for "want X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	case "!!null":
		return "nothing"
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	}
	return fmt.Sprintf("%s %s", n.Tag, n.Value)
}

// list walks sequence n, calling item for each element; null is an empty
// list.
func (p *parser) list(n *yaml.Node, what string, item func(*yaml.Node)) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if p.is(n, yaml.SequenceNode, what, "a list") {
		for _, e := range n.Content {
			item(e)
		}
	}
}

// str returns the string n holds; null is "". Anything else is a problem
// (quote numbers and booleans meant as strings).
func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!str" && n.Tag != "!!timestamp" {
		p.errorf(n, "%s: want a string, got %s (quote it to make it one)", what, describe(n))
		return ""
	}
	if !p.is(n, yaml.ScalarNode, what, "a string") {
		return ""
	}
	return n.Value
}

// strs returns the strings of list n, recording where each was written
// under field of r.
func (p *parser) strs(n *yaml.Node, what string, r ref) []string {
	var out []string
	p.list(n, what, func(e *yaml.Node) {
		p.pos[ref{r.entity, r.index, fmt.Sprintf("%s/%d", r.field, len(out))}] = p.at(e)
		out = append(out, p.str(e, what))
	})
	return out
}

// setStr returns a key that stores a string field of entity r.
func (p *parser) setStr(r ref, name, what string, dst *string) key {
	return key{name, func(v *yaml.Node) {
		p.pos[ref{r.entity, r.index, name}] = p.at(v)
		*dst = p.str(v, what+" "+name)
	}}
}

func sortProblems(problems []problem) {
	slices.SortStableFunc(problems, func(a, b problem) int { return comparePositions(a.at, b.at) })
}
