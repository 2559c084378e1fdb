package kafka

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charterhq/charter/log"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// enfFakeSchemas is an in-memory Schemas.
type enfFakeSchemas struct {
	mu       sync.Mutex
	subjects map[int][]string
	err      error
	calls    map[int]int
	onAsk    func(id int) // called (unlocked) before answering
}

func newEnfFakeSchemas(reg map[int][]string) *enfFakeSchemas {
	f := &enfFakeSchemas{subjects: map[int][]string{}, calls: map[int]int{}}
	for id, subs := range reg {
		f.subjects[id] = subs
	}
	return f
}

func (f *enfFakeSchemas) register(id int, subject string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subjects[id] = append(f.subjects[id], subject)
}

func (f *enfFakeSchemas) SubjectsOf(ctx context.Context, id int) ([]string, error) {
	if f.onAsk != nil {
		f.onAsk(id)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[id]++
	if f.err != nil {
		return nil, f.err
	}
	return append([]string(nil), f.subjects[id]...), nil
}

func (f *enfFakeSchemas) callCount(id int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// wire returns the Confluent wire format: magic 0, BE ID, payload.
func enfWire(id int32, payload string) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(b, payload...)
}

func enfIDHeader(name string, id int32) kmsg.Header {
	return kmsg.Header{Key: name, Value: enfWire(id, "")}
}

func enfTopic(name string, kv ...string) log.Topic {
	cfg := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i]] = kv[i+1]
	}
	return log.Topic{Name: name, Partitions: 1, Configs: cfg}
}

var enfValueOn = []string{"charter.value.schema.id.validation", "true"}

func enfOn(extra ...string) []string { return append(append([]string{}, enfValueOn...), extra...) }

func TestEnforce(t *testing.T) {
	registry := map[int][]string{
		1:  {"orders-value"},
		2:  {"payments-value"},
		3:  {"orders-key"},
		4:  {"com.acme.Order"},
		5:  {"orders-com.acme.Order", "other-value"},
		6:  {"a-value", "b-value", "c-value", "d-value", "e-value"},
		16: {"orders-value"},
	}
	type want map[int32]string // record index → substring of its message
	cases := []struct {
		name  string
		topic log.Topic
		recs  []kmsg.Record
		want  want
	}{
		{"valid", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, "a")}, {Value: enfWire(1, "b")}, {Value: enfWire(16, "")}}, nil},
		{"enforcement off by default", enfTopic("orders"), []kmsg.Record{{Value: []byte("plain")}}, nil},
		{"explicitly off", enfTopic("orders", "charter.value.schema.id.validation", "false"), []kmsg.Record{{Value: []byte("plain")}}, nil},
		{"missing magic", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, "")}, {Value: []byte(`{"id":1}`)}},
			want{1: "record 1: value has no schema ID: its first byte is 0x7b (expected magic byte 0 followed by a 4-byte schema ID)"}},
		{"short value", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: []byte{0, 0, 0, 1}}},
			want{0: "record 0: value has no schema ID: it is 4 bytes long"}},
		{"empty value", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: []byte{}}},
			want{0: "record 0: value is empty"}},
		{"unknown id", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, "")}, {Value: enfWire(99, "")}},
			want{1: "record 1: value schema ID 99 is unknown"}},
		{"negative id", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(-7, "")}},
			want{0: "value schema ID -7 is unknown"}},
		{"id under another subject", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(2, "")}},
			want{0: "record 0: value schema ID 2 is not registered under subject orders-value (it is registered under payments-value)"}},
		{"many subjects listed", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(6, "")}},
			want{0: "(it is registered under a-value, b-value, c-value and 2 more)"}},
		{"every bad record reported", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(99, "")}, {Value: enfWire(1, "")}, {Value: []byte("x")}, {Value: enfWire(99, "")}},
			want{0: "ID 99 is unknown", 2: "1 bytes long", 3: "ID 99 is unknown"}},
		{"tombstone passes", enfTopic("orders", enfOn()...), []kmsg.Record{{Key: enfWire(3, ""), Value: nil}}, nil},
		{"keys unchecked by default", enfTopic("orders", enfOn()...), []kmsg.Record{{Key: []byte("plain"), Value: enfWire(1, "")}}, nil},
		{"key check", enfTopic("orders", enfOn("charter.key.schema.id.validation", "true")...),
			[]kmsg.Record{{Key: enfWire(3, ""), Value: enfWire(1, "")}, {Key: []byte("k"), Value: enfWire(1, "")}, {Key: nil, Value: enfWire(1, "")}, {Key: enfWire(1, ""), Value: enfWire(2, "")}},
			want{1: "record 1: key has no schema ID", 3: "record 3: key schema ID 1 is not registered under subject orders-key (it is registered under orders-value); value schema ID 2 is not registered under subject orders-value"}},
		{"key only", enfTopic("orders", "charter.key.schema.id.validation", "true"), []kmsg.Record{{Key: enfWire(3, ""), Value: []byte("plain")}, {Key: []byte("k")}},
			want{1: "record 1: key has no schema ID"}},
		{"confluent alias", enfTopic("orders", "confluent.value.schema.validation", "true"), []kmsg.Record{{Value: []byte("plain")}},
			want{0: "value has no schema ID"}},
		{"confluent key alias", enfTopic("orders", "confluent.key.schema.validation", "TRUE"), []kmsg.Record{{Key: []byte("plain"), Value: []byte("plain")}},
			want{0: "record 0: key has no schema ID"}},
		{"charter wins over alias", enfTopic("orders", "charter.value.schema.id.validation", "false", "confluent.value.schema.validation", "true"), []kmsg.Record{{Value: []byte("plain")}}, nil},
		{"deep validation without a validating registry", enfTopic("orders", "charter.value.schema.validation", "full"), []kmsg.Record{{Value: enfWire(1, "not avro")}, {Value: []byte("plain")}},
			want{0: "value cannot be validated: the schema registry does not validate payloads", 1: "value has no schema ID"}},
		{"invalid bool fails closed", enfTopic("orders", "charter.value.schema.id.validation", "yes"), []kmsg.Record{{Value: enfWire(1, "")}, {Value: nil}},
			want{0: `value cannot be checked: topic config charter.value.schema.id.validation has invalid value "yes"`}},
		{"invalid strategy fails closed", enfTopic("orders", enfOn("charter.value.subject.name.strategy", "Nope")...), []kmsg.Record{{Value: enfWire(1, "")}},
			want{0: `topic config charter.value.subject.name.strategy has invalid value "Nope"`}},
		{"internal topic exempt", enfTopic("_schemas", enfOn("charter.key.schema.id.validation", "true")...), []kmsg.Record{{Key: []byte("k"), Value: []byte("plain")}}, nil},
		{"header id", enfTopic("orders", enfOn()...), []kmsg.Record{
			{Value: []byte("raw avro"), Headers: []kmsg.Header{enfIDHeader("__value_schema_id", 1)}},
			{Value: []byte("raw"), Headers: []kmsg.Header{enfIDHeader("__value_schema_id", 2)}},
			{Value: []byte("raw"), Headers: []kmsg.Header{enfIDHeader("__value_schema_id", 99), enfIDHeader("__value_schema_id", 1)}}, // last wins
			{Value: enfWire(1, ""), Headers: []kmsg.Header{enfIDHeader("__value_schema_id", 2)}},                                      // header governs
		}, want{1: "record 1: value schema ID 2 (from header __value_schema_id) is not registered under subject orders-value", 3: "value schema ID 2 (from header __value_schema_id)"}},
		{"header id with message indexes", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: []byte("raw"), Headers: []kmsg.Header{{Key: "__value_schema_id", Value: append(enfWire(1, ""), 0)}}}}, nil},
		{"key header id", enfTopic("orders", "charter.key.schema.id.validation", "true"), []kmsg.Record{{Key: []byte("raw"), Headers: []kmsg.Header{enfIDHeader("__key_schema_id", 3), enfIDHeader("__value_schema_id", 99)}}}, nil},
		{"header guid unsupported", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: []byte("raw"), Headers: []kmsg.Header{{Key: "__value_schema_id", Value: append([]byte{1}, bytes.Repeat([]byte{0xab}, 16)...)}}}},
			want{0: "holds a schema GUID (magic byte 1), which this broker does not support"}},
		{"header malformed", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, ""), Headers: []kmsg.Header{{Key: "__value_schema_id", Value: []byte{0, 0, 1}}}}},
			want{0: "value schema ID header __value_schema_id is malformed (3 bytes"}},
		{"header null", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, ""), Headers: []kmsg.Header{{Key: "__value_schema_id", Value: nil}}}},
			want{0: "header __value_schema_id is null"}},
		{"other headers ignored", enfTopic("orders", enfOn()...), []kmsg.Record{{Value: enfWire(1, ""), Headers: []kmsg.Header{{Key: "trace", Value: []byte("x")}}}}, nil},
		{"record name strategy", enfTopic("orders", enfOn("charter.value.subject.name.strategy", "RecordNameStrategy")...),
			[]kmsg.Record{{Value: enfWire(4, "")}, {Value: enfWire(2, "")}, {Value: enfWire(99, "")}}, want{2: "value schema ID 99 is unknown"}},
		{"record name strategy, confluent class name", enfTopic("orders", "confluent.value.schema.validation", "true", "confluent.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"),
			[]kmsg.Record{{Value: enfWire(4, "")}}, nil},
		{"topic record name strategy", enfTopic("orders", enfOn("charter.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy")...),
			[]kmsg.Record{{Value: enfWire(5, "")}, {Value: enfWire(4, "")}, {Value: enfWire(1, "")}},
			want{1: "value schema ID 4 is not registered under any subject orders-<record name> (TopicRecordNameStrategy; it is registered under com.acme.Order)"}},
		{"topic name strategy explicit", enfTopic("orders", enfOn("confluent.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicNameStrategy")...),
			[]kmsg.Record{{Value: enfWire(1, "")}, {Value: enfWire(4, "")}}, want{1: "not registered under subject orders-value"}},
		{"key strategy", enfTopic("orders", "charter.key.schema.id.validation", "true", "charter.key.subject.name.strategy", "RecordNameStrategy"),
			[]kmsg.Record{{Key: enfWire(4, "")}}, nil},
	}
	for _, c := range cases {
		for _, codec := range recTestCodecs {
			t.Run(c.name+"/"+codec.name, func(t *testing.T) {
				e := newEnforcer(newEnfFakeSchemas(registry), nil)
				got, err := e.check(context.Background(), c.topic, recBuildBatch(t, codec, c.recs))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(c.want) {
					t.Fatalf("rejected %v, want %d records rejected", got, len(c.want))
				}
				for i, re := range got {
					w, ok := c.want[re.Index]
					if !ok {
						t.Fatalf("record %d rejected: %q", re.Index, re.Message)
					}
					if !strings.Contains(re.Message, w) {
						t.Errorf("record %d: message %q, want it to contain %q", re.Index, re.Message, w)
					}
					if i > 0 && got[i-1].Index >= re.Index {
						t.Errorf("indexes not ascending: %v", got)
					}
				}
				if wantOn := len(c.want) > 0; wantOn && !e.enforces(c.topic) {
					t.Error("enforces() = false for a topic that rejected records")
				}
			})
		}
	}
}

func TestEnforceNoRegistry(t *testing.T) {
	e := newEnforcer(nil, nil)
	batch := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(1, "")}, {Value: nil}})
	got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch)
	if err != nil || len(got) != 1 || !strings.Contains(got[0].Message, "no schema registry is configured") {
		t.Fatalf("got %v, %v", got, err)
	}
	// A topic that does not enforce needs no registry.
	if got, err := e.check(context.Background(), enfTopic("orders"), batch); err != nil || got != nil {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestEnforceRegistryError(t *testing.T) {
	f := newEnfFakeSchemas(nil)
	f.err = errors.New("registry down")
	e := newEnforcer(f, nil)
	batch := recBuildBatch(t, recTestCodecs[5], []kmsg.Record{{Value: enfWire(1, "")}})
	got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch)
	if err == nil || got != nil || errors.Is(err, errCorrupt) || !strings.Contains(err.Error(), "registry down") {
		t.Fatalf("got %v, %v", got, err)
	}
	// Not cached: the registry back up, the same batch passes.
	f.mu.Lock()
	f.err = nil
	f.subjects[1] = []string{"orders-value"}
	f.mu.Unlock()
	if got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch); err != nil || got != nil {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestEnforceCorrupt(t *testing.T) {
	e := newEnforcer(newEnfFakeSchemas(nil), nil)
	batch := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(1, "")}})
	batch[len(batch)-1] ^= 0xff // CRC mismatch
	_, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch)
	if !errors.Is(err, errCorrupt) {
		t.Fatalf("err = %v, want errCorrupt", err)
	}
	// Not decoded at all when the topic does not enforce.
	if _, err := e.check(context.Background(), enfTopic("orders"), batch); err != nil {
		t.Fatalf("err = %v", err)
	}
}

func TestEnforceControlBatchSkipped(t *testing.T) {
	e := newEnforcer(newEnfFakeSchemas(nil), nil)
	batch := recMakeBatch(0x20|0x10, 1, recEncodeRecords([]kmsg.Record{{Key: []byte{0, 0, 0, 1}, Value: []byte{0, 0, 0, 0, 0, 0}}}))
	if got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch); err != nil || got != nil {
		t.Fatalf("got %v, %v", got, err)
	}
}

// enfClock is a settable time source for the cache.
type enfClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *enfClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *enfClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newEnfTestEnforcer(f *enfFakeSchemas) (*enforcer, *enfClock) {
	e := newEnforcer(f, nil)
	clk := &enfClock{t: time.Unix(1_700_000_000, 0)}
	e.cache.now = clk.now
	return e, clk
}

func TestEnforceCacheRefreshOnMiss(t *testing.T) {
	f := newEnfFakeSchemas(nil)
	e, clk := newEnfTestEnforcer(f)
	ctx := context.Background()
	orders := enfTopic("orders", enfValueOn...)
	batch := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(7, "")}, {Value: enfWire(7, "")}, {Value: enfWire(8, "")}, {Value: enfWire(7, "x")}})

	// Unknown IDs: asked once each within a call, however many records.
	got, err := e.check(ctx, orders, batch)
	if err != nil || len(got) != 4 {
		t.Fatalf("got %v, %v", got, err)
	}
	if f.callCount(7) != 1 || f.callCount(8) != 1 {
		t.Fatalf("calls %v, want one per ID", f.calls)
	}

	// Registered now; the negative answer is trusted for a moment...
	f.register(7, "orders-value")
	f.register(8, "orders-value")
	if got, _ := e.check(ctx, orders, batch); len(got) != 4 || f.callCount(7) != 1 {
		t.Fatalf("within the refresh delay: got %v, calls %v", got, f.calls)
	}
	// ...then re-asked once.
	clk.add(enfIDRefreshAfter)
	if got, err := e.check(ctx, orders, batch); err != nil || got != nil {
		t.Fatalf("after registration: got %v, %v", got, err)
	}
	if f.callCount(7) != 2 || f.callCount(8) != 2 {
		t.Fatalf("calls %v, want 2 each", f.calls)
	}
	// Positive answers are cached forever.
	clk.add(time.Hour)
	for range 3 {
		if got, err := e.check(ctx, orders, batch); err != nil || got != nil {
			t.Fatalf("got %v, %v", got, err)
		}
	}
	if f.callCount(7) != 2 {
		t.Fatalf("calls %v after positive answers", f.calls)
	}
}

func TestEnforceCacheFirstMissAskedInCall(t *testing.T) {
	// The fake registers the ID when first asked: the first answer is
	// already fresh, so even the first batch passes.
	f := newEnfFakeSchemas(nil)
	f.onAsk = func(id int) {
		if id == 11 && f.callCount(11) == 0 {
			f.register(11, "orders-value")
		}
	}
	e, _ := newEnfTestEnforcer(f)
	batch := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(11, "")}})
	if got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batch); err != nil || got != nil {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestEnforceCacheSubjectsGrow(t *testing.T) {
	f := newEnfFakeSchemas(map[int][]string{9: {"payments-value"}})
	e, clk := newEnfTestEnforcer(f)
	ctx := context.Background()
	pay := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(9, "")}})
	if got, _ := e.check(ctx, enfTopic("payments", enfValueOn...), pay); got != nil {
		t.Fatal(got)
	}
	// Same schema registered under orders-value later: the known ID's
	// cached subjects miss, so the registry is asked again (once the
	// refresh delay since the last answer has passed).
	f.register(9, "orders-value")
	clk.add(enfIDRefreshAfter)
	if got, err := e.check(ctx, enfTopic("orders", enfValueOn...), pay); err != nil || got != nil {
		t.Fatalf("got %v, %v", got, err)
	}
	if n := f.callCount(9); n != 2 {
		t.Fatalf("calls = %d, want 2", n)
	}
	// A persistent subject miss costs one call per refresh delay.
	clk.add(enfIDRefreshAfter)
	for range 5 {
		if got, _ := e.check(ctx, enfTopic("billing", enfValueOn...), pay); len(got) != 1 {
			t.Fatal(got)
		}
	}
	if n := f.callCount(9); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
}

func TestEnforceCacheBounded(t *testing.T) {
	f := newEnfFakeSchemas(nil)
	e, _ := newEnfTestEnforcer(f)
	e.cache.max = 100
	ctx := context.Background()
	for id := int32(0); id < 1000; id++ {
		f.register(int(id), "t-value")
		if got, err := e.check(ctx, enfTopic("t", enfValueOn...), recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(id, "")}})); err != nil || got != nil {
			t.Fatalf("id %d: %v %v", id, got, err)
		}
		if n := e.cache.len(); n > 100 {
			t.Fatalf("cache holds %d entries", n)
		}
	}
}

func TestEnforceConcurrent(t *testing.T) {
	f := newEnfFakeSchemas(map[int][]string{1: {"orders-value"}, 2: {"orders-value"}})
	e := newEnforcer(f, nil)
	batches := [][]byte{}
	for _, c := range recTestCodecs {
		batches = append(batches, recBuildBatch(t, c, []kmsg.Record{{Value: enfWire(1, "")}, {Value: enfWire(2, "")}, {Value: enfWire(3, "")}}))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				got, err := e.check(context.Background(), enfTopic("orders", enfValueOn...), batches[(g+i)%len(batches)])
				if err != nil || len(got) != 1 || got[0].Index != 2 {
					t.Errorf("got %v, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestEnforceContextCanceled(t *testing.T) {
	f := newEnfFakeSchemas(nil)
	e := newEnforcer(f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.onAsk = func(int) {}
	f.err = context.Canceled
	_, err := e.check(ctx, enfTopic("orders", enfValueOn...), recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: enfWire(1, "")}}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestEnforceValidateConfig(t *testing.T) {
	for _, c := range []struct {
		name, value string
		known, ok   bool
	}{
		{"charter.value.schema.id.validation", "true", true, true},
		{"charter.value.schema.id.validation", "False", true, true},
		{"charter.key.schema.id.validation", "maybe", true, false},
		{"confluent.value.schema.validation", "true", true, true},
		{"confluent.key.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", true, true},
		{"charter.value.subject.name.strategy", "RecordNameStrategy", true, true},
		{"charter.value.subject.name.strategy", "FooStrategy", true, false},
		{"charter.value.schema.validation", "full", true, true},
		{"charter.value.schema.validation", "partial", true, false},
		{"retention.ms", "1000", false, true},
	} {
		known, err := validateEnforceConfig(c.name, c.value)
		if known != c.known || (err == nil) != c.ok {
			t.Errorf("%s=%s: known %v err %v", c.name, c.value, known, err)
		}
	}
}

func FuzzEnforce(f *testing.F) {
	recs := []kmsg.Record{
		{Key: enfWire(3, "k"), Value: enfWire(1, "v")},
		{Value: nil},
		{Key: []byte("k"), Value: []byte("raw"), Headers: []kmsg.Header{enfIDHeader("__value_schema_id", 2), enfIDHeader("__key_schema_id", 3)}},
		{Value: enfWire(99, "")},
	}
	for _, c := range recTestCodecs {
		f.Add(recBuildBatch(f, c, recs), uint8(0))
		f.Add(recBuildBatch(f, c, recs), uint8(7))
	}
	schemas := newEnfFakeSchemas(map[int][]string{1: {"orders-value"}, 2: {"x-value"}, 3: {"orders-key", "orders-com.X"}})
	e := newEnforcer(schemas, nil)
	e.dec = newRecDecoder(1<<20, false) // no CRC check, so that mutations go deep
	strategies := []string{"TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy"}
	f.Fuzz(func(t *testing.T, batch []byte, mode uint8) {
		tp := enfTopic("orders",
			"charter.value.schema.id.validation", []string{"true", "false"}[mode&1],
			"charter.key.schema.id.validation", []string{"true", "false"}[mode>>1&1],
			"charter.value.subject.name.strategy", strategies[int(mode>>2)%3],
			"charter.key.subject.name.strategy", strategies[int(mode>>4)%3],
		)
		got, err := e.check(context.Background(), tp, batch)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("non-corrupt error from a fake registry: %v", err)
			}
			return
		}
		b, perr := recParseBatch(batch, false)
		for i, re := range got {
			if perr != nil || re.Index < 0 || re.Index >= b.NumRecords || (i > 0 && got[i-1].Index >= re.Index) || re.Message == "" {
				t.Fatalf("bad rejection %d: %+v", i, re)
			}
		}
	})
}

func enfBenchBatch(b *testing.B, codec recTestCodec) []byte {
	recs := make([]kmsg.Record, 100)
	for i := range recs {
		payload := bytes.Repeat([]byte{byte('a' + i%26)}, 1024-5)
		recs[i] = kmsg.Record{Key: []byte("order-1234"), Value: enfWire(1, string(payload))}
	}
	return recBuildBatch(b, codec, recs)
}

func BenchmarkEnforce(b *testing.B) {
	f := newEnfFakeSchemas(map[int][]string{1: {"orders-value"}})
	e := newEnforcer(f, nil)
	tp := enfTopic("orders", enfValueOn...)
	for _, codec := range []recTestCodec{recTestCodecs[0], recTestCodecs[5]} {
		b.Run(codec.name, func(b *testing.B) {
			batch := enfBenchBatch(b, codec)
			b.SetBytes(100 * 1024)
			b.ReportAllocs()
			for b.Loop() {
				if got, err := e.check(context.Background(), tp, batch); err != nil || got != nil {
					b.Fatal(got, err)
				}
			}
		})
	}
}

// enfValidatingSchemas is a registry that also validates payloads: a
// payload is valid when it contains "ok".
type enfValidatingSchemas struct {
	*enfFakeSchemas
	seen [][]byte
}

func (f *enfValidatingSchemas) ValidatePayload(ctx context.Context, id int, payload []byte) (string, error) {
	f.mu.Lock()
	f.seen = append(f.seen, append([]byte(nil), payload...))
	f.mu.Unlock()
	if strings.Contains(string(payload), "ok") {
		return "", nil
	}
	return fmt.Sprintf("does not match schema %d: bad %q", id, payload), nil
}

func TestEnforceDeep(t *testing.T) {
	reg := &enfValidatingSchemas{enfFakeSchemas: newEnfFakeSchemas(map[int][]string{1: {"orders-value"}, 2: {"payments-value"}})}
	e := newEnforcer(reg, nil)
	topic := enfTopic("orders", "charter.value.schema.validation", "full")
	recs := []kmsg.Record{
		{Value: enfWire(1, "ok: a valid datum")},
		{Value: enfWire(1, "garbage")},
		{Value: enfWire(2, "ok")}, // the ID check comes first
		{Value: []byte("ok, no prefix"), Headers: []kmsg.Header{{Key: "__value_schema_id", Value: append(enfWire(1, ""), 2, 0)}}},
		{Value: nil}, // tombstone
	}
	got, err := e.check(context.Background(), topic, recBuildBatch(t, recTestCodecs[0], recs))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`record 1: value does not match schema 1: bad "garbage"`,
		"record 2: value schema ID 2 is not registered under subject orders-value",
	}
	if len(got) != len(want) {
		t.Fatalf("rejected %v, want %v", got, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i].Message, w) {
			t.Errorf("rejection %d = %q, want %q", i, got[i].Message, w)
		}
	}
	// Message indexes from the header come before the payload.
	last := reg.seen[len(reg.seen)-1]
	if string(last) != "\x02\x00ok, no prefix" {
		t.Errorf("validated payload %q, want the header's indexes then the value", last)
	}
}
