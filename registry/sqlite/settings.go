package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/charterhq/charter/registry"
)

// Config implements registry.Store.
func (s *Store) Config(ctx context.Context, scope string) (registry.Config, bool, error) {
	var raw string
	err := s.stmts.QueryRowContext(ctx, `SELECT config FROM configs WHERE scope = ?`, scope).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
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
	return s.exec(ctx, `INSERT INTO configs (scope, config) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET config = excluded.config`, scope, string(raw))
}

// DeleteConfig implements registry.Store.
func (s *Store) DeleteConfig(ctx context.Context, scope string) error {
	return s.exec(ctx, `DELETE FROM configs WHERE scope = ?`, scope)
}

// Mode implements registry.Store.
func (s *Store) Mode(ctx context.Context, scope string) (registry.Mode, bool, error) {
	var m string
	err := s.stmts.QueryRowContext(ctx, `SELECT mode FROM modes WHERE scope = ?`, scope).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return registry.Mode(m), err == nil, err
}

// SetMode implements registry.Store.
func (s *Store) SetMode(ctx context.Context, scope string, m registry.Mode) error {
	return s.exec(ctx, `INSERT INTO modes (scope, mode) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode`, scope, string(m))
}

// DeleteMode implements registry.Store.
func (s *Store) DeleteMode(ctx context.Context, scope string) error {
	return s.exec(ctx, `DELETE FROM modes WHERE scope = ?`, scope)
}
