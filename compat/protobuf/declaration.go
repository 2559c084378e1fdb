package protobuf

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Element kinds inside a message body, in the normalized order.
const (
	kindField = iota + 1
	kindMessage
	kindEnum
	kindExtension
)

// messageBody prints options, fields and oneofs, nested types, extensions,
// extension ranges and reserved numbers and names.
func (p *printer) messageBody(m protoreflect.MessageDescriptor) error {
	if err := p.options(m.Options(), m); err != nil {
		return err
	}
	groups := map[protoreflect.FullName]bool{} // nested messages printed as group bodies
	var els []element
	fs := m.Fields()
	seen := map[protoreflect.OneofDescriptor]bool{}
	for i := range fs.Len() {
		f := fs.Get(i)
		if isGroup(f) {
			groups[f.Message().FullName()] = true
		}
		if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if !seen[o] {
				seen[o] = true
				e := p.element(o, kindField)
				e.number, e.index = minNumber(o.Fields()), i
				if l := p.file.SourceLocations().ByDescriptor(o); l.Path != nil {
					e.line, e.col = l.StartLine, l.StartColumn
				}
				els = append(els, e)
			}
			continue
		}
		e := p.element(f, kindField)
		e.number = int(f.Number())
		els = append(els, e)
	}
	for i := range m.Messages().Len() {
		if n := m.Messages().Get(i); !n.IsMapEntry() && !groups[n.FullName()] {
			els = append(els, p.element(n, kindMessage))
		}
	}
	for i := range m.Enums().Len() {
		els = append(els, p.element(m.Enums().Get(i), kindEnum))
	}
	els = append(els, p.extensions(m.Extensions(), kindExtension)...)
	for _, e := range p.order(els) {
		if err := p.printElement(e, m); err != nil {
			return err
		}
	}
	if err := p.extensionRanges(m); err != nil {
		return err
	}
	p.reserved(fieldRanges(m.ReservedRanges()), m.ReservedNames(), maxField)
	return nil
}

func isGroup(f protoreflect.FieldDescriptor) bool {
	return f.Kind() == protoreflect.GroupKind && f.ParentFile().Syntax() == protoreflect.Proto2 &&
		f.Message().Parent() == f.Parent()
}

// field prints one field, extension or group. scope is where type names are
// resolved from.
func (p *printer) field(f protoreflect.FieldDescriptor, scope protoreflect.Descriptor) error {
	var b strings.Builder
	if l := printedLabel(f); l != "" {
		b.WriteString(l + " ")
	}
	switch {
	case f.IsMap():
		fmt.Fprintf(&b, "map<%s, %s>", p.fieldType(f.MapKey(), scope), p.fieldType(f.MapValue(), scope))
	case isGroup(f):
		fmt.Fprintf(&b, "group %s", f.Message().Name())
	default:
		b.WriteString(p.fieldType(f, scope))
	}
	if isGroup(f) {
		fmt.Fprintf(&b, " = %d", f.Number())
	} else {
		fmt.Fprintf(&b, " %s = %d", f.Name(), f.Number())
	}
	short, err := p.fieldOptions(f, scope)
	if err != nil {
		return err
	}
	if len(short) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(short, ", "))
	}
	if !isGroup(f) {
		p.line("%s;", b.String())
		return nil
	}
	p.line("%s {", b.String())
	p.depth++
	err = p.messageBody(f.Message())
	p.depth--
	p.line("}")
	return err
}

// printedLabel is the label as it must be written for the file's syntax.
func printedLabel(f protoreflect.FieldDescriptor) string {
	if f.IsMap() || (f.ContainingOneof() != nil && !f.ContainingOneof().IsSynthetic()) {
		return ""
	}
	if f.Cardinality() == protoreflect.Repeated {
		return "repeated"
	}
	switch f.ParentFile().Syntax() {
	case protoreflect.Proto2:
		if f.Cardinality() == protoreflect.Required {
			return "required"
		}
		return "optional"
	case protoreflect.Proto3:
		if f.HasOptionalKeyword() {
			return "optional"
		}
	}
	return ""
}

func (p *printer) fieldType(f protoreflect.FieldDescriptor, scope protoreflect.Descriptor) string {
	switch f.Kind() {
	case protoreflect.EnumKind:
		return p.typeName(scope, f.Enum().FullName())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return p.typeName(scope, f.Message().FullName())
	}
	return f.Kind().String()
}

// typeName writes a reference to the type or extension full from inside
// scope (a message, or nil for the file). The normalized form always writes
// ".full.name". The canonical form writes the shortest suffix of the name
// that resolves back to full from scope by protobuf's scoping rules, and
// the absolute name when none does.
func (p *printer) typeName(scope protoreflect.Descriptor, full protoreflect.FullName) string {
	abs := "." + string(full)
	if p.normalized {
		return abs
	}
	from := p.file.Package()
	for d := scope; d != nil; d = d.Parent() {
		if m, ok := d.(protoreflect.MessageDescriptor); ok {
			from = m.FullName()
			break
		}
	}
	parts := strings.Split(string(full), ".")
	for i := len(parts) - 1; i >= 0; i-- {
		rel := strings.Join(parts[i:], ".")
		if p.symbols.resolve(from, rel) == full {
			return rel
		}
	}
	return abs
}

func (p *printer) enum(e protoreflect.EnumDescriptor) error {
	p.line("enum %s {", e.Name())
	p.depth++
	defer func() { p.depth--; p.line("}") }()
	if err := p.options(e.Options(), e); err != nil {
		return err
	}
	vals := e.Values()
	for i := range vals.Len() {
		v := vals.Get(i)
		short, err := p.shortOptions(v.Options(), e)
		if err != nil {
			return err
		}
		if len(short) > 0 {
			p.line("%s = %d [%s];", v.Name(), v.Number(), strings.Join(short, ", "))
		} else {
			p.line("%s = %d;", v.Name(), v.Number())
		}
	}
	p.reserved(enumRanges(e.ReservedRanges()), e.ReservedNames(), maxEnum)
	return nil
}

func (p *printer) service(s protoreflect.ServiceDescriptor) error {
	p.line("service %s {", s.Name())
	p.depth++
	defer func() { p.depth--; p.line("}") }()
	if err := p.options(s.Options(), s); err != nil {
		return err
	}
	ms := s.Methods()
	for i := range ms.Len() {
		m := ms.Get(i)
		in, out := p.typeName(s, m.Input().FullName()), p.typeName(s, m.Output().FullName())
		if m.IsStreamingClient() {
			in = "stream " + in
		}
		if m.IsStreamingServer() {
			out = "stream " + out
		}
		head := fmt.Sprintf("rpc %s(%s) returns (%s)", m.Name(), in, out)
		lines, err := p.optionStatements(m.Options(), s)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			p.line("%s;", head)
			continue
		}
		p.line("%s {", head)
		for _, l := range lines {
			p.line("  option %s;", l)
		}
		p.line("}")
	}
	return nil
}

// minNumber is the smallest field number of a oneof, which places it among
// the fields in the normalized form.
func minNumber(fs protoreflect.FieldDescriptors) int {
	n := int(fs.Get(0).Number())
	for i := range fs.Len() {
		n = min(n, int(fs.Get(i).Number()))
	}
	return n
}
