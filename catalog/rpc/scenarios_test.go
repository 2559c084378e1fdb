package rpc_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/charterhq/charter/catalog"
	catalogv1 "github.com/charterhq/charter/catalog/v1"
	"github.com/charterhq/charter/catalog/v1/catalogv1connect"
)

var ctx = context.Background()

// spec declares two teams, two services and two topics, one unowned.
func spec() *catalogv1.Spec {
	return &catalogv1.Spec{
		Teams: []*catalogv1.Team{
			{Name: "shop", Email: "shop@acme.example"},
			{Name: "payments", Chat: "#payments"},
		},
		Services: []*catalogv1.Service{
			{Name: "checkout", Team: "shop", Lifecycle: catalogv1.Lifecycle_LIFECYCLE_PRODUCTION},
			{Name: "billing", Team: "payments", Repository: "https://github.com/acme/billing"},
		},
		Topics: []*catalogv1.Topic{
			{Name: "orders", Owner: "checkout", Tags: []string{"core"}, Classification: catalogv1.Classification_CLASSIFICATION_CONFIDENTIAL},
			{Name: "refunds", ValueSubject: "refunds-v2"},
		},
		Relations: []*catalogv1.Relation{
			{Service: "checkout", Topic: "orders", Kind: catalogv1.RelationKind_RELATION_KIND_PRODUCES},
			{Service: "billing", Topic: "orders", Kind: catalogv1.RelationKind_RELATION_KIND_CONSUMES, Groups: []string{"billing-orders"}},
		},
	}
}

// changeNames renders changes as "kind name" strings.
func changeNames(changes []*catalogv1.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = fmt.Sprintf("%s %s", strings.TrimPrefix(c.GetKind().String(), "ENTITY_KIND_"), c.GetName())
	}
	return out
}

func testApply(t *testing.T, c catalogv1connect.CatalogServiceClient) {
	wantAdded := []string{
		"TEAM payments", "TEAM shop", "SERVICE billing", "SERVICE checkout", "TOPIC orders", "TOPIC refunds",
		"RELATION billing consumes orders", "RELATION checkout produces orders",
	}
	dry, err := c.Apply(ctx, connect.NewRequest(&catalogv1.ApplyRequest{Spec: spec(), DryRun: true}))
	if err != nil {
		t.Fatal(err)
	}
	if got := changeNames(dry.Msg.GetAdded()); !slices.Equal(got, wantAdded) || len(dry.Msg.GetRemoved())+len(dry.Msg.GetChanged()) != 0 {
		t.Errorf("Apply(dry run) = %v; want added %v only", dry.Msg, wantAdded)
	}
	empty, err := c.GetSpec(ctx, connect.NewRequest(&catalogv1.GetSpecRequest{}))
	if err != nil || !proto.Equal(empty.Msg.GetSpec(), &catalogv1.Spec{}) {
		t.Errorf("GetSpec after a dry run = %v, %v; want an empty spec", empty, err)
	}

	applied, err := c.Apply(ctx, connect.NewRequest(&catalogv1.ApplyRequest{Spec: spec()}))
	if err != nil || !slices.Equal(changeNames(applied.Msg.GetAdded()), wantAdded) {
		t.Fatalf("Apply = %v, %v; want added %v", applied, err, wantAdded)
	}
	got, err := c.GetSpec(ctx, connect.NewRequest(&catalogv1.GetSpecRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	// The Keeper's canonical form: sorted, with default value subjects.
	want := spec()
	want.Teams[0], want.Teams[1] = want.Teams[1], want.Teams[0]
	want.Services[0], want.Services[1] = want.Services[1], want.Services[0]
	want.Topics[0].ValueSubject = "orders-value"
	want.Relations[0], want.Relations[1] = want.Relations[1], want.Relations[0]
	if !proto.Equal(got.Msg.GetSpec(), want) {
		t.Errorf("GetSpec = %v; want %v", got.Msg.GetSpec(), want)
	}

	again, err := c.Apply(ctx, connect.NewRequest(&catalogv1.ApplyRequest{Spec: spec()}))
	if err != nil || len(again.Msg.GetAdded())+len(again.Msg.GetRemoved())+len(again.Msg.GetChanged()) != 0 {
		t.Errorf("Apply(same spec) = %v, %v; want no changes", again, err)
	}
	changed := spec()
	changed.Services[1].Lifecycle = catalogv1.Lifecycle_LIFECYCLE_DEPRECATED
	res, err := c.Apply(ctx, connect.NewRequest(&catalogv1.ApplyRequest{Spec: changed, DryRun: true}))
	wantChange := []*catalogv1.Change{{Kind: catalogv1.EntityKind_ENTITY_KIND_SERVICE, Name: "billing", Detail: "lifecycle (none) → deprecated"}}
	if err != nil || !slices.EqualFunc(res.Msg.GetChanged(), wantChange, eqMsg) {
		t.Errorf("Apply(changed lifecycle) = %v, %v; want changed %v", res, err, wantChange)
	}

	teams, err := c.ListTeams(ctx, connect.NewRequest(&catalogv1.ListTeamsRequest{}))
	if err != nil || !slices.EqualFunc(teams.Msg.GetTeams(), want.Teams, eqMsg) {
		t.Errorf("ListTeams = %v, %v; want %v", teams, err, want.Teams)
	}
	services, err := c.ListServices(ctx, connect.NewRequest(&catalogv1.ListServicesRequest{Team: "shop"}))
	if err != nil || !slices.EqualFunc(services.Msg.GetServices(), want.Services[1:], eqMsg) {
		t.Errorf("ListServices(shop) = %v, %v; want %v", services, err, want.Services[1:])
	}
}

func eqMsg[M proto.Message](a, b M) bool { return proto.Equal(a, b) }

// testTopics feeds observations to the Keeper applied by testApply and reads
// them back beside the declarations.
func testTopics(t *testing.T, keeper *catalog.Keeper, clock *clock, c catalogv1connect.CatalogServiceClient) {
	keeper.Observe("orders", catalog.Produces, "checkout-7f9c")
	keeper.Observe("orders", catalog.Consumes, "analytics")
	keeper.Observe("clicks", catalog.Produces, "crawler")
	if err := keeper.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	seen := timestamppb.New(now)

	got, err := c.GetTopic(ctx, connect.NewRequest(&catalogv1.GetTopicRequest{Name: "orders"}))
	if err != nil {
		t.Fatal(err)
	}
	v := got.Msg.GetTopic()
	wantProducers := []*catalogv1.Party{{Service: "checkout", Client: "checkout-7f9c", Declared: true, FirstSeen: seen, LastSeen: seen}}
	wantConsumers := []*catalogv1.Party{
		{Service: "billing", Client: "billing-orders", Declared: true},
		{Client: "analytics", FirstSeen: seen, LastSeen: seen},
	}
	if !v.GetDeclared() || v.GetOwner().GetName() != "checkout" || v.GetTeam().GetName() != "shop" ||
		v.GetTopic().GetClassification() != catalogv1.Classification_CLASSIFICATION_CONFIDENTIAL ||
		!slices.EqualFunc(v.GetProducers(), wantProducers, eqMsg) || !slices.EqualFunc(v.GetConsumers(), wantConsumers, eqMsg) {
		t.Errorf("GetTopic(orders) = %v;\nwant declared, owned by checkout of shop, producers %v, consumers %v", v, wantProducers, wantConsumers)
	}
	wantDrift := []string{"orders UNDECLARED_CONSUMER  analytics", "orders UNSEEN_CONSUMER billing billing-orders"}
	if d := driftKeys(v.GetDrift()); !slices.Equal(d, wantDrift) {
		t.Errorf("GetTopic(orders) drift = %q; want %q", d, wantDrift)
	}

	list, err := c.ListTopics(ctx, connect.NewRequest(&catalogv1.ListTopicsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tv := range list.Msg.GetTopics() {
		names = append(names, fmt.Sprintf("%s declared=%v", tv.GetTopic().GetName(), tv.GetDeclared()))
	}
	if want := []string{"clicks declared=false", "orders declared=true", "refunds declared=true"}; !slices.Equal(names, want) {
		t.Errorf("ListTopics = %q; want %q", names, want)
	}

	all := []string{"clicks UNDECLARED_TOPIC  ", "orders UNDECLARED_CONSUMER  analytics", "orders UNSEEN_CONSUMER billing billing-orders", "refunds UNOWNED_TOPIC  "}
	drift, err := c.GetDrift(ctx, connect.NewRequest(&catalogv1.GetDriftRequest{}))
	if d := driftKeys(drift.Msg.GetDrift()); err != nil || !slices.Equal(d, all) {
		t.Errorf("GetDrift = %q, %v; want %q", d, err, all)
	}
	// Two days on, with a day's staleness, nothing was seen lately: what is
	// undeclared no longer counts, and the declared producer is unseen.
	clock.set(now.Add(48 * time.Hour))
	defer clock.set(now)
	drift, err = c.GetDrift(ctx, connect.NewRequest(&catalogv1.GetDriftRequest{StaleAfter: durationpb.New(24 * time.Hour)}))
	later := []string{"orders UNSEEN_CONSUMER billing billing-orders", "orders UNSEEN_PRODUCER checkout ", "refunds UNOWNED_TOPIC  "}
	if d := driftKeys(drift.Msg.GetDrift()); err != nil || !slices.Equal(d, later) {
		t.Errorf("GetDrift(stale after a day, two days on) = %q, %v; want %q", d, err, later)
	}
}

// driftKeys renders drift as "topic KIND service client" strings, checking
// that each has a message.
func driftKeys(drift []*catalogv1.Drift) []string {
	out := make([]string, len(drift))
	for i, d := range drift {
		out[i] = fmt.Sprintf("%s %s %s %s", d.GetTopic(), strings.TrimPrefix(d.GetKind().String(), "DRIFT_KIND_"), d.GetService(), d.GetClient())
		if d.GetMessage() == "" {
			out[i] += " (no message)"
		}
	}
	return out
}

func testErrors(t *testing.T, c catalogv1connect.CatalogServiceClient) {
	_, err := c.GetTopic(ctx, connect.NewRequest(&catalogv1.GetTopicRequest{Name: "nowhere"}))
	wantError(t, err, connect.CodeNotFound, "404")

	bad := spec()
	bad.Services[0].Team = "ghosts"
	bad.Relations[0].Kind = catalogv1.RelationKind_RELATION_KIND_UNSPECIFIED
	bad.Topics[1].Classification = 42
	_, err = c.Apply(ctx, connect.NewRequest(&catalogv1.ApplyRequest{Spec: bad}))
	cerr := wantError(t, err, connect.CodeInvalidArgument, "422")
	if msg := cerr.Message(); !strings.Contains(msg, "ghosts") || !strings.Contains(msg, "kind") || !strings.Contains(msg, "42") {
		t.Errorf("Apply(invalid) message %q does not name each problem", msg)
	}
	// Nothing changed: the spec applied by testApply is still there.
	got, err := c.GetSpec(ctx, connect.NewRequest(&catalogv1.GetSpecRequest{}))
	if err != nil || len(got.Msg.GetSpec().GetServices()) != 2 || got.Msg.GetSpec().GetServices()[1].GetTeam() != "shop" {
		t.Errorf("GetSpec after a refused Apply = %v, %v; want the earlier spec", got, err)
	}

	_, err = c.GetDrift(ctx, connect.NewRequest(&catalogv1.GetDriftRequest{StaleAfter: &durationpb.Duration{Seconds: 1, Nanos: -1}}))
	wantError(t, err, connect.CodeInvalidArgument, "422")
}
