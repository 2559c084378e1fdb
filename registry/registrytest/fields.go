package registrytest

import (
	"slices"
	"strings"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// FieldList is a toy schema language, so that tests can run
// registry.Service's rules without a real format: a schema is a
// comma-separated list of field names, and a name ending in "?" has a
// default. A reader reads a writer when each of its fields without a
// default is in the writer. It calls itself AVRO.
type FieldList struct{}

type fields []string

func (FieldList) Type() string { return registry.TypeAvro }

func (FieldList) Parse(text string, refs []compat.Reference) (compat.Schema, error) {
	var fs fields
	for _, f := range strings.Split(text, ",") {
		f = strings.TrimSpace(f)
		if f == "" || strings.ContainsAny(f, " {}") {
			return nil, &compat.ParseError{Type: registry.TypeAvro, Message: "bad field " + f, Line: 1, Column: 1}
		}
		fs = append(fs, f)
	}
	for _, r := range refs {
		fs = append(fs, "ref:"+r.Name)
	}
	return fs, nil
}

func (fs fields) Canonical() string { return strings.Join(fs, ",") }

func (fs fields) Normalized() string {
	s := slices.Clone(fs)
	slices.Sort(s)
	return strings.Join(s, ",")
}

func (FieldList) Compatible(reader, writer compat.Schema) []compat.Problem {
	var problems []compat.Problem
	for _, f := range reader.(fields) {
		if !strings.HasSuffix(f, "?") && !slices.Contains(writer.(fields), f) && !slices.Contains(writer.(fields), f+"?") {
			problems = append(problems, compat.Problem{Rule: "READER_FIELD_MISSING_DEFAULT_VALUE", Path: "/" + f, Message: "field " + f + " has no default"})
		}
	}
	return problems
}
