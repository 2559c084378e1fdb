package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/postgres"
	"github.com/charterhq/charter/registry/postgres/postgrestest"
	"github.com/charterhq/charter/registry/registrytest"
	"github.com/charterhq/charter/registry/sqlite"
)

func newService(t *testing.T) *registry.Service {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	return registry.New(sqlite.New(db), []compat.Format{registrytest.FieldList{}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func mustRegister(t *testing.T, s *registry.Service, subject, schema string) registry.Version {
	t.Helper()
	v, err := s.Register(context.Background(), subject, registry.SchemaRequest{Schema: schema})
	if err != nil {
		t.Fatalf("Register(%s, %q): %v", subject, schema, err)
	}
	return v
}

func wantCode(t *testing.T, err error, code registry.Code) {
	t.Helper()
	if got := registry.CodeOf(err); err == nil || got != code {
		t.Fatalf("error = %v (code %d), want code %d", err, got, code)
	}
}

func TestService_Register(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	v1 := mustRegister(t, s, "a", "id")
	if v1.Version != 1 || v1.Schema.ID != 1 {
		t.Fatalf("first registration = v%d id %d, want v1 id 1", v1.Version, v1.Schema.ID)
	}
	if again := mustRegister(t, s, "a", "id"); again.Version != 1 || again.Schema.ID != 1 {
		t.Errorf("re-registration = v%d id %d, want v1 id 1", again.Version, again.Schema.ID)
	}
	if other := mustRegister(t, s, "b", "id"); other.Version != 1 || other.Schema.ID != 1 {
		t.Errorf("same schema under b = v%d id %d, want v1 id 1", other.Version, other.Schema.ID)
	}
	_, err := s.Register(ctx, "a", registry.SchemaRequest{Schema: "id,qty"})
	wantCode(t, err, registry.CodeIncompatibleSchema)
	v2 := mustRegister(t, s, "a", "id,qty?")
	if v2.Version != 2 || v2.Schema.ID != 2 {
		t.Errorf("evolution = v%d id %d, want v2 id 2", v2.Version, v2.Schema.ID)
	}
	// An older identical schema comes back as its old version.
	if old := mustRegister(t, s, "a", "id"); old.Version != 1 {
		t.Errorf("older identical schema = v%d, want v1", old.Version)
	}
	// version -1 makes it the latest instead.
	latest, err := s.Register(ctx, "a", registry.SchemaRequest{Schema: "id", Version: registry.Latest})
	if err != nil || latest.Version != 3 || latest.Schema.ID != 1 {
		t.Errorf("register with version -1 = v%d id %d %v, want v3 id 1", latest.Version, latest.Schema.ID, err)
	}
	_, err = s.Register(ctx, "a", registry.SchemaRequest{Schema: "bad field"})
	wantCode(t, err, registry.CodeInvalidSchema)
	_, err = s.Register(ctx, "a", registry.SchemaRequest{Schema: "x", Type: "XML"})
	wantCode(t, err, registry.CodeInvalidSchema)
	_, err = s.Register(ctx, "__GLOBAL", registry.SchemaRequest{Schema: "x"})
	wantCode(t, err, registry.CodeInvalidSubject)
	_, err = s.Register(ctx, "a", registry.SchemaRequest{Schema: "z?", Version: 9})
	wantCode(t, err, registry.CodeInvalidSchema)
	if vs, _ := s.Versions(ctx, "a", registry.VersionQuery{}); len(vs) != 3 {
		t.Errorf("versions of a = %v after failed registrations, want 3 of them", vs)
	}
}

func TestService_Levels(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		level   string
		history []string
		next    string
		ok      bool
	}{
		{"BACKWARD", []string{"a"}, "a,b", false},
		{"BACKWARD", []string{"a"}, "a,b?", true},
		{"BACKWARD", []string{"a,b"}, "a", true},
		{"FORWARD", []string{"a,b"}, "a", false},
		{"FORWARD", []string{"a,b?"}, "a", true},
		{"FORWARD", []string{"a"}, "a,b", true},
		{"FULL", []string{"a"}, "a,b", false},
		{"FULL", []string{"a"}, "a,b?", true},
		{"NONE", []string{"a"}, "b", true},
		// Non-transitive levels compare with the latest version only.
		{"BACKWARD", []string{"a,c", "a,c?"}, "a", true},
		{"BACKWARD", []string{"a", "a,c?", "c?"}, "d", false},
		{"BACKWARD_TRANSITIVE", []string{"a,c", "a,c?"}, "a,c", true},
		{"BACKWARD_TRANSITIVE", []string{"a", "a,c"}, "a,c", true},
		{"BACKWARD_TRANSITIVE", []string{"c", "a,c?"}, "a,c", false},
		{"FORWARD_TRANSITIVE", []string{"a,b", "a,b?,c?"}, "a,c?", false},
		{"FULL_TRANSITIVE", []string{"a", "a,b?"}, "a,b?,c?", true},
	} {
		t.Run(fmt.Sprintf("%s %v+%s", tc.level, tc.history, tc.next), func(t *testing.T) {
			s := newService(t)
			setLevel(t, s, registry.GlobalScope, "NONE") // histories are set up unchecked
			for _, h := range tc.history {
				mustRegister(t, s, "s", h)
			}
			setLevel(t, s, "s", tc.level)
			_, err := s.Register(ctx, "s", registry.SchemaRequest{Schema: tc.next})
			if tc.ok && err != nil {
				t.Errorf("Register = %v, want success", err)
			}
			if !tc.ok && registry.CodeOf(err) != registry.CodeIncompatibleSchema {
				t.Errorf("Register = %v, want CodeIncompatibleSchema", err)
			}
		})
	}
}

func setLevel(t *testing.T, s *registry.Service, scope, level string) {
	t.Helper()
	patch := map[string]json.RawMessage{"compatibility": json.RawMessage(`"` + level + `"`)}
	if _, err := s.UpdateConfig(context.Background(), scope, patch); err != nil {
		t.Fatal(err)
	}
}

func TestService_Delete(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustRegister(t, s, "a", "x")
	mustRegister(t, s, "a", "x,y?")
	mustRegister(t, s, "b", "x")

	_, err := s.DeleteVersion(ctx, "a", 1, true)
	wantCode(t, err, registry.CodeVersionNotSoftDeleted)
	if n, err := s.DeleteVersion(ctx, "a", 1, false); err != nil || n != 1 {
		t.Fatalf("soft delete = %d %v", n, err)
	}
	_, err = s.DeleteVersion(ctx, "a", 1, false)
	wantCode(t, err, registry.CodeVersionSoftDeleted)
	_, err = s.Version(ctx, "a", 1, false)
	wantCode(t, err, registry.CodeVersionNotFound)
	if v, err := s.Version(ctx, "a", 1, true); err != nil || !v.Deleted {
		t.Errorf("Version(deleted=true) = %+v %v, want the soft-deleted version", v, err)
	}
	if _, err := s.SchemaByID(ctx, 1, ""); err != nil {
		t.Errorf("schema 1 after soft delete: %v", err)
	}
	if n, err := s.DeleteVersion(ctx, "a", 1, true); err != nil || n != 1 {
		t.Fatalf("permanent delete = %d %v", n, err)
	}
	_, err = s.DeleteVersion(ctx, "a", 7, false)
	wantCode(t, err, registry.CodeVersionNotFound)
	// Schema 1 lives on under b.
	if _, err := s.SchemaByID(ctx, 1, ""); err != nil {
		t.Errorf("schema 1 still used by b: %v", err)
	}

	_, err = s.DeleteSubject(ctx, "b", true)
	wantCode(t, err, registry.CodeSubjectNotSoftDeleted)
	if vs, err := s.DeleteSubject(ctx, "b", false); err != nil || len(vs) != 1 {
		t.Fatalf("soft delete subject = %v %v", vs, err)
	}
	_, err = s.DeleteSubject(ctx, "b", false)
	wantCode(t, err, registry.CodeSubjectSoftDeleted)
	if _, err := s.DeleteSubject(ctx, "b", true); err != nil {
		t.Fatal(err)
	}
	_, err = s.SchemaByID(ctx, 1, "")
	wantCode(t, err, registry.CodeSchemaNotFound)
	_, err = s.DeleteSubject(ctx, "b", false)
	wantCode(t, err, registry.CodeSubjectNotFound)
	// IDs are never reused: a new schema gets 3, the old content gets a new ID.
	if v := mustRegister(t, s, "c", "brand,new"); v.Schema.ID != 3 {
		t.Errorf("new schema after purge got ID %d, want 3", v.Schema.ID)
	}
	if v := mustRegister(t, s, "c2", "x"); v.Schema.ID != 4 {
		t.Errorf("purged content re-registered got ID %d, want 4", v.Schema.ID)
	}
}

func TestService_References(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustRegister(t, s, "customer", "name")
	v, err := s.Register(ctx, "order", registry.SchemaRequest{Schema: "id", References: []registry.Reference{{Name: "Customer", Subject: "customer", Version: registry.Latest}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Schema.References[0].Version; got != 1 {
		t.Errorf("reference version -1 stored as %d, want 1", got)
	}
	ids, err := s.ReferencedBy(ctx, "customer", 1, false)
	if err != nil || len(ids) != 1 || ids[0] != v.Schema.ID {
		t.Errorf("ReferencedBy = %v %v, want [%d]", ids, err, v.Schema.ID)
	}
	_, err = s.DeleteVersion(ctx, "customer", 1, false)
	wantCode(t, err, registry.CodeReferenceExists)
	_, err = s.Register(ctx, "order2", registry.SchemaRequest{Schema: "id", References: []registry.Reference{{Name: "X", Subject: "nowhere", Version: 1}}})
	wantCode(t, err, registry.CodeInvalidSchema)
}

func TestService_Modes(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustRegister(t, s, "a", "x")
	if _, err := s.SetMode(ctx, registry.GlobalScope, "READONLY", false); err != nil {
		t.Fatal(err)
	}
	// Already registered: still answered, as producers expect.
	if v := mustRegister(t, s, "a", "x"); v.Version != 1 {
		t.Errorf("registered schema under READONLY = v%d", v.Version)
	}
	_, err := s.Register(ctx, "a", registry.SchemaRequest{Schema: "x,y?"})
	wantCode(t, err, registry.CodeOperationNotPermitted)
	_, err = s.DeleteSubject(ctx, "a", false)
	wantCode(t, err, registry.CodeOperationNotPermitted)
	_, err = s.SetMode(ctx, registry.GlobalScope, "IMPORT", false)
	wantCode(t, err, registry.CodeOperationNotPermitted)
	if _, err := s.SetMode(ctx, registry.GlobalScope, "IMPORT", true); err != nil {
		t.Fatal(err)
	}
	v, err := s.Register(ctx, "imported", registry.SchemaRequest{Schema: "q", ID: 50, Version: 4})
	if err != nil || v.Schema.ID != 50 || v.Version != 4 {
		t.Fatalf("import = %+v %v", v, err)
	}
	_, err = s.Register(ctx, "imported", registry.SchemaRequest{Schema: "other", ID: 50})
	wantCode(t, err, registry.CodeOperationNotPermitted)
	_, err = s.Register(ctx, "imported", registry.SchemaRequest{Schema: "noid"})
	wantCode(t, err, registry.CodeOperationNotPermitted)
	if _, err := s.DeleteMode(ctx, registry.GlobalScope); err != nil {
		t.Fatal(err)
	}
	if v := mustRegister(t, s, "after", "fresh"); v.Schema.ID != 51 {
		t.Errorf("ID after import = %d, want 51", v.Schema.ID)
	}
	_, err = s.SetMode(ctx, "a", "FORWARD", false)
	wantCode(t, err, registry.CodeInvalidMode)
	_, err = s.SetMode(ctx, "a", "SIDEWAYS", false)
	wantCode(t, err, registry.CodeInvalidMode)
	_, err = s.Mode(ctx, "a", false)
	wantCode(t, err, registry.CodeSubjectModeNotFound)
}

// TestService_ConcurrentRegistrations races many clients through two
// Services on one database file, as two processes would: each subject must
// end with contiguous versions, one ID per content, and no version that is
// incompatible with its predecessor.
func TestService_ConcurrentRegistrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var services []*registry.Service
	for range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := migrations.Apply(ctx, db, migrations.SQLite); err != nil {
			t.Fatal(err)
		}
		services = append(services, registry.New(sqlite.New(db), []compat.Format{registrytest.FieldList{}}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	}
	raceRegistrations(t, services)
}

// TestService_ConcurrentRegistrationsPostgres is the same race through two
// pools on one PostgreSQL database, as two Charter instances would run.
func TestService_ConcurrentRegistrationsPostgres(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.URL(t)
	var services []*registry.Service
	for range 2 {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		db := stdlib.OpenDBFromPool(pool)
		t.Cleanup(func() { db.Close() })
		if err := migrations.Apply(ctx, db, migrations.Postgres); err != nil {
			t.Fatal(err)
		}
		services = append(services, registry.New(postgres.New(pool), []compat.Format{registrytest.FieldList{}}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	}
	raceRegistrations(t, services)
}

// raceRegistrations is the body of the concurrency tests, shared with the
// PostgreSQL one.
func raceRegistrations(t *testing.T, services []*registry.Service) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := services[g%len(services)]
			for i := range 10 {
				// Every goroutine adds its own optional field (compatible) or
				// a required one (incompatible with anything before it).
				schema := fmt.Sprintf("base,f%d_%d?", g, i)
				if i%3 == 2 {
					schema = fmt.Sprintf("base,req%d_%d", g, i)
				}
				_, err := s.Register(ctx, fmt.Sprintf("subject-%d", i%3), registry.SchemaRequest{Schema: schema})
				if err != nil && !errors.Is(err, registry.ErrIncompatibleSchema) {
					errs <- err
				}
				// And all register one shared schema in a subject of their own.
				if _, err := s.Register(ctx, fmt.Sprintf("own-%d", g), registry.SchemaRequest{Schema: "shared,content"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := services[0]
	sharedID := -1
	for g := range 16 {
		v, err := s.Version(ctx, fmt.Sprintf("own-%d", g), registry.Latest, false)
		if err != nil {
			t.Fatal(err)
		}
		if sharedID == -1 {
			sharedID = v.Schema.ID
		}
		if v.Schema.ID != sharedID || v.Version != 1 {
			t.Errorf("own-%d: v%d id %d; want v1 with the one shared id %d", g, v.Version, v.Schema.ID, sharedID)
		}
	}
	seen := map[int]string{}
	for i := range 3 {
		subject := fmt.Sprintf("subject-%d", i)
		nums, err := s.Versions(ctx, subject, registry.VersionQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var prev *registry.Version
		for n, num := range nums {
			if num != n+1 {
				t.Fatalf("%s versions %v are not contiguous", subject, nums)
			}
			v, err := s.Version(ctx, subject, num, false)
			if err != nil {
				t.Fatal(err)
			}
			if text, ok := seen[v.Schema.ID]; ok && text != v.Schema.Text {
				t.Errorf("ID %d carries %q and %q", v.Schema.ID, text, v.Schema.Text)
			}
			seen[v.Schema.ID] = v.Schema.Text
			if prev != nil {
				reader, _ := registrytest.FieldList{}.Parse(v.Schema.Text, nil)
				writer, _ := registrytest.FieldList{}.Parse(prev.Schema.Text, nil)
				if p := (registrytest.FieldList{}).Compatible(reader, writer); len(p) > 0 {
					t.Errorf("%s v%d (%s) got in although incompatible with v%d (%s)", subject, v.Version, v.Schema.Text, prev.Version, prev.Schema.Text)
				}
			}
			prev = &v
		}
	}
}

func TestService_SubjectsOf(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mustRegister(t, s, "b", "id")
	mustRegister(t, s, "a", "id")
	mustRegister(t, s, "a", "id,n?")
	mustRegister(t, s, "a", "id") // already v1: no new version
	mustRegister(t, s, ":.other:c", "id")
	if _, err := s.DeleteVersion(ctx, "b", 1, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   int
		want string
	}{
		{1, "a,b"}, // soft-deleted versions still count: their records exist
		{2, "a"},
		{99, ""},
	} {
		got, err := s.SubjectsOf(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("SubjectsOf(%d) = %v, want %s", tc.id, got, tc.want)
		}
	}
}

// TestService_ReferencesUnderPoolPressurePostgres registers, from many
// goroutines through a pool of two connections, versions whose predecessor
// has references and is not parsed yet. The registration holding the
// subject's lock must read those references in its own transaction: taken
// from the pool, they would wait for a connection that the registrations
// queueing for the lock hold, until the deadline.
func TestService_ReferencesUnderPoolPressurePostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	url := postgrestest.URL(t)
	seed, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seed.Close)
	db := stdlib.OpenDBFromPool(seed)
	t.Cleanup(func() { db.Close() })
	if err := migrations.Apply(ctx, db, migrations.Postgres); err != nil {
		t.Fatal(err)
	}
	formats := []compat.Format{registrytest.FieldList{}}
	logger := slog.New(slog.DiscardHandler)
	refs := []registry.Reference{{Name: "common", Subject: "common", Version: 1}}
	seeded := registry.New(postgres.New(seed), formats, logger)
	for _, r := range []struct {
		subject string
		req     registry.SchemaRequest
	}{
		{"common", registry.SchemaRequest{Schema: "c"}},
		{"orders", registry.SchemaRequest{Schema: "id", References: refs}},
	} {
		if _, err := seeded.Register(ctx, r.subject, r.req); err != nil {
			t.Fatal(err)
		}
	}

	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 2
	small, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(small.Close)
	cold := registry.New(postgres.New(small), formats, logger) // nothing parsed yet
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			req := registry.SchemaRequest{Schema: fmt.Sprintf("id,f%d?", g), References: refs}
			if _, err := cold.Register(ctx, "orders", req); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("register: %v", err)
	}
	if vs, err := cold.Versions(ctx, "orders", registry.VersionQuery{}); err != nil || len(vs) != 9 {
		t.Errorf("versions %v, %v; want 9", vs, err)
	}
}
