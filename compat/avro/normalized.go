package avro

import (
	"bytes"
	"slices"
)

// normalizedWriter renders the form used for normalize=true: Avro's Parsing
// Canonical Form (full names, no namespace or doc, attributes in a fixed
// order) plus the attributes that change how data is read: defaults,
// aliases, sort order, enum defaults and logical types. Custom properties
// are dropped. Aliases are sorted, and default values have their object keys
// sorted, because neither order carries meaning.
type normalizedWriter struct {
	buf   bytes.Buffer
	known map[string]bool
	full  bool
	space string // namespace a reader of our output infers here
}

// normalized renders root. With full false, field defaults and field aliases
// are left out: that variant is what we hand to hamba, which checks defaults
// differently from Java (validDefault does it instead) and, unlike Java,
// applies the name grammar to field aliases.
func normalized(root *node, full bool) string {
	w := &normalizedWriter{known: map[string]bool{}, full: full}
	w.write(root)
	return w.buf.String()
}

func (w *normalizedWriter) write(n *node) {
	b := &w.buf
	switch n.kind {
	case kindRecord, kindEnum, kindFixed:
		if n.fromRef || w.known[n.full()] {
			writeString(b, n.full())
			return
		}
		w.known[n.full()] = true
		w.named(n)
	case kindArray:
		b.WriteString(`{"type":"array","items":`)
		w.write(n.items)
		b.WriteByte('}')
	case kindMap:
		b.WriteString(`{"type":"map","values":`)
		w.write(n.values)
		b.WriteByte('}')
	case kindUnion:
		b.WriteByte('[')
		for i, br := range n.branches {
			if i > 0 {
				b.WriteByte(',')
			}
			w.write(br)
		}
		b.WriteByte(']')
	default:
		if logicalType(n) == "" {
			writeString(b, n.kind.String())
			return
		}
		b.WriteString(`{"type":`)
		writeString(b, n.kind.String())
		w.logical(n)
		b.WriteByte('}')
	}
}

func (w *normalizedWriter) named(n *node) {
	b := &w.buf
	b.WriteString(`{"name":`)
	writeString(b, n.full())
	// A full name cannot say "no namespace"; inside a namespaced record
	// only an empty namespace attribute can.
	if n.space == "" && w.space != "" {
		b.WriteString(`,"namespace":""`)
	}
	b.WriteString(`,"type":`)
	if n.isError {
		b.WriteString(`"error"`)
	} else {
		writeString(b, n.kind.String())
	}
	writeBody(b, n, &w.space, w.field)
	if n.kind == kindFixed {
		w.logical(n)
	}
	w.aliases(n.aliases)
	b.WriteByte('}')
}

func (w *normalizedWriter) field(f *field) {
	b := &w.buf
	b.WriteString(`{"name":`)
	writeString(b, f.name)
	b.WriteString(`,"type":`)
	w.write(f.typ)
	if f.def != nil && w.full {
		b.WriteString(`,"default":`)
		writeValue(b, f.def, true)
	}
	if f.order != "ascending" {
		b.WriteString(`,"order":`)
		writeString(b, f.order)
	}
	if w.full {
		w.aliases(f.aliases)
	}
	b.WriteByte('}')
}

func (w *normalizedWriter) aliases(list []string) {
	if len(list) == 0 {
		return
	}
	sorted := slices.Clone(list)
	slices.Sort(sorted)
	w.buf.WriteString(`,"aliases":[`)
	for i, a := range sorted {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		writeString(&w.buf, a)
	}
	w.buf.WriteByte(']')
}

// logical writes logicalType and, for decimals, precision and scale.
func (w *normalizedWriter) logical(n *node) {
	lt := logicalType(n)
	if lt == "" {
		return
	}
	w.buf.WriteString(`,"logicalType":`)
	writeString(&w.buf, lt)
	for _, key := range []string{"precision", "scale"} {
		if v := n.prop(key); v != nil && lt == "decimal" {
			w.buf.WriteString(`,"` + key + `":`)
			writeValue(&w.buf, v, true)
		}
	}
}

// logicalType is n's logicalType property when it is a string. Java ignores
// other values, and so do we.
func logicalType(n *node) string {
	if v := n.prop("logicalType"); v != nil && v.kind == jsonString {
		return v.str
	}
	return ""
}
