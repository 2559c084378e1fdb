package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/charterhq/charter/registry"
)

// history is the registry.History CreateVersion hands its Decider: reads of
// one subject inside the write transaction, under the subject's advisory
// lock. Each is a search of the versions primary key or of
// versions_by_subject_schema.
type history struct {
	tx      pgx.Tx
	subject string
	context string
	max     int // read by CreateVersion with the locks
}

var _ registry.History = history{}

const maxVersionQuery = `SELECT coalesce(max(version), 0) FROM versions WHERE subject = $1`

// MaxVersion implements registry.History.
func (h history) MaxVersion(context.Context) (int, error) {
	return h.max, nil
}

// Version implements registry.History.
func (h history) Version(ctx context.Context, n int) (registry.VersionID, bool, error) {
	v := registry.VersionID{Version: n}
	err := h.tx.QueryRow(ctx, `SELECT schema_id, deleted FROM versions WHERE subject = $1 AND version = $2`, h.subject, n).Scan(&v.ID, &v.Deleted)
	if errors.Is(err, pgx.ErrNoRows) {
		return registry.VersionID{}, false, nil
	}
	return v, err == nil, err
}

// LatestWithID implements registry.History.
func (h history) LatestWithID(ctx context.Context, id int) (int, error) {
	var n int
	err := h.tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM versions WHERE subject = $1 AND schema_id = $2 AND NOT deleted`, h.subject, id).Scan(&n)
	return n, err
}

// Live implements registry.History. It reads backwards from the newest
// version, so that a limit reads little more than it returns.
func (h history) Live(ctx context.Context, limit int) ([]registry.VersionID, error) {
	var n *int // NULL: no limit
	if limit > 0 {
		n = &limit
	}
	out, err := collect(ctx, h.tx, func(rows pgx.Rows) (registry.VersionID, error) {
		var v registry.VersionID
		err := rows.Scan(&v.Version, &v.ID)
		return v, err
	}, `SELECT version, schema_id FROM versions WHERE subject = $1 AND NOT deleted ORDER BY version DESC LIMIT $2`, h.subject, n)
	slices.Reverse(out)
	return out, err
}

// Schema implements registry.History.
func (h history) Schema(ctx context.Context, id int) (registry.Schema, error) {
	return schemaByID(ctx, h.tx, h.context, id)
}

// Referenced implements registry.History.
func (h history) Referenced(ctx context.Context, subject string, version int) (registry.Version, error) {
	return readVersion(ctx, h.tx, subject, version)
}
