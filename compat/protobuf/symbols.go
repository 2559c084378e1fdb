package protobuf

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// symbols is every name a file can see: its own declarations, those of the
// files it imports, and each package and package prefix. The printer uses
// it to check that a shortened type name still means the same type.
type symbols map[protoreflect.FullName]bool

func newSymbols(fd protoreflect.FileDescriptor) symbols {
	s := symbols{}
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		for pkg := f.Package(); pkg != ""; pkg = pkg.Parent() {
			s[pkg] = true
		}
		s.addTypes(f.Messages(), f.Enums(), f.Extensions())
		for i := range f.Services().Len() {
			svc := f.Services().Get(i)
			s[svc.FullName()] = true
			for j := range svc.Methods().Len() {
				s[svc.Methods().Get(j).FullName()] = true
			}
		}
		for i := range f.Imports().Len() {
			visit(f.Imports().Get(i).FileDescriptor)
		}
	}
	visit(fd)
	return s
}

func (s symbols) addTypes(ms protoreflect.MessageDescriptors, es protoreflect.EnumDescriptors, xs protoreflect.ExtensionDescriptors) {
	for i := range ms.Len() {
		m := ms.Get(i)
		s[m.FullName()] = true
		for j := range m.Fields().Len() {
			s[m.Fields().Get(j).FullName()] = true
		}
		for j := range m.Oneofs().Len() {
			s[m.Oneofs().Get(j).FullName()] = true
		}
		s.addTypes(m.Messages(), m.Enums(), m.Extensions())
	}
	for i := range es.Len() {
		e := es.Get(i)
		s[e.FullName()] = true
		for j := range e.Values().Len() {
			s[e.Values().Get(j).FullName()] = true // enum values live beside their enum
		}
	}
	for i := range xs.Len() {
		s[xs.Get(i).FullName()] = true
	}
}

// resolve finds what the relative name rel means when written inside scope:
// its first component binds to the innermost enclosing scope declaring it,
// and the rest must follow from there, as protoc resolves names. It
// returns "" when rel resolves to nothing.
func (s symbols) resolve(scope protoreflect.FullName, rel string) protoreflect.FullName {
	first, rest, _ := strings.Cut(rel, ".")
	for sc := scope; ; sc = sc.Parent() {
		bound := sc.Append(protoreflect.Name(first))
		if sc == "" {
			bound = protoreflect.FullName(first)
		}
		if s[bound] {
			full := bound
			if rest != "" {
				full = protoreflect.FullName(string(bound) + "." + rest)
			}
			if !s[full] {
				return ""
			}
			return full
		}
		if sc == "" {
			return ""
		}
	}
}
