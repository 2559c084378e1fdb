package avro

import (
	"bytes"
	"fmt"
	"strings"
)

// builder turns decoded JSON into nodes, resolving names the way Java's
// Schema.Parser does. One builder serves a schema and all its references, so
// names defined by a reference are visible to later texts.
type builder struct {
	names   map[string]*node
	defined []*node // named types, in definition order
}

func newBuilder() *builder { return &builder{names: map[string]*node{}} }

// build parses one schema value in the null namespace.
func (b *builder) build(v *value) (*node, error) {
	n, err := b.parse(v, "")
	if err != nil {
		return nil, err
	}
	check := defaults{memo: map[defaultKey]bool{}}
	for _, d := range b.defined {
		for _, f := range d.fields {
			if f.def != nil && !check.valid(f.typ, f.def) {
				return nil, fmt.Errorf("invalid default for field %q in %s: %s", f.name, d.full(), compactJSON(f.def))
			}
		}
	}
	return n, nil
}

func (b *builder) parse(v *value, space string) (*node, error) {
	switch v.kind {
	case jsonString:
		return b.lookup(v.str, space)
	case jsonArray:
		return b.union(v, space)
	case jsonObject:
		t := v.get("type")
		if t == nil {
			return nil, fmt.Errorf("no type in %s", compactJSON(v))
		}
		if t.kind != jsonString {
			return nil, fmt.Errorf("type must be a string, got %s", compactJSON(t))
		}
		switch t.str {
		case "record", "error":
			return b.record(v, space, t.str == "error")
		case "enum":
			return b.enum(v, space)
		case "fixed":
			return b.fixed(v, space)
		case "array", "map":
			return b.container(v, space, t.str)
		}
		if k, ok := primitive(t.str); ok {
			return &node{kind: k, props: customProps(v, k)}, nil
		}
		// Java accepts {"type":"SomeName"} for a type already defined.
		return b.lookup(t.str, space)
	}
	return nil, fmt.Errorf("not a schema: %s", compactJSON(v))
}

// lookup resolves a type name: a primitive, else a defined name qualified by
// the enclosing namespace, else (as Java does) the same name unqualified.
func (b *builder) lookup(name, space string) (*node, error) {
	if k, ok := primitive(name); ok {
		return &node{kind: k}, nil
	}
	if !strings.Contains(name, ".") && space != "" {
		if n := b.names[space+"."+name]; n != nil {
			return n, nil
		}
	}
	if n := b.names[name]; n != nil {
		return n, nil
	}
	return nil, fmt.Errorf("undefined name: %q", name)
}

func (b *builder) union(v *value, space string) (*node, error) {
	n := &node{kind: kindUnion, branches: make([]*node, 0, len(v.items)), branchOffs: make([]int, 0, len(v.items))}
	seen := map[string]bool{}
	for _, item := range v.items {
		br, err := b.parse(item, space)
		if err != nil {
			return nil, err
		}
		if br.kind == kindUnion {
			return nil, fmt.Errorf("nested union: %s", compactJSON(v))
		}
		key := br.kind.String()
		if br.named() {
			key = br.full()
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate in union: %s", key)
		}
		seen[key] = true
		n.branches = append(n.branches, br)
		n.branchOffs = append(n.branchOffs, item.off)
	}
	return n, nil
}

func (b *builder) container(v *value, space, typ string) (*node, error) {
	attr, k := "items", kindArray
	if typ == "map" {
		attr, k = "values", kindMap
	}
	inner := v.get(attr)
	if inner == nil {
		return nil, fmt.Errorf("%s has no %s: %s", typ, attr, compactJSON(v))
	}
	child, err := b.parse(inner, space)
	if err != nil {
		return nil, err
	}
	n := &node{kind: k, props: customProps(v, k), childOff: inner.off}
	if k == kindArray {
		n.items = child
	} else {
		n.values = child
	}
	return n, nil
}

func customProps(v *value, k kind) []member {
	var props []member
	for _, m := range v.members {
		if !schemaReserved(m.key, k) {
			props = append(props, m)
		}
	}
	return props
}

// optionalText mirrors Java's getOptionalText: a non-string counts as absent.
func optionalText(v *value, key string) *string {
	if a := v.get(key); a != nil && a.kind == jsonString {
		s := a.str
		return &s
	}
	return nil
}

func compactJSON(v *value) string {
	var buf bytes.Buffer
	writeValue(&buf, v, false)
	s := buf.String()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
