package registrytest

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// registerTests run registry.Service's registration rules over the store,
// in long histories with soft-deleted versions between live ones: what
// comes back as already registered, which version number a new one gets,
// what import mode refuses, and which versions a compatibility check
// compares with. The rules are Service's, but each answer rests on one of
// the store's History lookups.
var registerTests = []storeTest{
	{"ReregisterAmongMany", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		const n = 120
		for i := 1; i <= n; i++ {
			r.want(r.register("s", evolution(i)), i, i)
		}
		r.softDelete("s", 50, 51, 52, n-1, n)
		// A live version carrying the schema comes back as it is. A
		// soft-deleted one does not: the schema becomes a new version, after
		// the soft-deleted ones, under its old ID; and that one comes back.
		r.want(r.register("s", evolution(10)), 10, 10)
		r.want(r.register("s", evolution(51)), n+1, 51)
		r.want(r.register("s", evolution(51)), n+1, 51)

		// Version -1 asks for the schema as the latest version.
		latest := registry.SchemaRequest{Schema: evolution(10), Version: registry.Latest}
		r.want(r.registerReq("s", latest), n+2, 10)
		r.want(r.registerReq("s", latest), n+2, 10)
		r.want(r.register("s", evolution(10)), n+2, 10) // the newest carrier
		r.want(r.registerReq("s", registry.SchemaRequest{Schema: evolution(10), Version: 10}), 10, 10)

		// A new schema's explicit version must be the next one.
		_, err := r.svc.Register(r.ctx, "s", registry.SchemaRequest{Schema: "id,fresh?", Version: 5})
		wantCode(t, "explicit version 5 of a new schema", err, registry.CodeInvalidSchema)
		r.want(r.registerReq("s", registry.SchemaRequest{Schema: "id,fresh?", Version: n + 3}), n+3, n+1)

		// Read-only refuses new schemas but still answers registered ones.
		if _, err := r.svc.SetMode(r.ctx, "s", "READONLY", false); err != nil {
			t.Fatal(err)
		}
		r.want(r.register("s", evolution(30)), 30, 30)
		_, err = r.svc.Register(r.ctx, "s", registry.SchemaRequest{Schema: evolution(50)})
		wantCode(t, "a soft-deleted schema in READONLY mode", err, registry.CodeOperationNotPermitted)
		if got := mustMaxID(t, s, "."); got != n+1 {
			t.Errorf("MaxID = %d, want %d: re-registrations allocated IDs", got, n+1)
		}
	}},
	{"ImportAmongMany", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		const n = 40
		for i := 1; i <= n; i++ {
			r.register("s", evolution(i))
		}
		r.softDelete("s", 10, 11, 12)
		if _, err := r.svc.SetMode(r.ctx, "s", "IMPORT", true); err != nil {
			t.Fatal(err)
		}
		imported := func(text string, id, version int) registry.SchemaRequest {
			return registry.SchemaRequest{Schema: text, ID: id, Version: version}
		}
		// An imported version may leave a gap; it may not take a number in
		// use, live or soft-deleted.
		r.want(r.registerReq("s", imported("id,a?", 500, 60)), 60, 500)
		for _, taken := range []int{11, 40, 60} {
			_, err := r.svc.Register(r.ctx, "s", imported("id,b?", 501, taken))
			wantCode(t, "importing over version "+strconv.Itoa(taken), err, registry.CodeOperationNotPermitted)
			if err != nil && !strings.Contains(registry.MessageOf(err), "already has version "+strconv.Itoa(taken)) {
				t.Errorf("importing over version %d: %q, want it to say the version exists", taken, registry.MessageOf(err))
			}
		}
		// With no version, it follows the highest.
		r.want(r.registerReq("s", imported("id,b?", 501, 0)), 61, 501)
		// Content already registered under its ID comes back...
		r.want(r.registerReq("s", imported(evolution(5), 5, 5)), 5, 5)
		r.want(r.registerReq("s", imported(evolution(5), 5, 0)), 5, 5)
		// ...unless it names a version that does not carry it, or one that
		// is soft-deleted.
		r.want(r.registerReq("s", imported(evolution(5), 5, 70)), 70, 5)
		r.want(r.registerReq("s", imported(evolution(11), 11, 0)), 71, 11)
		// Content registered under one ID cannot be imported under another
		// (Confluent's ID_DOES_NOT_MATCH), in this subject or another.
		for _, subject := range []string{"s", "other"} {
			if subject == "other" {
				if _, err := r.svc.SetMode(r.ctx, subject, "IMPORT", true); err != nil {
					t.Fatal(err)
				}
			}
			_, err := r.svc.Register(r.ctx, subject, imported(evolution(7), 502, 0))
			wantCode(t, "importing known content under a new ID in "+subject, err, registry.CodeIDDoesNotMatch)
		}
		_, err := r.svc.Register(r.ctx, "s", registry.SchemaRequest{Schema: "id,c?"})
		wantCode(t, "import without an ID", err, registry.CodeOperationNotPermitted)
		if got := mustMaxID(t, s, "."); got != 501 {
			t.Errorf("MaxID = %d, want 501", got)
		}
	}},
	{"CompatibilityAmongMany", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		r.level("s", compat.None)
		r.register("s", "a")
		r.register("s", "b")
		const n = 60
		for i := 3; i <= n; i++ {
			r.register("s", "c,n"+strconv.Itoa(i)+"?")
		}
		r.register("s", "q") // readable by nothing, and soft-deleted
		r.softDelete("s", n+1)

		// BACKWARD compares with the latest live version only, not the
		// soft-deleted "q" nor versions 1 and 2.
		r.level("s", compat.Backward)
		r.want(r.register("s", "c,x?"), n+2, n+2)
		// BACKWARD_TRANSITIVE compares with every live version: the
		// newest one that fails is reported.
		r.level("s", compat.BackwardTransitive)
		_, err := r.svc.Register(r.ctx, "s", registry.SchemaRequest{Schema: "c,y?"})
		wantCode(t, "BACKWARD_TRANSITIVE against versions 1 and 2", err, registry.CodeIncompatibleSchema)
		if err != nil && !strings.Contains(registry.MessageOf(err), "{oldSchemaVersion: 2}") {
			t.Errorf("BACKWARD_TRANSITIVE refusal: %q, want it to name version 2", registry.MessageOf(err))
		}
		r.softDelete("s", 1, 2)
		r.want(r.register("s", "c,y?"), n+3, n+3)
	}},
	{"CompatibilityGroup", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		patch := map[string]json.RawMessage{"compatibilityGroup": json.RawMessage(`"major"`)}
		if _, err := r.svc.UpdateConfig(r.ctx, "s", patch); err != nil {
			t.Fatal(err)
		}
		major := func(text, m string) registry.SchemaRequest {
			return registry.SchemaRequest{Schema: text, Metadata: json.RawMessage(`{"properties":{"major":"` + m + `"}}`)}
		}
		r.want(r.registerReq("s", major("a", "1")), 1, 1)
		r.want(r.registerReq("s", major("b", "2")), 2, 2) // another group: nothing to compare with
		// Compared with version 1, the latest of its group, not with "b".
		r.want(r.registerReq("s", major("a,x?", "1")), 3, 3)
		_, err := r.svc.Register(r.ctx, "s", major("c", "2"))
		wantCode(t, "incompatible within group 2", err, registry.CodeIncompatibleSchema)
	}},
}

// evolution is the i-th of a line of schemas each readable by the next.
func evolution(i int) string { return "id,f" + strconv.Itoa(i) + "?" }

// registrar drives a registry.Service over the store under test.
type registrar struct {
	t   *testing.T
	ctx context.Context
	svc *registry.Service
}

func newRegistrar(t *testing.T, s registry.Store) *registrar {
	return &registrar{t: t, ctx: context.Background(), svc: registry.New(s, []compat.Format{FieldList{}}, slog.New(slog.DiscardHandler))}
}

func (r *registrar) register(subject, text string) registry.Version {
	r.t.Helper()
	return r.registerReq(subject, registry.SchemaRequest{Schema: text})
}

func (r *registrar) registerReq(subject string, req registry.SchemaRequest) registry.Version {
	r.t.Helper()
	v, err := r.svc.Register(r.ctx, subject, req)
	if err != nil {
		r.t.Fatalf("Register(%q, %q version %d id %d): %v", subject, req.Schema, req.Version, req.ID, err)
	}
	return v
}

// want checks that a registration answered version with schema id.
func (r *registrar) want(v registry.Version, version, id int) {
	r.t.Helper()
	if v.Version != version || v.Schema.ID != id {
		r.t.Errorf("Register %q = v%d id %d, want v%d id %d", v.Schema.Text, v.Version, v.Schema.ID, version, id)
	}
}

func (r *registrar) softDelete(subject string, versions ...int) {
	r.t.Helper()
	for _, n := range versions {
		if _, err := r.svc.DeleteVersion(r.ctx, subject, n, false); err != nil {
			r.t.Fatalf("DeleteVersion(%q, %d): %v", subject, n, err)
		}
	}
}

func (r *registrar) level(subject string, level compat.Level) {
	r.t.Helper()
	patch := map[string]json.RawMessage{"compatibility": json.RawMessage(`"` + string(level) + `"`)}
	if _, err := r.svc.UpdateConfig(r.ctx, subject, patch); err != nil {
		r.t.Fatalf("set %s to %s: %v", subject, level, err)
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code registry.Code) {
	t.Helper()
	if got := registry.CodeOf(err); err == nil || got != code {
		t.Errorf("%s: error %v (code %d), want code %d", what, err, got, code)
	}
}
