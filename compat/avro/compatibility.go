package avro

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/charterhq/charter/compat"
)

// The incompatibility rules, named as Java's SchemaIncompatibilityType.
const (
	ruleNameMismatch       = "NAME_MISMATCH"
	ruleFixedSize          = "FIXED_SIZE_MISMATCH"
	ruleMissingSymbols     = "MISSING_ENUM_SYMBOLS"
	ruleMissingDefault     = "READER_FIELD_MISSING_DEFAULT_VALUE"
	ruleTypeMismatch       = "TYPE_MISMATCH"
	ruleMissingUnionBranch = "MISSING_UNION_BRANCH"
)

// checker follows the ReaderWriterCompatibilityChecker inside Apache Avro's
// SchemaCompatibility, reporting every problem as Java does. Results are
// memoised per (reader, writer) record pair with paths relative to that
// pair, so a pair met again elsewhere is reported at its new place (Java
// repeats the first place). A pair met again while still being checked is,
// as in Java, assumed compatible: that is what ends recursive types.
type checker struct {
	// memo holds each record pair's problems. A pair is present with no
	// problems while it is being checked, which is the assumption Java
	// makes for a pair met again during its own check.
	memo map[pair][]compat.Problem
}

type pair struct{ reader, writer *node }

func newChecker() *checker { return &checker{memo: map[pair][]compat.Problem{}} }

// check returns the problems of reading writer with reader, with paths
// relative to reader.
func (c *checker) check(reader, writer *node) []compat.Problem {
	// Only records can recur, so any endless walk revisits a pair whose
	// reader is a record; memoising those alone keeps the map small.
	if reader.kind != kindRecord {
		return c.calculate(reader, writer)
	}
	p := pair{reader, writer}
	if problems, ok := c.memo[p]; ok {
		return problems
	}
	c.memo[p] = nil
	problems := c.calculate(reader, writer)
	c.memo[p] = problems
	return problems
}

// at checks a child pair and prefixes its problems with token.
func (c *checker) at(token string, reader, writer *node) []compat.Problem {
	sub := c.check(reader, writer)
	if len(sub) == 0 {
		return nil
	}
	out := make([]compat.Problem, len(sub))
	for i, p := range sub {
		p.Path = "/" + escapeToken(token) + p.Path
		out[i] = p
	}
	return out
}

func (c *checker) calculate(reader, writer *node) []compat.Problem {
	if reader.kind == writer.kind {
		switch reader.kind {
		case kindArray:
			return c.at("items", reader.items, writer.items)
		case kindMap:
			return c.at("values", reader.values, writer.values)
		case kindFixed:
			return append(names(reader, writer), fixedSize(reader, writer)...)
		case kindEnum:
			return append(names(reader, writer), symbols(reader, writer)...)
		case kindRecord:
			return append(names(reader, writer), c.fields(reader, writer)...)
		case kindUnion:
			// Every branch the writer may have used must be readable.
			var out []compat.Problem
			for i, wb := range writer.branches {
				if len(c.check(reader, wb)) > 0 {
					out = append(out, problem(ruleMissingUnionBranch, "/"+strconv.Itoa(i),
						"reader union lacking writer type: "+wb.kind.javaName()))
				}
			}
			return out
		}
		return nil // equal primitives
	}
	if writer.kind == kindUnion {
		var out []compat.Problem
		for i, wb := range writer.branches {
			out = append(out, c.at(strconv.Itoa(i), reader, wb)...)
		}
		return out
	}
	if promotes(writer.kind, reader.kind) {
		return nil
	}
	if reader.kind == kindUnion {
		for _, rb := range reader.branches {
			// Skip branches of the wrong kind without building the
			// problem that checking them would report and we would drop.
			if rb.kind != writer.kind && !promotes(writer.kind, rb.kind) {
				continue
			}
			if len(c.check(rb, writer)) == 0 {
				return nil
			}
		}
		return []compat.Problem{problem(ruleMissingUnionBranch, "",
			"reader union lacking writer type: "+writer.kind.javaName())}
	}
	return []compat.Problem{problem(ruleTypeMismatch, "", fmt.Sprintf(
		"reader type: %s not compatible with writer type: %s", reader.kind.javaName(), writer.kind.javaName()))}
}

// fields checks that each reader field can be filled from the writer: from
// the writer field of the same name or of one of the reader field's
// aliases, or else from the reader field's default.
func (c *checker) fields(reader, writer *node) []compat.Problem {
	var out []compat.Problem
	for i, rf := range reader.fields {
		wf := writerField(writer, rf)
		wt := (*node)(nil)
		switch {
		case wf != nil:
			wt = wf.typ
		case rf.def != nil:
			continue
		case rf.typ.kind == kindEnum && rf.typ.enumDefault != nil:
			// Java checks such a field's enum against the writer record
			// itself, which reports a type mismatch. We keep that verdict.
			wt = writer
		default:
			out = append(out, problem(ruleMissingDefault, fieldPath(i),
				fmt.Sprintf("The field '%s' has no default value and is missing in the writer", rf.name)))
			continue
		}
		for _, p := range c.at("type", rf.typ, wt) {
			p.Path = fieldPath(i) + p.Path
			out = append(out, p)
		}
	}
	return out
}

// promotes reports whether the spec lets a writer's from be read as to:
// int to long, float or double; long to float or double; float to double;
// and string to bytes and back.
func promotes(from, to kind) bool {
	switch to {
	case kindLong:
		return from == kindInt
	case kindFloat:
		return from == kindInt || from == kindLong
	case kindDouble:
		return from == kindInt || from == kindLong || from == kindFloat
	case kindBytes:
		return from == kindString
	case kindString:
		return from == kindBytes
	}
	return false
}

func fieldPath(i int) string { return "/fields/" + strconv.Itoa(i) }

func writerField(writer *node, rf *field) *field {
	if wf := writer.fieldIndex[rf.name]; wf != nil {
		return wf
	}
	for _, a := range rf.aliases {
		if wf := writer.fieldIndex[a]; wf != nil {
			return wf
		}
	}
	return nil
}

// names applies Java's schemaNameEquals: unqualified names are equal, or the
// reader lists the writer's full name among its aliases.
func names(reader, writer *node) []compat.Problem {
	if reader.name == writer.name {
		return nil
	}
	for _, a := range reader.aliases {
		if a == writer.full() {
			return nil
		}
	}
	return []compat.Problem{problem(ruleNameMismatch, "/name", "expected: "+writer.full())}
}

func fixedSize(reader, writer *node) []compat.Problem {
	if reader.size == writer.size {
		return nil
	}
	return []compat.Problem{problem(ruleFixedSize, "/size",
		fmt.Sprintf("expected: %d, found: %d", writer.size, reader.size))}
}

// symbols reports writer symbols the reader lacks, unless the reader enum
// has a default to read them as.
func symbols(reader, writer *node) []compat.Problem {
	if reader.enumDefault != nil {
		return nil
	}
	var missing []string
	for _, s := range writer.symbols {
		if !reader.symbolSet[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return []compat.Problem{problem(ruleMissingSymbols, "/symbols", "["+strings.Join(missing, ", ")+"]")}
}

func problem(rule, path, msg string) compat.Problem {
	return compat.Problem{Rule: rule, Path: path, Message: msg}
}

// escapeToken escapes a JSON pointer reference token (RFC 6901).
func escapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
