package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
	"github.com/charterhq/charter/catalog/sqlite"
	"github.com/charterhq/charter/migrations"
	registrysqlite "github.com/charterhq/charter/registry/sqlite"
)

func TestStore(t *testing.T) {
	catalogtest.TestStore(t, func(t *testing.T) catalog.Store {
		return sqlite.New(openDB(t, filepath.Join(t.TempDir(), "charter.db")))
	})
}

// TestStore_SharedFile runs writers through two handles on one file, as two
// Charter processes would: SQLite's file lock, not a Go mutex, must keep
// them apart.
func TestStore_SharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "charter.db")
	a, b := openDB(t, path), openDB(t, path)
	catalogtest.TestConcurrency(t, sqlite.New(a), sqlite.New(b))
}

// openDB opens and migrates the database at path as charter serve does,
// closing it with t.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := registrysqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	return db
}
