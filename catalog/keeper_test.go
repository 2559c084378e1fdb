package catalog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
	"github.com/charterhq/charter/registry"
)

// clock is a fake time source for Keeper.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newKeeper(t *testing.T) (*catalog.Keeper, *memStore, *clock) {
	t.Helper()
	store := newMemStore()
	k := catalog.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c := &clock{now: t0}
	k.Now = c.Now
	t.Cleanup(func() {
		store.setFail(nil)
		if err := k.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return k, store, c
}

func mustApply(t *testing.T, k *catalog.Keeper, s catalog.Spec) catalog.Changes {
	t.Helper()
	c, err := k.Apply(context.Background(), s, false)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return c
}

func TestKeeper_ApplyInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *catalog.Spec)
		want   string
	}{
		{"TeamTwice", func(s *catalog.Spec) { s.Teams = append(s.Teams, catalog.Team{Name: "shop"}) },
			`team "shop" is declared twice`},
		{"NoName", func(s *catalog.Spec) { s.Services = append(s.Services, catalog.Service{Description: "who?"}) },
			`service #4: name is required`},
		{"BadNames", func(s *catalog.Spec) { s.Teams[0].Name = "pay ments"; s.Topics[2].Name = strings.Repeat("x", 250) },
			"team \"pay ments\": name may contain only letters, digits, '.', '_' and '-'\n" +
				`topic "` + strings.Repeat("x", 250) + `": name is longer than 249 characters` + "\n" +
				`service "billing": team "payments" is not declared`},
		{"DanglingTeam", func(s *catalog.Spec) { s.Services[0].Team = "finance" },
			`service "billing": team "finance" is not declared`},
		{"DanglingOwner", func(s *catalog.Spec) { s.Topics[0].Owner = "shipping" },
			`topic "orders": owner "shipping" is not a declared service`},
		{"Values", func(s *catalog.Spec) { s.Services[1].Lifecycle = "prod"; s.Topics[1].Classification = "secret" },
			`service "checkout": lifecycle "prod" is not one of experimental, production, deprecated` + "\n" +
				`topic "refunds": classification "secret" is not one of public, internal, confidential, restricted`},
		{"Tags", func(s *catalog.Spec) { s.Topics[0].Tags = []string{"pii", " ", "pii"} },
			`topic "orders": a tag is empty` + "\n" + `topic "orders": tag "pii" is listed twice`},
		{"RelationService", func(s *catalog.Spec) {
			s.Relations = append(s.Relations, catalog.Relation{Service: "shipping", Topic: "orders", Kind: catalog.Consumes})
		}, `topic "orders": consumer "shipping" is not a declared service`},
		{"RelationTopic", func(s *catalog.Spec) {
			s.Relations = append(s.Relations, catalog.Relation{Service: "ledger", Topic: "payouts", Kind: catalog.Produces})
		}, `service "ledger": produces topic "payouts", which is not declared`},
		{"RelationKind", func(s *catalog.Spec) {
			s.Relations = append(s.Relations, catalog.Relation{Service: "ledger", Topic: "orders", Kind: "reads"})
		}, `relation #6: kind "reads" is not one of produces, consumes`},
		{"RelationTwice", func(s *catalog.Spec) {
			s.Relations = append(s.Relations, catalog.Relation{Service: "checkout", Topic: "orders", Kind: catalog.Produces})
		}, `topic "orders": producer "checkout" is declared twice`},
		{"ProducerGroups", func(s *catalog.Spec) { s.Relations[2].Groups = []string{"g"} },
			`topic "orders": producer "checkout" may not list consumer groups`},
		{"GroupOfTwoServices", func(s *catalog.Spec) { s.Relations[1].Groups = []string{"billing-orders"} },
			`topic "orders": consumer group "billing-orders" of "ledger" is already listed for service "billing"`},
		{"Groups", func(s *catalog.Spec) { s.Relations[3].Groups = []string{"a", "", "a"} },
			`topic "refunds": consumer "checkout" lists an empty group` + "\n" + `topic "refunds": consumer "checkout" lists group "a" twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, store, _ := newKeeper(t)
			mustApply(t, k, catalogtest.Small())
			s := catalogtest.Full()
			tc.change(&s)
			for _, dryRun := range []bool{true, false} {
				_, err := k.Apply(context.Background(), s, dryRun)
				if code := registry.CodeOf(err); code != registry.CodeUnprocessable || !errors.Is(err, catalog.ErrInvalidSpec) {
					t.Fatalf("Apply(dryRun=%v) error %v (code %d), want code 422", dryRun, err, code)
				}
				if got := registry.MessageOf(err); got != tc.want {
					t.Errorf("Apply(dryRun=%v) message:\n%s\nwant:\n%s", dryRun, got, tc.want)
				}
			}
			if got, _ := store.Spec(context.Background()); !reflect.DeepEqual(got, catalogtest.Small()) {
				t.Errorf("an invalid Apply changed the stored spec to %+v", got)
			}
		})
	}
}

func TestKeeper_ApplyChanges(t *testing.T) {
	ctx := context.Background()
	k, store, _ := newKeeper(t)
	changes := mustApply(t, k, catalogtest.Full())
	if len(changes.Added) != 2+3+3+5 || len(changes.Removed) != 0 || len(changes.Changed) != 0 {
		t.Errorf("first Apply changes = %+v, want every entity added", changes)
	}

	// A dry run reports and changes nothing.
	dry, err := k.Apply(ctx, catalogtest.Small(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Spec(ctx); !reflect.DeepEqual(got, catalogtest.Full()) {
		t.Errorf("after a dry run, Spec = %+v, want Full unchanged", got)
	}
	want := strings.Join([]string{
		`~ team payments: description "Money in and out" → Money; email payments@acme.example → (none); chat #payments → (none); oncall https://acme.pagerduty.com/schedules/P123 → (none)`,
		`- team shop`,
		`~ service billing: description "Invoices customers" → (none); repository https://github.com/acme/billing → (none); lifecycle production → deprecated`,
		`- service checkout`,
		`+ service fraud`,
		`- service ledger`,
		`~ topic orders: description "Orders as placed" → (none); owner checkout → billing; key_subject orders-key → (none); tags [core, pii] → [pii]; classification confidential → (none)`,
		`- topic refunds`,
		`+ topic risk`,
		`- topic scratch`,
		`~ relation billing consumes orders: groups [billing-orders, billing-orders-replay] → [billing-v2]`,
		`- relation billing produces refunds`,
		`- relation checkout consumes refunds`,
		`- relation checkout produces orders`,
		`+ relation fraud consumes orders`,
		`+ relation fraud produces risk`,
		`- relation ledger consumes orders`,
	}, "\n")
	if got := dry.String(); got != want {
		t.Errorf("dry run changes:\n%s\nwant:\n%s", got, want)
	}

	// The real thing reports the same and stores the new spec.
	real := mustApply(t, k, catalogtest.Small())
	if !reflect.DeepEqual(real, dry) {
		t.Errorf("Apply changes = %+v, dry run said %+v", real, dry)
	}
	if got, _ := store.Spec(ctx); !reflect.DeepEqual(got, catalogtest.Small()) {
		t.Errorf("stored spec = %+v, want Small", got)
	}
	again := mustApply(t, k, catalogtest.Small())
	if !again.Empty() || again.String() != "no changes" {
		t.Errorf("applying the same spec again: %+v %q, want no changes", again, again.String())
	}
}

// TestKeeper_ApplyNormalises accepts unsorted input with defaults left out.
func TestKeeper_ApplyNormalises(t *testing.T) {
	ctx := context.Background()
	k, _, _ := newKeeper(t)
	s := catalogtest.Full()
	for i, j := 0, len(s.Relations)-1; i < j; i, j = i+1, j-1 {
		s.Relations[i], s.Relations[j] = s.Relations[j], s.Relations[i]
	}
	s.Topics[0].Tags = []string{"pii", "core"}
	s.Topics[2].ValueSubject = ""
	s.Teams[0], s.Teams[1] = s.Teams[1], s.Teams[0]
	mustApply(t, k, s)
	if got, _ := k.Spec(ctx); !reflect.DeepEqual(got, catalogtest.Full()) {
		t.Errorf("Spec = %+v, want Full normalised", got)
	}
}

func TestKeeper_StoreErrors(t *testing.T) {
	ctx := context.Background()
	k, store, _ := newKeeper(t)
	store.setFail(errDown)
	_, err := k.Apply(ctx, catalogtest.Full(), false)
	if code := registry.CodeOf(err); code != registry.CodeStoreError || strings.Contains(registry.MessageOf(err), "down") {
		t.Errorf("Apply on a failing store: %v (code %d), want 50001 without the cause in the message", err, code)
	}
	if _, err := k.Topics(ctx); registry.CodeOf(err) != registry.CodeStoreError {
		t.Errorf("Topics on a failing store: %v", err)
	}
}
