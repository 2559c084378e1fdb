package registry

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/charterhq/charter/compat"
)

// SchemaRequest is a schema as a client submits it, to register, look up or
// check.
type SchemaRequest struct {
	Schema     string
	Type       string // "" means AVRO
	References []Reference
	Metadata   json.RawMessage
	RuleSet    json.RawMessage
	// Version is 0, or in IMPORT mode the version to create, or -1 to make
	// the schema the latest version even if an older live version has it.
	Version int
	// ID is the schema ID to use, in IMPORT mode only.
	ID int
	// Normalize canonicalises the schema before identity and comparison.
	Normalize bool
}

// candidate is a request parsed, canonicalised and fingerprinted.
type candidate struct {
	schema Schema
	parsed compat.Schema
	format compat.Format
}

// maxReferenceDepth bounds reference chains, which could otherwise loop.
const maxReferenceDepth = 64

// prepare turns a request into a candidate schema in subject's context.
func (s *Service) prepare(ctx context.Context, subject string, req SchemaRequest) (candidate, error) {
	f, err := s.format(req.Type)
	if err != nil {
		return candidate{}, err
	}
	if strings.TrimSpace(req.Schema) == "" {
		return candidate{}, Errorf(CodeInvalidSchema, "Empty schema")
	}
	schemaContext, _ := SplitContext(subject)
	refs, err := s.pinReferences(ctx, schemaContext, req.References)
	if err != nil {
		return candidate{}, err
	}
	for _, raw := range []json.RawMessage{req.Metadata, req.RuleSet} {
		if raw != nil && !json.Valid(raw) {
			return candidate{}, Errorf(CodeInvalidSchema, "Invalid schema: metadata and ruleSet must be JSON objects")
		}
	}
	parsed, err := s.prepared.parse(ctx, s, f, schemaContext, req.Schema, refs)
	if err != nil {
		return candidate{}, err
	}
	text := parsed.Canonical()
	if req.Normalize {
		text = parsed.Normalized()
	}
	c := candidate{format: f, parsed: parsed, schema: Schema{
		Context:    schemaContext,
		Type:       f.Type(),
		Text:       text,
		References: refs,
		Metadata:   nullToNil(req.Metadata),
		RuleSet:    nullToNil(req.RuleSet),
	}}
	c.schema.Fingerprint = Fingerprint(c.schema.Text, refs, c.schema.Metadata, c.schema.RuleSet)
	return c, nil
}

func nullToNil(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// pinReferences validates references and replaces version -1 with the
// current latest version's number, as Confluent stores them.
func (s *Service) pinReferences(ctx context.Context, schemaContext string, refs []Reference) ([]Reference, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	pinned := make([]Reference, len(refs))
	for i, r := range refs {
		if r.Name == "" || r.Subject == "" {
			return nil, Errorf(CodeInvalidSchema, "Invalid schema: reference %d needs a name and a subject", i)
		}
		subject := qualifyIn(schemaContext, r.Subject)
		v, err := s.store.Version(ctx, subject, r.Version)
		if err != nil {
			return nil, referenceErr(r, err)
		}
		r.Version = v.Version
		pinned[i] = r
	}
	return pinned, nil
}

// qualifyIn resolves a reference's subject relative to the referrer's context.
func qualifyIn(schemaContext, subject string) string {
	if strings.HasPrefix(subject, ":.") {
		return subject
	}
	return QualifySubject(schemaContext, subject)
}

func referenceErr(r Reference, err error) error {
	if code := CodeOf(err); code == CodeSubjectNotFound || code == CodeVersionNotFound {
		return Errorf(CodeInvalidSchema, "Invalid schema: reference %q to subject %q version %d does not exist", r.Name, r.Subject, r.Version)
	}
	return storeErr(err)
}

// resolve collects the texts of refs and everything they reference,
// dependencies first, each once. seen guards against cycles and repeats.
func (s *Service) resolve(ctx context.Context, read versionReader, schemaContext string, refs []Reference, seen map[string]bool) ([]compat.Reference, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	if seen == nil {
		seen = make(map[string]bool)
	}
	if len(seen) > maxReferenceDepth*4 {
		return nil, Errorf(CodeInvalidSchema, "Invalid schema: too many references")
	}
	var out []compat.Reference
	for _, r := range refs {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		v, err := read(ctx, qualifyIn(schemaContext, r.Subject), r.Version)
		if err != nil {
			return nil, referenceErr(r, err)
		}
		deps, err := s.resolve(ctx, read, schemaContext, v.Schema.References, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, deps...)
		out = append(out, compat.Reference{Name: r.Name, Schema: v.Schema.Text})
	}
	return out, nil
}

// preparedCache remembers parsed request schemas without references, keyed
// by type and text, so that producers looking up the same schema again and
// again skip the parser. It is bounded; when full it starts over.
type preparedCache struct {
	mu sync.RWMutex
	m  map[string]compat.Schema
}

const preparedCacheSize = 4096

func (c *preparedCache) parse(ctx context.Context, s *Service, f compat.Format, schemaContext, text string, refs []Reference) (compat.Schema, error) {
	if len(refs) > 0 {
		// A reference names a subject version, whose content can change
		// after a permanent delete: resolve it every time.
		resolved, err := s.resolve(ctx, s.store.Version, schemaContext, refs, nil)
		if err != nil {
			return nil, err
		}
		return parseOrInvalid(f, text, resolved)
	}
	key := f.Type() + "\x00" + text
	c.mu.RLock()
	p, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := parseOrInvalid(f, text, nil)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= preparedCacheSize {
		c.m = make(map[string]compat.Schema)
	}
	c.m[key] = p
	c.mu.Unlock()
	return p, nil
}

// parseOrInvalid parses text, turning a parse error into CodeInvalidSchema.
func parseOrInvalid(f compat.Format, text string, refs []compat.Reference) (compat.Schema, error) {
	p, err := f.Parse(text, refs)
	if err != nil {
		if compat.IsParseError(err) {
			return nil, &Error{Code: CodeInvalidSchema, Message: "Invalid schema: " + err.Error()}
		}
		return nil, &Error{Code: CodeInvalidSchema, Message: "Invalid schema", Err: err}
	}
	return p, nil
}
