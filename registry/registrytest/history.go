package registrytest

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/charterhq/charter/registry"
)

// historyTests cover the History a Decider reads: each lookup answers for
// the subject alone, tells soft-deleted versions from live ones, and reads
// the subject's own context.
var historyTests = []storeTest{
	{"EmptySubject", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "other", "a")
		inHistory(t, s, "s", func(ctx context.Context, h registry.History) {
			if n, err := h.MaxVersion(ctx); err != nil || n != 0 {
				t.Errorf("MaxVersion = %d, %v; want 0", n, err)
			}
			if v, ok, err := h.Version(ctx, 1); err != nil || ok {
				t.Errorf("Version(1) = %+v, %v, %v; want none", v, ok, err)
			}
			if n, err := h.LatestWithID(ctx, 1); err != nil || n != 0 {
				t.Errorf("LatestWithID(1) = %d, %v; want 0: the ID is another subject's", n, err)
			}
			for _, limit := range []int{0, 1} {
				if live, err := h.Live(ctx, limit); err != nil || len(live) != 0 {
					t.Errorf("Live(%d) = %v, %v; want none", limit, live, err)
				}
			}
		})
	}},
	{"SoftDeletedBetween", func(t *testing.T, s registry.Store) {
		// s: v1…v300, carrying IDs 1…300; then "c1" again as v301 (ID 1)
		// and a new "last" as v302 (ID 301). Other subjects carry the same
		// IDs, so that a lookup that forgets the subject shows.
		const n = 300
		for i := 1; i <= n; i++ {
			mustCreate(t, s, "s", "c"+strconv.Itoa(i))
		}
		again, _, err := s.CreateVersion(context.Background(), "s", schema("s", "c1"), func(ctx context.Context, h registry.History, id int) (registry.NewVersion, error) {
			next, err := nextVersion(ctx, h)
			return registry.NewVersion{Version: next, ID: id}, err
		})
		if err != nil || again.Version != n+1 || again.Schema.ID != 1 {
			t.Fatalf("c1 as a second version = v%d id %d, %v; want v%d id 1", again.Version, again.Schema.ID, err, n+1)
		}
		mustCreate(t, s, "s", "last")
		for _, text := range []string{"c1", "c2", "c300", "last"} {
			mustCreate(t, s, "t", text)
		}
		// Soft-delete a run in the middle, the newest carrier of ID 1, the
		// only carrier of ID 2, and the two newest versions.
		mustSoftDelete(t, s, "s", 2, 100, 101, 102, n+1, n+2)
		mustSoftDelete(t, s, "t", 1)
		inHistory(t, s, "s", func(ctx context.Context, h registry.History) {
			if got, err := h.MaxVersion(ctx); err != nil || got != n+2 {
				t.Errorf("MaxVersion = %d, %v; want %d, soft-deleted versions included", got, err, n+2)
			}
			for _, tc := range []struct {
				n    int
				want registry.VersionID
				ok   bool
			}{
				{1, registry.VersionID{Version: 1, ID: 1}, true},
				{101, registry.VersionID{Version: 101, ID: 101, Deleted: true}, true},
				{n + 1, registry.VersionID{Version: n + 1, ID: 1, Deleted: true}, true},
				{n + 3, registry.VersionID{}, false},
				{0, registry.VersionID{}, false},
			} {
				if got, ok, err := h.Version(ctx, tc.n); err != nil || ok != tc.ok || got != tc.want {
					t.Errorf("Version(%d) = %+v, %v, %v; want %+v, %v", tc.n, got, ok, err, tc.want, tc.ok)
				}
			}
			for _, tc := range []struct{ id, want int }{
				{1, 1},     // v301 carries it too, but is soft-deleted
				{2, 0},     // only v2 carries it, soft-deleted
				{150, 150}, // live
				{301, 0},   // only the soft-deleted v302
				{999, 0},   // nobody
			} {
				if got, err := h.LatestWithID(ctx, tc.id); err != nil || got != tc.want {
					t.Errorf("LatestWithID(%d) = %d, %v; want %d", tc.id, got, err, tc.want)
				}
			}
			var want []registry.VersionID
			for i := 1; i <= n; i++ {
				if i != 2 && (i < 100 || i > 102) {
					want = append(want, registry.VersionID{Version: i, ID: i})
				}
			}
			for _, limit := range []int{0, 1, 3, len(want), len(want) + 10} {
				w := want
				if limit > 0 && limit < len(w) {
					w = w[len(w)-limit:]
				}
				if got, err := h.Live(ctx, limit); err != nil || !slices.Equal(got, w) {
					t.Errorf("Live(%d) = %d versions %v, %v; want %d ending %v", limit, len(got), tail(got), err, len(w), tail(w))
				}
			}
			for _, tc := range []struct {
				id   int
				text string
			}{{1, "c1"}, {2, "c2"}, {301, "last"}} { // live or soft-deleted carriers alike
				if got, err := h.Schema(ctx, tc.id); err != nil || got.Text != tc.text || got.ID != tc.id || got.Context != "." {
					t.Errorf("Schema(%d) = %+v, %v; want %q", tc.id, got, err, tc.text)
				}
			}
			_, err := h.Schema(ctx, 999)
			wantErr(t, "Schema of an unknown ID", err, registry.ErrSchemaNotFound)
		})
	}},
	{"OwnContext", func(t *testing.T, s registry.Store) {
		mustCreate(t, s, "s", "default-1")
		mustCreate(t, s, ":.staging:s", "staging-1")
		mustCreate(t, s, ":.staging:s", "staging-2")
		inHistory(t, s, ":.staging:s", func(ctx context.Context, h registry.History) {
			if got, err := h.Schema(ctx, 1); err != nil || got.Text != "staging-1" || got.Context != ".staging" {
				t.Errorf("Schema(1) in .staging = %+v, %v; want staging-1", got, err)
			}
			if got, err := h.LatestWithID(ctx, 2); err != nil || got != 2 {
				t.Errorf("LatestWithID(2) = %d, %v; want 2", got, err)
			}
			if got, err := h.MaxVersion(ctx); err != nil || got != 2 {
				t.Errorf("MaxVersion = %d, %v; want 2", got, err)
			}
		})
	}},
}

// inHistory runs read inside a CreateVersion of subject whose Decider then
// refuses, so that nothing is written.
func inHistory(t *testing.T, s registry.Store, subject string, read func(ctx context.Context, h registry.History)) {
	t.Helper()
	_, _, err := s.CreateVersion(context.Background(), subject, schema(subject, "never written"), func(ctx context.Context, h registry.History, _ int) (registry.NewVersion, error) {
		read(ctx, h)
		return registry.NewVersion{}, registry.ErrIncompatibleSchema
	})
	wantErr(t, "CreateVersion refused by the reading Decider", err, registry.ErrIncompatibleSchema)
}

// tail abbreviates a list of versions for messages.
func tail(vs []registry.VersionID) []registry.VersionID {
	return vs[max(0, len(vs)-3):]
}
