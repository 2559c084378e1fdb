// Package sqlite is the embedded registry.Store: one SQLite file in WAL
// mode, through the pure-Go modernc.org/sqlite driver, so that Charter needs
// nothing installed and builds without cgo.
//
// Writes run in IMMEDIATE transactions, which SQLite serialises across
// connections and processes, so CreateVersion's decision and write happen
// under one lock. It knows SQL and the registry's domain types; it holds no
// rules of its own.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/charterhq/charter/registry"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// Open opens (creating if needed) the SQLite database at path, in WAL mode,
// with fsync on every commit (synchronous=FULL) so that an acknowledged write
// survives a crash of the process or of the machine.
func Open(path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(30000)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Store is a registry.Store on a SQLite database migrated by
// migrations.Apply.
type Store struct {
	db     *sql.DB
	stmts  *statements   // prepared statements, for reads and (through in) write transactions
	writer chan struct{} // the write slot; see lockWriter
	// Now stamps new versions; tests may replace it.
	Now func() time.Time
}

var _ registry.Store = (*Store)(nil)

// New returns a Store over db.
func New(db *sql.DB) *Store {
	return &Store{db: db, stmts: &statements{db: db}, writer: make(chan struct{}, 1), Now: time.Now}
}

// queryer is what both *sql.DB and *sql.Tx offer for reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const schemaColumns = `s.context, s.id, s.fingerprint, s.schema_type, s.schema_text, s.refs, s.metadata, s.rule_set`

const versionColumns = `v.subject, v.version, v.deleted, v.created_at, ` + schemaColumns

const versionsFrom = ` FROM versions v JOIN schemas s ON s.context = v.context AND s.id = v.schema_id `

type scanner interface{ Scan(dest ...any) error }

func scanSchema(row scanner, extra ...any) (registry.Schema, error) {
	var s registry.Schema
	var refs string
	var metadata, ruleSet sql.NullString
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
	if metadata.Valid {
		s.Metadata = []byte(metadata.String)
	}
	if ruleSet.Valid {
		s.RuleSet = []byte(ruleSet.String)
	}
	return s, nil
}

func scanVersion(row scanner) (registry.Version, error) {
	var v registry.Version
	var created int64
	schema, err := scanSchema(row, &v.Subject, &v.Version, &v.Deleted, &created)
	v.Schema, v.CreatedAt = schema, time.UnixMilli(created)
	return v, err
}

func queryVersions(ctx context.Context, q queryer, where string, args ...any) ([]registry.Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+versionColumns+versionsFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SchemaByID implements registry.Store.
func (s *Store) SchemaByID(ctx context.Context, schemaContext string, id int) (registry.Schema, error) {
	return schemaByID(ctx, s.stmts, schemaContext, id)
}

func schemaByID(ctx context.Context, q queryer, schemaContext string, id int) (registry.Schema, error) {
	row := q.QueryRowContext(ctx, `SELECT `+schemaColumns+` FROM schemas s WHERE s.context = ? AND s.id = ?`, schemaContext, id)
	schema, err := scanSchema(row)
	if errors.Is(err, sql.ErrNoRows) {
		return schema, registry.ErrSchemaNotFound
	}
	return schema, err
}

// SchemaByFingerprint implements registry.Store.
func (s *Store) SchemaByFingerprint(ctx context.Context, fingerprint string) (registry.Schema, error) {
	row := s.stmts.QueryRowContext(ctx, `SELECT `+schemaColumns+` FROM schemas s WHERE s.fingerprint = ? ORDER BY s.context LIMIT 1`, fingerprint)
	schema, err := scanSchema(row)
	if errors.Is(err, sql.ErrNoRows) {
		return schema, registry.ErrSchemaNotFound
	}
	return schema, err
}

// SchemaUsage implements registry.Store.
func (s *Store) SchemaUsage(ctx context.Context, schemaContext string, id int) ([]registry.SubjectVersion, error) {
	rows, err := s.stmts.QueryContext(ctx, `SELECT subject, version, deleted FROM versions WHERE context = ? AND schema_id = ? ORDER BY subject, version`, schemaContext, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.SubjectVersion
	for rows.Next() {
		var sv registry.SubjectVersion
		if err := rows.Scan(&sv.Subject, &sv.Version, &sv.Deleted); err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// Subjects implements registry.Store.
func (s *Store) Subjects(ctx context.Context) ([]registry.SubjectVersion, error) {
	rows, err := s.stmts.QueryContext(ctx, `SELECT subject, max(version), min(deleted) FROM versions GROUP BY subject ORDER BY subject`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.SubjectVersion
	for rows.Next() {
		var sv registry.SubjectVersion
		if err := rows.Scan(&sv.Subject, &sv.Version, &sv.Deleted); err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// Versions implements registry.Store.
func (s *Store) Versions(ctx context.Context, subject string) ([]registry.Version, error) {
	vs, err := queryVersions(ctx, s.stmts, `WHERE v.subject = ? ORDER BY v.version`, subject)
	if err == nil && len(vs) == 0 {
		return nil, registry.ErrSubjectNotFound
	}
	return vs, err
}

// Version implements registry.Store.
func (s *Store) Version(ctx context.Context, subject string, version int) (registry.Version, error) {
	return readVersion(ctx, s.stmts, subject, version)
}

// readVersion is Store.Version through q, the store's statements or a
// transaction.
func readVersion(ctx context.Context, q queryer, subject string, version int) (registry.Version, error) {
	where, args := `WHERE v.subject = ? AND v.version = ?`, []any{subject, version}
	if version == registry.Latest {
		where, args = `WHERE v.subject = ? AND NOT v.deleted ORDER BY v.version DESC LIMIT 1`, []any{subject}
	}
	vs, err := queryVersions(ctx, q, where, args...)
	if err != nil {
		return registry.Version{}, err
	}
	if len(vs) == 1 {
		return vs[0], nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM versions WHERE subject = ?`, subject).Scan(&n); err != nil {
		return registry.Version{}, err
	}
	if n == 0 {
		return registry.Version{}, registry.ErrSubjectNotFound
	}
	return registry.Version{}, registry.ErrVersionNotFound
}

// VersionWithFingerprint implements registry.Store: the schema by the
// (context, fingerprint) unique index, then its versions under subject by
// versions_by_subject_schema. CROSS JOIN keeps that order and INDEXED BY that
// index: left to itself, SQLite walks the subject's whole history backwards
// through the primary key to spare sorting the few versions found.
func (s *Store) VersionWithFingerprint(ctx context.Context, subject, fingerprint string, deleted bool) (registry.Version, error) {
	schemaContext, _ := registry.SplitContext(subject)
	row := s.stmts.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM schemas s CROSS JOIN versions v INDEXED BY versions_by_subject_schema
		WHERE s.context = ? AND s.fingerprint = ? AND v.subject = ? AND v.schema_id = s.id AND v.context = s.context AND (? OR NOT v.deleted)
		ORDER BY v.version DESC LIMIT 1`, schemaContext, fingerprint, subject, deleted)
	v, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.Version{}, registry.ErrVersionNotFound
	}
	return v, err
}

// ReferencedBy implements registry.Store.
func (s *Store) ReferencedBy(ctx context.Context, subject string, version int) ([]registry.Version, error) {
	return queryVersions(ctx, s.stmts, `JOIN schema_references r ON r.context = v.context AND r.schema_id = v.schema_id
		WHERE r.ref_subject = ? AND r.ref_version = ? ORDER BY v.subject, v.version`, subject, version)
}

// Contexts implements registry.Store.
func (s *Store) Contexts(ctx context.Context) ([]string, error) {
	rows, err := s.stmts.QueryContext(ctx, `SELECT DISTINCT context FROM versions ORDER BY context`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MaxID implements registry.Store.
func (s *Store) MaxID(ctx context.Context, schemaContext string) (int, error) {
	var id int
	err := s.stmts.QueryRowContext(ctx, `SELECT max_id FROM id_sequences WHERE context = ?`, schemaContext).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
