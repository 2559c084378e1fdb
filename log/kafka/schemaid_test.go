package kafka_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

// withSchemaID prefixes payload with the Confluent wire header.
func withSchemaID(id int, payload string) []byte {
	b := []byte{0}
	b = binary.BigEndian.AppendUint32(b, uint32(id))
	return append(b, payload...)
}

func TestProduce_SchemaIDEnforcement(t *testing.T) {
	schemas := &fakeSchemas{subjects: map[int][]string{1: {"enf-value"}, 2: {"other-value"}}}
	b := mustStart(t, kafka.Config{}, schemas)
	adm := mustAdmin(t, b.addr)
	on := map[string]*string{"charter.value.schema.id.validation": ptr("true")}
	mustCreateTopic(t, adm, "enf", 1, on)
	mustCreateTopic(t, adm, "_enf", 1, on) // "_" topics are never enforced
	ctx := testContext(t)

	p := mustClient(t, b.addr, kgo.ProducerBatchCompression(kgo.SnappyCompression()))
	produce := func(topic string, value []byte) error {
		return p.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: value}).FirstErr()
	}
	errPlain := produce("enf", []byte("no schema id"))
	if !errors.Is(errPlain, kerr.InvalidRecord) {
		t.Errorf("value without a schema ID: %v, want INVALID_RECORD", errPlain)
	}
	if err := produce("enf", withSchemaID(2, "wrong subject")); !errors.Is(err, kerr.InvalidRecord) {
		t.Errorf("ID of another subject: %v, want INVALID_RECORD", err)
	}
	if err := produce("enf", withSchemaID(1, "registered")); err != nil {
		t.Errorf("registered ID: %v", err)
	}
	if err := produce("_enf", []byte("internal topics are not enforced")); err != nil {
		t.Errorf("internal topic: %v", err)
	}

	// Produce v8+ names the rejected records.
	c := dialRaw(t, b.addr)
	req := produceRequest("enf", -1, makeBatch(string(withSchemaID(1, "ok")), "bad"))
	req.SetVersion(9)
	c.send(req, 1)
	sp := c.receive(req, 1).(*kmsg.ProduceResponse).Topics[0].Partitions[0]
	if sp.ErrorCode != kerr.InvalidRecord.Code {
		t.Fatalf("mixed batch: %v, want INVALID_RECORD", kerr.ErrorForCode(sp.ErrorCode))
	}
	if len(sp.ErrorRecords) != 1 || sp.ErrorRecords[0].RelativeOffset != 1 || sp.ErrorMessage == nil {
		t.Errorf("error records %+v, message %v; want record 1 named", sp.ErrorRecords, sp.ErrorMessage)
	}
	got := consume(t, b.addr, "enf", 1)
	if string(got[0].Value[5:]) != "registered" {
		t.Errorf("stored %q; only the registered record should be", got[0].Value)
	}
	end, err := adm.ListEndOffsets(ctx, "enf")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := end.Lookup("enf", 0); o.Offset != 1 {
		t.Errorf("end offset %d, want 1: rejected batches must store nothing", o.Offset)
	}
}
