package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/charterhq/charter/registry"
)

// Advisory lock classes: the first key of pg_advisory_xact_lock(int, int),
// so that a subject's lock never collides with a content's.
const (
	lockSubject = 1
	lockContent = 2
)

// CreateVersion implements registry.Store.
//
// Two transaction-scoped advisory locks make it safe across Charter
// instances: one on the subject, so that what the Decider reads of the
// subject holds until its version is written, then one on the content
// (context and fingerprint), so that two subjects registering the same new
// schema at once share one ID.
// Every writer takes them in that order and holds at most one of each, so
// they cannot deadlock.
func (s *Store) CreateVersion(ctx context.Context, subject string, schema registry.Schema, decide registry.Decider) (registry.Version, bool, error) {
	var out registry.Version
	var created bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The locks, the content's ID and the subject's highest version (which
		// nearly every decision needs) go in one round trip. The server runs
		// them in order, each read with a snapshot taken after the locks, so
		// the reads see what the locks protect.
		h := history{tx: tx, subject: subject, context: schema.Context}
		var existingID int
		b := &pgx.Batch{}
		b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2)), pg_advisory_xact_lock($3, hashtext($4))`,
			lockSubject, subject, lockContent, schema.Context+" "+schema.Fingerprint)
		b.Queue(`SELECT id FROM schemas WHERE context = $1 AND fingerprint = $2`, schema.Context, schema.Fingerprint).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&existingID); !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			return nil
		})
		b.Queue(maxVersionQuery, subject).QueryRow(func(row pgx.Row) error { return row.Scan(&h.max) })
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("lock and read %q: %w", subject, err)
		}
		nv, err := decide(ctx, h, existingID)
		if err != nil {
			return err
		}
		if nv.Existing != 0 {
			vs, err := queryVersions(ctx, tx, `WHERE v.subject = $1 AND v.version = $2`, subject, nv.Existing)
			if err != nil {
				return err
			}
			if len(vs) == 0 {
				return fmt.Errorf("decider chose version %d, which %q lacks", nv.Existing, subject)
			}
			out = vs[0]
			return nil
		}
		if schema.ID, err = placeSchema(ctx, tx, schema, nv.ID); err != nil {
			return err
		}
		var createdAt time.Time
		if err := tx.QueryRow(ctx, `INSERT INTO versions (subject, version, context, schema_id) VALUES ($1, $2, $3, $4) RETURNING created_at`,
			subject, nv.Version, schema.Context, schema.ID).Scan(&createdAt); err != nil {
			return fmt.Errorf("insert version: %w", err)
		}
		out, created = registry.Version{Subject: subject, Version: nv.Version, CreatedAt: createdAt, Schema: schema}, true
		return nil
	})
	if err != nil {
		return registry.Version{}, false, err
	}
	return out, created, nil
}

// placeSchema makes sure the schema row exists under an ID and returns it:
// the given ID (checked against what it already carries) or a new one.
func placeSchema(ctx context.Context, tx pgx.Tx, schema registry.Schema, id int) (int, error) {
	if id != 0 {
		var fp string
		err := tx.QueryRow(ctx, `SELECT fingerprint FROM schemas WHERE context = $1 AND id = $2`, schema.Context, id).Scan(&fp)
		switch {
		case err == nil && fp == schema.Fingerprint:
			return id, nil
		case err == nil:
			return 0, registry.Errorf(registry.CodeOperationNotPermitted, "Overwrite new schema with id %d in context %s is not permitted.", id, schema.Context)
		case !errors.Is(err, pgx.ErrNoRows):
			return 0, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO id_sequences (context, max_id) VALUES ($1, $2)
			ON CONFLICT (context) DO UPDATE SET max_id = greatest(id_sequences.max_id, excluded.max_id)`, schema.Context, id); err != nil {
			return 0, fmt.Errorf("advance id sequence: %w", err)
		}
	} else {
		// The row lock this upsert takes serialises ID allocation per context.
		err := tx.QueryRow(ctx, `INSERT INTO id_sequences (context, max_id) VALUES ($1, 1)
			ON CONFLICT (context) DO UPDATE SET max_id = id_sequences.max_id + 1 RETURNING max_id`, schema.Context).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("allocate id: %w", err)
		}
	}
	refs := []byte("[]")
	if schema.References != nil {
		var err error
		if refs, err = json.Marshal(schema.References); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schemas (context, id, fingerprint, schema_type, schema_text, refs, metadata, rule_set) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		schema.Context, id, schema.Fingerprint, schema.Type, schema.Text, string(refs), nullable(schema.Metadata), nullable(schema.RuleSet)); err != nil {
		return 0, fmt.Errorf("insert schema: %w", err)
	}
	for _, r := range schema.References {
		if _, err := tx.Exec(ctx, `INSERT INTO schema_references (context, schema_id, ref_subject, ref_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
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

func nullable(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

// SoftDeleteVersions implements registry.Store.
func (s *Store) SoftDeleteVersions(ctx context.Context, subject string, versions []int) error {
	if len(versions) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE versions SET deleted = TRUE WHERE subject = $1 AND version = ANY($2)`, subject, versions)
	return err
}

// PurgeVersions implements registry.Store. It takes the subject's lock, so
// that it cannot interleave with a registration under the subject.
func (s *Store) PurgeVersions(ctx context.Context, subject string, versions []int) error {
	if len(versions) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{`SELECT pg_advisory_xact_lock($1, hashtext($2))`, []any{lockSubject, subject}},
			{`DELETE FROM versions WHERE subject = $1 AND version = ANY($2)`, []any{subject, versions}},
			// Schemas no version carries any longer go, with their reference
			// rows; id_sequences keeps their IDs from coming back.
			{`DELETE FROM schema_references r WHERE NOT EXISTS
				(SELECT 1 FROM versions v WHERE v.context = r.context AND v.schema_id = r.schema_id)`, nil},
			{`DELETE FROM schemas s WHERE NOT EXISTS
				(SELECT 1 FROM versions v WHERE v.context = s.context AND v.schema_id = s.id)`, nil},
			{`DELETE FROM configs WHERE scope = $1 AND NOT EXISTS (SELECT 1 FROM versions WHERE subject = $1)`, []any{subject}},
			{`DELETE FROM modes WHERE scope = $1 AND NOT EXISTS (SELECT 1 FROM versions WHERE subject = $1)`, []any{subject}},
		} {
			if _, err := tx.Exec(ctx, stmt.sql, stmt.args...); err != nil {
				return err
			}
		}
		return nil
	})
}
