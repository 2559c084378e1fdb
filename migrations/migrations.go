// Package migrations holds the SQL that creates and evolves Charter's
// database, one folder per dialect, and Apply, which brings a database up to
// date. Files run in lexical order, each in its own transaction, and are
// recorded in schema_migrations so that each runs once.
//
// It is a leaf: it knows SQL and database/sql, nothing of the registry or the
// catalog that use the tables.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialect names a SQL dialect with a folder of migrations.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// advisoryLock is the PostgreSQL advisory lock key that keeps two Charter
// processes starting on one database from migrating at once.
const advisoryLock = 7261836

// Apply runs the migrations of dialect that db has not run yet.
func Apply(ctx context.Context, db *sql.DB, dialect Dialect) error {
	names, err := fs.Glob(files, string(dialect)+"/*.sql")
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no migrations for dialect %q", dialect)
	}
	sort.Strings(names)
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", advisoryLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", advisoryLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, name := range names {
		if err := applyFile(ctx, conn, dialect, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func applyFile(ctx context.Context, conn *sql.Conn, dialect Dialect, name string) error {
	body, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	query := "SELECT count(*) FROM schema_migrations WHERE name = ?"
	insert := "INSERT INTO schema_migrations (name) VALUES (?)"
	if dialect == Postgres {
		query = "SELECT count(*) FROM schema_migrations WHERE name = $1"
		insert = "INSERT INTO schema_migrations (name) VALUES ($1)"
	}
	var n int
	if err := tx.QueryRowContext(ctx, query, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insert, name); err != nil {
		return err
	}
	return tx.Commit()
}
