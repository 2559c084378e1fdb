package avro

import (
	"fmt"
	"strconv"
	"strings"
)

// define creates a named node from the name, namespace, doc and aliases
// attributes of v and registers it, refusing a second definition.
func (b *builder) define(v *value, space string, k kind) (*node, error) {
	nameAttr := v.get("name")
	if nameAttr == nil || nameAttr.kind != jsonString {
		return nil, fmt.Errorf("no name in schema: %s", compactJSON(v))
	}
	name := nameAttr.str
	if ns := optionalText(v, "namespace"); ns != nil {
		space = *ns
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		space, name = name[:i], name[i+1:]
	}
	if err := validName(name); err != nil {
		return nil, err
	}
	for _, part := range strings.Split(space, ".") {
		if space == "" {
			break
		}
		if err := validName(part); err != nil {
			return nil, fmt.Errorf("invalid namespace %q: %v", space, err)
		}
	}
	n := &node{kind: k, name: name, space: space, doc: optionalText(v, "doc"), props: customProps(v, k),
		off: v.off, nameOff: nameAttr.off}
	aliases, err := stringList(v, "aliases")
	if err != nil {
		return nil, err
	}
	for i, a := range aliases {
		if !strings.Contains(a, ".") && space != "" {
			aliases[i] = space + "." + a
		}
	}
	n.aliases = unique(aliases)
	if b.names[n.full()] != nil {
		return nil, fmt.Errorf("can't redefine: %s", n.full())
	}
	b.names[n.full()] = n
	b.defined = append(b.defined, n)
	return n, nil
}

func (b *builder) record(v *value, space string, isError bool) (*node, error) {
	n, err := b.define(v, space, kindRecord)
	if err != nil {
		return nil, err
	}
	n.isError = isError
	fields := v.get("fields")
	if fields == nil || fields.kind != jsonArray {
		return nil, fmt.Errorf("record %s has no fields array", n.full())
	}
	seen := map[string]bool{}
	for _, fv := range fields.items {
		f, err := b.field(fv, n.space)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", n.full(), err)
		}
		if seen[f.name] {
			return nil, fmt.Errorf("record %s: duplicate field %s", n.full(), f.name)
		}
		seen[f.name] = true
		n.fields = append(n.fields, f)
	}
	n.fieldIndex = make(map[string]*field, len(n.fields))
	for _, f := range n.fields {
		n.fieldIndex[f.name] = f
	}
	return n, nil
}

func (b *builder) field(v *value, space string) (*field, error) {
	if v.kind != jsonObject {
		return nil, fmt.Errorf("field is not an object: %s", compactJSON(v))
	}
	nameAttr := v.get("name")
	if nameAttr == nil || nameAttr.kind != jsonString {
		return nil, fmt.Errorf("no field name: %s", compactJSON(v))
	}
	if err := validName(nameAttr.str); err != nil {
		return nil, err
	}
	f := &field{name: nameAttr.str, doc: optionalText(v, "doc"), def: v.get("default"), order: "ascending", off: v.off}
	t := v.get("type")
	if t == nil {
		return nil, fmt.Errorf("no type for field %s", f.name)
	}
	f.typeOff = t.off
	typ, err := b.parse(t, space)
	if err != nil {
		return nil, err
	}
	f.typ = typ
	if f.def != nil && f.def.kind == jsonString && (typ.kind == kindFloat || typ.kind == kindDouble) {
		def, ok := floatDefault(f.def)
		if !ok {
			return nil, fmt.Errorf("field %s: invalid default %q for %s", f.name, f.def.str, typ.kind)
		}
		f.def = def
	}
	if o := v.get("order"); o != nil {
		if o.kind != jsonString {
			return nil, fmt.Errorf("field %s: order must be a string", f.name)
		}
		f.order = strings.ToLower(o.str)
		if f.order != "ascending" && f.order != "descending" && f.order != "ignore" {
			return nil, fmt.Errorf("field %s: invalid order %q", f.name, o.str)
		}
	}
	aliases, err := stringList(v, "aliases")
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", f.name, err)
	}
	f.aliases = unique(aliases)
	for _, m := range v.members {
		if !fieldReserved(m.key) {
			f.props = append(f.props, m)
		}
	}
	return f, nil
}

func (b *builder) enum(v *value, space string) (*node, error) {
	n, err := b.define(v, space, kindEnum)
	if err != nil {
		return nil, err
	}
	syms := v.get("symbols")
	if syms == nil || syms.kind != jsonArray {
		return nil, fmt.Errorf("enum %s has no symbols array", n.full())
	}
	seen := map[string]bool{}
	for _, s := range syms.items {
		if s.kind != jsonString {
			return nil, fmt.Errorf("enum %s: symbol is not a string: %s", n.full(), compactJSON(s))
		}
		if err := validName(s.str); err != nil {
			return nil, fmt.Errorf("enum %s: invalid symbol: %w", n.full(), err)
		}
		if seen[s.str] {
			return nil, fmt.Errorf("enum %s: duplicate symbol %s", n.full(), s.str)
		}
		seen[s.str] = true
		n.symbols = append(n.symbols, s.str)
	}
	n.symbolsOff = syms.off
	if d := v.get("default"); d != nil {
		if d.kind != jsonString || !seen[d.str] {
			return nil, fmt.Errorf("enum %s: default %s is not one of its symbols", n.full(), compactJSON(d))
		}
		n.enumDefault = &d.str
	}
	n.symbolSet = seen
	return n, nil
}

func (b *builder) fixed(v *value, space string) (*node, error) {
	n, err := b.define(v, space, kindFixed)
	if err != nil {
		return nil, err
	}
	s := v.get("size")
	if s == nil || s.kind != jsonNumber {
		return nil, fmt.Errorf("fixed %s has no size", n.full())
	}
	size, err := strconv.ParseInt(s.str, 10, 32)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("fixed %s: invalid size %s", n.full(), s.str)
	}
	n.size, n.sizeOff = int(size), s.off
	return n, nil
}

// stringList reads an optional array of strings.
func stringList(v *value, key string) ([]string, error) {
	a := v.get(key)
	if a == nil {
		return nil, nil
	}
	if a.kind != jsonArray {
		return nil, fmt.Errorf("%s is not an array", key)
	}
	out := make([]string, 0, len(a.items))
	for _, item := range a.items {
		if item.kind != jsonString {
			return nil, fmt.Errorf("%s entry is not a string: %s", key, compactJSON(item))
		}
		out = append(out, item.str)
	}
	return out, nil
}

// unique drops repeats, keeping first occurrences in order, as Java's
// LinkedHashSet of aliases does.
func unique(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(list))
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// validName applies the Avro name grammar [A-Za-z_][A-Za-z0-9_]*.
func validName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return fmt.Errorf("invalid name %q", name)
		}
	}
	return nil
}
