package main

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/charterhq/charter/log/kafka"
)

// brokerMetrics is kafka.Metrics over Prometheus collectors. The broker
// calls it per request and per batch, so the series of each API and topic
// are looked up once and kept: the hot path is a read-locked map lookup
// (keyed by string, so that nothing is boxed) and atomic adds.
// Labels stay few: API names are kmsg's, topics are only ones that exist
// (the broker promises it), reasons are kafka's four.
type brokerMetrics struct {
	requests        *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	producedRecords *prometheus.CounterVec
	producedBytes   *prometheus.CounterVec
	rejectedBatches *prometheus.CounterVec
	rejectedRecords *prometheus.CounterVec
	fetchedBytes    *prometheus.CounterVec
	connections     prometheus.Gauge

	apis   memo[*apiSeries]   // by API name
	topics memo[*topicSeries] // by topic
}

type apiSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

type topicSeries struct {
	records, bytes, rejected, fetched prometheus.Counter
}

var _ kafka.Metrics = (*brokerMetrics)(nil)

func newBrokerMetrics(reg prometheus.Registerer) *brokerMetrics {
	topic := []string{"topic"}
	m := &brokerMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_requests_total",
			Help: "Kafka-protocol requests answered, by API.",
		}, []string{"api"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "charter_kafka_request_duration_seconds",
			Help: "Kafka-protocol request latency, from handling to the response written (acks=0 produce: to handled), by API. " +
				"Fetch includes its long poll, JoinGroup its rebalance wait.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"api"}),
		producedRecords: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_produced_records_total",
			Help: "Records of the batches stored by produce, by topic.",
		}, topic),
		producedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_produced_bytes_total",
			Help: "Bytes of the record batches stored by produce, as sent (compressed), by topic.",
		}, topic),
		rejectedBatches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_rejected_batches_total",
			Help: "Produced batches refused, by topic and reason: schema_id (no registered schema ID), corrupt, too_large, other.",
		}, []string{"topic", "reason"}),
		rejectedRecords: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_rejected_records_total",
			Help: "Records schema-ID enforcement found invalid, by topic (their batches were refused whole).",
		}, topic),
		fetchedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_kafka_fetched_bytes_total",
			Help: "Record bytes returned by fetch, by topic.",
		}, topic),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "charter_kafka_connections",
			Help: "Open Kafka-protocol client connections.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.producedRecords, m.producedBytes,
		m.rejectedBatches, m.rejectedRecords, m.fetchedBytes, m.connections)
	return m
}

func (m *brokerMetrics) api(name string) *apiSeries {
	return m.apis.get(name, func() *apiSeries {
		return &apiSeries{requests: m.requests.WithLabelValues(name), duration: m.duration.WithLabelValues(name)}
	})
}

func (m *brokerMetrics) topic(name string) *topicSeries {
	return m.topics.get(name, func() *topicSeries {
		return &topicSeries{
			records:  m.producedRecords.WithLabelValues(name),
			bytes:    m.producedBytes.WithLabelValues(name),
			rejected: m.rejectedRecords.WithLabelValues(name),
			fetched:  m.fetchedBytes.WithLabelValues(name),
		}
	})
}

func (m *brokerMetrics) Request(api string, d time.Duration) {
	a := m.api(api)
	a.requests.Inc()
	a.duration.Observe(d.Seconds())
}

func (m *brokerMetrics) Produced(topic string, records, bytes int) {
	t := m.topic(topic)
	t.records.Add(float64(records))
	t.bytes.Add(float64(bytes))
}

func (m *brokerMetrics) Rejected(topic, reason string, records int) {
	m.rejectedBatches.WithLabelValues(topic, reason).Inc()
	m.topic(topic).rejected.Add(float64(records))
}

func (m *brokerMetrics) Fetched(topic string, bytes int) {
	m.topic(topic).fetched.Add(float64(bytes))
}

func (m *brokerMetrics) Connection(delta int) { m.connections.Add(float64(delta)) }

// TopicDeleted drops the topic's series, so that deleted topics (typos
// auto-created, say) do not stay on /metrics until a restart.
func (m *brokerMetrics) TopicDeleted(topic string) {
	m.topics.drop(topic)
	labels := prometheus.Labels{"topic": topic}
	for _, v := range []*prometheus.CounterVec{m.producedRecords, m.producedBytes, m.rejectedBatches, m.rejectedRecords, m.fetchedBytes} {
		v.DeletePartialMatch(labels)
	}
}

// memo keeps a value per key, made once: a read-locked lookup after the
// first call.
type memo[T any] struct {
	mu sync.RWMutex
	m  map[string]T
}

// drop forgets key's value.
func (c *memo[T]) drop(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

func (c *memo[T]) get(key string, build func() T) T {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[key]; ok {
		return v
	}
	if c.m == nil {
		c.m = make(map[string]T)
	}
	v = build()
	c.m[key] = v
	return v
}
