// Package registrytest is the contract suite every registry.Store passes:
// TestStore runs one subtest per promised behaviour against a fresh store
// (some through a registry.Service, whose rules rest on the store's
// lookups), and TestConcurrency hammers one database through one or several
// Store values, as several Charter processes sharing a database would.
//
// It knows only the registry and compat packages and the standard library:
// no SQL, no driver and no schema format (a toy one stands in), so that each
// store's own tests decide how a fresh database is made.
package registrytest

import (
	"context"
	"errors"
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
		{"History", historyTests},
		{"Register", registerTests},
		{"Read", readTests},
		{"ServiceRead", serviceReadTests},
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
func appendVersion(ctx context.Context, h registry.History, existingID int) (registry.NewVersion, error) {
	if existingID != 0 {
		n, err := h.LatestWithID(ctx, existingID)
		if err != nil || n != 0 {
			return registry.NewVersion{Existing: n}, err
		}
	}
	next, err := nextVersion(ctx, h)
	return registry.NewVersion{Version: next, ID: existingID}, err
}

func nextVersion(ctx context.Context, h registry.History) (int, error) {
	n, err := h.MaxVersion(ctx)
	return n + 1, err
}

// seen is what a Decider was shown: the existing ID, and what the History
// said of the subject's highest version and of its live versions.
type seen struct {
	existingID int
	max        int
	live       []registry.VersionID
}

// decideWith returns a Decider that records what it was shown in saw and
// decides nv.
func decideWith(nv registry.NewVersion, saw *seen) registry.Decider {
	return func(ctx context.Context, h registry.History, id int) (registry.NewVersion, error) {
		var err error
		saw.existingID = id
		if saw.max, err = h.MaxVersion(ctx); err != nil {
			return registry.NewVersion{}, err
		}
		if saw.live, err = h.Live(ctx, 0); err != nil {
			return registry.NewVersion{}, err
		}
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
