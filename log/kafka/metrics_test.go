package kafka_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

// fakeMetrics records what the server reports, summed by label.
type fakeMetrics struct {
	mu              sync.Mutex
	requests        map[string]int // by API
	durations       map[string]time.Duration
	records, bytes  map[string]int // produced, by topic
	rejected        map[string]int // batches, by "topic/reason"
	rejectedRecords map[string]int // by topic
	fetched         map[string]int // bytes, by topic
	conns, maxConns int
	deleted         []string
}

func newFakeMetrics() *fakeMetrics {
	return &fakeMetrics{
		requests: map[string]int{}, durations: map[string]time.Duration{},
		records: map[string]int{}, bytes: map[string]int{},
		rejected: map[string]int{}, rejectedRecords: map[string]int{},
		fetched: map[string]int{},
	}
}

func (m *fakeMetrics) Request(api string, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[api]++
	m.durations[api] += d
}

func (m *fakeMetrics) Produced(topic string, records, bytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records[topic] += records
	m.bytes[topic] += bytes
}

func (m *fakeMetrics) Rejected(topic, reason string, records int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rejected[topic+"/"+reason]++
	m.rejectedRecords[topic] += records
}

func (m *fakeMetrics) Fetched(topic string, bytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fetched[topic] += bytes
}

func (m *fakeMetrics) TopicDeleted(topic string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleted = append(m.deleted, topic)
}

func (m *fakeMetrics) Connection(delta int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.conns += delta
	m.maxConns = max(m.maxConns, m.conns)
}

// TestMetrics drives a broker over one raw connection and checks what it
// reported once closed: Close waits for every connection, so every call
// has been made by then.
func TestMetrics(t *testing.T) {
	schemas := &fakeSchemas{subjects: map[int][]string{1: {"strict-value"}}}
	m := newFakeMetrics()
	b := mustStart(t, kafka.Config{Metrics: m}, schemas)
	mustCreateTopic(t, mustAdmin(t, b.addr), "strict", 1, map[string]*string{
		"charter.value.schema.id.validation": ptr("true"),
		"max.message.bytes":                  ptr("500"),
	})
	good := makeBatch(string(withSchemaID(1, "a")), string(withSchemaID(1, "b")))
	quiet := makeBatch(string(withSchemaID(1, "c")))
	invalid := makeBatch("no id", string(withSchemaID(1, "ok")), "none either")
	corrupt := append([]byte(nil), good...)
	corrupt[len(corrupt)-2] ^= 0xff
	tooLarge := makeBatch(string(withSchemaID(1, strings.Repeat("x", 600))))

	c := dialRaw(t, b.addr)
	for i, tc := range []struct {
		name  string
		topic string
		batch []byte
		want  *kerr.Error
	}{
		{"accepted", "strict", good, nil},
		{"schema IDs", "strict", invalid, kerr.InvalidRecord},
		{"corrupt", "strict", corrupt, kerr.CorruptMessage},
		{"too large", "strict", tooLarge, kerr.MessageTooLarge},
		{"unknown topic", "nope", good, kerr.UnknownTopicOrPartition},
	} {
		req := produceRequest(tc.topic, -1, tc.batch)
		c.send(req, int32(i))
		resp := c.receive(req, int32(i)).(*kmsg.ProduceResponse)
		want := int16(0)
		if tc.want != nil {
			want = tc.want.Code
		}
		if code := resp.Topics[0].Partitions[0].ErrorCode; code != want {
			t.Fatalf("%s: error %v, want %v", tc.name, kerr.ErrorForCode(code), tc.want)
		}
	}
	// acks=0: no response, but counted; the fetch after it on the same
	// connection is handled after it.
	c.send(produceRequest("strict", 0, quiet), 10)

	fetch := kmsg.NewPtrFetchRequest()
	fetch.SetVersion(11)
	fetch.MaxBytes = 1 << 20
	ft := kmsg.NewFetchRequestTopic()
	ft.Topic = "strict"
	fp := kmsg.NewFetchRequestTopicPartition()
	fp.PartitionMaxBytes = 1 << 20
	ft.Partitions = append(ft.Partitions, fp)
	fetch.Topics = append(fetch.Topics, ft)
	c.send(fetch, 11)
	fresp := c.receive(fetch, 11).(*kmsg.FetchResponse)
	sent := len(fresp.Topics[0].Partitions[0].RecordBatches)
	if sent != len(good)+len(quiet) {
		t.Fatalf("fetch returned %d bytes, want both stored batches, %d", sent, len(good)+len(quiet))
	}

	if _, err := mustAdmin(t, b.addr).DeleteTopics(testContext(t), "strict"); err != nil {
		t.Fatal(err)
	}
	if err := b.srv.Close(); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	if !slices.Equal(m.deleted, []string{"strict"}) {
		t.Errorf("topics reported deleted: %v, want [strict]", m.deleted)
	}
	defer m.mu.Unlock()
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"Produce requests", m.requests["Produce"], 6},
		{"Fetch requests", m.requests["Fetch"], 1},
		{"CreateTopics requests", m.requests["CreateTopics"], 1},
		{"produced records", m.records["strict"], 3},
		{"produced bytes", m.bytes["strict"], len(good) + len(quiet)},
		{"rejected schema_id batches", m.rejected["strict/"+kafka.RejectSchemaID], 1},
		{"rejected records", m.rejectedRecords["strict"], 2},
		{"rejected corrupt batches", m.rejected["strict/"+kafka.RejectCorrupt], 1},
		{"rejected too_large batches", m.rejected["strict/"+kafka.RejectTooLarge], 1},
		{"rejected batches", len(m.rejected), 3},
		{"fetched bytes", m.fetched["strict"], sent},
		{"topics fetched", len(m.fetched), 1},
		{"open connections after Close", m.conns, 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	if m.maxConns < 2 { // the admin client's and the raw one
		t.Errorf("at most %d connections open, want at least 2", m.maxConns)
	}
	if _, ok := m.records["nope"]; ok {
		t.Errorf("the unknown topic was counted: %v", m.records)
	}
	if m.durations["Produce"] <= 0 {
		t.Errorf("Produce requests took %v in all, want > 0", m.durations["Produce"])
	}
	for api := range m.requests {
		if strings.HasPrefix(api, "Unknown") {
			t.Errorf("request API %q", api)
		}
	}
}
