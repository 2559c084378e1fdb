// Package avro is the Avro room of schema compatibility: it parses Avro
// schemas (with Confluent schema references), renders the canonical and
// normalised texts the registry stores, and decides whether one schema can
// read data written with another, as Apache Avro's Java SchemaCompatibility
// does for Confluent.
//
// It must not know about subjects, versions, compatibility levels, storage or
// HTTP; those belong to compat and registry. It sees only schema texts.
package avro

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hamba/avro/v2"

	"github.com/charterhq/charter/compat"
)

// typeName is the Confluent schemaType of Avro schemas.
const typeName = "AVRO"

// Format is the Avro [compat.Format]. The zero value is ready to use and,
// holding no state, is safe for concurrent use.
type Format struct{}

var _ compat.Format = Format{}

// Type returns "AVRO".
func (Format) Type() string { return typeName }

// Schema is a parsed Avro schema. It is immutable.
type Schema struct {
	root       *node
	canonical  string
	normalized string
	text       string // as given to Parse, for Locate
	rootOff    int    // the root schema's offset in text

	// hamba is hamba's parse of the schema, its named types from references
	// resolved; validator compiles it on first use (see Validate).
	hamba     avro.Schema
	validator func() *vnode
}

var (
	_ compat.Locator   = (*Schema)(nil)
	_ compat.Validator = (*Schema)(nil)
)

// Canonical returns the schema as Java Avro's Schema.toString writes it,
// which is what Confluent stores and serves.
func (s *Schema) Canonical() string { return s.canonical }

// Normalized returns the form used for normalize=true: Avro's Parsing
// Canonical Form (full names, no namespace or doc, fixed key order) plus
// defaults, aliases, order, enum defaults and logical types.
func (s *Schema) Normalized() string { return s.normalized }

// Parse parses text, after the references in refs (dependencies first), whose
// named types text may use by name. Every failure is a *compat.ParseError;
// JSON syntax errors in text carry a line and column.
func (Format) Parse(text string, refs []compat.Reference) (compat.Schema, error) {
	b := newBuilder()
	// hamba validates what our builder does not re-check (its name, union
	// and logical type rules). It is fed our fully qualified rendering, not
	// the raw text, because it does not resolve names the way Java does.
	cache := &avro.SchemaCache{}
	names, texts := map[string]bool{}, map[string]bool{}
	for _, ref := range refs {
		// A type reached along two reference paths arrives twice; defining
		// it twice would be an error, so later copies are skipped.
		if names[ref.Name] || texts[ref.Schema] {
			continue
		}
		names[ref.Name], texts[ref.Schema] = true, true
		n, _, err := parseText(b, ref.Schema)
		if err != nil {
			// The position is in the reference's text, not the schema's,
			// so it moves into the message.
			err.Message = fmt.Sprintf("reference %q: %s", ref.Name, err.Message)
			if err.Line > 0 {
				err.Message += fmt.Sprintf(" (line %d, column %d)", err.Line, err.Column)
			}
			err.Line, err.Column = 0, 0
			return nil, err
		}
		if _, herr := avro.ParseWithCache(normalized(n, false), "", cache); herr != nil {
			return nil, parseError(fmt.Sprintf("reference %q: %s", ref.Name, hambaMessage(herr)), 0, 0)
		}
		// From here on the reference's named types are written by name.
		for _, d := range b.defined {
			d.fromRef = true
		}
	}
	refDefined := append([]*node(nil), b.defined...)
	root, rootOff, perr := parseText(b, text)
	if perr != nil {
		return nil, perr
	}
	hs, err := avro.ParseWithCache(normalized(root, false), "", cache)
	if err != nil {
		return nil, parseError(hambaMessage(err), 0, 0)
	}
	return &Schema{
		root:       root,
		canonical:  canonical(root, refDefined),
		normalized: normalized(root, true),
		text:       text,
		rootOff:    rootOff,
		hamba:      hs,
		validator:  sync.OnceValue(func() *vnode { return compileValidator(hs) }),
	}, nil
}

// parseText decodes and builds one schema text into b. It returns the root
// schema and its offset in text.
func parseText(b *builder, text string) (*node, int, *compat.ParseError) {
	v, perr := decode(text)
	if perr != nil {
		return nil, 0, parseError(perr.msg, perr.line, perr.col)
	}
	if v.kind == jsonNull {
		return nil, 0, parseError("schema is JSON null", 0, 0)
	}
	n, err := b.build(v)
	if err != nil {
		return nil, 0, parseError(err.Error(), 0, 0)
	}
	return n, v.off, nil
}

func parseError(msg string, line, col int) *compat.ParseError {
	return &compat.ParseError{Type: typeName, Message: msg, Line: line, Column: col}
}

func hambaMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "avro: ")
}

// Compatible reports every reason reader cannot read data written with
// writer, following Apache Avro's SchemaCompatibility. Paths are JSON
// pointers into reader. Both schemas must come from Parse.
func (Format) Compatible(reader, writer compat.Schema) []compat.Problem {
	r, ok1 := reader.(*Schema)
	w, ok2 := writer.(*Schema)
	if !ok1 || !ok2 {
		return []compat.Problem{problem(ruleTypeMismatch, "/", "schema is not an Avro schema")}
	}
	problems := newChecker().check(r.root, w.root)
	if len(problems) == 0 {
		return nil
	}
	out := make([]compat.Problem, len(problems))
	for i, p := range problems {
		if p.Path == "" {
			p.Path = "/"
		}
		out[i] = p
	}
	return out
}
