package compat_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/charterhq/charter/compat"
)

// width is a toy format: a schema is a number, and a reader reads a writer
// when it is at least as wide. It makes direction errors visible.
type width struct{}

type widthSchema int

func (widthSchema) Canonical() string    { return "" }
func (w widthSchema) Normalized() string { return strconv.Itoa(int(w)) }
func (width) Type() string               { return "WIDTH" }
func (width) Parse(text string, _ []compat.Reference) (compat.Schema, error) {
	n, err := strconv.Atoi(text)
	return widthSchema(n), err
}
func (width) Compatible(reader, writer compat.Schema) []compat.Problem {
	if reader.(widthSchema) < writer.(widthSchema) {
		return []compat.Problem{{Rule: "TOO_NARROW", Message: fmt.Sprintf("%d < %d", reader, writer)}}
	}
	return nil
}

func TestCheck(t *testing.T) {
	s := func(ns ...int) []compat.Schema {
		out := make([]compat.Schema, len(ns))
		for i, n := range ns {
			out[i] = widthSchema(n)
		}
		return out
	}
	for _, tc := range []struct {
		level       compat.Level
		history     []compat.Schema
		candidate   int
		wantAgainst []int // Against of each problem
		wantDir     []compat.Direction
	}{
		{compat.None, s(9), 1, nil, nil},
		{compat.Backward, nil, 1, nil, nil},
		{compat.Backward, s(5), 6, nil, nil},
		{compat.Backward, s(5), 4, []int{0}, []compat.Direction{compat.NewReadsOld}},
		{compat.Forward, s(5), 6, []int{0}, []compat.Direction{compat.OldReadsNew}},
		{compat.Forward, s(5), 4, nil, nil},
		{compat.Full, s(5), 5, nil, nil},
		{compat.Full, s(5), 6, []int{0}, []compat.Direction{compat.OldReadsNew}},
		// Only the latest counts unless transitive.
		{compat.Backward, s(9, 3), 4, nil, nil},
		{compat.BackwardTransitive, s(9, 3), 4, []int{0}, []compat.Direction{compat.NewReadsOld}},
		// Transitive checks stop at the newest failing version.
		{compat.BackwardTransitive, s(9, 8, 3), 4, []int{1}, []compat.Direction{compat.NewReadsOld}},
		{compat.ForwardTransitive, s(1, 9), 5, []int{0}, []compat.Direction{compat.OldReadsNew}},
		{compat.FullTransitive, s(5, 5), 5, nil, nil},
	} {
		t.Run(fmt.Sprintf("%s/%v/%d", tc.level, tc.history, tc.candidate), func(t *testing.T) {
			got := compat.Check(width{}, tc.level, widthSchema(tc.candidate), tc.history)
			if len(got) != len(tc.wantAgainst) {
				t.Fatalf("Check = %v, want %d problems", got, len(tc.wantAgainst))
			}
			for i, p := range got {
				if p.Against != tc.wantAgainst[i] || p.Direction != tc.wantDir[i] {
					t.Errorf("problem %d = against %d %s, want against %d %s", i, p.Against, p.Direction, tc.wantAgainst[i], tc.wantDir[i])
				}
			}
		})
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]compat.Level{
		"backward": compat.Backward, " FULL_transitive ": compat.FullTransitive, "NONE": compat.None,
	} {
		if got, err := compat.ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "SIDEWAYS", "BACKWARDS"} {
		if _, err := compat.ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) succeeded", bad)
		}
	}
	if !compat.FullTransitive.Transitive() || compat.Full.Transitive() {
		t.Error("Transitive is wrong")
	}
	if !compat.Full.Forward() || !compat.Full.Backward() || compat.Forward.Backward() || compat.Backward.Forward() {
		t.Error("Forward/Backward are wrong")
	}
}
