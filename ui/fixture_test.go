package ui_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/charterhq/charter/catalog"
	catalogsqlite "github.com/charterhq/charter/catalog/sqlite"
	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
	"github.com/charterhq/charter/compat/jsonschema"
	"github.com/charterhq/charter/compat/protobuf"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/sqlite"
	"github.com/charterhq/charter/ui"
)

// fixture is a UI over a real registry and catalog on SQLite, seeded with
// schemas, a catalog, observations and a fake broker's records.
type fixture struct {
	Registry *registry.Service
	Catalog  *catalog.Keeper
	Broker   *fakeBroker
	IDs      map[string]int // "subject vN" → schema ID
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "charter.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	return db
}

// The schemas the fixture registers.
const (
	orderV1    = `{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}`
	orderV2    = `{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}},"required":["id"]}`
	orderKey   = `{"type":"string"}`
	paymentV1  = `{"type":"record","name":"Payment","fields":[{"name":"id","type":"string"},{"name":"cents","type":"long"}]}`
	paymentV2  = `{"type":"record","name":"Payment","fields":[{"name":"id","type":"string"},{"name":"cents","type":"long"},{"name":"currency","type":"string","default":"EUR"}]}`
	paymentV3  = `{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"},{"name":"cents","type":"long"},{"name":"currency","type":"string","default":"EUR"}]}`
	shipmentV1 = "syntax = \"proto3\";\npackage acme;\n\n// A parcel on its way.\nmessage Shipment {\n  string id = 1;\n  int64 weight_grams = 2;\n}\n"
)

// The catalog the fixture applies.
var spec = catalog.Spec{
	Teams: []catalog.Team{
		{Name: "payments", Description: "Money in and out", Email: "payments@acme.example", Chat: "#payments", OnCall: "https://oncall.acme.example/payments"},
		{Name: "logistics", Description: "Parcels", Email: "logistics@acme.example"},
	},
	Services: []catalog.Service{
		{Name: "checkout", Team: "payments", Description: "Takes orders", Repository: "https://git.acme.example/checkout", Lifecycle: "production"},
		{Name: "billing", Team: "payments", Description: "Invoices customers", Lifecycle: "production"},
		{Name: "shipper", Team: "logistics", Description: "Ships parcels", Lifecycle: "experimental"},
	},
	Topics: []catalog.Topic{
		{Name: "orders", Description: "Orders as placed", Owner: "checkout", KeySubject: "orders-key", Tags: []string{"core", "pii"}, Classification: "confidential"},
		{Name: "payments", Description: "Settled payments", Owner: "billing", Tags: []string{"core"}},
		{Name: "shipments", Description: "Parcels shipped", Owner: "shipper"},
		{Name: "legacy", Description: "Nobody knows"},
	},
	Relations: []catalog.Relation{
		{Service: "checkout", Topic: "orders", Kind: catalog.Produces},
		{Service: "billing", Topic: "orders", Kind: catalog.Consumes, Groups: []string{"billing-orders"}},
		{Service: "billing", Topic: "payments", Kind: catalog.Produces},
	},
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db := openDB(t)
	reg := registry.New(sqlite.New(db), []compat.Format{avro.Format{}, protobuf.Format{}, jsonschema.Format{}}, discard())
	f := &fixture{Registry: reg, IDs: map[string]int{}}
	register := func(subject, schemaType, text string) {
		t.Helper()
		v, err := reg.Register(ctx, subject, registry.SchemaRequest{Schema: text, Type: schemaType})
		if err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
		f.IDs[subject+" v"+strconv.Itoa(v.Version)] = v.Schema.ID
	}
	setLevel := func(subject string, level compat.Level) {
		t.Helper()
		raw, _ := json.Marshal(string(level))
		if _, err := reg.UpdateConfig(ctx, subject, map[string]json.RawMessage{"compatibility": raw}); err != nil {
			t.Fatal(err)
		}
	}
	register("orders-value", registry.TypeJSON, orderV1)
	setLevel("orders-value", compat.None)
	register("orders-value", registry.TypeJSON, orderV2)
	register("orders-key", registry.TypeJSON, orderKey)
	register("payments-value", registry.TypeAvro, paymentV1)
	register("payments-value", registry.TypeAvro, paymentV2)
	// v3 breaks BACKWARD (id changes type): register it under NONE, then
	// restore the level so that the diff page has violations to show.
	setLevel("payments-value", compat.None)
	register("payments-value", registry.TypeAvro, paymentV3)
	setLevel("payments-value", compat.Backward)
	register("shipments-value", registry.TypeProtobuf, shipmentV1)

	keeper := catalog.New(catalogsqlite.New(db), discard())
	t.Cleanup(func() { keeper.Close() })
	if _, err := keeper.Apply(ctx, spec, false); err != nil {
		t.Fatal(err)
	}
	keeper.Observe("orders", catalog.Produces, "checkout-7f9c")
	keeper.Observe("orders", catalog.Consumes, "billing-orders")
	keeper.Observe("orders", catalog.Consumes, "analytics")
	if err := keeper.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	f.Catalog = keeper

	orderID := f.IDs["orders-value v2"]
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Broker = &fakeBroker{
		topics: []ui.BrokerTopic{
			{Name: "orders", Partitions: []ui.BrokerPartition{{ID: 0, StartOffset: 0, EndOffset: 2}, {ID: 1, StartOffset: 5, EndOffset: 7}}, Configs: map[string]string{"cleanup.policy": "delete"}},
			{Name: "payments", Partitions: []ui.BrokerPartition{{ID: 0}}},
			{Name: "clickstream", Partitions: []ui.BrokerPartition{{ID: 0, EndOffset: 1}}},
			{Name: "__consumer_offsets", Partitions: []ui.BrokerPartition{{ID: 0}}},
		},
		lags: []ui.GroupLag{
			{Group: "analytics", Partition: 0, Committed: 2, EndOffset: 2, Lag: 0},
			{Group: "billing-orders", Partition: 0, Committed: 1, EndOffset: 2, Lag: 1},
			{Group: "billing-orders", Partition: 1, Committed: 5, EndOffset: 7, Lag: 2},
		},
		messages: map[string][]ui.Message{
			"orders": {
				{Partition: 0, Offset: 1, Time: base, Key: []byte("order-41"), Value: wire(orderID, `{"id":"order-41","note":"gift wrap"}`), Headers: map[string][]byte{"trace": []byte("abc123")}},
				{Partition: 1, Offset: 6, Time: base.Add(time.Minute), Key: []byte("order-42"), Value: wire(orderID, `{"id":"order-42"}`)},
				{Partition: 0, Offset: 0, Time: base.Add(-time.Minute), Value: wire(9999, "\x02\x04xy")},
			},
			"clickstream": {
				{Partition: 0, Offset: 0, Time: base, Value: []byte{0xff, 0x00, 0x13, 0x37}},
			},
		},
	}
	return f
}

// deps are the fixture's registry, catalog and broker, and a decoder that
// understands JSON payloads.
func (f *fixture) deps() ui.Deps {
	return ui.Deps{Registry: f.Registry, Catalog: f.Catalog, Broker: f.Broker, Decoder: jsonDecoder{}, Logger: discard()}
}

// wire prefixes payload with the Confluent wire header for schema id.
func wire(id int, payload string) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), payload...)
}

// fakeBroker serves fixed topics, records and consumer group lags (all
// of them of orders).
type fakeBroker struct {
	topics   []ui.BrokerTopic
	messages map[string][]ui.Message
	lags     []ui.GroupLag
	err      error
}

func (b *fakeBroker) Topics(ctx context.Context) ([]ui.BrokerTopic, error) {
	return b.topics, b.err
}

func (b *fakeBroker) Latest(ctx context.Context, topic string, n int) ([]ui.Message, error) {
	msgs := b.messages[topic]
	if len(msgs) > n {
		msgs = msgs[len(msgs)-n:]
	}
	return msgs, b.err
}

func (b *fakeBroker) GroupLags(ctx context.Context, topic string) ([]ui.GroupLag, error) {
	if topic != "orders" {
		return nil, b.err
	}
	return b.lags, b.err
}

// jsonDecoder decodes payloads written by a JSON Schema serializer: the
// bytes after the header are the JSON itself.
type jsonDecoder struct{}

func (jsonDecoder) DecodeJSON(ctx context.Context, id int, payload []byte) ([]byte, error) {
	if !json.Valid(payload) {
		return nil, errors.New("not JSON")
	}
	return payload, nil
}
