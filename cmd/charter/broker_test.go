package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// These tests run the bundled broker inside the real server and talk to it
// with clients no one here wrote: kcat (librdkafka) as a separate process,
// franz-go's kgo, and confluent-kafka-go's serializers for the payloads.

// wireValue is a record value in Confluent's wire format: magic byte 0, the
// schema ID big-endian, then the payload.
func wireValue(id int, payload string) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(b, payload...)
}

func newClient(t *testing.T, addr string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	c, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addr), kgo.AllowAutoTopicCreation()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestBrokerKcat(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed; .ci/run installs it (apt-get install kcat)")
	}
	base, addr := startWithBroker(t)
	if code, body := post(t, base+"/subjects/clicks-value/versions", `{"schema":"\"string\""}`); code != 200 {
		t.Fatalf("register: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Produce three records with schema ID 1 through librdkafka, in a
	// separate process; the topic is created on first use.
	var in bytes.Buffer
	for i := range 3 {
		in.Write(wireValue(1, fmt.Sprintf("click-%d", i)))
		in.WriteByte('\n')
	}
	produce := exec.CommandContext(ctx, kcat, "-P", "-b", addr, "-t", "clicks", "-X", "acks=all")
	produce.Stdin = &in
	if out, err := produce.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}
	consume := exec.CommandContext(ctx, kcat, "-C", "-b", addr, "-t", "clicks", "-o", "beginning", "-e", "-f", "%o:%s\n")
	out, err := consume.CombinedOutput()
	if err != nil {
		t.Fatalf("kcat -C: %v\n%s", err, out)
	}
	for i := range 3 {
		want := fmt.Sprintf("%d:%s", i, wireValue(1, fmt.Sprintf("click-%d", i)))
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("kcat -C output lacks offset %d:\n%q", i, out)
		}
	}

	// A record without a schema ID is refused, and nothing of it is stored.
	refused := exec.CommandContext(ctx, kcat, "-P", "-b", addr, "-t", "clicks", "-X", "acks=all")
	refused.Stdin = strings.NewReader("no schema id here\n")
	out, _ = refused.CombinedOutput()
	if !strings.Contains(string(out), "validate record") {
		t.Errorf("kcat -P without a schema ID: want librdkafka's 'Broker failed to validate record', got:\n%s", out)
	}
	consume = exec.CommandContext(ctx, kcat, "-C", "-b", addr, "-t", "clicks", "-o", "beginning", "-e", "-f", "%o\n")
	if out, err := consume.CombinedOutput(); err != nil || strings.Count(string(out), "\n") != 3+1 {
		// kcat prints a line per record and one "Reached end" line to stderr.
		t.Errorf("after the refused produce the topic holds:\n%s(err %v), want offsets 0-2 only", out, err)
	}
}

type payment struct {
	Cents int64 `avro:"cents"`
}

type click struct {
	User string `avro:"user"`
	N    int64  `avro:"n"`
}

func TestBrokerEnforcesConfluentSerdes(t *testing.T) {
	base, addr := startWithBroker(t)
	sr, err := schemaregistry.NewClient(schemaregistry.NewConfig(base))
	if err != nil {
		t.Fatal(err)
	}
	ser, err := avrov2.NewSerializer(sr, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := newClient(t, addr, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.RecordRetries(2))

	// Serialized by Confluent's serializer (which registers clicks-value):
	// accepted.
	value, err := ser.Serialize("clicks", &click{User: "ada", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.ProduceSync(ctx, &kgo.Record{Topic: "clicks", Value: value}).FirstErr(); err != nil {
		t.Fatalf("produce a serialized record: %v", err)
	}

	// Refused with INVALID_RECORD: no header, an unknown ID, and an ID that
	// belongs to another subject.
	other, err := avrov2.NewSerializer(sr, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Serialize("payments", &payment{Cents: 250}) // registers payments-value, a new ID
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string][]byte{
		"plain JSON":          []byte(`{"user":"eve","n":3}`),
		"unknown schema ID":   wireValue(4242, "x"),
		"ID of other subject": foreign,
	} {
		err := client.ProduceSync(ctx, &kgo.Record{Topic: "clicks", Value: v}).FirstErr()
		if !errors.Is(err, kerr.InvalidRecord) {
			t.Errorf("%s: produce error %v, want INVALID_RECORD", name, err)
		}
	}

	// Only the valid record is stored.
	consumer := newClient(t, addr, kgo.ConsumeTopics("clicks"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	fetches := consumer.PollRecords(ctx, 10)
	if err := fetches.Err(); err != nil {
		t.Fatal(err)
	}
	recs := fetches.Records()
	if len(recs) != 1 || !bytes.Equal(recs[0].Value, value) || recs[0].Offset != 0 {
		t.Fatalf("topic holds %d records, want just the serialized one at offset 0", len(recs))
	}
	de, err := avrov2.NewDeserializer(sr, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got click
	if err := de.DeserializeInto("clicks", recs[0].Value, &got); err != nil || got != (click{User: "ada", N: 1}) {
		t.Errorf("deserialized %+v, %v", got, err)
	}

	// The web UI shows the record decoded through its schema ID.
	if code, page := get(t, base+"/ui/topics/clicks"); code != 200 || !strings.Contains(page, "ada") {
		t.Errorf("/ui/topics/clicks (%d) does not show the decoded record", code)
	}
}

// TestBrokerDeepValidation creates a topic that decodes payloads with their
// schemas: a record with a registered ID but bytes that are not data of
// that schema is refused, for Avro, Protobuf and JSON Schema.
func TestBrokerDeepValidation(t *testing.T) {
	base, addr := startWithBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin := kadm.NewClient(newClient(t, addr))
	for _, tc := range []struct {
		topic, schemaType, schema string
		valid, invalid            []byte // payloads after the 5-byte header
	}{
		{"avro-events", "AVRO", `{"type":"record","name":"E","fields":[{"name":"n","type":"long"},{"name":"s","type":"string"}]}`,
			[]byte{0x04, 0x06, 'a', 'b', 'c'}, // n=2, s="abc"
			[]byte{0x04, 0x7f}},               // a string longer than the bytes left
		{"proto-events", "PROTOBUF", `syntax = "proto3"; message E { int64 n = 1; string s = 2; }`,
			[]byte{0x00, 0x08, 0x02, 0x12, 0x03, 'a', 'b', 'c'}, // indexes [0], n=2, s="abc"
			[]byte{0x00, 0x12, 0x09, 'a'}},                      // s claims 9 bytes, has 1
		{"json-events", "JSON", `{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}`,
			[]byte(`{"n":2}`), []byte(`{"n":"two"}`)},
	} {
		t.Run(tc.schemaType, func(t *testing.T) {
			body := mustJSON(map[string]string{"schema": tc.schema, "schemaType": tc.schemaType})
			code, resp := post(t, base+"/subjects/"+tc.topic+"-value/versions", body)
			if code != 200 {
				t.Fatalf("register: %d %s", code, resp)
			}
			var id struct{ ID int }
			if err := json.Unmarshal([]byte(resp), &id); err != nil {
				t.Fatal(err)
			}
			full := "full"
			res, err := admin.CreateTopic(ctx, 1, 1, map[string]*string{"charter.value.schema.validation": &full}, tc.topic)
			if err != nil || res.Err != nil {
				t.Fatalf("create topic: %v %v", err, res.Err)
			}
			client := newClient(t, addr, kgo.RequiredAcks(kgo.AllISRAcks()))
			valid := append(wireValue(id.ID, ""), tc.valid...)
			if err := client.ProduceSync(ctx, &kgo.Record{Topic: tc.topic, Value: valid}).FirstErr(); err != nil {
				t.Errorf("valid %s payload: %v", tc.schemaType, err)
			}
			invalid := append(wireValue(id.ID, ""), tc.invalid...)
			if err := client.ProduceSync(ctx, &kgo.Record{Topic: tc.topic, Value: invalid}).FirstErr(); !errors.Is(err, kerr.InvalidRecord) {
				t.Errorf("invalid %s payload: %v, want INVALID_RECORD", tc.schemaType, err)
			}
		})
	}
}
