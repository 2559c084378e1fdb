package protobuf

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/charterhq/charter/compat"
)

var _ compat.Locator = (*schema)(nil)

// File-level source paths (FileDescriptorProto field numbers).
const (
	filePackageTag = 2
	fileSyntaxTag  = 12
	fileEditionTag = 14
)

// Locate places a Problem Path of this package in the .proto text the
// schema was parsed from: a package name (or "(no package)"), a message,
// enum, oneof, service or method full name, a field as
// "pkg.Msg.name (field N)" and an enum value as "pkg.Enum.NAME (value N)"
// (the suffixes are optional; an enum value's protobuf full name, a sibling
// of its enum, is accepted too). Line and column are 1-based; the column
// counts characters, with tabs advancing to the next multiple of 8 as in
// ParseError. ok is false for a schema given as a base64 descriptor, and
// for an element that is not declared in this schema's own text.
func (s *schema) Locate(path string) (line, column int, ok bool) {
	if s == nil || !s.fromText || s.file == nil {
		return 0, 0, false
	}
	path = strings.TrimSpace(path)
	if path == "" {
		return 0, 0, false
	}
	d := s.find(path)
	var loc protoreflect.SourceLocation
	locs := s.file.SourceLocations()
	switch {
	case d != nil:
		loc = locate(locs, d)
	case path == string(s.file.Package()) || path == "(no package)":
		loc = locs.ByPath(protoreflect.SourcePath{filePackageTag})
		if len(loc.Path) == 0 {
			loc = locs.ByPath(protoreflect.SourcePath{fileSyntaxTag})
		}
		if len(loc.Path) == 0 {
			loc = locs.ByPath(protoreflect.SourcePath{fileEditionTag})
		}
	}
	if len(loc.Path) == 0 || loc.StartLine < 0 || loc.StartColumn < 0 {
		return 0, 0, false
	}
	return loc.StartLine + 1, loc.StartColumn + 1, true
}

// find resolves path to a descriptor declared in s's own file.
func (s *schema) find(path string) protoreflect.Descriptor {
	name, number, kind := splitSuffix(path)
	switch kind {
	case "field":
		m, _ := s.lookup(parentName(name)).(protoreflect.MessageDescriptor)
		if m == nil {
			return nil
		}
		if f := m.Fields().ByNumber(protoreflect.FieldNumber(number)); f != nil {
			return f
		}
		if f := m.Fields().ByName(protoreflect.Name(lastName(name))); f != nil {
			return f
		}
		return nil
	case "value":
		e, _ := s.lookup(parentName(name)).(protoreflect.EnumDescriptor)
		if e == nil {
			return nil
		}
		if v := e.Values().ByName(protoreflect.Name(lastName(name))); v != nil {
			return v
		}
		if v := e.Values().ByNumber(protoreflect.EnumNumber(number)); v != nil {
			return v
		}
		return nil
	}
	if d := s.lookup(name); d != nil {
		return d
	}
	// An enum value as this package names it: "pkg.Enum.NAME".
	if e, _ := s.lookup(parentName(name)).(protoreflect.EnumDescriptor); e != nil {
		if v := e.Values().ByName(protoreflect.Name(lastName(name))); v != nil {
			return v
		}
	}
	return nil
}

// splitSuffix separates "name (field 4)" or "name (value 1)" into its
// parts; kind is "" when there is no such suffix.
func splitSuffix(path string) (name string, number int64, kind string) {
	if !strings.HasSuffix(path, ")") {
		return path, 0, ""
	}
	open := strings.LastIndex(path, " (")
	if open < 0 {
		return path, 0, ""
	}
	inner := path[open+2 : len(path)-1]
	k, num, found := strings.Cut(inner, " ")
	if !found || (k != "field" && k != "value") {
		return path, 0, ""
	}
	var n int64
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	if num == "" || len(num) > 10 {
		return path, 0, ""
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return path, 0, ""
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return path[:open], n, k
}

func parentName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

func lastName(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// lookup finds the element with full name name among the declarations of
// s's own file (imports are not searched: their text is not s's).
func (s *schema) lookup(name string) protoreflect.Descriptor {
	if name == "" {
		return nil
	}
	full := protoreflect.FullName(strings.TrimPrefix(name, "."))
	if !full.IsValid() {
		return nil
	}
	f := s.file
	if d := findIn(f.Messages(), f.Enums(), full); d != nil {
		return d
	}
	for i := range f.Extensions().Len() {
		if x := f.Extensions().Get(i); x.FullName() == full {
			return x
		}
	}
	for i := range f.Services().Len() {
		sv := f.Services().Get(i)
		if sv.FullName() == full {
			return sv
		}
		if m := sv.Methods().ByName(full.Name()); m != nil && m.FullName() == full {
			return m
		}
	}
	return nil
}

// findIn searches messages (with their fields, oneofs, nested types and
// extensions) and enums (with their values) for full.
func findIn(ms protoreflect.MessageDescriptors, es protoreflect.EnumDescriptors, full protoreflect.FullName) protoreflect.Descriptor {
	for i := range es.Len() {
		e := es.Get(i)
		if e.FullName() == full {
			return e
		}
		if v := e.Values().ByName(full.Name()); v != nil && v.FullName() == full {
			return v
		}
	}
	for i := range ms.Len() {
		m := ms.Get(i)
		if m.FullName() == full {
			return m
		}
		if !strings.HasPrefix(string(full), string(m.FullName())+".") {
			continue
		}
		if f := m.Fields().ByName(full.Name()); f != nil && f.FullName() == full {
			return f
		}
		if o := m.Oneofs().ByName(full.Name()); o != nil && o.FullName() == full {
			return o
		}
		for j := range m.Extensions().Len() {
			if x := m.Extensions().Get(j); x.FullName() == full {
				return x
			}
		}
		if d := findIn(m.Messages(), m.Enums(), full); d != nil {
			return d
		}
	}
	return nil
}

// locate finds d's declaration, or for an element without one (a map
// entry message and its key and value fields, which the compiler makes up)
// the map field that stands for it, else the nearest declared ancestor.
func locate(locs protoreflect.SourceLocations, d protoreflect.Descriptor) protoreflect.SourceLocation {
	for ; d != nil; d = d.Parent() {
		if _, isFile := d.(protoreflect.FileDescriptor); isFile {
			break
		}
		if loc := locs.ByDescriptor(d); len(loc.Path) > 0 {
			return loc
		}
		if m, ok := d.(protoreflect.MessageDescriptor); ok && m.IsMapEntry() {
			if parent, ok := m.Parent().(protoreflect.MessageDescriptor); ok {
				fs := parent.Fields()
				for i := range fs.Len() {
					if f := fs.Get(i); f.IsMap() && f.Message().FullName() == m.FullName() {
						if loc := locs.ByDescriptor(f); len(loc.Path) > 0 {
							return loc
						}
					}
				}
			}
		}
	}
	return protoreflect.SourceLocation{}
}
