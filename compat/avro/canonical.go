package avro

import (
	"bytes"
	"strconv"
	"strings"
)

// canonicalWriter renders a schema as Java Avro's Schema.toString does,
// which is the text Confluent stores and serves: compact JSON, attributes in
// Java's order, doc, defaults, aliases and custom properties kept, and each
// named type spelled out once and then referred to by name, relative to the
// enclosing namespace.
type canonicalWriter struct {
	buf   bytes.Buffer
	known map[string]bool // full names already written or defined elsewhere
	space string          // the enclosing namespace, as Java's Names.space
}

// canonical renders root. Named types defined by references are known from
// the start, so they appear by name instead of being inlined.
func canonical(root *node, refDefined []*node) string {
	w := &canonicalWriter{known: map[string]bool{}}
	for _, n := range refDefined {
		w.known[n.full()] = true
	}
	w.write(root)
	return w.buf.String()
}

func (w *canonicalWriter) write(n *node) {
	b := &w.buf
	switch n.kind {
	case kindRecord, kindEnum, kindFixed:
		if w.known[n.full()] {
			writeString(b, w.qualified(n.name, n.space))
			return
		}
		w.known[n.full()] = true
		w.named(n)
	case kindArray, kindMap:
		b.WriteString(`{"type":`)
		writeString(b, n.kind.String())
		if n.kind == kindArray {
			b.WriteString(`,"items":`)
			w.write(n.items)
		} else {
			b.WriteString(`,"values":`)
			w.write(n.values)
		}
		w.props(n.props)
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
		if len(n.props) == 0 {
			writeString(b, n.kind.String())
			return
		}
		b.WriteString(`{"type":`)
		writeString(b, n.kind.String())
		w.props(n.props)
		b.WriteByte('}')
	}
}

// named writes the definition of a record, enum or fixed.
func (w *canonicalWriter) named(n *node) {
	b := &w.buf
	typ := n.kind.String()
	if n.isError {
		typ = "error"
	}
	b.WriteString(`{"type":`)
	writeString(b, typ)
	b.WriteString(`,"name":`)
	writeString(b, n.name)
	// Java writes the namespace only where it differs from the enclosing
	// one, and "" to step out of an enclosing namespace.
	if n.space != w.space {
		b.WriteString(`,"namespace":`)
		writeString(b, n.space)
	}
	if n.doc != nil {
		b.WriteString(`,"doc":`)
		writeString(b, *n.doc)
	}
	writeBody(b, n, &w.space, w.field)
	w.props(n.props)
	if len(n.aliases) > 0 {
		b.WriteString(`,"aliases":[`)
		for i, a := range n.aliases {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, relative(a, n.space))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
}

// field writes a record field in Java's attribute order: name, type, doc,
// default, order, aliases, then custom properties.
func (w *canonicalWriter) field(f *field) {
	b := &w.buf
	b.WriteString(`{"name":`)
	writeString(b, f.name)
	b.WriteString(`,"type":`)
	w.write(f.typ)
	if f.doc != nil {
		b.WriteString(`,"doc":`)
		writeString(b, *f.doc)
	}
	if f.def != nil {
		b.WriteString(`,"default":`)
		writeValue(b, f.def, false)
	}
	if f.order != "ascending" {
		b.WriteString(`,"order":`)
		writeString(b, f.order)
	}
	if len(f.aliases) > 0 {
		b.WriteString(`,"aliases":[`)
		for i, a := range f.aliases {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, a)
		}
		b.WriteByte(']')
	}
	w.props(f.props)
	b.WriteByte('}')
}

func (w *canonicalWriter) props(props []member) {
	for _, p := range props {
		w.buf.WriteByte(',')
		writeString(&w.buf, p.key)
		w.buf.WriteByte(':')
		writeValue(&w.buf, p.val, false)
	}
}

// qualified is Java's Name.getQualified: the short name when the type lives
// in the enclosing namespace or in none, the full name otherwise.
func (w *canonicalWriter) qualified(name, space string) string {
	if space == "" || space == w.space {
		return name
	}
	return space + "." + name
}

// relative writes an alias full name relative to the namespace of the type
// that declares it, as Java does.
func relative(full, space string) string {
	if space != "" && len(full) > len(space)+1 && full[:len(space)] == space && full[len(space)] == '.' {
		rest := full[len(space)+1:]
		if !strings.Contains(rest, ".") {
			return rest
		}
	}
	return full
}

// writeBody writes what a record, enum or fixed holds after its names and
// doc, the same in the canonical and the normalized form: a record's
// fields (each through field, with space set to the record's namespace
// meanwhile), an enum's symbols and default, a fixed's size.
func writeBody(b *bytes.Buffer, n *node, space *string, field func(*field)) {
	switch n.kind {
	case kindRecord:
		saved := *space
		*space = n.space
		b.WriteString(`,"fields":[`)
		for i, f := range n.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			field(f)
		}
		b.WriteByte(']')
		*space = saved
	case kindEnum:
		b.WriteString(`,"symbols":[`)
		for i, s := range n.symbols {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, s)
		}
		b.WriteByte(']')
		if n.enumDefault != nil {
			b.WriteString(`,"default":`)
			writeString(b, *n.enumDefault)
		}
	case kindFixed:
		b.WriteString(`,"size":`)
		b.WriteString(strconv.Itoa(n.size))
	}
}
