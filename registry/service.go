package registry

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"

	"github.com/charterhq/charter/compat"
)

// Service is the schema registry. All its methods are safe for concurrent
// use; several Services (in one process or many) may share one Store.
type Service struct {
	store   Store
	formats map[string]compat.Format
	logger  *slog.Logger

	// DefaultCompatibility applies when no scope configures a level.
	DefaultCompatibility compat.Level

	// byID caches schemas by (context, ID). IDs are immutable, so an entry
	// can go stale only when the schema is permanently deleted, and this
	// Service drops the cache on its own permanent deletes.
	mu   sync.RWMutex
	byID map[idKey]*cachedSchema

	prepared preparedCache
}

type idKey struct {
	context string
	id      int
}

type cachedSchema struct {
	schema Schema
	parsed compat.Schema // nil until first needed; guarded by Service.mu
}

// New returns a Service over store that understands formats.
func New(store Store, formats []compat.Format, logger *slog.Logger) *Service {
	s := &Service{
		store:                store,
		formats:              make(map[string]compat.Format, len(formats)),
		logger:               logger,
		DefaultCompatibility: compat.Backward,
		byID:                 make(map[idKey]*cachedSchema),
	}
	for _, f := range formats {
		s.formats[f.Type()] = f
	}
	return s
}

// SchemaTypes lists the schema types the Service understands, sorted.
func (s *Service) SchemaTypes() []string {
	types := make([]string, 0, len(s.formats))
	for t := range s.formats {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

func (s *Service) format(schemaType string) (compat.Format, error) {
	if schemaType == "" {
		schemaType = TypeAvro
	}
	f, ok := s.formats[schemaType]
	if !ok {
		return nil, Errorf(CodeInvalidSchema, "Invalid schema type %s", schemaType)
	}
	return f, nil
}

// cached returns the cache entry for a schema, loading it from the store on
// a miss.
func (s *Service) cached(ctx context.Context, schemaContext string, id int) (*cachedSchema, error) {
	c, err := s.cachedFrom(schemaContext, id, func() (Schema, error) { return s.store.SchemaByID(ctx, schemaContext, id) })
	if err != nil {
		return nil, storeErr(err)
	}
	return c, nil
}

// cachedFrom returns the cache entry for a schema, loading it with load on a
// miss.
func (s *Service) cachedFrom(schemaContext string, id int, load func() (Schema, error)) (*cachedSchema, error) {
	s.mu.RLock()
	c, ok := s.byID[idKey{schemaContext, id}]
	s.mu.RUnlock()
	if ok {
		return c, nil
	}
	schema, err := load()
	if err != nil {
		return nil, err
	}
	return s.remember(schema), nil
}

// remember puts a schema in the ID cache and returns its entry.
func (s *Service) remember(schema Schema) *cachedSchema {
	key := idKey{schema.Context, schema.ID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.byID[key]; ok {
		return c
	}
	c := &cachedSchema{schema: schema}
	s.byID[key] = c
	return c
}

// forget drops the ID cache after a permanent delete.
func (s *Service) forget() {
	s.mu.Lock()
	s.byID = make(map[idKey]*cachedSchema)
	s.mu.Unlock()
}

// versionReader reads a subject's version: Store.Version, or
// History.Referenced inside a write transaction.
type versionReader func(ctx context.Context, subject string, version int) (Version, error)

// parsed returns a stored schema parsed, from the cache when it can, its
// references read from the store.
func (s *Service) parsed(ctx context.Context, schema Schema) (compat.Schema, error) {
	return s.parsedVia(ctx, schema, s.store.Version)
}

// parsedVia is parsed with references read by read. Failures are not
// cached: they may come from a passing store error.
func (s *Service) parsedVia(ctx context.Context, schema Schema, read versionReader) (compat.Schema, error) {
	c := s.remember(schema)
	s.mu.RLock()
	p := c.parsed
	s.mu.RUnlock()
	if p != nil {
		return p, nil
	}
	f, err := s.format(schema.Type)
	if err != nil {
		return nil, err
	}
	refs, err := s.resolve(ctx, read, schema.Context, schema.References, nil)
	if err != nil {
		return nil, err
	}
	if p, err = f.Parse(schema.Text, refs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	c.parsed = p
	s.mu.Unlock()
	return p, nil
}

// storeErr passes *Error through and wraps anything else as internal.
func storeErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeOperationTimeout, Message: "Operation timed out", Err: err}
	}
	return Internal(err)
}
