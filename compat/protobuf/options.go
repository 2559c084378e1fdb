package protobuf

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// optionReader re-reads options messages so that custom options, which a
// compiled file may keep as unknown bytes, come back as named extension
// fields. It knows every extension the file can see.
type optionReader struct {
	types *protoregistry.Types
}

func newOptionReader(fd protoreflect.FileDescriptor) *optionReader {
	r := &optionReader{types: &protoregistry.Types{}}
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		r.register(f.Extensions(), f.Messages())
		for i := range f.Imports().Len() {
			visit(f.Imports().Get(i).FileDescriptor)
		}
	}
	visit(fd)
	return r
}

func (r *optionReader) register(xs protoreflect.ExtensionDescriptors, ms protoreflect.MessageDescriptors) {
	for i := range xs.Len() {
		_ = r.types.RegisterExtension(dynamicpb.NewExtensionType(xs.Get(i))) // duplicates cannot compile
	}
	for i := range ms.Len() {
		r.register(ms.Get(i).Extensions(), ms.Get(i).Messages())
	}
}

// option is one set option field with its value.
type option struct {
	field protoreflect.FieldDescriptor
	value protoreflect.Value
}

// read lists the options set in opts: standard ones by number, then custom
// ones by full name, so that printing does not depend on how they were
// written.
func (r *optionReader) read(opts proto.Message) ([]option, error) {
	if opts == nil || !opts.ProtoReflect().IsValid() {
		return nil, nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return nil, err
	}
	m := opts.ProtoReflect().Type().New()
	if err := (proto.UnmarshalOptions{Resolver: r.types}).Unmarshal(b, m.Interface()); err != nil {
		return nil, err
	}
	var out []option
	m.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		out = append(out, option{f, v})
		return true
	})
	slices.SortFunc(out, func(a, b option) int {
		if a.field.IsExtension() != b.field.IsExtension() {
			if a.field.IsExtension() {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.field.Number(), b.field.Number()), cmp.Compare(a.field.FullName(), b.field.FullName()))
	})
	return out, nil
}

// optionStatements renders opts as "name = value" strings, one per value
// of a repeated option.
func (p *printer) optionStatements(opts proto.Message, scope protoreflect.Descriptor) ([]string, error) {
	read, err := p.opts.read(opts)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range read {
		name := string(o.field.Name())
		if o.field.IsExtension() {
			name = "(" + p.typeName(scope, o.field.FullName()) + ")"
		}
		if o.field.IsList() {
			l := o.value.List()
			for i := range l.Len() {
				out = append(out, name+" = "+p.value(o.field, l.Get(i)))
			}
			continue
		}
		out = append(out, name+" = "+p.value(o.field, o.value))
	}
	return out, nil
}

// options prints opts as "option" statements.
func (p *printer) options(opts proto.Message, scope protoreflect.Descriptor) error {
	lines, err := p.optionStatements(opts, scope)
	for _, l := range lines {
		p.line("option %s;", l)
	}
	return err
}

// shortOptions renders opts for the brackets after a field or enum value.
func (p *printer) shortOptions(opts proto.Message, scope protoreflect.Descriptor) ([]string, error) {
	return p.optionStatements(opts, scope)
}

// fieldOptions adds the pseudo-options default and json_name, which live in
// the field descriptor rather than its options. json_name is printed only
// when it differs from the name protoc would derive.
func (p *printer) fieldOptions(f protoreflect.FieldDescriptor, scope protoreflect.Descriptor) ([]string, error) {
	var out []string
	if f.HasDefault() {
		if f.Kind() == protoreflect.EnumKind {
			out = append(out, "default = "+string(f.DefaultEnumValue().Name()))
		} else {
			out = append(out, "default = "+p.value(f, f.Default()))
		}
	}
	if !f.IsExtension() && f.HasJSONName() && f.JSONName() != jsonCamelCase(string(f.Name())) {
		out = append(out, "json_name = "+quote([]byte(f.JSONName())))
	}
	rest, err := p.shortOptions(f.Options(), scope)
	return append(out, rest...), err
}

// jsonCamelCase is protoc's default JSON name for a field.
func jsonCamelCase(s string) string {
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

// value writes one (non-list) value as a .proto literal.
func (p *printer) value(f protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch f.Kind() {
	case protoreflect.EnumKind:
		if ev := f.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	case protoreflect.StringKind:
		return quote([]byte(v.String()))
	case protoreflect.BytesKind:
		return quote(v.Bytes())
	case protoreflect.FloatKind:
		return floatText(v.Float(), 32)
	case protoreflect.DoubleKind:
		return floatText(v.Float(), 64)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return p.literal(v.Message())
	}
	return fmt.Sprint(v.Interface())
}

func floatText(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// literal writes a message value in the text format that option values use,
// on one line, fields by number and map entries by key.
func (p *printer) literal(m protoreflect.Message) string {
	var fields []option
	m.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fields = append(fields, option{f, v})
		return true
	})
	if len(fields) == 0 {
		return "{}"
	}
	slices.SortFunc(fields, func(a, b option) int { return cmp.Compare(a.field.Number(), b.field.Number()) })
	parts := make([]string, 0, len(fields))
	for _, o := range fields {
		name := o.field.TextName()
		if o.field.IsExtension() {
			name = "[" + string(o.field.FullName()) + "]"
		}
		switch {
		case o.field.IsMap():
			parts = append(parts, name+": ["+strings.Join(p.mapEntries(o.field, o.value.Map()), ", ")+"]")
		case o.field.IsList():
			l := o.value.List()
			items := make([]string, l.Len())
			for i := range items {
				items[i] = p.value(o.field, l.Get(i))
			}
			parts = append(parts, name+": ["+strings.Join(items, ", ")+"]")
		default:
			parts = append(parts, name+": "+p.value(o.field, o.value))
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (p *printer) mapEntries(f protoreflect.FieldDescriptor, m protoreflect.Map) []string {
	type entry struct{ key, text string }
	var es []entry
	m.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		key := p.value(f.MapKey(), k.Value())
		es = append(es, entry{key, "{ key: " + key + " value: " + p.value(f.MapValue(), v) + " }"})
		return true
	})
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.text
	}
	return out
}

// quote writes b as a double-quoted .proto string: printable UTF-8 stays,
// everything else is escaped byte by byte.
func quote(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '"' || r == '\\':
			s.WriteByte('\\')
			s.WriteRune(r)
		case r == '\n':
			s.WriteString(`\n`)
		case r == '\t':
			s.WriteString(`\t`)
		case r == utf8.RuneError && n <= 1, !unicode.IsPrint(r):
			for _, c := range b[:n] {
				fmt.Fprintf(&s, `\%03o`, c)
			}
		default:
			s.Write(b[:n])
		}
		b = b[n:]
	}
	s.WriteByte('"')
	return s.String()
}
