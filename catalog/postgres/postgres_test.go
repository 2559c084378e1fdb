package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
	"github.com/charterhq/charter/catalog/postgres"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry/postgres/postgrestest"
)

func TestStore(t *testing.T) {
	catalogtest.TestStore(t, func(t *testing.T) catalog.Store {
		return postgres.New(openPool(t, postgrestest.URL(t)))
	})
}

// TestStore_TwoInstances runs writers through two pools on one database, as
// two Charter instances would: PostgreSQL's locks, not a Go mutex, must keep
// them apart.
func TestStore_TwoInstances(t *testing.T) {
	url := postgrestest.URL(t)
	catalogtest.TestConcurrency(t, postgres.New(openPool(t, url)), postgres.New(openPool(t, url)))
}

// openPool opens and migrates the database at url, closing it with t.
func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	if err := migrations.Apply(ctx, db, migrations.Postgres); err != nil {
		t.Fatal(err)
	}
	return pool
}
