package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// statements runs queries through prepared statements, each prepared once
// and kept: SQLite's parser costs more than a hot read itself (a lookup by
// a producer, a schema fetched by ID), and database/sql would otherwise
// prepare every query anew. The store's queries are a fixed set of strings,
// so the cache stays small.
type statements struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (s *statements) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = make(map[string]*sql.Stmt)
	}
	s.stmts[query] = st
	return st, nil
}

// QueryContext implements queryer.
func (s *statements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext implements queryer. A query that fails to prepare runs
// unprepared, so that its error reaches the caller through Row.Scan.
func (s *statements) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.prepare(ctx, query)
	if err != nil {
		return s.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// in returns the statements bound to tx, for the queries a write
// transaction runs again and again: database/sql prepares each statement
// once per connection and reuses it in every transaction on that
// connection.
func (s *statements) in(tx *sql.Tx) txStatements {
	return txStatements{stmts: s, tx: tx}
}

// txStatements runs queries inside a transaction through prepared
// statements.
type txStatements struct {
	stmts *statements
	tx    *sql.Tx
}

// QueryContext implements queryer.
func (t txStatements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmts.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

// QueryRowContext implements queryer. A query that fails to prepare runs
// unprepared, so that its error reaches the caller through Row.Scan.
func (t txStatements) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmts.prepare(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// ExecContext runs a writing statement.
func (t txStatements) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmts.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}
