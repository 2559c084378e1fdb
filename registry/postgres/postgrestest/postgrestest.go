// Package postgrestest gives tests a PostgreSQL database of their own: a
// fresh schema in the database CHARTER_TEST_DATABASE_URL names, dropped when
// the test ends, so that tests and packages running at once do not meet.
//
// It is for tests only; nothing in the binary imports it.
package postgrestest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URLVar names the environment variable holding the URL of the PostgreSQL
// database tests may use; CI sets it.
const URLVar = "CHARTER_TEST_DATABASE_URL"

// URL creates a fresh, empty schema and returns a URL whose connections use
// it (through search_path). It skips t when URLVar is unset and fails t when
// the database cannot be reached.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(URLVar)
	if base == "" {
		t.Skip(URLVar + " is not set; skipping the PostgreSQL test")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", URLVar, err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s: %v", URLVar, err)
	}
	defer conn.Close(ctx)
	name := "t_" + strings.ToLower(rand.Text()[:16])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", name, err)
		}
	})
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Describe names the database of URL for messages, without credentials.
func Describe(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return fmt.Sprintf("%s%s", u.Host, u.Path)
}
