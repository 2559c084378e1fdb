// Package registrytest is the contract suite every registry.Store passes:
// TestStore runs one subtest per promised behaviour against a fresh store,
// and TestConcurrency hammers one database through one or several Store
// values, as several Charter processes sharing a database would.
//
// It knows only the registry package and the standard library: no SQL and
// no driver, so that each store's own tests decide how a fresh database is
// made.
package registrytest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/charterhq/charter/registry"
)

// TestStore runs the contract suite. open must return a store over a fresh,
// empty, migrated database each time it is called, and clean it up with t.
func TestStore(t *testing.T, open func(t *testing.T) registry.Store) {
	for _, group := range []struct {
		name  string
		tests []storeTest
	}{
		{"CreateVersion", createTests},
		{"Read", readTests},
		{"Delete", deleteTests},
		{"Settings", settingsTests},
	} {
		t.Run(group.name, func(t *testing.T) {
			for _, tt := range group.tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
			}
		})
	}
	t.Run("Concurrency", func(t *testing.T) { TestConcurrency(t, open(t)) })
}

type storeTest struct {
	name string
	run  func(t *testing.T, s registry.Store)
}

// schema builds the Schema that Service would hand CreateVersion for text
// under subject: context from the subject, fingerprint over the content.
func schema(subject, text string, refs ...registry.Reference) registry.Schema {
	schemaContext, _ := registry.SplitContext(subject)
	return registry.Schema{
		Context:     schemaContext,
		Type:        registry.TypeAvro,
		Text:        text,
		References:  refs,
		Fingerprint: registry.Fingerprint(text, refs, nil, nil),
	}
}

// appendVersion is the Decider a plain registration uses: a live version
// already carrying the content comes back, anything else becomes the next
// version under the content's existing ID (or a new one).
func appendVersion(history []registry.Version, existingID int) (registry.NewVersion, error) {
	for i := len(history) - 1; existingID != 0 && i >= 0; i-- {
		if v := history[i]; !v.Deleted && v.Schema.ID == existingID {
			return registry.NewVersion{Existing: v.Version}, nil
		}
	}
	return registry.NewVersion{Version: nextVersion(history), ID: existingID}, nil
}

func nextVersion(history []registry.Version) int {
	if len(history) == 0 {
		return 1
	}
	return history[len(history)-1].Version + 1
}

// decideWith returns a Decider that records what it was shown and decides nv.
func decideWith(nv registry.NewVersion, history *[]registry.Version, existingID *int) registry.Decider {
	return func(h []registry.Version, id int) (registry.NewVersion, error) {
		*history, *existingID = slices.Clone(h), id
		return nv, nil
	}
}

// mustCreate registers text under subject with appendVersion.
func mustCreate(t *testing.T, s registry.Store, subject, text string, refs ...registry.Reference) registry.Version {
	t.Helper()
	return mustCreateSchema(t, s, subject, schema(subject, text, refs...))
}

func mustCreateSchema(t *testing.T, s registry.Store, subject string, sc registry.Schema) registry.Version {
	t.Helper()
	v, created, err := s.CreateVersion(context.Background(), subject, sc, appendVersion)
	if err != nil {
		t.Fatalf("CreateVersion(%q, %q): %v", subject, sc.Text, err)
	}
	if !created {
		t.Fatalf("CreateVersion(%q, %q) returned existing version %d", subject, sc.Text, v.Version)
	}
	return v
}

func mustVersions(t *testing.T, s registry.Store, subject string) []registry.Version {
	t.Helper()
	vs, err := s.Versions(context.Background(), subject)
	if err != nil {
		t.Fatalf("Versions(%q): %v", subject, err)
	}
	return vs
}

func mustSoftDelete(t *testing.T, s registry.Store, subject string, versions ...int) {
	t.Helper()
	if err := s.SoftDeleteVersions(context.Background(), subject, versions); err != nil {
		t.Fatalf("SoftDeleteVersions(%q, %v): %v", subject, versions, err)
	}
}

func mustPurge(t *testing.T, s registry.Store, subject string, versions ...int) {
	t.Helper()
	if err := s.PurgeVersions(context.Background(), subject, versions); err != nil {
		t.Fatalf("PurgeVersions(%q, %v): %v", subject, versions, err)
	}
}

func mustMaxID(t *testing.T, s registry.Store, schemaContext string) int {
	t.Helper()
	id, err := s.MaxID(context.Background(), schemaContext)
	if err != nil {
		t.Fatalf("MaxID(%q): %v", schemaContext, err)
	}
	return id
}

// wantErr fails unless err matches want by errors.Is (so by code for
// *registry.Error sentinels).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want %v", what, err, want)
	}
}

// numbers lists the version numbers of vs, with a "d" suffix on
// soft-deleted ones, for compact comparisons.
func numbers(vs []registry.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Subject + "/" + strconv.Itoa(v.Version)
		if v.Deleted {
			out[i] += "d"
		}
	}
	return out
}

func subjectVersions(svs []registry.SubjectVersion) []string {
	out := make([]string, len(svs))
	for i, sv := range svs {
		out[i] = sv.Subject + "/" + strconv.Itoa(sv.Version)
		if sv.Deleted {
			out[i] += "d"
		}
	}
	return out
}
