package rpc_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/postgres"
	"github.com/charterhq/charter/catalog/rpc"
	"github.com/charterhq/charter/catalog/sqlite"
	"github.com/charterhq/charter/catalog/v1/catalogv1connect"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry/postgres/postgrestest"
	registryrpc "github.com/charterhq/charter/registry/rpc"
	registrysqlite "github.com/charterhq/charter/registry/sqlite"
)

// now is when every Keeper under test starts.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a Keeper's Now, which a test moves while the server reads it.
type clock struct{ nanos atomic.Int64 }

func (c *clock) now() time.Time  { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *clock) set(t time.Time) { c.nanos.Store(t.UnixNano()) }

var stores = []struct {
	name string
	open func(t *testing.T) catalog.Store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

var protocols = []struct {
	name string
	opts []connect.ClientOption
}{
	{"connect", nil},
	{"grpc", []connect.ClientOption{connect.WithGRPC()}},
	{"grpcweb", []connect.ClientOption{connect.WithGRPCWeb()}},
}

func openSQLite(t *testing.T) catalog.Store {
	t.Helper()
	db, err := registrysqlite.Open(filepath.Join(t.TempDir(), "charter.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db, migrations.SQLite)
	return sqlite.New(db)
}

func openPostgres(t *testing.T) catalog.Store {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), postgrestest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	migrate(t, db, migrations.Postgres)
	return postgres.New(pool)
}

func migrate(t *testing.T, db *sql.DB, dialect migrations.Dialect) {
	t.Helper()
	if err := migrations.Apply(context.Background(), db, dialect); err != nil {
		t.Fatal(err)
	}
}

// newClient serves the CatalogService over a Keeper on store, on an
// httptest server speaking HTTP/1.1 and cleartext HTTP/2, and returns the
// Keeper (to feed observations), its clock, set to now, and a client for it
// using opts.
func newClient(t *testing.T, store catalog.Store, opts ...connect.ClientOption) (*catalog.Keeper, *clock, catalogv1connect.CatalogServiceClient) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	keeper := catalog.New(store, logger)
	clock := new(clock)
	clock.set(now)
	keeper.Now = clock.now
	t.Cleanup(func() { keeper.Close() })

	mux := http.NewServeMux()
	mux.Handle(rpc.New(keeper, logger))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	transport := &http.Transport{Protocols: new(http.Protocols)}
	transport.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(transport.CloseIdleConnections)
	return keeper, clock, catalogv1connect.NewCatalogServiceClient(&http.Client{Transport: transport}, srv.URL, opts...)
}

// wantError fails t unless err is a Connect error with code and the
// registry error code confluent in its metadata.
func wantError(t *testing.T, err error, code connect.Code, confluent string) *connect.Error {
	t.Helper()
	var cerr *connect.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("error = %v; want a %v Connect error with code %s", err, code, confluent)
	}
	if got := cerr.Meta().Get(registryrpc.CodeHeader); cerr.Code() != code || got != confluent {
		t.Errorf("error = %v (%s %s); want %v with %s", err, registryrpc.CodeHeader, got, code, confluent)
	}
	return cerr
}

func TestCatalogService(t *testing.T) {
	for _, st := range stores {
		for _, p := range protocols {
			t.Run(st.name+"/"+p.name, func(t *testing.T) {
				keeper, clock, client := newClient(t, st.open(t), p.opts...)
				t.Run("Apply", func(t *testing.T) { testApply(t, client) })
				t.Run("Topics", func(t *testing.T) { testTopics(t, keeper, clock, client) })
				t.Run("Errors", func(t *testing.T) { testErrors(t, client) })
			})
		}
	}
}
