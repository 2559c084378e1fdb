package catalog

import "context"

// Store persists the catalog: the declared Spec, replaced whole, and the
// broker's observations. Its methods are whole domain operations, each
// atomic; the rules (validation, aggregation, drift) live in Keeper, and
// stores stay dumb. Implementations must be safe for concurrent use, also by
// several processes sharing one database.
//
// A store returns plain errors for failures of its own (the database is
// gone, a context ended); Keeper reports those to clients as internal errors.
type Store interface {
	// Spec returns the declared catalog in canonical form (see Spec): lists
	// sorted, empty lists nil. It returns an empty Spec when nothing has
	// been declared, never a not-found error.
	Spec(ctx context.Context) (Spec, error)

	// ReplaceSpec atomically replaces the declared catalog with s, which
	// Keeper has validated and normalised: readers see either the old spec
	// or the new one, never a mix, also across processes.
	ReplaceSpec(ctx context.Context, s Spec) error

	// Observe upserts obs, each keyed by (Topic, Kind, Client): a new key is
	// stored as given, an existing one keeps the earlier FirstSeen and the
	// later LastSeen of the stored and the given. Keys may repeat within
	// obs. It never removes an observation, and it is atomic per key, so
	// concurrent calls (from several processes too) lose no update.
	Observe(ctx context.Context, obs []Observation) error

	// Observations returns every stored observation, sorted by topic, kind
	// and client, with times at millisecond precision or finer.
	Observations(ctx context.Context) ([]Observation, error)
}
