package kafka

// PLACEHOLDER owned by the enforcement work: replaced by enforce*.go.

import (
	"context"
	"log/slog"

	"github.com/charterhq/charter/log"
)

// recordError is one rejected record: its index in the batch and why.
type recordError struct {
	Index   int32
	Message string
}

// enforcer checks that the records of a produced batch carry schema IDs
// registered under the subjects the topic's configs choose.
type enforcer struct{}

func newEnforcer(schemas Schemas, logger *slog.Logger) *enforcer { return &enforcer{} }

// check validates every record of batch (a RecordBatch v2 as produced,
// compressed or not) for topic. It returns nil when the batch may be
// stored, else every invalid record; err is a failure to decide (the
// registry unreachable), not a verdict.
func (e *enforcer) check(ctx context.Context, topic log.Topic, batch []byte) (rejected []recordError, err error) {
	return nil, nil
}
