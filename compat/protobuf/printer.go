package protobuf

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// printer writes a compiled file back as .proto source. The canonical form
// keeps source order and writes type names as short as is unambiguous; the
// normalized form sorts what Confluent's normalize sorts and qualifies every
// type name. Comments are never printed.
type printer struct {
	file       protoreflect.FileDescriptor
	normalized bool
	opts       *optionReader
	symbols    symbols
	b          strings.Builder
	depth      int
}

func printCanonical(fd protoreflect.FileDescriptor) (string, error) {
	return (&printer{file: fd, opts: newOptionReader(fd), symbols: newSymbols(fd)}).print()
}

func printNormalized(fd protoreflect.FileDescriptor) (string, error) {
	return (&printer{file: fd, normalized: true, opts: newOptionReader(fd)}).print()
}

func (p *printer) line(format string, args ...any) {
	p.b.WriteString(strings.Repeat("  ", p.depth))
	fmt.Fprintf(&p.b, format, args...)
	p.b.WriteByte('\n')
}

func (p *printer) print() (string, error) {
	fd := p.file
	switch edition := protodesc.ToFileDescriptorProto(fd).GetEdition(); {
	case fd.Syntax() == protoreflect.Editions:
		p.line("edition = %q;", strings.TrimPrefix(edition.String(), "EDITION_"))
	default:
		p.line("syntax = %q;", fd.Syntax().String())
	}
	if fd.Package() != "" {
		p.b.WriteByte('\n')
		p.line("package %s;", fd.Package())
	}
	imports := make([]protoreflect.FileImport, fd.Imports().Len())
	for i := range imports {
		imports[i] = fd.Imports().Get(i)
	}
	if p.normalized {
		slices.SortStableFunc(imports, func(a, b protoreflect.FileImport) int { return cmp.Compare(a.Path(), b.Path()) })
	}
	if len(imports) > 0 {
		p.b.WriteByte('\n')
	}
	for _, imp := range imports {
		// "import weak" prints as a plain import: protobuf-go no longer
		// gives weak imports any meaning.
		if imp.IsPublic {
			p.line("import public %q;", imp.Path())
		} else {
			p.line("import %q;", imp.Path())
		}
	}
	fileOpts, err := p.optionStatements(fd.Options(), nil)
	if err != nil {
		return "", err
	}
	if len(fileOpts) > 0 {
		p.b.WriteByte('\n')
	}
	for _, o := range fileOpts {
		p.line("option %s;", o)
	}
	var els []element
	for i := range fd.Messages().Len() {
		els = append(els, p.element(fd.Messages().Get(i), 1))
	}
	for i := range fd.Enums().Len() {
		els = append(els, p.element(fd.Enums().Get(i), 2))
	}
	for i := range fd.Services().Len() {
		els = append(els, p.element(fd.Services().Get(i), 3))
	}
	els = append(els, p.extensions(fd.Extensions(), 4)...)
	for _, e := range p.order(els) {
		p.b.WriteByte('\n')
		if err := p.printElement(e, fd); err != nil {
			return "", err
		}
	}
	return p.b.String(), nil
}

// element is one declaration in a file or message body, with what decides
// its place: the source position (canonical), or its kind and number
// (normalized).
type element struct {
	desc   protoreflect.Descriptor
	group  []protoreflect.FieldDescriptor // an extend block's fields
	kind   int
	number int // fields and oneofs: the (smallest) field number
	line   int
	col    int
	index  int
}

func (p *printer) element(d protoreflect.Descriptor, kind int) element {
	e := element{desc: d, kind: kind, line: -1, index: d.Index()}
	if loc := p.file.SourceLocations().ByDescriptor(d); loc.Path != nil {
		e.line, e.col = loc.StartLine, loc.StartColumn
	}
	return e
}

// extensions groups consecutive extensions of the same message into one
// extend block, as they are usually written.
func (p *printer) extensions(xs protoreflect.ExtensionDescriptors, kind int) []element {
	var out []element
	for i := range xs.Len() {
		x := xs.Get(i)
		if n := len(out); n > 0 && out[n-1].group[0].ContainingMessage() == x.ContainingMessage() && !p.normalized {
			out[n-1].group = append(out[n-1].group, x)
			continue
		}
		e := p.element(x, kind)
		e.group = []protoreflect.FieldDescriptor{x}
		out = append(out, e)
	}
	if p.normalized {
		slices.SortStableFunc(out, func(a, b element) int {
			return cmp.Or(cmp.Compare(a.group[0].ContainingMessage().FullName(), b.group[0].ContainingMessage().FullName()),
				cmp.Compare(a.group[0].Number(), b.group[0].Number()))
		})
		var merged []element
		for _, e := range out {
			if n := len(merged); n > 0 && merged[n-1].group[0].ContainingMessage() == e.group[0].ContainingMessage() {
				merged[n-1].group = append(merged[n-1].group, e.group...)
				continue
			}
			merged = append(merged, e)
		}
		out = merged
	}
	return out
}

// order sorts declarations: by source position when every one has one
// (canonical text), else by kind, then field number for fields and oneofs,
// then declaration order.
func (p *printer) order(els []element) []element {
	bySource := !p.normalized
	for _, e := range els {
		if e.line < 0 {
			bySource = false
		}
	}
	slices.SortStableFunc(els, func(a, b element) int {
		if bySource {
			return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
		}
		if p.normalized {
			return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.number, b.number))
		}
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.index, b.index))
	})
	return els
}

func (p *printer) printElement(e element, scope protoreflect.Descriptor) error {
	if e.group != nil {
		p.line("extend %s {", p.typeName(scope, e.group[0].ContainingMessage().FullName()))
		p.depth++
		for _, x := range e.group {
			if err := p.field(x, scope); err != nil {
				return err
			}
		}
		p.depth--
		p.line("}")
		return nil
	}
	switch d := e.desc.(type) {
	case protoreflect.MessageDescriptor:
		return p.message(d)
	case protoreflect.EnumDescriptor:
		return p.enum(d)
	case protoreflect.ServiceDescriptor:
		return p.service(d)
	case protoreflect.OneofDescriptor:
		p.line("oneof %s {", d.Name())
		p.depth++
		defer func() { p.depth--; p.line("}") }()
		if err := p.options(d.Options(), scope); err != nil {
			return err
		}
		fs := make([]protoreflect.FieldDescriptor, d.Fields().Len())
		for i := range fs {
			fs[i] = d.Fields().Get(i)
		}
		if p.normalized {
			slices.SortFunc(fs, func(a, b protoreflect.FieldDescriptor) int { return cmp.Compare(a.Number(), b.Number()) })
		}
		for _, f := range fs {
			if err := p.field(f, scope); err != nil {
				return err
			}
		}
		return nil
	case protoreflect.FieldDescriptor:
		return p.field(d, scope)
	}
	return nil
}

// message prints a message declaration; an empty one on one line.
func (p *printer) message(m protoreflect.MessageDescriptor) error {
	mark := p.b.Len()
	p.line("message %s {", m.Name())
	body := p.b.Len()
	p.depth++
	err := p.messageBody(m)
	p.depth--
	if p.b.Len() == body {
		s := p.b.String()[:mark]
		p.b.Reset()
		p.b.WriteString(s)
		p.line("message %s {}", m.Name())
		return err
	}
	p.line("}")
	return err
}
