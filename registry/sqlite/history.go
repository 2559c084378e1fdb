package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/charterhq/charter/registry"
)

// history is the registry.History CreateVersion hands its Decider: reads of
// one subject inside the write transaction. Each is a search of the
// versions primary key or of versions_by_subject_schema.
type history struct {
	q       queryer
	subject string
	context string
}

var _ registry.History = history{}

// MaxVersion implements registry.History.
func (h history) MaxVersion(ctx context.Context) (int, error) {
	var n int
	err := h.q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM versions WHERE subject = ?`, h.subject).Scan(&n)
	return n, err
}

// Version implements registry.History.
func (h history) Version(ctx context.Context, n int) (registry.VersionID, bool, error) {
	v := registry.VersionID{Version: n}
	err := h.q.QueryRowContext(ctx, `SELECT schema_id, deleted FROM versions WHERE subject = ? AND version = ?`, h.subject, n).Scan(&v.ID, &v.Deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.VersionID{}, false, nil
	}
	return v, err == nil, err
}

// LatestWithID implements registry.History. INDEXED BY keeps SQLite on
// versions_by_subject_schema: left to itself it walks the subject's history
// through the primary key (see VersionWithFingerprint).
func (h history) LatestWithID(ctx context.Context, id int) (int, error) {
	var n int
	err := h.q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM versions INDEXED BY versions_by_subject_schema WHERE subject = ? AND schema_id = ? AND NOT deleted`, h.subject, id).Scan(&n)
	return n, err
}

// Live implements registry.History. It reads backwards from the newest
// version, so that a limit reads little more than it returns.
func (h history) Live(ctx context.Context, limit int) ([]registry.VersionID, error) {
	if limit <= 0 {
		limit = -1 // SQLite's "no limit"
	}
	rows, err := h.q.QueryContext(ctx, `SELECT version, schema_id FROM versions WHERE subject = ? AND NOT deleted ORDER BY version DESC LIMIT ?`, h.subject, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.VersionID
	for rows.Next() {
		var v registry.VersionID
		if err := rows.Scan(&v.Version, &v.ID); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	slices.Reverse(out)
	return out, rows.Err()
}

// Schema implements registry.History.
func (h history) Schema(ctx context.Context, id int) (registry.Schema, error) {
	return schemaByID(ctx, h.q, h.context, id)
}

// Referenced implements registry.History.
func (h history) Referenced(ctx context.Context, subject string, version int) (registry.Version, error) {
	return readVersion(ctx, h.q, subject, version)
}
