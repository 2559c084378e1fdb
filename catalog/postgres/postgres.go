// Package postgres is the catalog.Store on PostgreSQL, through pgx/v5's
// connection pool, for teams that run several Charter instances on one
// database (the one registry/postgres uses, migrated by migrations.Apply).
//
// ReplaceSpec takes a transaction-scoped advisory lock, so that two
// instances applying at once queue instead of colliding on keys; the spec
// is read in one REPEATABLE READ transaction, a snapshot. Observe upserts in
// key order, so that concurrent batches lock rows in the same order and
// cannot deadlock. It knows SQL and the catalog's domain types; it holds no
// rules of its own.
package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/charterhq/charter/catalog"
)

// lockSpec is the advisory lock ReplaceSpec holds: the first key of
// pg_advisory_xact_lock(int, int), a class apart from registry/postgres's
// subject (1) and content (2) locks.
const lockSpec = 3

// Store is a catalog.Store on a PostgreSQL database migrated by
// migrations.Apply.
type Store struct {
	pool *pgxpool.Pool
}

var _ catalog.Store = (*Store)(nil)

// New returns a Store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Spec implements catalog.Store. Names sort in the "C" collation, byte
// order, as Go sorts them.
func (s *Store) Spec(ctx context.Context) (catalog.Spec, error) {
	var spec catalog.Spec
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		spec, err = readSpec(ctx, tx)
		return err
	})
	return spec, err
}

func readSpec(ctx context.Context, tx pgx.Tx) (catalog.Spec, error) {
	var spec catalog.Spec
	var err error
	spec.Teams, err = collect(ctx, tx, `SELECT name, description, email, chat, oncall FROM teams ORDER BY name COLLATE "C"`,
		func(rows pgx.Rows) (t catalog.Team, err error) {
			err = rows.Scan(&t.Name, &t.Description, &t.Email, &t.Chat, &t.OnCall)
			return t, err
		})
	if err != nil {
		return spec, fmt.Errorf("read teams: %w", err)
	}
	spec.Services, err = collect(ctx, tx, `SELECT name, team, description, repository, lifecycle FROM services ORDER BY name COLLATE "C"`,
		func(rows pgx.Rows) (sv catalog.Service, err error) {
			err = rows.Scan(&sv.Name, &sv.Team, &sv.Description, &sv.Repository, &sv.Lifecycle)
			return sv, err
		})
	if err != nil {
		return spec, fmt.Errorf("read services: %w", err)
	}
	spec.Topics, err = collect(ctx, tx, `SELECT t.name, t.description, t.owner, t.key_subject, t.value_subject, t.classification,
			array(SELECT tag FROM topic_tags g WHERE g.topic = t.name ORDER BY tag COLLATE "C")
		FROM topics t ORDER BY t.name COLLATE "C"`,
		func(rows pgx.Rows) (t catalog.Topic, err error) {
			err = rows.Scan(&t.Name, &t.Description, &t.Owner, &t.KeySubject, &t.ValueSubject, &t.Classification, &t.Tags)
			if len(t.Tags) == 0 {
				t.Tags = nil
			}
			return t, err
		})
	if err != nil {
		return spec, fmt.Errorf("read topics: %w", err)
	}
	spec.Relations, err = collect(ctx, tx, `SELECT r.service, r.topic, r.kind,
			array(SELECT group_id FROM relation_groups g WHERE (g.topic, g.kind, g.service) = (r.topic, r.kind, r.service) ORDER BY group_id COLLATE "C")
		FROM relations r ORDER BY r.topic COLLATE "C", r.kind COLLATE "C", r.service COLLATE "C"`,
		func(rows pgx.Rows) (r catalog.Relation, err error) {
			err = rows.Scan(&r.Service, &r.Topic, &r.Kind, &r.Groups)
			if len(r.Groups) == 0 {
				r.Groups = nil
			}
			return r, err
		})
	if err != nil {
		return spec, fmt.Errorf("read relations: %w", err)
	}
	return spec, nil
}

// collect reads every row of a query with scan; no rows is a nil slice.
func collect[T any](ctx context.Context, q pgx.Tx, sql string, scan func(pgx.Rows) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql)
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

// ReplaceSpec implements catalog.Store. Children go before parents, as the
// foreign keys want; the inserts go in one batch.
func (s *Store) ReplaceSpec(ctx context.Context, spec catalog.Spec) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, lockSpec); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		for _, table := range []string{"relation_groups", "relations", "topic_tags", "topics", "services", "teams"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
		}
		b := &pgx.Batch{}
		for _, t := range spec.Teams {
			b.Queue(`INSERT INTO teams (name, description, email, chat, oncall) VALUES ($1, $2, $3, $4, $5)`,
				t.Name, t.Description, t.Email, t.Chat, t.OnCall)
		}
		for _, sv := range spec.Services {
			b.Queue(`INSERT INTO services (name, team, description, repository, lifecycle) VALUES ($1, $2, $3, $4, $5)`,
				sv.Name, sv.Team, sv.Description, sv.Repository, sv.Lifecycle)
		}
		for _, t := range spec.Topics {
			b.Queue(`INSERT INTO topics (name, description, owner, key_subject, value_subject, classification) VALUES ($1, $2, $3, $4, $5, $6)`,
				t.Name, t.Description, t.Owner, t.KeySubject, t.ValueSubject, t.Classification)
			for _, tag := range t.Tags {
				b.Queue(`INSERT INTO topic_tags (topic, tag) VALUES ($1, $2)`, t.Name, tag)
			}
		}
		for _, r := range spec.Relations {
			b.Queue(`INSERT INTO relations (service, topic, kind) VALUES ($1, $2, $3)`, r.Service, r.Topic, string(r.Kind))
			for _, g := range r.Groups {
				b.Queue(`INSERT INTO relation_groups (service, topic, kind, group_id) VALUES ($1, $2, $3, $4)`, r.Service, r.Topic, string(r.Kind), g)
			}
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("write the spec: %w", err)
		}
		return nil
	})
}

// Observe implements catalog.Store. Repeated keys are merged first, since
// one statement may not update a row twice.
func (s *Store) Observe(ctx context.Context, obs []catalog.Observation) error {
	obs = merged(obs)
	if len(obs) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, o := range obs {
			b.Queue(`INSERT INTO observations (topic, kind, client, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (topic, kind, client) DO UPDATE SET
					first_seen = LEAST(observations.first_seen, excluded.first_seen),
					last_seen = GREATEST(observations.last_seen, excluded.last_seen)`,
				o.Topic, string(o.Kind), o.Client, o.FirstSeen, o.LastSeen)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("observe: %w", err)
		}
		return nil
	})
}

// merged returns obs with repeated keys merged, sorted by key: the order in
// which every writer locks rows.
func merged(obs []catalog.Observation) []catalog.Observation {
	sorted := slices.Clone(obs)
	slices.SortFunc(sorted, compareKeys)
	var out []catalog.Observation
	for _, o := range sorted {
		if n := len(out); n > 0 && compareKeys(out[n-1], o) == 0 {
			last := &out[n-1]
			if o.FirstSeen.Before(last.FirstSeen) {
				last.FirstSeen = o.FirstSeen
			}
			if o.LastSeen.After(last.LastSeen) {
				last.LastSeen = o.LastSeen
			}
			continue
		}
		out = append(out, o)
	}
	return out
}

func compareKeys(a, b catalog.Observation) int {
	return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Client, b.Client))
}

// Observations implements catalog.Store.
func (s *Store) Observations(ctx context.Context) ([]catalog.Observation, error) {
	rows, err := s.pool.Query(ctx, `SELECT topic, kind, client, first_seen, last_seen FROM observations
		ORDER BY topic COLLATE "C", kind COLLATE "C", client COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Observation
	for rows.Next() {
		var o catalog.Observation
		if err := rows.Scan(&o.Topic, &o.Kind, &o.Client, &o.FirstSeen, &o.LastSeen); err != nil {
			return nil, err
		}
		o.FirstSeen, o.LastSeen = o.FirstSeen.UTC(), o.LastSeen.UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}
