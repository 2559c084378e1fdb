package rpc_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
	"github.com/charterhq/charter/compat/jsonschema"
	"github.com/charterhq/charter/compat/protobuf"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/postgres"
	"github.com/charterhq/charter/registry/postgres/postgrestest"
	"github.com/charterhq/charter/registry/rpc"
	"github.com/charterhq/charter/registry/sqlite"
	registryv1 "github.com/charterhq/charter/registry/v1"
	"github.com/charterhq/charter/registry/v1/registryv1connect"
)

// stores open a fresh, migrated store for a test.
var stores = []struct {
	name string
	open func(t *testing.T) registry.Store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

// protocols are the three a connect-go client speaks; the handler serves
// them all on the same paths.
var protocols = []struct {
	name string
	opts []connect.ClientOption
}{
	{"connect", nil},
	{"grpc", []connect.ClientOption{connect.WithGRPC()}},
	{"grpcweb", []connect.ClientOption{connect.WithGRPCWeb()}},
}

func openSQLite(t *testing.T) registry.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "charter.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db, migrations.SQLite)
	return sqlite.New(db)
}

func openPostgres(t *testing.T) registry.Store {
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

// newClient serves the RegistryService over store on an httptest server
// speaking HTTP/1.1 and cleartext HTTP/2, as charter serve does, and returns
// a client for it using opts. It logs to log when that is not nil.
func newClient(t *testing.T, store registry.Store, log io.Writer, opts ...connect.ClientOption) registryv1connect.RegistryServiceClient {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := registry.New(store, []compat.Format{avro.Format{}, protobuf.Format{}, jsonschema.Format{}}, logger)
	mux := http.NewServeMux()
	mux.Handle(rpc.New(svc, logger))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)

	// Prior-knowledge HTTP/2 without TLS: gRPC needs HTTP/2, and the other
	// protocols must work over it too.
	transport := &http.Transport{Protocols: new(http.Protocols)}
	transport.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(transport.CloseIdleConnections)
	return registryv1connect.NewRegistryServiceClient(&http.Client{Transport: transport}, srv.URL, opts...)
}

// wantError fails t unless err is a Connect error with code and the
// Confluent code confluent in its metadata.
func wantError(t *testing.T, err error, code connect.Code, confluent string) {
	t.Helper()
	var cerr *connect.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("error = %v; want a %v Connect error with Confluent code %s", err, code, confluent)
	}
	if got := cerr.Meta().Get(rpc.CodeHeader); cerr.Code() != code || got != confluent {
		t.Errorf("error = %v (%s %s); want %v with %s %s", err, rpc.CodeHeader, got, code, rpc.CodeHeader, confluent)
	}
}

// TestRegistryService runs each scenario on SQLite and PostgreSQL through
// each protocol, one server per store and protocol.
func TestRegistryService(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, c registryv1connect.RegistryServiceClient)
	}{
		{"RegisterAndRead", testRegisterAndRead},
		{"Formats", testFormats},
		{"Compatibility", testCompatibility},
		{"Config", testConfig},
		{"Mode", testMode},
		{"Deletes", testDeletes},
		{"Errors", testErrors},
	}
	for _, st := range stores {
		for _, p := range protocols {
			t.Run(st.name+"/"+p.name, func(t *testing.T) {
				client := newClient(t, st.open(t), nil, p.opts...)
				for _, sc := range scenarios {
					t.Run(sc.name, func(t *testing.T) { sc.run(t, client) })
				}
			})
		}
	}
}

// failingStore fails every listing with a cause clients must not see.
type failingStore struct {
	registry.Store // nil: any other method panics, and the test calls none
}

func (failingStore) Subjects(context.Context) ([]registry.SubjectVersion, error) {
	return nil, errors.New("disk on fire at /secret/path")
}

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestInternalErrorHidesCause checks that a store failure reaches clients
// as INTERNAL with the generic message, and its cause only the log.
func TestInternalErrorHidesCause(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			log := new(syncBuffer)
			client := newClient(t, failingStore{}, log, p.opts...)
			_, err := client.ListSubjects(context.Background(), connect.NewRequest(&registryv1.ListSubjectsRequest{}))
			wantError(t, err, connect.CodeInternal, "50001")
			if strings.Contains(err.Error(), "disk on fire") {
				t.Errorf("error %q leaks its cause", err)
			}
			if !strings.Contains(log.String(), "disk on fire at /secret/path") || !strings.Contains(log.String(), "ListSubjects") {
				t.Errorf("log lacks the cause and procedure:\n%s", log)
			}
		})
	}
}
