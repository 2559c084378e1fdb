package main

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/charterhq/charter/log/kafka"
)

// lagCollector reports every consumer group's committed offsets and lag,
// computed at scrape time from the broker's group coordinator (no state is
// kept between scrapes, so groups and topics that go away leave no stale
// series).
type lagCollector struct {
	lags      func() []kafka.GroupLag
	lag       *prometheus.Desc
	committed *prometheus.Desc
}

var _ prometheus.Collector = (*lagCollector)(nil)

func newLagCollector(lags func() []kafka.GroupLag) *lagCollector {
	labels := []string{"group", "topic", "partition"}
	return &lagCollector{
		lags: lags,
		lag: prometheus.NewDesc("charter_kafka_consumer_group_lag",
			"Records a consumer group has yet to read: the partition's high watermark minus the group's committed offset (0 when ahead).",
			labels, nil),
		committed: prometheus.NewDesc("charter_kafka_consumer_group_committed_offset",
			"A consumer group's committed offset on a partition: the next offset it will read.",
			labels, nil),
	}
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.lag
	ch <- c.committed
}

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	for _, l := range c.lags() {
		p := strconv.Itoa(int(l.Partition))
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(l.Lag), l.Group, l.Topic, p)
		ch <- prometheus.MustNewConstMetric(c.committed, prometheus.GaugeValue, float64(l.Committed), l.Group, l.Topic, p)
	}
}
