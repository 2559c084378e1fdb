// Package jsonschema is the JSON Schema room of compat: it parses and validates
// JSON Schema documents (drafts 4, 6, 7, 2019-09 and 2020-12, draft-07 when
// $schema is absent, as Confluent does), renders their canonical and
// normalised text, and reports what stops one schema reading data written
// with another, following Confluent's json-schema-provider SchemaDiff.
//
// It must not know about subjects, versions, compatibility levels, storage or
// HTTP: direction and transitivity belong to compat.Check. It never touches
// the network or the file system: every $ref must be satisfied by the
// references handed to Parse.
package jsonschema

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/charterhq/charter/compat"
	lib "github.com/santhosh-tekuri/jsonschema/v6"
)

var _ compat.Format = Format{}

// typeName is Confluent's schemaType for JSON Schema.
const typeName = "JSON"

// baseURL anchors reference names that are not absolute URLs. The compiler
// needs absolute URLs; "mem" makes plain that nothing is fetched from it.
const baseURL = "mem://charter/"

// rootURL is where the schema being parsed is registered. No reference is
// registered under it, so a reference cannot stand in for the schema itself.
const rootURL = baseURL + ".root.json"

// Format is JSON Schema. The zero value is ready; it holds no state, so it is
// safe for concurrent use.
type Format struct{}

// Type returns "JSON".
func (Format) Type() string { return typeName }

// Schema is a parsed JSON Schema document.
type Schema struct {
	canonical  string
	normalized string
	root       *shape
	text       string      // as given to Parse, for Locate
	loc        *locator    // built by the first Locate
	compiled   *lib.Schema // the compiled root, for Validate
}

// Canonical is the document as compact JSON with its keys in written order.
func (s *Schema) Canonical() string { return s.canonical }

// Normalized is the document as compact JSON with object keys sorted.
func (s *Schema) Normalized() string { return s.normalized }

// Parse parses and validates text against its draft's metaschema. refs are
// the documents text reaches through $ref, each under the name it is
// referred to by.
func (Format) Parse(text string, refs []compat.Reference) (compat.Schema, error) {
	if strings.TrimSpace(text) == "" {
		return nil, parseError("schema is empty")
	}
	root, err := decode(text)
	if err != nil {
		return nil, syntaxParseError(text, "", err)
	}
	if root.kind != kindObject && root.kind != kindBool {
		return nil, parseError("a JSON Schema must be an object or a boolean")
	}
	rootBase := rootURL
	if id := idOf(root, draftOf(root)); id != "" {
		if u, err := url.Parse(id); err == nil && u.IsAbs() {
			rootBase = stripFragment(u.String())
		}
	}
	docs := map[string]*node{}
	for _, ref := range refs {
		n, err := decode(ref.Schema)
		if err != nil {
			return nil, syntaxParseError(ref.Schema, ref.Name, err)
		}
		for _, u := range refURLs(rootBase, ref.Name) {
			if _, dup := docs[u]; !dup && u != rootURL {
				docs[u] = n
			}
		}
	}
	docs[rootURL] = root
	compiled, err := compile(docs)
	if err != nil {
		return nil, err
	}
	b := newBuilder(docs)
	return &Schema{
		canonical:  root.compact(false),
		normalized: root.compact(true),
		root:       b.build(root, scope{base: rootURL, draft: draftOf(root)}),
		text:       text,
		loc:        &locator{},
		compiled:   compiled,
	}, nil
}

// compile compiles the schema at rootURL, with the other documents as the
// only resources its references may reach, and so checks it against its
// metaschema and checks that every reference resolves. The result, which
// holds the references it reaches, is what Validate checks records with.
func compile(docs map[string]*node) (sch *lib.Schema, err error) {
	// The compiler is third-party code fed untrusted input; a panic there must
	// become a rejected schema, not a crashed registry.
	defer func() {
		if r := recover(); r != nil {
			sch, err = nil, parseError(fmt.Sprintf("schema could not be compiled: %v", r))
		}
	}()
	c := lib.NewCompiler()
	c.DefaultDraft(lib.Draft7)
	c.UseLoader(refusingLoader{})
	c.UseRegexpEngine(lenientRegexp)
	for _, u := range sortedKeys(docs) {
		if err := c.AddResource(u, docs[u].toAny()); err != nil {
			return nil, parseError(cleanMessage(err.Error()))
		}
	}
	sch, err = c.Compile(rootURL)
	if err != nil {
		return nil, parseError(cleanMessage(err.Error()))
	}
	return sch, nil
}

// refURLs lists the absolute URLs a reference name may be asked for under:
// resolved against the root schema's $id (how a $ref in it resolves) and
// against the fixed base (how a $ref in a schema without $id resolves).
func refURLs(rootBase, name string) []string {
	var out []string
	for _, base := range []string{rootBase, baseURL} {
		if u := resolveURL(base, name); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// refusingLoader is consulted for any URL not added as a resource. Nothing is
// fetched: a schema registry must not reach out to URLs named in untrusted
// schemas, and a missing reference is the client's error to fix.
type refusingLoader struct{}

func (refusingLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("reference %q was not provided; register it and list it in the schema's references", strings.TrimPrefix(u, baseURL))
}

// lenientRegexp accepts patterns Go's RE2 cannot compile (look-arounds, back
// references), which Confluent's Java engine accepts. For compatibility a
// pattern only needs to be kept, and compared as text. Validate cannot
// evaluate such a pattern, so it does not enforce it: every string matches,
// and a record is never rejected for a constraint Charter cannot check.
func lenientRegexp(s string) (lib.Regexp, error) {
	if re, err := regexp.Compile(s); err == nil {
		return re, nil
	}
	return opaqueRegexp(s), nil
}

type opaqueRegexp string

func (r opaqueRegexp) String() string          { return string(r) }
func (r opaqueRegexp) MatchString(string) bool { return true }

func parseError(msg string) *compat.ParseError {
	return &compat.ParseError{Type: typeName, Message: msg}
}

// syntaxParseError reports a JSON syntax error at its line and column. An
// error inside a reference names the reference and has no position in text.
func syntaxParseError(text, refName string, err error) *compat.ParseError {
	se, ok := err.(*syntaxError)
	if !ok {
		return parseError(err.Error())
	}
	line, col := lineColumn(text, se.offset)
	if refName != "" {
		return parseError(fmt.Sprintf("reference %q: line %d, column %d: %s", refName, line, col, se.msg))
	}
	pe := parseError(se.msg)
	pe.Line, pe.Column = line, col
	return pe
}

// cleanMessage turns a compiler error into one line for the client: it drops
// the internal URLs, which the client never saw, and keeps only the most
// specific reasons of a metaschema failure (the leaves of its tree).
func cleanMessage(msg string) string {
	msg = strings.ReplaceAll(msg, `"`+rootURL+`#"`, "the schema")
	msg = strings.ReplaceAll(msg, rootURL, "the schema")
	msg = strings.ReplaceAll(msg, baseURL, "")
	lines := strings.Split(msg, "\n")
	if len(lines) == 1 {
		return msg
	}
	head, _, _ := strings.Cut(lines[0], ": jsonschema validation failed")
	var reasons []string
	for i := 1; i < len(lines); i++ {
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		if i+1 < len(lines) && len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) > indent {
			continue // not a leaf
		}
		reasons = append(reasons, strings.TrimPrefix(strings.TrimSpace(lines[i]), "- "))
	}
	return head + ": " + strings.Join(reasons, "; ")
}
