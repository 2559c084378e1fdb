package main

import (
	"context"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/log/kafka"
	"github.com/charterhq/charter/ui"
)

// The small adapters main owns: each edge declares the interface it needs,
// and these translate between the broker, the catalog and the UI.

// catalogObserver feeds the broker's observations to the catalog.
type catalogObserver struct{ keeper *catalog.Keeper }

func (o catalogObserver) ObserveProducer(topic, clientID string) {
	o.keeper.Observe(topic, catalog.Produces, clientID)
}

func (o catalogObserver) ObserveConsumer(topic, group string) {
	o.keeper.Observe(topic, catalog.Consumes, group)
}

// uiBroker shows the bundled broker's topics, records and consumer group
// lag in the web UI.
type uiBroker struct{ server *kafka.Server }

var _ ui.Broker = uiBroker{}

func (b uiBroker) Topics(context.Context) ([]ui.BrokerTopic, error) {
	topics := b.server.Topics()
	out := make([]ui.BrokerTopic, len(topics))
	for i, t := range topics {
		out[i] = ui.BrokerTopic{Name: t.Name, Configs: t.Configs}
		for _, p := range t.Partitions {
			out[i].Partitions = append(out[i].Partitions, ui.BrokerPartition{ID: p.ID, StartOffset: p.StartOffset, EndOffset: p.EndOffset})
		}
	}
	return out, nil
}

func (b uiBroker) Latest(ctx context.Context, topic string, n int) ([]ui.Message, error) {
	msgs, err := b.server.Latest(ctx, topic, n)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Message, len(msgs))
	for i, m := range msgs {
		out[i] = ui.Message{Partition: m.Partition, Offset: m.Offset, Time: m.Time, Key: m.Key, Value: m.Value, Headers: m.Headers}
	}
	return out, nil
}

func (b uiBroker) GroupLags(_ context.Context, topic string) ([]ui.GroupLag, error) {
	var out []ui.GroupLag
	for _, l := range b.server.GroupLags() {
		if l.Topic == topic {
			out = append(out, ui.GroupLag{Group: l.Group, Partition: l.Partition, Committed: l.Committed, EndOffset: l.HighWatermark, Lag: l.Lag})
		}
	}
	return out, nil
}
