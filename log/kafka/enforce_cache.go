package kafka

// Cache of schema ID → subjects answers from the registry.

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

const (
	// enfIDCacheMax bounds the number of cached IDs.
	enfIDCacheMax = 100_000
	// enfIDRefreshAfter is how long an answer that did not satisfy a record
	// (unknown ID, or an ID not under the needed subject) is trusted
	// before the registry is asked again: a schema registered just now is
	// accepted within this delay, and a producer sending a bad ID costs at
	// most one registry call per ID per interval.
	enfIDRefreshAfter = time.Second
)

// enfIDCache maps schema IDs to the subjects that have them. IDs are
// immutable, so an answer that satisfies a record is kept forever; subjects
// may grow (a schema registered under a second subject) and unknown IDs may
// become known, so an unsatisfying answer is re-asked once per check call
// (see lookup) but at most once per enfIDRefreshAfter. Safe for concurrent use.
type enfIDCache struct {
	schemas Schemas
	max     int
	ttl     time.Duration
	now     func() time.Time

	mu       sync.RWMutex
	entries  map[int32]enfIDEntry
	inflight map[int32]*enfIDCall
}

type enfIDEntry struct {
	subjects []string // sorted; empty: unknown ID
	fetched  time.Time
}

type enfIDCall struct {
	done     chan struct{}
	subjects []string
	err      error
}

func newEnfIDCache(schemas Schemas) *enfIDCache {
	return &enfIDCache{
		schemas:  schemas,
		max:      enfIDCacheMax,
		ttl:      enfIDRefreshAfter,
		now:      time.Now,
		entries:  make(map[int32]enfIDEntry),
		inflight: make(map[int32]*enfIDCall),
	}
}

// lookup returns the subjects of id. A cached answer that satisfies ok is
// returned as is; otherwise the registry is asked, unless asked (the IDs
// already fetched during the current check call) holds id or the cached
// answer is younger than c.ttl.
func (c *enfIDCache) lookup(ctx context.Context, id int32, ok func([]string) bool, asked map[int32]bool) ([]string, error) {
	c.mu.RLock()
	e, found := c.entries[id]
	c.mu.RUnlock()
	if found && (ok(e.subjects) || asked[id] || c.now().Sub(e.fetched) < c.ttl) {
		return e.subjects, nil
	}
	if !found && asked[id] { // fetched this call, then evicted
		return nil, nil
	}
	subjects, err := c.fetch(ctx, id)
	if err != nil {
		return nil, err
	}
	asked[id] = true
	return subjects, nil
}

// fetch asks the registry, sharing one call among concurrent askers.
func (c *enfIDCache) fetch(ctx context.Context, id int32) ([]string, error) {
	c.mu.Lock()
	if call := c.inflight[id]; call != nil {
		c.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// The leader's cancellation is not ours: ask ourselves.
		if call.err != nil && ctx.Err() == nil &&
			(errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) {
			return c.ask(ctx, id)
		}
		return call.subjects, call.err
	}
	call := &enfIDCall{done: make(chan struct{})}
	c.inflight[id] = call
	c.mu.Unlock()

	call.subjects, call.err = c.ask(ctx, id)

	c.mu.Lock()
	delete(c.inflight, id)
	c.mu.Unlock()
	close(call.done)
	return call.subjects, call.err
}

// ask calls the registry and caches a successful answer.
func (c *enfIDCache) ask(ctx context.Context, id int32) ([]string, error) {
	subjects, err := c.schemas.SubjectsOf(ctx, int(id))
	if err != nil {
		return nil, err
	}
	subjects = slices.Clone(subjects)
	slices.Sort(subjects)
	subjects = slices.Compact(subjects)
	c.store(id, enfIDEntry{subjects: subjects, fetched: c.now()})
	return subjects, nil
}

func (c *enfIDCache) store(id int32, e enfIDEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[id]; !ok && len(c.entries) >= c.max {
		c.evictLocked()
	}
	c.entries[id] = e
}

// evictLocked frees about a tenth of the cache: unknown IDs first, then
// arbitrary entries (map order).
func (c *enfIDCache) evictLocked() {
	target := c.max - max(c.max/10, 1)
	for id, e := range c.entries {
		if len(c.entries) <= target {
			return
		}
		if len(e.subjects) == 0 {
			delete(c.entries, id)
		}
	}
	for id := range c.entries {
		if len(c.entries) <= target {
			return
		}
		delete(c.entries, id)
	}
}

func (c *enfIDCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
