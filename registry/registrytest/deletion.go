package registrytest

import (
	"context"
	"slices"
	"testing"

	"github.com/charterhq/charter/registry"
)

// deleteTests cover soft deletion and purging: what goes, what stays, and
// that a purged schema's ID never comes back.
var deleteTests = []storeTest{
	{"SoftDeleteVersions", func(t *testing.T, s registry.Store) {
		for _, text := range []string{"a", "b", "c"} {
			mustCreate(t, s, "s", text)
		}
		mustCreate(t, s, "t", "a")
		mustSoftDelete(t, s, "s") // no versions: a no-op
		mustSoftDelete(t, s, "s", 1, 3)
		if got, want := numbers(mustVersions(t, s, "s")), []string{"s/1d", "s/2", "s/3d"}; !slices.Equal(got, want) {
			t.Errorf("Versions(s) = %v, want %v", got, want)
		}
		if got, want := numbers(mustVersions(t, s, "t")), []string{"t/1"}; !slices.Equal(got, want) {
			t.Errorf("Versions(t) = %v, want %v: another subject's version 1 was touched", got, want)
		}
	}},
	{"PurgeRemovesUnusedSchema", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		v := mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		mustPurge(t, s, "s") // no versions: a no-op
		mustSoftDelete(t, s, "s", 1)
		mustPurge(t, s, "s", 1)
		if got, want := numbers(mustVersions(t, s, "s")), []string{"s/2"}; !slices.Equal(got, want) {
			t.Errorf("Versions after purging 1 = %v, want %v", got, want)
		}
		_, err := s.SchemaByID(ctx, ".", v.Schema.ID)
		wantErr(t, "SchemaByID of a purged schema", err, registry.ErrSchemaNotFound)
		_, err = s.SchemaByFingerprint(ctx, v.Schema.Fingerprint)
		wantErr(t, "SchemaByFingerprint of a purged schema", err, registry.ErrSchemaNotFound)
		if got, err := s.SchemaUsage(ctx, ".", v.Schema.ID); err != nil || len(got) != 0 {
			t.Errorf("SchemaUsage of a purged schema = %v, %v; want none", got, err)
		}
		mustPurge(t, s, "s", 2)
		_, err = s.Versions(ctx, "s")
		wantErr(t, "Versions after purging all", err, registry.ErrSubjectNotFound)
		if got, err := s.Subjects(ctx); err != nil || len(got) != 0 {
			t.Errorf("Subjects after purging all = %v, %v; want none", subjectVersions(got), err)
		}
		if got, err := s.Contexts(ctx); err != nil || len(got) != 0 {
			t.Errorf("Contexts after purging all = %v, %v; want none", got, err)
		}
	}},
	{"PurgeNeverReusesIDs", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		mustPurge(t, s, "s", 2) // the highest ID goes
		if v := mustCreate(t, s, "s", "c"); v.Schema.ID != 3 {
			t.Errorf("ID after purging the highest = %d, want 3", v.Schema.ID)
		}
		// The purged content, registered again, is new: it gets a new ID.
		if v := mustCreate(t, s, "s", "b"); v.Schema.ID != 4 {
			t.Errorf("ID of re-registered purged content = %d, want 4", v.Schema.ID)
		}
		if got := mustMaxID(t, s, "."); got != 4 {
			t.Errorf("MaxID = %d, want 4", got)
		}
	}},
	{"PurgeAllRestartsVersions", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		mustPurge(t, s, "s", 1, 2)
		var saw seen
		v, created, err := s.CreateVersion(context.Background(), "s", schema("s", "a"), decideWith(registry.NewVersion{Version: 1}, &saw))
		if err != nil || !created || v.Version != 1 || v.Schema.ID != 3 {
			t.Errorf("CreateVersion after purging all = v%d id %d created %v, %v; want v1 id 3 created", v.Version, v.Schema.ID, created, err)
		}
		if saw.max != 0 || len(saw.live) != 0 || saw.existingID != 0 {
			t.Errorf("decider saw highest version %d, %d live versions and existing ID %d, want 0, none and 0", saw.max, len(saw.live), saw.existingID)
		}
	}},
	{"PurgeKeepsSchemaInUse", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		v := mustCreate(t, s, "a", "x")
		mustCreate(t, s, "b", "x")
		mustPurge(t, s, "a", 1)
		got, err := s.SchemaByID(ctx, ".", v.Schema.ID)
		if err != nil || got.Text != "x" {
			t.Errorf("SchemaByID of a schema b still uses = %q, %v", got.Text, err)
		}
		usage, err := s.SchemaUsage(ctx, ".", v.Schema.ID)
		if want := []string{"b/1"}; err != nil || !slices.Equal(subjectVersions(usage), want) {
			t.Errorf("SchemaUsage = %v, %v; want %v", subjectVersions(usage), err, want)
		}
		// And the content keeps its ID for the next subject.
		var saw seen
		_, _, err = s.CreateVersion(ctx, "c", schema("c", "x"), decideWith(registry.NewVersion{Version: 1, ID: v.Schema.ID}, &saw))
		if err != nil || saw.existingID != v.Schema.ID {
			t.Errorf("existingID after purging one user = %d, %v; want %d", saw.existingID, err, v.Schema.ID)
		}
	}},
	{"PurgeDropsReferences", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		mustCreate(t, s, "base", "b")
		ref := registry.Reference{Name: "base", Subject: "base", Version: 1}
		mustCreate(t, s, "user", "u", ref)
		mustCreate(t, s, "user", "u2", ref)
		mustPurge(t, s, "user", 1)
		got, err := s.ReferencedBy(ctx, "base", 1)
		if want := []string{"user/2"}; err != nil || !slices.Equal(numbers(got), want) {
			t.Errorf("ReferencedBy after purging user/1 = %v, %v; want %v", numbers(got), err, want)
		}
		mustPurge(t, s, "user", 2)
		if got, err := s.ReferencedBy(ctx, "base", 1); err != nil || len(got) != 0 {
			t.Errorf("ReferencedBy after purging every referrer = %v, %v; want none", numbers(got), err)
		}
	}},
	{"PurgeLastVersionDropsSettings", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		for _, scope := range []string{registry.GlobalScope, "s", "t"} {
			if err := s.SetConfig(ctx, scope, registry.Config{Alias: "x"}); err != nil {
				t.Fatal(err)
			}
			if err := s.SetMode(ctx, scope, registry.ReadOnly); err != nil {
				t.Fatal(err)
			}
		}
		mustCreate(t, s, "s", "a")
		mustCreate(t, s, "s", "b")
		mustCreate(t, s, "t", "a")
		mustPurge(t, s, "s", 1)
		wantSettings(t, s, "s", true)
		mustPurge(t, s, "s", 2)
		wantSettings(t, s, "s", false)
		wantSettings(t, s, "t", true)
		wantSettings(t, s, registry.GlobalScope, true)
	}},
}

// wantSettings checks whether scope still has a config and a mode.
func wantSettings(t *testing.T, s registry.Store, scope string, want bool) {
	t.Helper()
	ctx := context.Background()
	if _, ok, err := s.Config(ctx, scope); err != nil || ok != want {
		t.Errorf("Config(%q): ok = %v, %v; want %v", scope, ok, err, want)
	}
	if _, ok, err := s.Mode(ctx, scope); err != nil || ok != want {
		t.Errorf("Mode(%q): ok = %v, %v; want %v", scope, ok, err, want)
	}
}
