package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/charterhq/charter/registry"
)

// Config implements registry.Store.
func (s *Store) Config(ctx context.Context, scope string) (registry.Config, bool, error) {
	var raw string
	err := s.pool.QueryRow(ctx, `SELECT config FROM configs WHERE scope = $1`, scope).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return registry.Config{}, false, nil
	}
	if err != nil {
		return registry.Config{}, false, err
	}
	var c registry.Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return registry.Config{}, false, fmt.Errorf("config of %q: %w", scope, err)
	}
	return c, true, nil
}

// SetConfig implements registry.Store.
func (s *Store) SetConfig(ctx context.Context, scope string, c registry.Config) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO configs (scope, config) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET config = excluded.config`, scope, string(raw))
	return err
}

// DeleteConfig implements registry.Store.
func (s *Store) DeleteConfig(ctx context.Context, scope string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM configs WHERE scope = $1`, scope)
	return err
}

// Mode implements registry.Store.
func (s *Store) Mode(ctx context.Context, scope string) (registry.Mode, bool, error) {
	var m string
	err := s.pool.QueryRow(ctx, `SELECT mode FROM modes WHERE scope = $1`, scope).Scan(&m)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return registry.Mode(m), err == nil, err
}

// SetMode implements registry.Store.
func (s *Store) SetMode(ctx context.Context, scope string, m registry.Mode) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO modes (scope, mode) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode`, scope, string(m))
	return err
}

// DeleteMode implements registry.Store.
func (s *Store) DeleteMode(ctx context.Context, scope string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM modes WHERE scope = $1`, scope)
	return err
}
