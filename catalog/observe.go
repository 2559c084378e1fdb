package catalog

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// obsKey identifies an observation.
type obsKey struct {
	topic  string
	kind   Kind
	client string
}

// span is when a key was first and last seen.
type span struct{ first, last time.Time }

func (s span) merge(o span) span {
	if o.first.Before(s.first) {
		s.first = o.first
	}
	if o.last.After(s.last) {
		s.last = o.last
	}
	return s
}

// Observe records that client produced to topic (kind Produces, client a
// producer's client ID) or committed offsets on it (kind Consumes, client a
// consumer group ID). The broker calls it on every produce and offset
// commit, so it only updates a map in memory; the flusher writes the
// aggregate to the store every FlushInterval. It ignores empty client IDs,
// internal topics (a leading underscore, as __consumer_offsets) and unknown
// kinds.
func (k *Keeper) Observe(topic string, kind Kind, client string) {
	if client == "" || topic == "" || topic[0] == '_' || (kind != Produces && kind != Consumes) {
		return
	}
	now := k.Now()
	key := obsKey{topic, kind, client}
	k.mu.Lock()
	if s, ok := k.pending[key]; ok {
		if now.After(s.last) {
			s.last = now
			k.pending[key] = s
		}
	} else {
		k.pending[key] = span{now, now}
	}
	k.mu.Unlock()
}

// Flush writes the observations aggregated since the last flush to the
// store now. On failure they stay pending for the next flush.
func (k *Keeper) Flush(ctx context.Context) error {
	k.flushMu.Lock()
	defer k.flushMu.Unlock()
	k.mu.Lock()
	batch := k.pending
	if len(batch) == 0 {
		k.mu.Unlock()
		return nil
	}
	k.pending = make(map[obsKey]span, len(batch))
	k.inflight = batch
	k.mu.Unlock()

	err := k.store.Observe(ctx, observations(batch))

	k.mu.Lock()
	defer k.mu.Unlock()
	k.inflight = nil
	if err != nil {
		for key, s := range batch {
			if p, ok := k.pending[key]; ok {
				s = s.merge(p)
			}
			k.pending[key] = s
		}
		return storeErr(err)
	}
	return nil
}

// Observations returns what the broker observed, the stored observations
// merged with those not flushed yet, sorted by topic, kind and client.
func (k *Keeper) Observations(ctx context.Context) ([]Observation, error) {
	stored, err := k.store.Observations(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	all := make(map[obsKey]span, len(stored))
	for _, o := range stored {
		all[obsKey{o.Topic, o.Kind, o.Client}] = span{o.FirstSeen, o.LastSeen}
	}
	k.mu.Lock()
	for _, m := range []map[obsKey]span{k.inflight, k.pending} {
		for key, s := range m {
			if old, ok := all[key]; ok {
				s = s.merge(old)
			}
			all[key] = s
		}
	}
	k.mu.Unlock()
	return observations(all), nil
}

// observations lists m sorted by topic, kind and client.
func observations(m map[obsKey]span) []Observation {
	out := make([]Observation, 0, len(m))
	for key, s := range m {
		out = append(out, Observation{Topic: key.topic, Kind: key.kind, Client: key.client, FirstSeen: s.first, LastSeen: s.last})
	}
	slices.SortFunc(out, compareObservations)
	return out
}

func compareObservations(a, b Observation) int {
	return cmp.Or(strings.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Client, b.Client))
}
