// Package postgres is the registry.Store on PostgreSQL, through pgx/v5's
// connection pool, for teams that run several Charter instances on one
// database.
//
// Writers that must not interleave take transaction-scoped advisory locks
// (see write.go) rather than SERIALIZABLE isolation, so that contention
// queues instead of failing and retrying. It knows SQL and the registry's
// domain types; it holds no rules of its own.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/charterhq/charter/registry"
)

// Store is a registry.Store on a PostgreSQL database migrated by
// migrations.Apply.
type Store struct {
	pool *pgxpool.Pool
}

var _ registry.Store = (*Store)(nil)

// New returns a Store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// queryer is what both the pool and a transaction offer for reads.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const schemaColumns = `s.context, s.id, s.fingerprint, s.schema_type, s.schema_text, s.refs, s.metadata, s.rule_set`

const versionColumns = `v.subject, v.version, v.deleted, v.created_at, ` + schemaColumns

const versionsFrom = ` FROM versions v JOIN schemas s ON s.context = v.context AND s.id = v.schema_id `

func scanSchema(row pgx.Row, extra ...any) (registry.Schema, error) {
	var s registry.Schema
	var refs string
	var metadata, ruleSet *string
	dest := append(extra, &s.Context, &s.ID, &s.Fingerprint, &s.Type, &s.Text, &refs, &metadata, &ruleSet)
	if err := row.Scan(dest...); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(refs), &s.References); err != nil {
		return s, fmt.Errorf("schema %d references: %w", s.ID, err)
	}
	if len(s.References) == 0 {
		s.References = nil
	}
	if metadata != nil {
		s.Metadata = []byte(*metadata)
	}
	if ruleSet != nil {
		s.RuleSet = []byte(*ruleSet)
	}
	return s, nil
}

func queryVersions(ctx context.Context, q queryer, where string, args ...any) ([]registry.Version, error) {
	rows, err := q.Query(ctx, `SELECT `+versionColumns+versionsFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Version
	for rows.Next() {
		var v registry.Version
		schema, err := scanSchema(rows, &v.Subject, &v.Version, &v.Deleted, &v.CreatedAt)
		if err != nil {
			return nil, err
		}
		v.Schema = schema
		out = append(out, v)
	}
	return out, rows.Err()
}

// collect reads every row of a query with scan.
func collect[T any](ctx context.Context, q queryer, scan func(pgx.Rows) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanSubjectVersion(rows pgx.Rows) (registry.SubjectVersion, error) {
	var sv registry.SubjectVersion
	err := rows.Scan(&sv.Subject, &sv.Version, &sv.Deleted)
	return sv, err
}

// SchemaByID implements registry.Store.
func (s *Store) SchemaByID(ctx context.Context, schemaContext string, id int) (registry.Schema, error) {
	return schemaByID(ctx, s.pool, schemaContext, id)
}

func schemaByID(ctx context.Context, q queryer, schemaContext string, id int) (registry.Schema, error) {
	row := q.QueryRow(ctx, `SELECT `+schemaColumns+` FROM schemas s WHERE s.context = $1 AND s.id = $2`, schemaContext, id)
	schema, err := scanSchema(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return schema, registry.ErrSchemaNotFound
	}
	return schema, err
}

// SchemaByFingerprint implements registry.Store.
func (s *Store) SchemaByFingerprint(ctx context.Context, fingerprint string) (registry.Schema, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+schemaColumns+` FROM schemas s WHERE s.fingerprint = $1 ORDER BY s.context LIMIT 1`, fingerprint)
	schema, err := scanSchema(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return schema, registry.ErrSchemaNotFound
	}
	return schema, err
}

// SchemaUsage implements registry.Store.
func (s *Store) SchemaUsage(ctx context.Context, schemaContext string, id int) ([]registry.SubjectVersion, error) {
	return collect(ctx, s.pool, scanSubjectVersion,
		`SELECT subject, version, deleted FROM versions WHERE context = $1 AND schema_id = $2 ORDER BY subject COLLATE "C", version`, schemaContext, id)
}

// Subjects implements registry.Store.
func (s *Store) Subjects(ctx context.Context) ([]registry.SubjectVersion, error) {
	return collect(ctx, s.pool, scanSubjectVersion,
		`SELECT subject, max(version), bool_and(deleted) FROM versions GROUP BY subject ORDER BY subject COLLATE "C"`)
}

// Versions implements registry.Store.
func (s *Store) Versions(ctx context.Context, subject string) ([]registry.Version, error) {
	vs, err := queryVersions(ctx, s.pool, `WHERE v.subject = $1 ORDER BY v.version`, subject)
	if err == nil && len(vs) == 0 {
		return nil, registry.ErrSubjectNotFound
	}
	return vs, err
}

// Version implements registry.Store.
func (s *Store) Version(ctx context.Context, subject string, version int) (registry.Version, error) {
	return readVersion(ctx, s.pool, subject, version)
}

// readVersion is Store.Version through q, the pool or a transaction.
func readVersion(ctx context.Context, q queryer, subject string, version int) (registry.Version, error) {
	where, args := `WHERE v.subject = $1 AND v.version = $2`, []any{subject, version}
	if version == registry.Latest {
		// The newest live version as max(version): planned as a backward
		// walk of the primary key from the newest, stopping at the first live
		// one, even on a table with no statistics yet, where ORDER BY ...
		// LIMIT 1 got a sort of the subject's whole history.
		where, args = `WHERE v.subject = $1 AND v.version = (SELECT max(version) FROM versions WHERE subject = $1 AND NOT deleted)`, []any{subject}
	}
	vs, err := queryVersions(ctx, q, where, args...)
	if err != nil {
		return registry.Version{}, err
	}
	if len(vs) == 1 {
		return vs[0], nil
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM versions WHERE subject = $1)`, subject).Scan(&exists); err != nil {
		return registry.Version{}, err
	}
	if !exists {
		return registry.Version{}, registry.ErrSubjectNotFound
	}
	return registry.Version{}, registry.ErrVersionNotFound
}

// VersionWithFingerprint implements registry.Store: the schema by the
// (context, fingerprint) unique index, then its versions under subject by
// versions_by_subject_schema.
func (s *Store) VersionWithFingerprint(ctx context.Context, subject, fingerprint string, deleted bool) (registry.Version, error) {
	schemaContext, _ := registry.SplitContext(subject)
	vs, err := queryVersions(ctx, s.pool, `WHERE s.context = $1 AND s.fingerprint = $2 AND v.subject = $3 AND ($4 OR NOT v.deleted)
		ORDER BY v.version DESC LIMIT 1`, schemaContext, fingerprint, subject, deleted)
	if err != nil {
		return registry.Version{}, err
	}
	if len(vs) == 0 {
		return registry.Version{}, registry.ErrVersionNotFound
	}
	return vs[0], nil
}

// ReferencedBy implements registry.Store.
func (s *Store) ReferencedBy(ctx context.Context, subject string, version int) ([]registry.Version, error) {
	return queryVersions(ctx, s.pool, `JOIN schema_references r ON r.context = v.context AND r.schema_id = v.schema_id
		WHERE r.ref_subject = $1 AND r.ref_version = $2 ORDER BY v.subject COLLATE "C", v.version`, subject, version)
}

// Contexts implements registry.Store.
func (s *Store) Contexts(ctx context.Context) ([]string, error) {
	return collect(ctx, s.pool, func(rows pgx.Rows) (string, error) {
		var c string
		err := rows.Scan(&c)
		return c, err
	}, `SELECT DISTINCT context COLLATE "C" FROM versions ORDER BY 1`)
}

// MaxID implements registry.Store.
func (s *Store) MaxID(ctx context.Context, schemaContext string) (int, error) {
	var id int
	err := s.pool.QueryRow(ctx, `SELECT max_id FROM id_sequences WHERE context = $1`, schemaContext).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
