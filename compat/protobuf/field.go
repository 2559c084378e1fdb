package protobuf

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// compareField compares two fields with the same number, reported at path.
func (d *differ) compareField(of, uf protoreflect.FieldDescriptor, at fieldAt) {
	if of.Name() != uf.Name() {
		if d.keep(fieldNameChanged) {
			d.add(fieldNameChanged, at.String(), "Field %d is named %s in the reader schema but %s in the writer schema.",
				uf.Number(), uf.Name(), of.Name())
		}
	}
	d.compareFieldTypes(of, uf, label(of), label(uf), at)
}

// fieldKind is Confluent's coarse field kind: enums count as scalars.
type fieldKind string

const (
	scalarKind  fieldKind = "scalar"
	messageKind fieldKind = "message"
	mapKind     fieldKind = "map"
)

func kindOf(f protoreflect.FieldDescriptor) fieldKind {
	switch {
	case f.IsMap():
		return mapKind
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return messageKind
	default:
		return scalarKind
	}
}

// wireGroup is the group of scalar types that read each other's encoding
// (https://protobuf.dev/programming-guides/proto3/#updating), as Confluent
// groups them: enums travel as varints, like int32.
func wireGroup(k protoreflect.Kind) string {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "varint"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "zigzag"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "bytes"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "fixed32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "fixed64"
	case protoreflect.FloatKind:
		return "float"
	case protoreflect.DoubleKind:
		return "double"
	}
	return k.String()
}

// label is the label written in the source, "" when none was: proto3
// fields without "optional", map fields and oneof members. Confluent only
// compares labels that are written on both sides, and so do we.
func label(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return ""
	case f.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case f.Cardinality() == protoreflect.Required:
		return "required"
	case f.ContainingOneof() != nil && !f.ContainingOneof().IsSynthetic():
		return ""
	case f.HasOptionalKeyword():
		return "optional"
	}
	return ""
}

// compareFieldTypes compares the types (and, for scalars, the labels) of two
// fields, or of the keys or values of two map fields.
func (d *differ) compareFieldTypes(of, uf protoreflect.FieldDescriptor, ol, ul string, at fieldAt) {
	ok, uk := kindOf(of), kindOf(uf)
	if ok != uk {
		d.add(fieldKindChanged, at.String(), "Field %s is a %s in the reader schema but a %s in the writer schema.",
			at.field.Name(), uk, ok)
		return
	}
	switch ok {
	case scalarKind:
		og, ug := wireGroup(of.Kind()), wireGroup(uf.Kind())
		if og != ug {
			d.add(fieldScalarKindChanged, at.String(), "Field %s has %s %s in the reader schema but %s in the writer schema, which is not wire-compatible.",
				at.field.Name(), role(uf), typeString(uf), typeString(of))
			return
		}
		if ol == "" || ul == "" || ol == ul {
			return
		}
		if og == "bytes" {
			if d.keep(fieldStringOrBytesLabelChanged) {
				d.add(fieldStringOrBytesLabelChanged, at.String(), "Field %s is %s in the reader schema but %s in the writer schema.", uf.Name(), ul, ol)
			}
		} else {
			d.add(fieldNumericLabelChanged, at.String(), "Numeric field %s is %s in the reader schema but %s in the writer schema, which changes its encoding.",
				uf.Name(), ul, ol)
		}
	case messageKind:
		d.compareMessageTypes(of.Message(), uf.Message(), at.field.Name(), at)
	case mapKind:
		d.compareFieldTypes(of.MapKey(), uf.MapKey(), "", "", at)
		d.compareFieldTypes(of.MapValue(), uf.MapValue(), "", "", at)
	}
}

// compareMessageTypes compares the message types of a field. Names are
// compared without their package, so moving a type between packages (or
// into an import) is not a change by itself. A type from an import is
// compared in full, as Confluent does for references that are not the
// same subject version; local types are compared at their own declaration.
func (d *differ) compareMessageTypes(o, u protoreflect.MessageDescriptor, field protoreflect.Name, at fieldAt) {
	ol, ul := localName(o), localName(u)
	if ol != ul {
		d.add(fieldNamedTypeChanged, at.String(), "Field %s has type %s in the reader schema but %s in the writer schema.",
			field, u.FullName(), o.FullName())
		return
	}
	if o.ParentFile().Path() == d.original.Path() && u.ParentFile().Path() == d.update.Path() {
		return
	}
	sub := &differ{original: d.original, update: d.update, verbose: d.verbose, active: d.active}
	for _, name := range strings.Split(ol, ".") {
		sub.push(name)
	}
	sub.compareMessage(o, u)
	d.diffs = append(d.diffs, sub.diffs...)
	if !sub.compatible() {
		d.add(fieldNamedTypeChanged, at.String(), "Field %s has type %s, which the reader schema changed incompatibly.", field, u.FullName())
	}
}

// localName is a type's full name without its file's package.
func localName(m protoreflect.MessageDescriptor) string {
	name := string(m.FullName())
	if pkg := string(m.ParentFile().Package()); pkg != "" {
		name = strings.TrimPrefix(name, pkg+".")
	}
	return name
}

// typeString names a field's type as .proto source would.
func typeString(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.EnumKind:
		return string(f.Enum().FullName())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(f.Message().FullName())
	}
	return f.Kind().String()
}

// role says which part of a field a type is: a map's key or value type, or
// the field's own type.
func role(f protoreflect.FieldDescriptor) string {
	if m, ok := f.Parent().(protoreflect.MessageDescriptor); ok && m.IsMapEntry() {
		return string(f.Name()) + " type"
	}
	return "type"
}
