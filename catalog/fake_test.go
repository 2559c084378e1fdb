package catalog_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
)

// memStore is a catalog.Store in memory, for the Keeper's tests; it passes
// the contract suite like the real stores. Setting fail makes every call
// fail.
type memStore struct {
	mu   sync.Mutex
	spec catalog.Spec
	obs  map[[3]string]catalog.Observation
	fail error
}

func newMemStore() *memStore { return &memStore{obs: map[[3]string]catalog.Observation{}} }

func TestMemStore(t *testing.T) {
	catalogtest.TestStore(t, func(*testing.T) catalog.Store { return newMemStore() })
}

func (m *memStore) Spec(context.Context) (catalog.Spec, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.spec, m.fail
}

func (m *memStore) ReplaceSpec(_ context.Context, s catalog.Spec) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.spec = s
	return nil
}

func (m *memStore) Observe(_ context.Context, obs []catalog.Observation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, o := range obs {
		k := [3]string{o.Topic, string(o.Kind), o.Client}
		if old, ok := m.obs[k]; ok {
			if old.FirstSeen.Before(o.FirstSeen) {
				o.FirstSeen = old.FirstSeen
			}
			if old.LastSeen.After(o.LastSeen) {
				o.LastSeen = old.LastSeen
			}
		}
		m.obs[k] = o
	}
	return nil
}

func (m *memStore) Observations(context.Context) ([]catalog.Observation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var out []catalog.Observation
	for _, o := range m.obs {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b catalog.Observation) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Client, b.Client))
	})
	return out, nil
}

func (m *memStore) setFail(err error) {
	m.mu.Lock()
	m.fail = err
	m.mu.Unlock()
}

var errDown = errors.New("database is down")
