// Package catalogtest is the contract suite every catalog.Store passes:
// TestStore runs one subtest per promised behaviour against a fresh store,
// and TestConcurrency drives one database through one or several Store
// values, as several Charter processes sharing a database would.
//
// It knows only the catalog package and the standard library: no SQL and no
// driver, so that each store's own tests decide how a fresh database is made.
package catalogtest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/charterhq/charter/catalog"
)

// TestStore runs the contract suite. open must return a store over a fresh,
// empty, migrated database each time it is called, and clean it up with t.
func TestStore(t *testing.T, open func(t *testing.T) catalog.Store) {
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, s catalog.Store)
	}{
		{"Empty", testEmpty},
		{"ReplaceSpec", testReplaceSpec},
		{"ReplaceSpecWhole", testReplaceSpecWhole},
		{"ReplaceSpecAtomic", testReplaceSpecAtomic},
		{"Observe", testObserve},
		{"ObserveBatch", testObserveBatch},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
	t.Run("Concurrency", func(t *testing.T) { TestConcurrency(t, open(t)) })
}

// Full is a spec using every field, in canonical form, with text a store
// must keep byte for byte.
func Full() catalog.Spec {
	return catalog.Spec{
		Teams: []catalog.Team{
			{Name: "payments", Description: "Money in and out", Email: "payments@acme.example", Chat: "#payments", OnCall: "https://acme.pagerduty.com/schedules/P123"},
			{Name: "shop", Description: "Ünïcode, 'quotes' and \"doubles\"\nand a second line"},
		},
		Services: []catalog.Service{
			{Name: "billing", Team: "payments", Description: "Invoices customers", Repository: "https://github.com/acme/billing", Lifecycle: "production"},
			{Name: "checkout", Team: "shop", Lifecycle: "experimental"},
			{Name: "ledger"},
		},
		Topics: []catalog.Topic{
			{Name: "orders", Description: "Orders as placed", Owner: "checkout", KeySubject: "orders-key", ValueSubject: "orders-value", Tags: []string{"core", "pii"}, Classification: "confidential"},
			{Name: "refunds", Owner: "billing", ValueSubject: "payments.Refund"},
			{Name: "scratch", ValueSubject: "scratch-value"},
		},
		Relations: []catalog.Relation{
			{Service: "billing", Topic: "orders", Kind: catalog.Consumes, Groups: []string{"billing-orders", "billing-orders-replay"}},
			{Service: "ledger", Topic: "orders", Kind: catalog.Consumes},
			{Service: "checkout", Topic: "orders", Kind: catalog.Produces},
			{Service: "checkout", Topic: "refunds", Kind: catalog.Consumes, Groups: []string{"checkout-refunds"}},
			{Service: "billing", Topic: "refunds", Kind: catalog.Produces},
		},
	}
}

// Small is another spec in canonical form: Full with some entities removed,
// some changed and one added.
func Small() catalog.Spec {
	return catalog.Spec{
		Teams:    []catalog.Team{{Name: "payments", Description: "Money"}},
		Services: []catalog.Service{{Name: "billing", Team: "payments", Lifecycle: "deprecated"}, {Name: "fraud", Team: "payments"}},
		Topics: []catalog.Topic{
			{Name: "orders", Owner: "billing", ValueSubject: "orders-value", Tags: []string{"pii"}},
			{Name: "risk", Owner: "fraud", ValueSubject: "risk-value"},
		},
		Relations: []catalog.Relation{
			{Service: "billing", Topic: "orders", Kind: catalog.Consumes, Groups: []string{"billing-v2"}},
			{Service: "fraud", Topic: "orders", Kind: catalog.Consumes},
			{Service: "fraud", Topic: "risk", Kind: catalog.Produces},
		},
	}
}

func testEmpty(t *testing.T, s catalog.Store) {
	if got := mustSpec(t, s); !reflect.DeepEqual(got, catalog.Spec{}) {
		t.Errorf("Spec of an empty store = %+v, want an empty spec", got)
	}
	if got := mustObservations(t, s); len(got) != 0 {
		t.Errorf("Observations of an empty store = %v, want none", got)
	}
}

func testReplaceSpec(t *testing.T, s catalog.Store) {
	mustReplace(t, s, Full())
	wantSpec(t, s, Full())
	mustReplace(t, s, Full()) // the same again is no error
	wantSpec(t, s, Full())
}

func testReplaceSpecWhole(t *testing.T, s catalog.Store) {
	mustReplace(t, s, Full())
	mustReplace(t, s, Small())
	wantSpec(t, s, Small())
	mustReplace(t, s, catalog.Spec{})
	wantSpec(t, s, catalog.Spec{})
	mustReplace(t, s, Full())
	wantSpec(t, s, Full())
}

// testReplaceSpecAtomic reads while another goroutine replaces: every read
// must be one whole spec or the other.
func testReplaceSpecAtomic(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	mustReplace(t, s, Full())
	done := make(chan error)
	go func() {
		for i := range 20 {
			spec := Full()
			if i%2 == 0 {
				spec = Small()
			}
			if err := s.ReplaceSpec(ctx, spec); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for reading := true; reading; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ReplaceSpec: %v", err)
			}
			reading = false
		default:
		}
		got := mustSpec(t, s)
		if !reflect.DeepEqual(got, Full()) && !reflect.DeepEqual(got, Small()) {
			t.Fatalf("Spec during ReplaceSpec = %+v, neither whole spec", got)
		}
	}
}

var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(seconds int) time.Time { return base.Add(time.Duration(seconds) * time.Second) }

func obs(topic string, kind catalog.Kind, client string, first, last int) catalog.Observation {
	return catalog.Observation{Topic: topic, Kind: kind, Client: client, FirstSeen: at(first), LastSeen: at(last)}
}

func testObserve(t *testing.T, s catalog.Store) {
	mustObserve(t, s, obs("orders", catalog.Produces, "checkout-1", 10, 20), obs("orders", catalog.Consumes, "billing-orders", 5, 5))
	mustObserve(t, s,
		obs("orders", catalog.Produces, "checkout-1", 12, 18), // inside: nothing changes
		obs("orders", catalog.Consumes, "billing-orders", 1, 30),
		obs("refunds", catalog.Produces, "billing", 40, 41),
		obs("orders", catalog.Consumes, "checkout-1", 7, 8), // same topic and client, other kind
	)
	mustObserve(t, s) // an empty batch is no error
	wantObservations(t, s,
		obs("orders", catalog.Consumes, "billing-orders", 1, 30),
		obs("orders", catalog.Consumes, "checkout-1", 7, 8),
		obs("orders", catalog.Produces, "checkout-1", 10, 20),
		obs("refunds", catalog.Produces, "billing", 40, 41),
	)
	// Observations outlive spec replacement: they are what was seen.
	mustReplace(t, s, Small())
	if got := mustObservations(t, s); len(got) != 4 {
		t.Errorf("after ReplaceSpec, %d observations, want 4", len(got))
	}
}

func testObserveBatch(t *testing.T, s catalog.Store) {
	// A key repeated in one batch merges like across batches; times keep
	// millisecond precision.
	ms := func(o catalog.Observation, first, last int) catalog.Observation {
		o.FirstSeen = o.FirstSeen.Add(time.Duration(first) * time.Millisecond)
		o.LastSeen = o.LastSeen.Add(time.Duration(last) * time.Millisecond)
		return o
	}
	mustObserve(t, s,
		ms(obs("t", catalog.Produces, "c", 10, 10), 3, 7),
		ms(obs("t", catalog.Produces, "c", 10, 10), 1, 9),
		ms(obs("t", catalog.Produces, "c", 10, 10), 2, 4),
	)
	wantObservations(t, s, ms(obs("t", catalog.Produces, "c", 10, 10), 1, 9))
}

// TestConcurrency observes from many goroutines at once through stores,
// which must share one fresh, empty database, while specs are replaced
// through them. Pass several Store values, each with its own connections, to
// stand for several Charter processes. Every observation must survive
// merged: for each key the earliest FirstSeen and the latest LastSeen any
// writer gave, whatever the interleaving.
func TestConcurrency(t *testing.T, stores ...catalog.Store) {
	if len(stores) == 0 {
		t.Fatal("TestConcurrency needs a store")
	}
	ctx := context.Background()
	const writers, rounds, clients = 8, 15, 4
	errs := make(chan error, writers+2)
	done := make(chan struct{})
	for g := range writers {
		go func() {
			s := stores[g%len(stores)]
			for r := range rounds {
				var batch []catalog.Observation
				// Keys in a different order per writer, to provoke lock
				// ordering trouble in stores that lock rows.
				for i := range clients {
					c := (i + g) % clients
					batch = append(batch, obs("orders", catalog.Produces, fmt.Sprintf("client-%d", c), 1000-g*10-r, 1000+g*10+r))
				}
				batch = append(batch, obs(fmt.Sprintf("own-%d", g), catalog.Consumes, "group", r, r))
				if err := s.Observe(ctx, batch); err != nil {
					errs <- fmt.Errorf("observe: %w", err)
					return
				}
			}
			errs <- nil
		}()
	}
	for i := range 2 {
		go func() {
			s := stores[i%len(stores)]
			for r := range rounds {
				spec := Full()
				if (r+i)%2 == 0 {
					spec = Small()
				}
				if err := s.ReplaceSpec(ctx, spec); err != nil {
					errs <- fmt.Errorf("ReplaceSpec: %w", err)
					return
				}
			}
			errs <- nil
		}()
	}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			for _, s := range stores {
				if got, err := s.Spec(ctx); err != nil || (!reflect.DeepEqual(got, Full()) && !reflect.DeepEqual(got, Small()) && !reflect.DeepEqual(got, catalog.Spec{})) {
					t.Errorf("Spec during concurrent ReplaceSpec = %+v, %v: not one whole spec", got, err)
					return
				}
			}
		}
	}()
	for range writers + 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	<-readerDone
	var want []catalog.Observation
	for c := range clients {
		want = append(want, obs("orders", catalog.Produces, fmt.Sprintf("client-%d", c), 1000-(writers-1)*10-(rounds-1), 1000+(writers-1)*10+(rounds-1)))
	}
	for g := range writers {
		want = append(want, obs(fmt.Sprintf("own-%d", g), catalog.Consumes, "group", 0, rounds-1))
	}
	for _, s := range stores {
		wantObservations(t, s, want...)
	}
	if got := mustSpec(t, stores[0]); !reflect.DeepEqual(got, Full()) && !reflect.DeepEqual(got, Small()) {
		t.Errorf("Spec after concurrent ReplaceSpec = %+v, not one whole spec", got)
	}
}

func mustSpec(t *testing.T, s catalog.Store) catalog.Spec {
	t.Helper()
	spec, err := s.Spec(context.Background())
	if err != nil {
		t.Fatalf("Spec: %v", err)
	}
	return spec
}

func wantSpec(t *testing.T, s catalog.Store, want catalog.Spec) {
	t.Helper()
	if got := mustSpec(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("Spec =\n%+v\nwant\n%+v", got, want)
	}
}

func mustReplace(t *testing.T, s catalog.Store, spec catalog.Spec) {
	t.Helper()
	if err := s.ReplaceSpec(context.Background(), spec); err != nil {
		t.Fatalf("ReplaceSpec: %v", err)
	}
}

func mustObserve(t *testing.T, s catalog.Store, obs ...catalog.Observation) {
	t.Helper()
	if err := s.Observe(context.Background(), obs); err != nil {
		t.Fatalf("Observe: %v", err)
	}
}

func mustObservations(t *testing.T, s catalog.Store) []catalog.Observation {
	t.Helper()
	obs, err := s.Observations(context.Background())
	if err != nil {
		t.Fatalf("Observations: %v", err)
	}
	return obs
}

// wantObservations compares by instant, so that stores may return any
// time zone.
func wantObservations(t *testing.T, s catalog.Store, want ...catalog.Observation) {
	t.Helper()
	got := mustObservations(t, s)
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		g, w := got[i], want[i]
		same = g.Topic == w.Topic && g.Kind == w.Kind && g.Client == w.Client && g.FirstSeen.Equal(w.FirstSeen) && g.LastSeen.Equal(w.LastSeen)
	}
	if !same {
		t.Errorf("Observations =\n%v\nwant\n%v", got, want)
	}
}
