package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
)

func TestKeeper_Observe(t *testing.T) {
	ctx := context.Background()
	k, store, c := newKeeper(t)
	k.Observe("orders", catalog.Produces, "checkout-1")
	c.advance(time.Second)
	k.Observe("orders", catalog.Produces, "checkout-1")
	k.Observe("orders", catalog.Consumes, "billing-orders")
	// Ignored: no client, internal topics, no topic, unknown kinds.
	k.Observe("orders", catalog.Produces, "")
	k.Observe("__consumer_offsets", catalog.Consumes, "billing-orders")
	k.Observe("_schemas", catalog.Produces, "x")
	k.Observe("", catalog.Produces, "x")
	k.Observe("orders", "reads", "x")

	want := []catalog.Observation{
		{Topic: "orders", Kind: catalog.Consumes, Client: "billing-orders", FirstSeen: t0.Add(time.Second), LastSeen: t0.Add(time.Second)},
		{Topic: "orders", Kind: catalog.Produces, Client: "checkout-1", FirstSeen: t0, LastSeen: t0.Add(time.Second)},
	}
	// Not flushed yet: the Keeper reports them, the store has none.
	if got, _ := store.Observations(ctx); len(got) != 0 {
		t.Errorf("before Flush the store has %v", got)
	}
	wantObs(t, k, want)

	if err := k.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Observations(ctx); !reflect.DeepEqual(got, want) {
		t.Errorf("after Flush the store has\n%v\nwant\n%v", got, want)
	}
	if err := k.Flush(ctx); err != nil { // nothing pending
		t.Fatal(err)
	}

	// Later observations extend LastSeen; FirstSeen stays.
	c.advance(time.Minute)
	k.Observe("orders", catalog.Produces, "checkout-1")
	want[1].LastSeen = t0.Add(time.Minute + time.Second)
	wantObs(t, k, want)

	// A failed flush keeps its observations for the next one, merged with
	// what came meanwhile.
	store.setFail(errDown)
	if err := k.Flush(ctx); err == nil {
		t.Fatal("Flush on a failing store succeeded")
	}
	c.advance(time.Minute)
	k.Observe("orders", catalog.Produces, "checkout-1")
	store.setFail(nil)
	want[1].LastSeen = t0.Add(2*time.Minute + time.Second)
	wantObs(t, k, want)
	if err := k.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Observations(ctx); !reflect.DeepEqual(got, want) {
		t.Errorf("after the retried Flush the store has\n%v\nwant\n%v", got, want)
	}
}

// TestKeeper_Close flushes what is pending.
func TestKeeper_Close(t *testing.T) {
	store := newMemStore()
	k := catalog.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	k.Observe("orders", catalog.Produces, "checkout")
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Observations(context.Background()); len(got) != 1 {
		t.Errorf("after Close the store has %v, want the one observation", got)
	}
	if err := k.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestKeeper_ObserveConcurrent observes from many goroutines while flushing;
// run with -race.
func TestKeeper_ObserveConcurrent(t *testing.T) {
	k, store, _ := newKeeper(t)
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			for i := range 1000 {
				k.Observe(fmt.Sprintf("topic-%d", i%10), catalog.Produces, fmt.Sprintf("client-%d", g))
			}
			done <- struct{}{}
		}()
	}
	for range 8 {
		if err := k.Flush(context.Background()); err != nil {
			t.Error(err)
		}
		<-done
	}
	if err := k.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Observations(context.Background()); len(got) != 80 {
		t.Errorf("store has %d observations, want 80", len(got))
	}
}

func BenchmarkKeeper_Observe(b *testing.B) {
	k := catalog.New(newMemStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer k.Close()
	topics := []string{"orders", "refunds", "payments", "shipments"}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			k.Observe(topics[i%len(topics)], catalog.Produces, "checkout-1")
			i++
		}
	})
}

func wantObs(t *testing.T, k *catalog.Keeper, want []catalog.Observation) {
	t.Helper()
	got, err := k.Observations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Observations =\n%v\nwant\n%v", got, want)
	}
}

// observed sets up Full with observations: checkout's pods produce orders,
// billing consumes it with one of its two groups, an unknown client produces
// to it, fraud-scorer (of no declared service) consumes it, billing's
// producer went quiet on refunds two weeks ago, and a topic nobody declared
// is in use.
func observed(t *testing.T) (*catalog.Keeper, *clock) {
	t.Helper()
	k, _, c := newKeeper(t)
	mustApply(t, k, catalogtest.Full())
	k.Observe("refunds", catalog.Produces, "billing")
	c.advance(14 * 24 * time.Hour)
	k.Observe("orders", catalog.Produces, "checkout-7f9c")
	k.Observe("orders", catalog.Produces, "checkout.worker")
	k.Observe("orders", catalog.Consumes, "billing-orders")
	k.Observe("orders", catalog.Produces, "kcat")
	k.Observe("orders", catalog.Consumes, "fraud-scorer")
	k.Observe("orders", catalog.Consumes, "ledger-main")
	k.Observe("payouts", catalog.Produces, "billing-2")
	k.Observe("refunds", catalog.Consumes, "checkout-refunds")
	k.Observe("refunds", catalog.Consumes, "checkout-audit") // checkout's, unlisted group
	return k, c
}

func TestKeeper_Drift(t *testing.T) {
	k, c := observed(t)
	now := c.Now()
	got, err := k.Drift(context.Background(), 7*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Drift{
		{Kind: catalog.UndeclaredConsumer, Topic: "orders", Client: "fraud-scorer",
			Message: `consumer group "fraud-scorer" consumes topic "orders" and belongs to no declared service`},
		{Kind: catalog.UndeclaredProducer, Topic: "orders", Client: "kcat",
			Message: `client "kcat" produces to topic "orders" and belongs to no declared service`},
		{Kind: catalog.UnseenConsumer, Topic: "orders", Service: "billing", Client: "billing-orders-replay",
			Message: `declared consumer "billing" of topic "orders" with group "billing-orders-replay": never seen`},
		{Kind: catalog.UndeclaredTopic, Topic: "payouts",
			Message: `topic "payouts" is in use (produced by "billing-2") but not declared`},
		{Kind: catalog.UnseenProducer, Topic: "refunds", Service: "billing",
			Message: `declared producer "billing" of topic "refunds": last seen 2026-03-01T12:00:00Z (336h0m0s ago)`},
		{Kind: catalog.UnownedTopic, Topic: "scratch", Message: `topic "scratch" has no owner`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Drift =\n%s\nwant\n%s", drifts(got), drifts(want))
	}

	// Without staleness, what was ever seen counts.
	got, err = k.Drift(context.Background(), 0, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		if d.Kind == catalog.UnseenProducer {
			t.Errorf("with staleAfter 0, drift %+v", d)
		}
	}

	// A month later, everything declared is unseen and nothing undeclared
	// counts any more.
	got, err = k.Drift(context.Background(), 7*24*time.Hour, now.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[catalog.DriftKind]int{}
	for _, d := range got {
		kinds[d.Kind]++
	}
	if want := map[catalog.DriftKind]int{catalog.UnownedTopic: 1, catalog.UnseenProducer: 2, catalog.UnseenConsumer: 4}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("a month later, drift kinds %v, want %v:\n%s", kinds, want, drifts(got))
	}
}

func drifts(ds []catalog.Drift) string {
	var s string
	for _, d := range ds {
		s += fmt.Sprintf("  %s %s service=%q client=%q: %s\n", d.Kind, d.Topic, d.Service, d.Client, d.Message)
	}
	return s
}

func TestKeeper_Topic(t *testing.T) {
	ctx := context.Background()
	k, c := observed(t)
	seen := c.Now()
	v, err := k.Topic(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	full := catalogtest.Full()
	if !v.Declared || !reflect.DeepEqual(v.Topic, full.Topics[0]) {
		t.Errorf("Topic(orders).Topic = %+v, declared %v", v.Topic, v.Declared)
	}
	if v.Owner == nil || v.Owner.Name != "checkout" || v.Team == nil || v.Team.Name != "shop" {
		t.Errorf("Topic(orders) owner %+v team %+v, want checkout of shop", v.Owner, v.Team)
	}
	wantProducers := []catalog.Party{
		{Service: "checkout", Client: "checkout-7f9c", Declared: true, FirstSeen: seen, LastSeen: seen},
		{Service: "checkout", Client: "checkout.worker", Declared: true, FirstSeen: seen, LastSeen: seen},
		{Client: "kcat", FirstSeen: seen, LastSeen: seen},
	}
	if !reflect.DeepEqual(v.Producers, wantProducers) {
		t.Errorf("producers =\n%+v\nwant\n%+v", v.Producers, wantProducers)
	}
	wantConsumers := []catalog.Party{
		{Service: "billing", Client: "billing-orders", Declared: true, FirstSeen: seen, LastSeen: seen},
		{Service: "billing", Client: "billing-orders-replay", Declared: true},
		{Service: "ledger", Client: "ledger-main", Declared: true, FirstSeen: seen, LastSeen: seen},
		{Client: "fraud-scorer", FirstSeen: seen, LastSeen: seen},
	}
	if !reflect.DeepEqual(v.Consumers, wantConsumers) {
		t.Errorf("consumers =\n%+v\nwant\n%+v", v.Consumers, wantConsumers)
	}
	if len(v.Drift) != 3 {
		t.Errorf("Topic(orders) drift:\n%s", drifts(v.Drift))
	}

	// A declared producer never seen is a party with no client.
	v, err = k.Topic(ctx, "scratch")
	if err != nil || v.Producers != nil || v.Consumers != nil || v.Owner != nil || len(v.Drift) != 1 {
		t.Errorf("Topic(scratch) = %+v, %v", v, err)
	}

	// An undeclared topic in use has a view too.
	v, err = k.Topic(ctx, "payouts")
	if err != nil {
		t.Fatal(err)
	}
	if v.Declared || v.Topic.ValueSubject != "payouts-value" || len(v.Producers) != 1 || v.Producers[0].Service != "billing" || v.Producers[0].Declared {
		t.Errorf("Topic(payouts) = %+v", v)
	}

	if _, err := k.Topic(ctx, "nothing"); err == nil || !isNotFound(err) {
		t.Errorf("Topic(nothing): %v, want not found", err)
	}

	views, err := k.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range views {
		names = append(names, v.Topic.Name)
	}
	if want := []string{"orders", "payouts", "refunds", "scratch"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Topics = %v, want %v", names, want)
	}
	refunds := views[2]
	wantRefunds := []catalog.Party{
		{Service: "checkout", Client: "checkout-audit", Declared: true, FirstSeen: seen, LastSeen: seen},
		{Service: "checkout", Client: "checkout-refunds", Declared: true, FirstSeen: seen, LastSeen: seen},
	}
	if !reflect.DeepEqual(refunds.Consumers, wantRefunds) {
		t.Errorf("refunds consumers =\n%+v\nwant\n%+v", refunds.Consumers, wantRefunds)
	}
}

func isNotFound(err error) bool { return errors.Is(err, catalog.ErrTopicNotFound) }
