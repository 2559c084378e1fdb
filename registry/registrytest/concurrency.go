package registrytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/charterhq/charter/registry"
)

// TestConcurrency registers schemas from many goroutines at once through
// stores, which must share one fresh, empty database. Pass several Store
// values, each with its own connections, to stand for several Charter
// processes: writers take turns through them. It checks what CreateVersion
// promises under contention: one ID per content and one content per ID in a
// context, version numbers unique and contiguous per subject, and a
// Decider's refusal based on history that no racing writer can slip past.
func TestConcurrency(t *testing.T, stores ...registry.Store) {
	if len(stores) == 0 {
		t.Fatal("TestConcurrency needs a store")
	}
	store := func(g int) registry.Store { return stores[g%len(stores)] }
	const writers = 16

	t.Run("OneSubject", func(t *testing.T) {
		r := newRecorder()
		run(writers, func(g int) {
			for i := range 20 {
				r.create(t, store(g), "one", fmt.Sprintf("w%d-s%d", g, i))
			}
		})
		r.check(t, stores[0])
		if vs := mustVersions(t, stores[0], "one"); len(vs) != writers*20 {
			t.Errorf("one has %d versions, want %d", len(vs), writers*20)
		}
	})

	t.Run("ManySubjects", func(t *testing.T) {
		r := newRecorder()
		run(writers, func(g int) {
			subject := fmt.Sprintf("many-%d", g)
			if g%2 == 1 {
				subject = ":.staging:" + subject
			}
			for i := range 20 {
				text := fmt.Sprintf("shared-%d", i) // the same content in every subject
				if i%2 == 1 {
					text = fmt.Sprintf("own-%d-%d", g, i)
				}
				r.create(t, store(g), subject, text)
			}
		})
		r.check(t, stores[0])
		for subject, n := range r.perSubject() {
			if n != 20 {
				t.Errorf("%s has %d versions, want 20", subject, n)
			}
		}
	})

	t.Run("SameNewSchema", func(t *testing.T) {
		r := newRecorder()
		for round := range 10 {
			text := fmt.Sprintf("round-%d", round)
			ids := make([]int, 8)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range ids {
				wg.Go(func() {
					<-start
					ids[g] = r.create(t, store(g), fmt.Sprintf("same-%d", g), text).Schema.ID
				})
			}
			close(start)
			wg.Wait()
			for g, id := range ids {
				if id != ids[0] {
					t.Errorf("round %d: same-%d got ID %d, same-0 got %d for the same content", round, g, id, ids[0])
				}
			}
		}
		r.check(t, stores[0])
	})

	t.Run("RefusalHolds", func(t *testing.T) {
		// Writers of two mutually incompatible families race into empty
		// subjects. The Decider refuses a family the history already
		// disagrees with, as a compatibility rule would: if two writers
		// could both decide on an empty history, both families would get in.
		r := newRecorder()
		for round := range 10 {
			subject := fmt.Sprintf("duel-%d", round)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range writers {
				family := []string{"left", "right"}[g%2]
				wg.Go(func() {
					<-start
					sc := schema(subject, fmt.Sprintf("%s-%d", family, g))
					v, created, err := store(g).CreateVersion(context.Background(), subject, sc, func(ctx context.Context, h registry.History, id int) (registry.NewVersion, error) {
						live, err := h.Live(ctx, 0)
						if err != nil {
							return registry.NewVersion{}, err
						}
						for _, v := range live {
							old, err := h.Schema(ctx, v.ID)
							if err != nil {
								return registry.NewVersion{}, err
							}
							if !strings.HasPrefix(old.Text, family) {
								return registry.NewVersion{}, registry.ErrIncompatibleSchema
							}
						}
						return appendVersion(ctx, h, id)
					})
					switch {
					case errors.Is(err, registry.ErrIncompatibleSchema):
					case err != nil:
						t.Errorf("CreateVersion(%q, %q): %v", subject, sc.Text, err)
					default:
						r.add(v, created)
					}
				})
			}
			close(start)
			wg.Wait()
			vs := mustVersions(t, stores[0], subject)
			for _, v := range vs {
				if family := strings.SplitN(vs[0].Schema.Text, "-", 2)[0]; !strings.HasPrefix(v.Schema.Text, family) {
					t.Errorf("%s: version %d is %q, but version 1 is %q: incompatible versions both got in", subject, v.Version, v.Schema.Text, vs[0].Schema.Text)
				}
			}
			if len(vs) != writers/2 {
				t.Errorf("%s has %d versions, want the %d of the family that came first", subject, len(vs), writers/2)
			}
		}
		r.check(t, stores[0])
	})
}

// run calls f(0) … f(n-1) in n goroutines and waits for them.
func run(n int, f func(g int)) {
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() { f(g) })
	}
	wg.Wait()
}

// recorder collects what concurrent CreateVersion calls returned, to check
// against each other and against what the store holds afterwards.
type recorder struct {
	mu       sync.Mutex
	returned []registry.Version
}

func newRecorder() *recorder { return &recorder{} }

func (r *recorder) create(t *testing.T, s registry.Store, subject, text string) registry.Version {
	v, created, err := s.CreateVersion(context.Background(), subject, schema(subject, text), appendVersion)
	if err != nil {
		t.Errorf("CreateVersion(%q, %q): %v", subject, text, err)
		return v
	}
	r.add(v, created)
	return v
}

func (r *recorder) add(v registry.Version, created bool) {
	if !created {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.returned = append(r.returned, v)
}

func (r *recorder) perSubject() map[string]int {
	n := map[string]int{}
	for _, v := range r.returned {
		n[v.Subject]++
	}
	return n
}

// check reads back every subject the recorder saw and verifies the
// invariants: versions 1…n with no gaps or repeats, each returned version
// stored as returned, and per context a one-to-one fingerprint ↔ ID map.
func (r *recorder) check(t *testing.T, s registry.Store) {
	t.Helper()
	type key struct {
		context string
		id      int
	}
	idOf := map[string]key{}      // context + fingerprint → ID
	contentOf := map[key]string{} // ID → fingerprint
	stored := map[string]registry.Version{}
	highest := map[string]int{} // context → highest ID in use
	for subject := range r.perSubject() {
		for i, v := range mustVersions(t, s, subject) {
			if v.Version != i+1 {
				t.Errorf("%s: version at position %d is %d: numbers not contiguous", subject, i+1, v.Version)
			}
			stored[fmt.Sprintf("%s/%d", subject, v.Version)] = v
			k := key{v.Schema.Context, v.Schema.ID}
			if fp, ok := contentOf[k]; ok && fp != v.Schema.Fingerprint {
				t.Errorf("ID %d in %s carries two contents (%s/%d is one)", v.Schema.ID, v.Schema.Context, subject, v.Version)
			}
			contentOf[k] = v.Schema.Fingerprint
			if other, ok := idOf[v.Schema.Context+" "+v.Schema.Fingerprint]; ok && other != k {
				t.Errorf("content %q has IDs %d and %d in %s", v.Schema.Text, other.id, k.id, v.Schema.Context)
			}
			idOf[v.Schema.Context+" "+v.Schema.Fingerprint] = k
			highest[v.Schema.Context] = max(highest[v.Schema.Context], v.Schema.ID)
		}
	}
	for schemaContext, id := range highest {
		if got := mustMaxID(t, s, schemaContext); got < id {
			t.Errorf("MaxID(%q) = %d, below ID %d in use", schemaContext, got, id)
		}
	}
	for _, v := range r.returned {
		got, ok := stored[fmt.Sprintf("%s/%d", v.Subject, v.Version)]
		if !ok || got.Schema.ID != v.Schema.ID || got.Schema.Fingerprint != v.Schema.Fingerprint {
			t.Errorf("CreateVersion returned %s/%d id %d %q; the store holds id %d %q", v.Subject, v.Version, v.Schema.ID, v.Schema.Text, got.Schema.ID, got.Schema.Text)
		}
	}
}
