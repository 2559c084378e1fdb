package catalog

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/charterhq/charter/registry"
)

// FlushInterval is how often a Keeper writes the observations it has
// aggregated to its store.
const FlushInterval = 5 * time.Second

// DefaultStaleAfter is a Keeper's StaleAfter unless set otherwise: a declared
// producer or consumer not seen for this long is drift, and an undeclared
// one seen longer ago no longer is.
const DefaultStaleAfter = 7 * 24 * time.Hour

// Keeper is the event catalog: it validates and applies declared specs,
// aggregates what the broker observes, and sets the declared and the
// observed side by side. All its methods are safe for concurrent use;
// several Keepers (in one process or many) may share one Store.
type Keeper struct {
	store  Store
	logger *slog.Logger

	// Now stamps observations and is the "now" of Topic and Topics; tests
	// may replace it before the Keeper is used.
	Now func() time.Time
	// StaleAfter is the staleness Topic and Topics judge drift by.
	StaleAfter time.Duration

	mu       sync.Mutex
	pending  map[obsKey]span // observed since the last flush began
	inflight map[obsKey]span // being written by the current flush

	flushMu   sync.Mutex // one flush at a time, so a failed one merges back first
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New returns a Keeper over store and starts its flusher, which writes
// observations every FlushInterval until Close.
func New(store Store, logger *slog.Logger) *Keeper {
	k := &Keeper{
		store:      store,
		logger:     logger,
		Now:        time.Now,
		StaleAfter: DefaultStaleAfter,
		pending:    make(map[obsKey]span),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	go k.flusher()
	return k
}

// Spec returns the declared catalog.
func (k *Keeper) Spec(ctx context.Context) (Spec, error) {
	s, err := k.store.Spec(ctx)
	if err != nil {
		return Spec{}, storeErr(err)
	}
	return s.normalize(), nil
}

// Apply validates s and, unless dryRun, makes it the declared catalog,
// replacing the whole previous one. It returns what changes (or would
// change) against the current catalog.
//
// The rules: every team, service and topic has a name unique among its
// kind (letters, digits, '.', '_', '-'; topics also as Kafka limits them);
// a service's team, when set, is declared; a topic's owner, when set, is a
// declared service; lifecycle and classification take their listed values;
// a relation names a declared service and a declared topic, once per kind;
// only consumers list groups, and a group belongs to one service. A spec
// that breaks any returns an error with CodeUnprocessable (422) whose message
// has one line per problem, and nothing changes. s need not be sorted; an
// empty ValueSubject defaults to DefaultValueSubject.
func (k *Keeper) Apply(ctx context.Context, s Spec, dryRun bool) (Changes, error) {
	if problems := validate(s, nowhere); len(problems) > 0 {
		return Changes{}, invalid(problems)
	}
	s = s.normalize()
	current, err := k.store.Spec(ctx)
	if err != nil {
		return Changes{}, storeErr(err)
	}
	changes := diff(current.normalize(), s)
	if dryRun || changes.Empty() {
		return changes, nil
	}
	if err := k.store.ReplaceSpec(ctx, s); err != nil {
		return Changes{}, storeErr(err)
	}
	k.logger.Info("catalog applied", "added", len(changes.Added), "removed", len(changes.Removed), "changed", len(changes.Changed))
	return changes, nil
}

// Close stops the flusher after a final flush, whose error it returns.
// Observations made after Close are kept in memory only. Close may be
// called more than once.
func (k *Keeper) Close() error {
	k.closeOnce.Do(func() {
		close(k.stop)
		<-k.done
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		k.closeErr = k.Flush(ctx)
	})
	return k.closeErr
}

func (k *Keeper) flusher() {
	defer close(k.done)
	tick := time.NewTicker(FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), FlushInterval)
			if err := k.Flush(ctx); err != nil {
				k.logger.Warn("catalog: flush observations", "err", err)
			}
			cancel()
		}
	}
}

// storeErr passes *registry.Error through and wraps anything else as
// internal, so that causes reach logs and never clients.
func storeErr(err error) error {
	var e *registry.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &registry.Error{Code: registry.CodeOperationTimeout, Message: "Operation timed out", Err: err}
	}
	return registry.Internal(err)
}
