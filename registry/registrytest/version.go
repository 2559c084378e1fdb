package registrytest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/charterhq/charter/registry"
)

// createTests cover CreateVersion: what the Decider is shown, and that the
// store writes exactly what it decides, or nothing.
var createTests = []storeTest{
	{"AllocatesIDsAndVersions", func(t *testing.T, s registry.Store) {
		before := time.Now().Add(-time.Minute)
		for i, text := range []string{"a", "b", "c"} {
			v := mustCreate(t, s, "orders-value", text)
			if v.Version != i+1 || v.Schema.ID != i+1 {
				t.Errorf("schema %q: version %d id %d, want version %d id %d", text, v.Version, v.Schema.ID, i+1, i+1)
			}
			if v.Subject != "orders-value" || v.Deleted || v.Schema.Text != text || v.Schema.Context != "." {
				t.Errorf("schema %q: returned %+v", text, v)
			}
			if v.CreatedAt.Before(before) || v.CreatedAt.After(time.Now().Add(time.Minute)) {
				t.Errorf("schema %q: CreatedAt = %v, want about now", text, v.CreatedAt)
			}
		}
		// IDs are per context: the first schema of ".staging" gets 1 again.
		v := mustCreate(t, s, ":.staging:orders-value", "d")
		if v.Version != 1 || v.Schema.ID != 1 || v.Schema.Context != ".staging" {
			t.Errorf("staging: version %d id %d context %q, want version 1 id 1 context .staging", v.Version, v.Schema.ID, v.Schema.Context)
		}
		for ctx, want := range map[string]int{".": 3, ".staging": 1, ".none": 0} {
			if got := mustMaxID(t, s, ctx); got != want {
				t.Errorf("MaxID(%q) = %d, want %d", ctx, got, want)
			}
		}
	}},
	{"ReturnsWhatIsStored", func(t *testing.T, s registry.Store) {
		created := mustCreate(t, s, "s", "a")
		got, err := s.Version(context.Background(), "s", 1)
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(created.CreatedAt) {
			t.Errorf("stored CreatedAt = %v, CreateVersion returned %v", got.CreatedAt, created.CreatedAt)
		}
		got.CreatedAt, created.CreatedAt = time.Time{}, time.Time{}
		if !equalVersion(got, created) {
			t.Errorf("stored %+v, CreateVersion returned %+v", got, created)
		}
	}},
	{"DeciderSeesHistory", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		mustSoftDelete(t, s, "s", 1)
		var saw seen
		v, created, err := s.CreateVersion(context.Background(), "s", schema("s", "c"), decideWith(registry.NewVersion{Version: 3}, &saw))
		if err != nil || !created || v.Version != 3 || v.Schema.ID != 3 {
			t.Fatalf("CreateVersion = v%d id %d created %v, %v; want v3 id 3 created", v.Version, v.Schema.ID, created, err)
		}
		if want := []registry.VersionID{{Version: 2, ID: 2}}; saw.max != 2 || !slices.Equal(saw.live, want) {
			t.Errorf("decider saw highest version %d and live versions %v, want 2 and %v", saw.max, saw.live, want)
		}
		if saw.existingID != 0 {
			t.Errorf("existingID of a new schema = %d, want 0", saw.existingID)
		}
	}},
	{"DeciderSeesExistingIDInContext", func(t *testing.T, s registry.Store) {
		a := mustCreate(t, s, "other", "x")
		mustCreate(t, s, "other", "y")
		mustSoftDelete(t, s, "other", 1) // a soft-deleted carrier still holds the ID
		for _, tc := range []struct {
			subject string
			want    int
		}{
			{"s", a.Schema.ID},
			{":.staging:s", 0}, // IDs are per context
		} {
			var saw seen
			_, _, err := s.CreateVersion(context.Background(), tc.subject, schema(tc.subject, "x"), decideWith(registry.NewVersion{Version: 1, ID: tc.want}, &saw))
			if err != nil {
				t.Fatalf("CreateVersion(%q): %v", tc.subject, err)
			}
			if saw.existingID != tc.want || saw.max != 0 || len(saw.live) != 0 {
				t.Errorf("CreateVersion(%q): decider saw existingID %d, highest version %d and %d live versions, want %d, 0 and none", tc.subject, saw.existingID, saw.max, len(saw.live), tc.want)
			}
		}
	}},
	{"ExistingWritesNothing", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		fresh := schema("s", "c")
		v, created, err := s.CreateVersion(context.Background(), "s", fresh, func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{Existing: 1}, nil
		})
		if err != nil || created || v.Version != 1 || v.Schema.Text != "a" || v.Schema.ID != 1 {
			t.Errorf("CreateVersion choosing version 1 = v%d id %d %q created %v, %v; want v1 id 1 \"a\" not created", v.Version, v.Schema.ID, v.Schema.Text, created, err)
		}
		wantNothingWritten(t, s, "s", 2, 2, fresh)
	}},
	{"ExistingMissingVersionFails", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		fresh := schema("s", "c")
		_, _, err := s.CreateVersion(context.Background(), "s", fresh, func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{Existing: 7}, nil
		})
		if err == nil {
			t.Error("CreateVersion choosing a version the subject lacks succeeded")
		}
		wantNothingWritten(t, s, "s", 1, 1, fresh)
	}},
	{"DecideErrorWritesNothing", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		refused := errors.New("refused")
		fresh := schema("s", "b")
		_, _, err := s.CreateVersion(context.Background(), "s", fresh, func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{}, refused
		})
		if err != refused {
			t.Errorf("CreateVersion error = %v, want the decider's own error unchanged", err)
		}
		wantNothingWritten(t, s, "s", 1, 1, fresh)
		_, _, err = s.CreateVersion(context.Background(), "new", schema("new", "b"), func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{}, registry.ErrIncompatibleSchema
		})
		wantErr(t, "CreateVersion refused in a new subject", err, registry.ErrIncompatibleSchema)
		_, err = s.Versions(context.Background(), "new")
		wantErr(t, "Versions of the refused subject", err, registry.ErrSubjectNotFound)
	}},
	{"GivenIDWithOtherContentRefused", func(t *testing.T, s registry.Store) {
		a := mustCreate(t, s, "a", "x")
		other := schema("b", "y")
		_, _, err := s.CreateVersion(context.Background(), "b", other, func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{Version: 1, ID: a.Schema.ID}, nil
		})
		if code := registry.CodeOf(err); code != registry.CodeOperationNotPermitted {
			t.Errorf("CreateVersion reusing ID %d for other content: error %v (code %d), want code %d", a.Schema.ID, err, code, registry.CodeOperationNotPermitted)
		}
		_, err = s.Versions(context.Background(), "b")
		wantErr(t, "Versions(b)", err, registry.ErrSubjectNotFound)
		wantNothingWritten(t, s, "a", 1, 1, other)
		got, err := s.SchemaByID(context.Background(), ".", a.Schema.ID)
		if err != nil || got.Text != "x" {
			t.Errorf("SchemaByID(%d) = %q, %v; want \"x\"", a.Schema.ID, got.Text, err)
		}
	}},
	{"GivenExistingID", func(t *testing.T, s registry.Store) {
		a := mustCreate(t, s, "a", "x")
		v, created, err := s.CreateVersion(context.Background(), "b", schema("b", "x"), func(context.Context, registry.History, int) (registry.NewVersion, error) {
			return registry.NewVersion{Version: 4, ID: a.Schema.ID}, nil
		})
		if err != nil || !created || v.Version != 4 || v.Schema.ID != a.Schema.ID {
			t.Errorf("CreateVersion under existing ID = v%d id %d created %v, %v; want v4 id %d created", v.Version, v.Schema.ID, created, err, a.Schema.ID)
		}
		if got := mustMaxID(t, s, "."); got != 1 {
			t.Errorf("MaxID = %d, want 1", got)
		}
	}},
	{"ImportedIDMovesSequence", func(t *testing.T, s registry.Store) {
		imported := func(subject, text string, id int) {
			t.Helper()
			v, _, err := s.CreateVersion(context.Background(), subject, schema(subject, text), func(ctx context.Context, h registry.History, _ int) (registry.NewVersion, error) {
				next, err := nextVersion(ctx, h)
				return registry.NewVersion{Version: next, ID: id}, err
			})
			if err != nil || v.Schema.ID != id {
				t.Fatalf("import %q as ID %d: got ID %d, %v", text, id, v.Schema.ID, err)
			}
		}
		imported("a", "x", 100)
		if got := mustMaxID(t, s, "."); got != 100 {
			t.Errorf("MaxID after importing ID 100 = %d, want 100", got)
		}
		if v := mustCreate(t, s, "a", "y"); v.Schema.ID != 101 {
			t.Errorf("next allocated ID = %d, want 101", v.Schema.ID)
		}
		imported("a", "z", 50) // below the sequence: used, and the sequence stays
		if got := mustMaxID(t, s, "."); got != 101 {
			t.Errorf("MaxID after importing ID 50 = %d, want 101", got)
		}
		if v := mustCreate(t, s, "a", "w"); v.Schema.ID != 102 {
			t.Errorf("next allocated ID = %d, want 102", v.Schema.ID)
		}
		if got := mustMaxID(t, s, ".staging"); got != 0 {
			t.Errorf("MaxID of another context = %d, want 0", got)
		}
	}},
	{"ContentRoundTrips", func(t *testing.T, s registry.Store) {
		refs := []registry.Reference{{Name: "z.avsc", Subject: "z", Version: 2}, {Name: "a.avsc", Subject: "a", Version: 1}}
		cases := []registry.Schema{
			{Type: registry.TypeJSON, Text: `{"type": "object"}`, Metadata: []byte(`{"properties":{"owner": "team-b","a":  1}}`), RuleSet: []byte(`{ "domainRules": [] }`)},
			{Type: registry.TypeProtobuf, Text: "syntax = \"proto3\";\nmessage M {}\n", References: refs},
			{Type: registry.TypeAvro, Text: `"string"`, References: []registry.Reference{}},
			{Type: registry.TypeAvro, Text: `"int"`, Metadata: []byte(`{}`)},
		}
		for i, want := range cases {
			subject := "s" + string(rune('a'+i))
			want.Context = "."
			want.Fingerprint = registry.Fingerprint(want.Text, want.References, want.Metadata, want.RuleSet)
			v := mustCreateSchema(t, s, subject, want)
			if len(want.References) == 0 {
				want.References = nil // nil and empty both mean none, and read back as nil
			}
			want.ID = v.Schema.ID
			byID, err := s.SchemaByID(context.Background(), ".", want.ID)
			if err != nil || !equalSchema(byID, want) {
				t.Errorf("SchemaByID(%d) = %+v, %v; want %+v", want.ID, byID, err, want)
			}
			byFP, err := s.SchemaByFingerprint(context.Background(), want.Fingerprint)
			if err != nil || !equalSchema(byFP, want) {
				t.Errorf("SchemaByFingerprint(%s) = %+v, %v; want %+v", want.Fingerprint, byFP, err, want)
			}
			vs := mustVersions(t, s, subject)
			if len(vs) != 1 || !equalSchema(vs[0].Schema, want) {
				t.Errorf("Versions(%q) = %+v, want one carrying %+v", subject, vs, want)
			}
		}
	}},
}

// wantNothingWritten checks that a refused or answered CreateVersion left
// subject with versions versions, the context's sequence at maxID, and no
// trace of fresh.
func wantNothingWritten(t *testing.T, s registry.Store, subject string, versions, maxID int, fresh registry.Schema) {
	t.Helper()
	if got := mustVersions(t, s, subject); len(got) != versions {
		t.Errorf("%q has %d versions, want %d", subject, len(got), versions)
	}
	if got := mustMaxID(t, s, fresh.Context); got != maxID {
		t.Errorf("MaxID(%q) = %d, want %d", fresh.Context, got, maxID)
	}
	_, err := s.SchemaByFingerprint(context.Background(), fresh.Fingerprint)
	wantErr(t, "SchemaByFingerprint of unwritten content", err, registry.ErrSchemaNotFound)
}

func equalSchema(a, b registry.Schema) bool {
	return a.ID == b.ID && a.Context == b.Context && a.Type == b.Type && a.Text == b.Text &&
		slices.Equal(a.References, b.References) && (a.References == nil) == (b.References == nil) &&
		equalBytes(a.Metadata, b.Metadata) && equalBytes(a.RuleSet, b.RuleSet) && a.Fingerprint == b.Fingerprint
}

// equalBytes tells nil (absent) from empty as well as comparing content.
func equalBytes(a, b []byte) bool {
	return (a == nil) == (b == nil) && string(a) == string(b)
}

func equalVersion(a, b registry.Version) bool {
	return a.Subject == b.Subject && a.Version == b.Version && a.Deleted == b.Deleted &&
		a.CreatedAt.Equal(b.CreatedAt) && equalSchema(a.Schema, b.Schema)
}
