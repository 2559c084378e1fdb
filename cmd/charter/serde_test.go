package main

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/test"
	"google.golang.org/protobuf/proto"

	"github.com/charterhq/charter/registry/postgres/postgrestest"
)

// These tests point Confluent's own Go client and serializers at the real
// server and check that what they serialize through Charter deserializes
// back, for all three formats, on SQLite and on PostgreSQL.

type order struct {
	ID       int64   `avro:"id" json:"id"`
	Customer string  `avro:"customer" json:"customer"`
	Total    float64 `avro:"total" json:"total"`
	Note     *string `avro:"note" json:"note,omitempty"`
}

// storeArgs yields the --database values to run against: SQLite always,
// PostgreSQL when CHARTER_TEST_DATABASE_URL is set (each run in a fresh
// schema of that database).
func storeArgs(t *testing.T) map[string][]string {
	out := map[string][]string{"sqlite": nil}
	if os.Getenv(postgrestest.URLVar) != "" {
		out["postgres"] = []string{"--database", postgrestest.URL(t)}
	}
	return out
}

func TestConfluentSerdes(t *testing.T) {
	for name, args := range storeArgs(t) {
		t.Run(name, func(t *testing.T) {
			base := startServer(t, args...)
			client, err := schemaregistry.NewClient(schemaregistry.NewConfig(base))
			if err != nil {
				t.Fatal(err)
			}
			t.Run("avro", func(t *testing.T) { testAvroSerde(t, client) })
			t.Run("protobuf", func(t *testing.T) { testProtobufSerde(t, client) })
			t.Run("jsonschema", func(t *testing.T) { testJSONSerde(t, client) })
			t.Run("lookup", func(t *testing.T) { testLookups(t, base, client) })
		})
	}
}

func schemaID(t *testing.T, payload []byte) int {
	t.Helper()
	if len(payload) < 5 || payload[0] != 0 {
		t.Fatalf("payload %x lacks the Confluent wire header", payload)
	}
	return int(binary.BigEndian.Uint32(payload[1:5]))
}

func testAvroSerde(t *testing.T, client schemaregistry.Client) {
	ser, err := avrov2.NewSerializer(client, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	note := "leave at the door"
	in := order{ID: 42, Customer: "ada", Total: 12.5, Note: &note}
	payload, err := ser.Serialize("orders", &in)
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	id := schemaID(t, payload)
	// A fresh client, as a consumer elsewhere would have: it must fetch the
	// writer schema by ID from Charter.
	reader, _ := schemaregistry.NewClient(schemaregistry.NewConfig(client.Config().SchemaRegistryURL))
	de, err := avrov2.NewDeserializer(reader, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var out order
	if err := de.DeserializeInto("orders", payload, &out); err != nil {
		t.Fatalf("Deserialize: %v", err)
	}
	if out.ID != in.ID || out.Customer != in.Customer || out.Total != in.Total || out.Note == nil || *out.Note != note {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	info, err := reader.GetBySubjectAndID("orders-value", id)
	if err != nil || !strings.Contains(info.Schema, `"customer"`) {
		t.Errorf("GetBySubjectAndID(%d) = %+v, %v", id, info, err)
	}
	meta, err := reader.GetLatestSchemaMetadata("orders-value")
	if err != nil || meta.ID != id || meta.Version != 1 {
		t.Errorf("GetLatestSchemaMetadata = %+v, %v; want id %d version 1", meta, err, id)
	}
}

func testProtobufSerde(t *testing.T, client schemaregistry.Client) {
	ser, err := protobuf.NewSerializer(client, serde.ValueSerde, protobuf.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	// DependencyMessage's file imports test.proto: the serializer registers
	// that first, as a reference.
	in := &test.DependencyMessage{IsActive: true, TestMesssage: &test.TestMessage{TestString: "hi", TestInt32: 7}}
	payload, err := ser.Serialize("deps", in)
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	schemaID(t, payload)
	reader, _ := schemaregistry.NewClient(schemaregistry.NewConfig(client.Config().SchemaRegistryURL))
	de, err := protobuf.NewDeserializer(reader, serde.ValueSerde, protobuf.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	out := &test.DependencyMessage{}
	if err := de.DeserializeInto("deps", payload, out); err != nil {
		t.Fatalf("Deserialize: %v", err)
	}
	if !proto.Equal(in, out) {
		t.Errorf("round trip = %v, want %v", out, in)
	}
	// A nested message: the payload carries a message-index path.
	nested := &test.NestedMessage_InnerMessage{Id: "inner"}
	payload, err = ser.Serialize("nested", nested)
	if err != nil {
		t.Fatalf("Serialize nested: %v", err)
	}
	gotNested := &test.NestedMessage_InnerMessage{}
	if err := de.DeserializeInto("nested", payload, gotNested); err != nil {
		t.Fatalf("Deserialize nested: %v", err)
	}
	if gotNested.Id != "inner" {
		t.Errorf("nested round trip = %v", gotNested)
	}
	subjects, err := reader.GetAllSubjects()
	if err != nil {
		t.Fatal(err)
	}
	if !contains(subjects, "test.proto") || !contains(subjects, "deps-value") {
		t.Errorf("subjects %v lack the reference test.proto or deps-value", subjects)
	}
}

func testJSONSerde(t *testing.T, client schemaregistry.Client) {
	// The serializer validates against the schema fetched back from Charter.
	// (The deserializer's validation cannot take a struct target: the client
	// hands the struct itself to its validator, which wants generic JSON.)
	serConf := jsonschema.NewSerializerConfig()
	serConf.EnableValidation = true
	ser, err := jsonschema.NewSerializer(client, serde.ValueSerde, serConf)
	if err != nil {
		t.Fatal(err)
	}
	in := order{ID: 7, Customer: "grace", Total: 3.25}
	payload, err := ser.Serialize("jorders", &in)
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	schemaID(t, payload)
	reader, _ := schemaregistry.NewClient(schemaregistry.NewConfig(client.Config().SchemaRegistryURL))
	de, err := jsonschema.NewDeserializer(reader, serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var out order
	if err := de.DeserializeInto("jorders", payload, &out); err != nil {
		t.Fatalf("Deserialize: %v", err)
	}
	if out.ID != in.ID || out.Customer != in.Customer || out.Total != in.Total {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
}

// testLookups covers the client calls producers make without
// auto-registration, and the errors they branch on.
func testLookups(t *testing.T, base string, client schemaregistry.Client) {
	schema := schemaregistry.SchemaInfo{Schema: `{"type":"record","name":"Ping","fields":[{"name":"n","type":"int"}]}`}
	id, err := client.Register("ping-value", schema, false)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := schemaregistry.NewClient(schemaregistry.NewConfig(base))
	got, err := fresh.GetID("ping-value", schema, false)
	if err != nil || got != id {
		t.Errorf("GetID = %d, %v; want %d", got, err, id)
	}
	compatible, err := fresh.TestCompatibility("ping-value", 1, schemaregistry.SchemaInfo{Schema: `{"type":"record","name":"Ping","fields":[{"name":"n","type":"int"},{"name":"m","type":"int"}]}`})
	if err != nil || compatible {
		t.Errorf("TestCompatibility of a field without default = %v, %v; want false", compatible, err)
	}
	_, err = fresh.Register("ping-value", schemaregistry.SchemaInfo{Schema: `{"type":"record","name":"Ping","fields":[{"name":"n","type":"string"}]}`}, false)
	if err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("incompatible Register = %v, want a 409", err)
	}
	_, err = fresh.GetLatestSchemaMetadata("no-such-subject")
	if err == nil || !strings.Contains(err.Error(), "40401") {
		t.Errorf("unknown subject = %v, want 40401", err)
	}
	level, err := fresh.UpdateCompatibility("ping-value", schemaregistry.Full)
	if err != nil || level != schemaregistry.Full {
		t.Errorf("UpdateCompatibility = %v, %v", level, err)
	}
	level, err = fresh.GetCompatibility("ping-value")
	if err != nil || level != schemaregistry.Full {
		t.Errorf("GetCompatibility = %v, %v", level, err)
	}
	versions, err := fresh.DeleteSubject("ping-value", false)
	if err != nil || len(versions) != 1 {
		t.Errorf("DeleteSubject = %v, %v", versions, err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
