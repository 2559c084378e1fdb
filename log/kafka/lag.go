package kafka

import (
	"cmp"
	"slices"
)

// GroupLag is how far one consumer group is behind on one partition: its
// committed offset against the partition's high watermark.
type GroupLag struct {
	Group         string
	Topic         string
	Partition     int32
	Committed     int64 // the group's committed offset: the next record it will read
	HighWatermark int64 // the partition's end offset
	Lag           int64 // max(HighWatermark-Committed, 0)
}

// GroupLags returns the lag of every consumer group on every partition it
// committed an offset for, sorted by group, topic and partition. Partitions
// of topics that no longer exist are left out, and so are negative
// commits (some clients commit -1 for "no position"), which have no lag. Before the first Serve
// starts the group coordinator, it returns nil.
func (s *Server) GroupLags() []GroupLag {
	s.mu.Lock()
	gs := s.groups
	s.mu.Unlock()
	if gs == nil {
		return nil
	}
	var out []GroupLag
	for _, g := range gs.all() {
		// Copy the offsets out under the group lock; the log is read
		// without it.
		g.mu.Lock()
		if g.dead {
			g.mu.Unlock()
			continue
		}
		start := len(out)
		for tp, c := range g.offsets {
			if c.offset < 0 {
				continue
			}
			out = append(out, GroupLag{Group: g.name, Topic: tp.topic, Partition: tp.partition, Committed: c.offset})
		}
		g.mu.Unlock()
		kept := out[:start]
		for _, l := range out[start:] {
			p, err := s.log.Partition(l.Topic, l.Partition)
			if err != nil {
				continue // deleted topic, or a partition it no longer has
			}
			l.HighWatermark = p.HighWatermark()
			l.Lag = max(l.HighWatermark-l.Committed, 0)
			kept = append(kept, l)
		}
		out = kept
	}
	slices.SortFunc(out, func(a, b GroupLag) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	return out
}
