package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/charterhq/charter/catalog"
	catalogv1 "github.com/charterhq/charter/catalog/v1"
	"github.com/charterhq/charter/catalog/v1/catalogv1connect"
	registryv1 "github.com/charterhq/charter/registry/v1"
	"github.com/charterhq/charter/registry/v1/registryv1connect"
)

// TestCatalogEndToEnd declares a catalog with `charter catalog apply`,
// lets the broker observe a producer and a consumer group, and reads it all
// back through the generated Connect clients (Connect and gRPC over h2c),
// `charter catalog export` and the web UI — on SQLite and PostgreSQL.
func TestCatalogEndToEnd(t *testing.T) {
	example := filepath.Join("..", "..", "catalog", "testdata", "example.yaml")
	for name, args := range storeArgs(t) {
		t.Run(name, func(t *testing.T) {
			base, addr := startWithBroker(t, args...)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()

			out, stderr, code := runCharter(t, nil, "catalog", "apply", "--server", base, "-f", example, "--dry-run")
			if code != 0 || !strings.Contains(out, "+ topic orders") || !strings.Contains(out, "dry run") {
				t.Fatalf("apply --dry-run: exit %d\n%s%s", code, out, stderr)
			}
			client := catalogv1connect.NewCatalogServiceClient(http.DefaultClient, base)
			if spec, err := client.GetSpec(ctx, connect.NewRequest(&catalogv1.GetSpecRequest{})); err != nil || len(spec.Msg.GetSpec().GetTopics()) != 0 {
				t.Fatalf("after a dry run the catalog holds %v (%v), want nothing", spec, err)
			}
			if out, stderr, code := runCharter(t, nil, "catalog", "apply", "--server", base, "-f", example); code != 0 {
				t.Fatalf("apply: exit %d\n%s%s", code, out, stderr)
			}

			// A broken file changes nothing and says where it is wrong.
			bad := filepath.Join(t.TempDir(), "bad.yaml")
			writeFiles(t, filepath.Dir(bad), map[string]string{"bad.yaml": "topics:\n  - name: orders\n    owner: nobody\n"})
			if _, stderr, code := runCharter(t, nil, "catalog", "apply", "--server", base, "-f", bad); code == 0 || !strings.Contains(stderr, "bad.yaml:3") {
				t.Errorf("apply of a bad file: exit %d, %q; want a failure naming bad.yaml:3", code, stderr)
			}

			// The broker sees checkout produce and billing-orders consume.
			producer := newClient(t, addr, kgo.ClientID("checkout-7f9c"), kgo.AllowAutoTopicCreation())
			if err := producer.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("x")}).FirstErr(); err != nil {
				// orders enforces schema IDs by default; register one first.
				if code, body := post(t, base+"/subjects/orders-value/versions", `{"schema":"\"string\""}`); code != 200 {
					t.Fatalf("register: %d %s", code, body)
				}
				if err := producer.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: wireValue(1, "x")}).FirstErr(); err != nil {
					t.Fatal(err)
				}
			}
			consumer := newClient(t, addr, kgo.ConsumerGroup("billing-orders"), kgo.ConsumeTopics("orders"),
				kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
			if fs := consumer.PollRecords(ctx, 1); fs.Err() != nil {
				t.Fatal(fs.Err())
			}
			if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
				t.Fatal(err)
			}

			// Observations reach the catalog within its flush interval.
			var view *catalogv1.TopicView
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				resp, err := client.GetTopic(ctx, connect.NewRequest(&catalogv1.GetTopicRequest{Name: "orders"}))
				if err != nil {
					t.Fatal(err)
				}
				view = resp.Msg.GetTopic()
				if seen(view.GetProducers(), "checkout-7f9c") && seen(view.GetConsumers(), "billing-orders") {
					break
				}
			}
			if !seen(view.GetProducers(), "checkout-7f9c") || !seen(view.GetConsumers(), "billing-orders") {
				t.Fatalf("orders view %v lacks the observed producer or consumer group", view)
			}

			// The registry's Connect API over gRPC (HTTP/2 without TLS).
			h2c := &http.Client{Transport: &http.Transport{Protocols: unencryptedHTTP2()}}
			reg := registryv1connect.NewRegistryServiceClient(h2c, base, connect.WithGRPC())
			subjects, err := reg.ListSubjects(ctx, connect.NewRequest(&registryv1.ListSubjectsRequest{}))
			if err != nil || !strings.Contains(strings.Join(subjects.Msg.GetSubjects(), ","), "orders-value") {
				t.Errorf("ListSubjects over gRPC = %v, %v", subjects, err)
			}

			// export writes back what apply declared.
			exported, _, code := runCharter(t, nil, "catalog", "export", "--server", base)
			spec, err := catalog.ParseSpec([]catalog.File{{Name: "export.yaml", Data: []byte(exported)}})
			orders, ok := spec.Topic("orders")
			if code != 0 || err != nil || !ok || orders.Owner != "checkout" {
				t.Errorf("export: exit %d, %v:\n%s", code, err, exported)
			}

			// The web UI shows the owner, its team's contacts and the drift.
			status, page := get(t, base+"/ui/topics/orders")
			for _, want := range []string{"checkout", "shop", "checkout-7f9c", "billing-orders"} {
				if status != 200 || !strings.Contains(page, want) {
					t.Errorf("/ui/topics/orders (%d) lacks %q", status, want)
				}
			}
		})
	}
}

func seen(parties []*catalogv1.Party, client string) bool {
	for _, p := range parties {
		if p.GetClient() == client && p.GetLastSeen() != nil {
			return true
		}
	}
	return false
}

func unencryptedHTTP2() *http.Protocols {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return p
}
