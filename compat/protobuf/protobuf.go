// Package protobuf is the Protobuf room of compat: it parses .proto schema
// text (or a base64 serialized FileDescriptorProto, as Confluent also
// accepts), re-prints it in a canonical and a normalized form, and decides
// whether one schema can read data written with another by Confluent's
// ProtobufSchema diff rules.
//
// It knows Protobuf and the compat interfaces only: nothing of subjects,
// versions, storage or HTTP. References arrive as (import path, text) pairs;
// where they came from is the registry's business.
package protobuf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/charterhq/charter/compat"
)

// Format is the Protobuf compat.Format. The zero value is ready to use and
// checks by Confluent's rules; Rules selects one of buf's stricter
// categories instead. Format holds no mutable state, so it is safe for
// concurrent use.
type Format struct {
	// Rules is the rule set Compatible applies: Confluent (the zero
	// value, what the registry uses), Wire or WireJSON.
	Rules RuleSet
}

var _ compat.Format = Format{}

// typeName is Confluent's schemaType for Protobuf.
const typeName = "PROTOBUF"

// Type returns "PROTOBUF".
func (Format) Type() string { return typeName }

// Parse compiles text, which imports the schemas in refs by their Name. The
// google/protobuf well-known files, google/type/*.proto and Confluent's
// confluent/meta.proto and confluent/type/decimal.proto resolve without a
// reference, as they do in Confluent. Text that is not .proto source but
// standard base64 of a serialized FileDescriptorProto is accepted too.
func (Format) Parse(text string, refs []compat.Reference) (s compat.Schema, err error) {
	// The compiler and printer are third-party code fed with untrusted
	// text; a panic there must become a rejected schema, not a dead server.
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, &compat.ParseError{Type: typeName, Message: fmt.Sprintf("internal error while parsing: %v", p)}
		}
	}()
	if strings.TrimSpace(text) == "" {
		return nil, &compat.ParseError{Type: typeName, Message: "schema is empty"}
	}
	src := newSources(text, refs)
	fd, perr := compile(src)
	if perr != nil {
		// Confluent tries .proto text first and falls back to base64; so
		// do we, and when both fail the text error is the useful one.
		if bfd, berr, ok := fromDescriptor(text, src); ok {
			if berr != nil {
				return nil, berr
			}
			return newSchema(bfd, false)
		}
		return nil, perr
	}
	return newSchema(fd, true)
}

// compile runs protocompile over the main file of src and returns its
// linked descriptor, or a *compat.ParseError for the first error found.
func compile(src *sources) (protoreflect.FileDescriptor, *compat.ParseError) {
	files, err := compiler(src).Compile(context.Background(), src.main)
	if err != nil {
		return nil, parseError(err, src.main)
	}
	return files[0], nil
}

// compiler is configured per call because its resolver closes over refs.
func compiler(src *sources) *protocompile.Compiler {
	return &protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(src),
		Reporter:       reporter.NewReporter(nil, nil), // stop at the first error
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
}

// parseError turns a compiler error into a ParseError. Positions are kept
// only for the schema's own text: a line number in a reference would point
// the user at the wrong text, so that file is named in the message instead.
func parseError(err error, main string) *compat.ParseError {
	pe := &compat.ParseError{Type: typeName, Message: err.Error()}
	var ewp reporter.ErrorWithPos
	if errors.As(err, &ewp) {
		pos := ewp.GetPosition()
		pe.Message = ewp.Unwrap().Error()
		if pos.Filename == main {
			pe.Line, pe.Column = pos.Line, pos.Col
		} else if pos.Filename != "" {
			pe.Message = fmt.Sprintf("in %s at line %d, column %d: %s", pos.Filename, pos.Line, pos.Col, pe.Message)
		}
	}
	return pe
}

// Compatible reports what stops reader from reading data written with
// writer. By Confluent's rules (the default) writer is Confluent's
// "original" and reader its "update", and only differences outside
// Confluent's compatible set are returned. By buf's Wire and WireJSON
// categories writer is buf's "previous" (against) input and reader the
// "current" one, and problems carry buf's rule IDs and messages.
func (f Format) Compatible(reader, writer compat.Schema) []compat.Problem {
	r, rok := reader.(*schema)
	w, wok := writer.(*schema)
	if !rok || !wok {
		return []compat.Problem{{Rule: "SCHEMA_TYPE_MISMATCH", Message: "Both schemas must be Protobuf schemas."}}
	}
	if rules := f.Rules.ruleIDs(); rules != nil {
		return bufCheck(w.file, r.file, rules)
	}
	var problems []compat.Problem
	for _, d := range diffFiles(w.file, r.file, false) {
		if !isCompatible(d.rule) {
			problems = append(problems, compat.Problem{Rule: d.rule, Path: d.path, Message: d.message})
		}
	}
	return problems
}
