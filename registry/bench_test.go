package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/postgres"
	"github.com/charterhq/charter/registry/postgres/postgrestest"
	"github.com/charterhq/charter/registry/sqlite"
)

// BenchmarkRegister registers a new version into a subject that already
// has n versions, one registration at a time, and reports registrations
// per second: what a registration costs as a subject's history grows. Each
// version is a compatible evolution of the same small Avro record, so every
// registration runs a real compatibility check, against the latest version
// (BACKWARD) or every version (BACKWARD_TRANSITIVE). The version registered
// is permanently deleted again, untimed, so that every one meets exactly n.
// PostgreSQL runs when CHARTER_TEST_DATABASE_URL is set.
//
//	go test -run '^$' -bench Register -benchtime 2s ./registry/
func BenchmarkRegister(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			ctx := context.Background()
			store := st.open(b)
			s := registry.New(store, []compat.Format{avro.Format{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, n := range []int{10, 100, 1000} {
				subject := fmt.Sprintf("orders-%d-value", n)
				fillSubject(b, s, subject, n)
				for _, level := range []compat.Level{compat.Backward, compat.BackwardTransitive} {
					setCompatibility(b, s, subject, level)
					b.Run(fmt.Sprintf("%s/versions=%d", level, n), func(b *testing.B) {
						for i := 0; b.Loop(); i++ {
							v, err := s.Register(ctx, subject, registry.SchemaRequest{Schema: orderSchema(fmt.Sprintf("r%d", i))})
							if err != nil {
								b.Fatal(err)
							}
							b.StopTimer()
							if v.Version != n+1 {
								b.Fatalf("registered version %d, want %d", v.Version, n+1)
							}
							// Straight to the store: Service's permanent delete
							// would drop its cache of parsed schemas as well.
							if err := store.SoftDeleteVersions(ctx, subject, []int{v.Version}); err != nil {
								b.Fatal(err)
							}
							if err := store.PurgeVersions(ctx, subject, []int{v.Version}); err != nil {
								b.Fatal(err)
							}
							b.StartTimer()
						}
						b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reg/s")
					})
				}
			}
		})
	}
}

// BenchmarkLookup looks up, as a producer's serializer does with
// auto-registration off (POST /subjects/{subject}), the schema of a version
// of a subject that has n versions, and reports lookups per second: what a
// lookup costs as a subject's history grows. The schema found is the
// subject's first version, so a scan from the newest one meets them all.
//
//	go test -run '^$' -bench 'Lookup|LatestVersion' -benchtime 2s ./registry/
func BenchmarkLookup(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			ctx := context.Background()
			s := registry.New(st.open(b), []compat.Format{avro.Format{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, n := range []int{10, 100, 1000} {
				subject := fmt.Sprintf("orders-%d-value", n)
				fillSubject(b, s, subject, n)
				req := registry.SchemaRequest{Schema: orderSchema("v0")}
				b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
					for b.Loop() {
						v, err := s.Lookup(ctx, subject, req, false)
						if err != nil {
							b.Fatal(err)
						}
						if v.Version != 1 {
							b.Fatalf("found version %d, want 1", v.Version)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
				})
			}
		})
	}
}

// BenchmarkLatestVersion reads the latest version of a subject that has n
// versions, as serializers with use.latest.version do (GET
// /subjects/{subject}/versions/latest), and reports reads per second.
func BenchmarkLatestVersion(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			ctx := context.Background()
			s := registry.New(st.open(b), []compat.Format{avro.Format{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, n := range []int{10, 100, 1000} {
				subject := fmt.Sprintf("orders-%d-value", n)
				fillSubject(b, s, subject, n)
				b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
					for b.Loop() {
						v, err := s.Version(ctx, subject, registry.Latest, false)
						if err != nil {
							b.Fatal(err)
						}
						if v.Version != n {
							b.Fatalf("latest version %d, want %d", v.Version, n)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
				})
			}
		})
	}
}

// BenchmarkCheckCompatibility checks a new schema against the latest
// version of a subject that has n versions at BACKWARD, as a CI job does
// on every pull request (POST /compatibility/subjects/{subject}/versions/latest),
// and reports checks per second.
func BenchmarkCheckCompatibility(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			ctx := context.Background()
			s := registry.New(st.open(b), []compat.Format{avro.Format{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, n := range []int{10, 100, 1000} {
				subject := fmt.Sprintf("orders-%d-value", n)
				fillSubject(b, s, subject, n)
				setCompatibility(b, s, subject, compat.Backward)
				req := registry.SchemaRequest{Schema: orderSchema("next")}
				b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
					for b.Loop() {
						r, err := s.CheckCompatibility(ctx, subject, registry.Latest, req)
						if err != nil {
							b.Fatal(err)
						}
						if !r.Compatible {
							b.Fatalf("incompatible: %v", r.Messages())
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
				})
			}
		})
	}
}

// benchStores are the stores the benchmarks run on, each over a fresh
// database: SQLite always, PostgreSQL when CHARTER_TEST_DATABASE_URL is set.
var benchStores = []struct {
	name string
	open func(b *testing.B) registry.Store
}{
	{"sqlite", func(b *testing.B) registry.Store {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "r.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
			b.Fatal(err)
		}
		return sqlite.New(db)
	}},
	{"postgres", func(b *testing.B) registry.Store {
		if os.Getenv(postgrestest.URLVar) == "" {
			b.Skip(postgrestest.URLVar + " is not set; skipping the PostgreSQL benchmark")
		}
		pool, err := pgxpool.New(context.Background(), postgrestest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		db := stdlib.OpenDBFromPool(pool)
		defer db.Close()
		if err := migrations.Apply(context.Background(), db, migrations.Postgres); err != nil {
			b.Fatal(err)
		}
		return postgres.New(pool)
	}},
}

// orderSchema is version field of a small record: the same fields, and one
// more, named field, with a default, so that any two versions are
// compatible both ways.
func orderSchema(field string) string {
	return `{"type":"record","name":"Order","namespace":"bench","fields":[` +
		`{"name":"id","type":"long"},{"name":"customer","type":"string"},{"name":"amount","type":"double"},` +
		`{"name":"` + field + `","type":"int","default":0}]}`
}

// fillSubject registers n versions under subject, with no compatibility
// check so that filling a long history stays quick.
func fillSubject(b *testing.B, s *registry.Service, subject string, n int) {
	b.Helper()
	setCompatibility(b, s, subject, compat.None)
	for i := range n {
		if _, err := s.Register(context.Background(), subject, registry.SchemaRequest{Schema: orderSchema(fmt.Sprintf("v%d", i))}); err != nil {
			b.Fatalf("fill %s: %v", subject, err)
		}
	}
}

func setCompatibility(b *testing.B, s *registry.Service, subject string, level compat.Level) {
	b.Helper()
	patch := map[string]json.RawMessage{"compatibility": json.RawMessage(`"` + string(level) + `"`)}
	if _, err := s.UpdateConfig(context.Background(), subject, patch); err != nil {
		b.Fatalf("set %s to %s: %v", subject, level, err)
	}
}
