package registry

import (
	"context"
	"fmt"

	"github.com/charterhq/charter/compat"
)

// ValidatePayload reports what is wrong with payload as a datum of the
// schema with ID id in the default context ("" when it decodes and
// validates). payload is a record's bytes after Confluent's 5-byte wire
// header. It is what the broker's deep validation asks; err is a failure
// to decide (a store failure, a format that cannot validate), not a
// verdict.
func (s *Service) ValidatePayload(ctx context.Context, id int, payload []byte) (problem string, err error) {
	c, err := s.cached(ctx, DefaultContext, id)
	if CodeOf(err) == CodeSchemaNotFound {
		return fmt.Sprintf("schema ID %d is unknown", id), nil
	}
	if err != nil {
		return "", err
	}
	parsed, err := s.parsed(ctx, c.schema)
	if err != nil {
		return "", fmt.Errorf("schema %d: %w", id, err)
	}
	v, ok := parsed.(compat.Validator)
	if !ok {
		return "", fmt.Errorf("schema %d: %s schemas cannot validate payloads in this build", id, c.schema.Type)
	}
	if err := v.Validate(payload); err != nil {
		return fmt.Sprintf("does not match %s schema %d: %v", c.schema.Type, id, err), nil
	}
	return "", nil
}

// DecodeJSON turns payload, a record's bytes after the 5-byte wire header,
// into JSON through the schema with ID id in the default context, for
// people reading messages (the web UI).
func (s *Service) DecodeJSON(ctx context.Context, id int, payload []byte) ([]byte, error) {
	c, err := s.cached(ctx, DefaultContext, id)
	if err != nil {
		return nil, err
	}
	parsed, err := s.parsed(ctx, c.schema)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	d, ok := parsed.(compat.Decoder)
	if !ok {
		return nil, fmt.Errorf("schema %d: %s payloads cannot be decoded in this build", id, c.schema.Type)
	}
	return d.DecodeJSON(payload)
}
