package protobuf

import (
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/charterhq/charter/compat"
)

// schema is a compiled .proto file. It is immutable after newSchema, so one
// value may be compared from many goroutines at once.
type schema struct {
	file       protoreflect.FileDescriptor
	canonical  string
	normalized string
	// fromText is set when file was compiled from .proto text, whose
	// source locations Locate reports; a base64 descriptor has none.
	fromText bool
}

var _ compat.Schema = (*schema)(nil)

// newSchema prints both text forms up front: they are asked for on every
// registration, and failing here turns a printer problem into a rejected
// schema rather than a broken stored one.
func newSchema(fd protoreflect.FileDescriptor, fromText bool) (compat.Schema, error) {
	fd = native(fd)
	canonical, err := printCanonical(fd)
	if err != nil {
		return nil, &compat.ParseError{Type: typeName, Message: "cannot print schema: " + err.Error()}
	}
	normalized, err := printNormalized(fd)
	if err != nil {
		return nil, &compat.ParseError{Type: typeName, Message: "cannot print normalized schema: " + err.Error()}
	}
	return &schema{file: fd, canonical: canonical, normalized: normalized, fromText: fromText}, nil
}

// Canonical is the file re-printed in declaration order with comments and
// white space normalised; options, imports and the package are kept.
func (s *schema) Canonical() string { return s.canonical }

// Normalized is the file re-printed as Confluent's normalize=true would have
// it: type names fully qualified, imports and options sorted, fields by
// number (oneofs placed by their first field), reserved ranges merged.
// Message and enum order is kept, because message indexes on the wire
// depend on it.
func (s *schema) Normalized() string { return s.normalized }

// native rebuilds fd, and every file it imports, as protobuf-go descriptors.
// The compiler's own descriptors keep the syntax tree alive and look fields
// up by number with a linear scan; the rebuilt ones are smaller and hashed,
// which matters for a registry holding many versions and checking against
// all of them. If rebuilding fails, fd is used as it is.
func native(fd protoreflect.FileDescriptor) protoreflect.FileDescriptor {
	reg := &protoregistry.Files{}
	var build func(f protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error)
	build = func(f protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
		if done, err := reg.FindFileByPath(f.Path()); err == nil {
			return done, nil
		}
		for i := range f.Imports().Len() {
			if _, err := build(f.Imports().Get(i).FileDescriptor); err != nil {
				return nil, err
			}
		}
		out := f
		if _, compiled := f.(linker.File); compiled {
			var err error
			if out, err = protodesc.NewFile(protodesc.ToFileDescriptorProto(f), reg); err != nil {
				return nil, err
			}
		}
		return out, reg.RegisterFile(out)
	}
	out, err := build(fd)
	if err != nil {
		return fd
	}
	return out
}
