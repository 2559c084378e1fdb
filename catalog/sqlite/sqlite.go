// Package sqlite is the embedded catalog.Store: tables in the SQLite file the
// registry uses (opened by registry/sqlite.Open, migrated by
// migrations.Apply), through the pure-Go modernc.org/sqlite driver.
//
// Writes run in IMMEDIATE transactions, which SQLite serialises across
// connections and processes; reads of the spec run in one deferred
// transaction, a snapshot in WAL mode. It knows SQL and the catalog's domain
// types; it holds no rules of its own.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/charterhq/charter/catalog"
)

// Store is a catalog.Store on a SQLite database migrated by
// migrations.Apply.
type Store struct {
	db     *sql.DB
	writer chan struct{} // the write slot; see lockWriter
}

var _ catalog.Store = (*Store)(nil)

// New returns a Store over db, a database opened by registry/sqlite.Open.
func New(db *sql.DB) *Store {
	return &Store{db: db, writer: make(chan struct{}, 1)}
}

// lockWriter takes this Store's write slot, so that its writers queue in Go
// rather than back off at SQLite's lock; SQLite's lock still keeps other
// processes (and the registry's store) out.
func (s *Store) lockWriter(ctx context.Context) (unlock func(), err error) {
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// write runs f in an IMMEDIATE transaction in the write slot.
func (s *Store) write(ctx context.Context, f func(tx *sql.Tx) error) error {
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
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Spec implements catalog.Store.
func (s *Store) Spec(ctx context.Context) (catalog.Spec, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return catalog.Spec{}, err
	}
	defer tx.Rollback()
	var spec catalog.Spec
	err = each(ctx, tx, `SELECT name, description, email, chat, oncall FROM teams ORDER BY name`, func(rows *sql.Rows) error {
		var t catalog.Team
		err := rows.Scan(&t.Name, &t.Description, &t.Email, &t.Chat, &t.OnCall)
		spec.Teams = append(spec.Teams, t)
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read teams: %w", err)
	}
	err = each(ctx, tx, `SELECT name, team, description, repository, lifecycle FROM services ORDER BY name`, func(rows *sql.Rows) error {
		var sv catalog.Service
		err := rows.Scan(&sv.Name, &sv.Team, &sv.Description, &sv.Repository, &sv.Lifecycle)
		spec.Services = append(spec.Services, sv)
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read services: %w", err)
	}
	tags := map[string][]string{}
	err = each(ctx, tx, `SELECT topic, tag FROM topic_tags ORDER BY topic, tag`, func(rows *sql.Rows) error {
		var topic, tag string
		err := rows.Scan(&topic, &tag)
		tags[topic] = append(tags[topic], tag)
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read tags: %w", err)
	}
	err = each(ctx, tx, `SELECT name, description, owner, key_subject, value_subject, classification FROM topics ORDER BY name`, func(rows *sql.Rows) error {
		var t catalog.Topic
		err := rows.Scan(&t.Name, &t.Description, &t.Owner, &t.KeySubject, &t.ValueSubject, &t.Classification)
		t.Tags = tags[t.Name]
		spec.Topics = append(spec.Topics, t)
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read topics: %w", err)
	}
	type relKey struct{ topic, kind, service string }
	groups := map[relKey][]string{}
	err = each(ctx, tx, `SELECT topic, kind, service, group_id FROM relation_groups ORDER BY group_id`, func(rows *sql.Rows) error {
		var k relKey
		var g string
		err := rows.Scan(&k.topic, &k.kind, &k.service, &g)
		groups[k] = append(groups[k], g)
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read groups: %w", err)
	}
	err = each(ctx, tx, `SELECT topic, kind, service FROM relations ORDER BY topic, kind, service`, func(rows *sql.Rows) error {
		var k relKey
		err := rows.Scan(&k.topic, &k.kind, &k.service)
		spec.Relations = append(spec.Relations, catalog.Relation{Service: k.service, Topic: k.topic, Kind: catalog.Kind(k.kind), Groups: groups[k]})
		return err
	})
	if err != nil {
		return catalog.Spec{}, fmt.Errorf("read relations: %w", err)
	}
	return spec, nil
}

// each runs query and calls f for each row.
func each(ctx context.Context, tx *sql.Tx, query string, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReplaceSpec implements catalog.Store. Children go before parents, as the
// foreign keys want.
func (s *Store) ReplaceSpec(ctx context.Context, spec catalog.Spec) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"relation_groups", "relations", "topic_tags", "topics", "services", "teams"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
		}
		for _, t := range spec.Teams {
			if _, err := tx.ExecContext(ctx, `INSERT INTO teams (name, description, email, chat, oncall) VALUES (?, ?, ?, ?, ?)`,
				t.Name, t.Description, t.Email, t.Chat, t.OnCall); err != nil {
				return fmt.Errorf("insert team %q: %w", t.Name, err)
			}
		}
		for _, sv := range spec.Services {
			if _, err := tx.ExecContext(ctx, `INSERT INTO services (name, team, description, repository, lifecycle) VALUES (?, ?, ?, ?, ?)`,
				sv.Name, sv.Team, sv.Description, sv.Repository, sv.Lifecycle); err != nil {
				return fmt.Errorf("insert service %q: %w", sv.Name, err)
			}
		}
		for _, t := range spec.Topics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO topics (name, description, owner, key_subject, value_subject, classification) VALUES (?, ?, ?, ?, ?, ?)`,
				t.Name, t.Description, t.Owner, t.KeySubject, t.ValueSubject, t.Classification); err != nil {
				return fmt.Errorf("insert topic %q: %w", t.Name, err)
			}
			for _, tag := range t.Tags {
				if _, err := tx.ExecContext(ctx, `INSERT INTO topic_tags (topic, tag) VALUES (?, ?)`, t.Name, tag); err != nil {
					return fmt.Errorf("insert tag %q of %q: %w", tag, t.Name, err)
				}
			}
		}
		for _, r := range spec.Relations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO relations (service, topic, kind) VALUES (?, ?, ?)`, r.Service, r.Topic, string(r.Kind)); err != nil {
				return fmt.Errorf("insert relation %s %s %s: %w", r.Service, r.Kind, r.Topic, err)
			}
			for _, g := range r.Groups {
				if _, err := tx.ExecContext(ctx, `INSERT INTO relation_groups (service, topic, kind, group_id) VALUES (?, ?, ?, ?)`,
					r.Service, r.Topic, string(r.Kind), g); err != nil {
					return fmt.Errorf("insert group %q of %s %s %s: %w", g, r.Service, r.Kind, r.Topic, err)
				}
			}
		}
		return nil
	})
}

// Observe implements catalog.Store. One transaction writes the batch, each
// key by an upsert that keeps the earlier first and the later last time.
func (s *Store) Observe(ctx context.Context, obs []catalog.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO observations (topic, kind, client, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (topic, kind, client) DO UPDATE SET
				first_seen = min(first_seen, excluded.first_seen),
				last_seen = max(last_seen, excluded.last_seen)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, o := range obs {
			if _, err := st.ExecContext(ctx, o.Topic, string(o.Kind), o.Client, o.FirstSeen.UnixMilli(), o.LastSeen.UnixMilli()); err != nil {
				return fmt.Errorf("observe %s %s %s: %w", o.Client, o.Kind, o.Topic, err)
			}
		}
		return nil
	})
}

// Observations implements catalog.Store.
func (s *Store) Observations(ctx context.Context) ([]catalog.Observation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT topic, kind, client, first_seen, last_seen FROM observations ORDER BY topic, kind, client`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Observation
	for rows.Next() {
		var o catalog.Observation
		var first, last int64
		if err := rows.Scan(&o.Topic, &o.Kind, &o.Client, &first, &last); err != nil {
			return nil, err
		}
		o.FirstSeen, o.LastSeen = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}
