package compat

import (
	"fmt"
	"strings"
)

// Level is a compatibility level, as Confluent names them.
type Level string

// The levels. The zero Level is not valid; use ParseLevel.
const (
	None               Level = "NONE"
	Backward           Level = "BACKWARD"
	BackwardTransitive Level = "BACKWARD_TRANSITIVE"
	Forward            Level = "FORWARD"
	ForwardTransitive  Level = "FORWARD_TRANSITIVE"
	Full               Level = "FULL"
	FullTransitive     Level = "FULL_TRANSITIVE"
)

var levels = []Level{None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive}

// ParseLevel parses a level name, case-insensitively and ignoring surrounding
// space.
func ParseLevel(s string) (Level, error) {
	u := Level(strings.ToUpper(strings.TrimSpace(s)))
	for _, l := range levels {
		if u == l {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown compatibility level %q", s)
}

// Transitive reports whether the level compares against every earlier
// version rather than only the latest.
func (l Level) Transitive() bool { return strings.HasSuffix(string(l), "_TRANSITIVE") }

// Backward reports whether new schemas must read data written with old ones.
func (l Level) Backward() bool {
	return l == Backward || l == BackwardTransitive || l == Full || l == FullTransitive
}

// Forward reports whether old schemas must read data written with new ones.
func (l Level) Forward() bool {
	return l == Forward || l == ForwardTransitive || l == Full || l == FullTransitive
}
