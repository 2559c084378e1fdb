package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/charterhq/charter/registry"
)

// CreateVersion implements registry.Store. The IMMEDIATE transaction holds
// SQLite's write lock from its first statement, so the decision and the write
// see the same state, also against other processes.
func (s *Store) CreateVersion(ctx context.Context, subject string, schema registry.Schema, decide registry.Decider) (registry.Version, bool, error) {
	unlock, err := s.lockWriter(ctx)
	if err != nil {
		return registry.Version{}, false, err
	}
	defer unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return registry.Version{}, false, err
	}
	defer tx.Rollback()
	q := s.stmts.in(tx)
	var existingID int
	err = q.QueryRowContext(ctx, `SELECT id FROM schemas WHERE context = ? AND fingerprint = ?`, schema.Context, schema.Fingerprint).Scan(&existingID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return registry.Version{}, false, err
	}
	nv, err := decide(ctx, history{q: q, subject: subject, context: schema.Context}, existingID)
	if err != nil {
		return registry.Version{}, false, err
	}
	if nv.Existing != 0 {
		vs, err := queryVersions(ctx, q, `WHERE v.subject = ? AND v.version = ?`, subject, nv.Existing)
		if err != nil {
			return registry.Version{}, false, err
		}
		if len(vs) == 0 {
			return registry.Version{}, false, fmt.Errorf("decider chose version %d, which %q lacks", nv.Existing, subject)
		}
		return vs[0], false, nil
	}
	if schema.ID, err = placeSchema(ctx, q, schema, nv.ID); err != nil {
		return registry.Version{}, false, err
	}
	now := s.Now()
	if _, err := q.ExecContext(ctx, `INSERT INTO versions (subject, version, context, schema_id, deleted, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
		subject, nv.Version, schema.Context, schema.ID, now.UnixMilli()); err != nil {
		return registry.Version{}, false, fmt.Errorf("insert version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return registry.Version{}, false, err
	}
	return registry.Version{Subject: subject, Version: nv.Version, CreatedAt: now.Truncate(1e6), Schema: schema}, true, nil
}

// lockWriter takes this process's write slot, so that its writers queue in
// Go rather than meet at SQLite's lock, where a loser backs off by sleeping
// (busy_timeout) and throughput collapses under concurrent registrations.
// SQLite's lock still keeps other processes out.
func (s *Store) lockWriter(ctx context.Context) (unlock func(), err error) {
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// exec runs one writing statement in the write slot.
func (s *Store) exec(ctx context.Context, query string, args ...any) error {
	unlock, err := s.lockWriter(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.db.ExecContext(ctx, query, args...)
	return err
}

// placeSchema makes sure the schema row exists under an ID and returns it:
// the given ID (checked against what it already carries) or a new one.
func placeSchema(ctx context.Context, q txStatements, schema registry.Schema, id int) (int, error) {
	if id != 0 {
		var fp string
		err := q.QueryRowContext(ctx, `SELECT fingerprint FROM schemas WHERE context = ? AND id = ?`, schema.Context, id).Scan(&fp)
		switch {
		case err == nil && fp == schema.Fingerprint:
			return id, nil
		case err == nil:
			return 0, registry.Errorf(registry.CodeOperationNotPermitted, "Overwrite new schema with id %d in context %s is not permitted.", id, schema.Context)
		case !errors.Is(err, sql.ErrNoRows):
			return 0, err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO id_sequences (context, max_id) VALUES (?, ?)
			ON CONFLICT (context) DO UPDATE SET max_id = max(max_id, excluded.max_id)`, schema.Context, id); err != nil {
			return 0, fmt.Errorf("advance id sequence: %w", err)
		}
	} else {
		err := q.QueryRowContext(ctx, `INSERT INTO id_sequences (context, max_id) VALUES (?, 1)
			ON CONFLICT (context) DO UPDATE SET max_id = max_id + 1 RETURNING max_id`, schema.Context).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("allocate id: %w", err)
		}
	}
	refs, err := json.Marshal(schema.References)
	if err != nil {
		return 0, err
	}
	if schema.References == nil {
		refs = []byte("[]")
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO schemas (context, id, fingerprint, schema_type, schema_text, refs, metadata, rule_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		schema.Context, id, schema.Fingerprint, schema.Type, schema.Text, string(refs), nullable(schema.Metadata), nullable(schema.RuleSet)); err != nil {
		return 0, fmt.Errorf("insert schema: %w", err)
	}
	for _, r := range schema.References {
		if _, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO schema_references (context, schema_id, ref_subject, ref_version) VALUES (?, ?, ?, ?)`,
			schema.Context, id, qualifyRef(schema.Context, r.Subject), r.Version); err != nil {
			return 0, fmt.Errorf("insert reference: %w", err)
		}
	}
	return id, nil
}

// qualifyRef names a reference's subject as versions are keyed: qualified
// with the referrer's context unless it names one itself.
func qualifyRef(schemaContext, subject string) string {
	if len(subject) > 1 && subject[0] == ':' && subject[1] == '.' {
		return subject
	}
	return registry.QualifySubject(schemaContext, subject)
}

func nullable(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// SoftDeleteVersions implements registry.Store.
func (s *Store) SoftDeleteVersions(ctx context.Context, subject string, versions []int) error {
	if len(versions) == 0 {
		return nil
	}
	args := append([]any{subject}, ints(versions)...)
	return s.exec(ctx, `UPDATE versions SET deleted = 1 WHERE subject = ? AND version IN (`+placeholders(len(versions))+`)`, args...)
}

// PurgeVersions implements registry.Store.
func (s *Store) PurgeVersions(ctx context.Context, subject string, versions []int) error {
	if len(versions) == 0 {
		return nil
	}
	unlock, err := s.lockWriter(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	args := append([]any{subject}, ints(versions)...)
	if _, err := tx.ExecContext(ctx, `DELETE FROM versions WHERE subject = ? AND version IN (`+placeholders(len(versions))+`)`, args...); err != nil {
		return err
	}
	// Schemas no version carries any longer go, with their reference rows;
	// id_sequences keeps their IDs from coming back.
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_references WHERE NOT EXISTS
		(SELECT 1 FROM versions v WHERE v.context = schema_references.context AND v.schema_id = schema_references.schema_id)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schemas WHERE NOT EXISTS
		(SELECT 1 FROM versions v WHERE v.context = schemas.context AND v.schema_id = schemas.id)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM configs WHERE scope = ?1 AND NOT EXISTS (SELECT 1 FROM versions WHERE subject = ?1)`, subject); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM modes WHERE scope = ?1 AND NOT EXISTS (SELECT 1 FROM versions WHERE subject = ?1)`, subject); err != nil {
		return err
	}
	return tx.Commit()
}

func ints(ns []int) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}
