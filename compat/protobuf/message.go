package protobuf

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// realOneof is the name of the oneof holding f, "" for none. Synthetic
// oneofs (proto3 optional) do not count: Confluent's parser sees those
// fields as plain optional fields.
func realOneof(f protoreflect.FieldDescriptor) string {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return string(o.Name())
	}
	return ""
}

// hasOneof reports whether m declares a real oneof called name.
func hasOneof(m protoreflect.MessageDescriptor, name string) bool {
	o := m.Oneofs().ByName(protoreflect.Name(name))
	return o != nil && !o.IsSynthetic()
}

// realOneofNames lists m's real oneofs in declaration order.
func realOneofNames(m protoreflect.MessageDescriptor) []string {
	var out []string
	for i := range m.Oneofs().Len() {
		if o := m.Oneofs().Get(i); !o.IsSynthetic() {
			out = append(out, string(o.Name()))
		}
	}
	return out
}

// compareMessage follows the current Confluent MessageSchemaDiff: fields are
// compared by number across the whole message, whatever oneof holds them,
// so that moving a field into, out of or between oneofs cannot hide a type
// change or a removal.
func (d *differ) compareMessage(o, u protoreflect.MessageDescriptor) {
	if d.active[o.FullName()] {
		return
	}
	d.active[o.FullName()] = true
	defer delete(d.active, o.FullName())

	// A oneof that is gone with all its members is a deletion, which is
	// compatible; one whose members partly survive loses the rest.
	var deleted []string
	oNames, uNames := realOneofNames(o), realOneofNames(u)
	for _, name := range oNames {
		if hasOneof(u, name) {
			continue
		}
		survives := false
		fs := o.Oneofs().ByName(protoreflect.Name(name)).Fields()
		for i := range fs.Len() {
			if u.Fields().ByNumber(fs.Get(i).Number()) != nil {
				survives = true
			}
		}
		if !survives {
			deleted = append(deleted, name)
		}
	}

	d.checkNewExclusivity(o, u)

	names := union(uNames, oNames)
	slices.Sort(names)
	for _, n := range names {
		d.push(n)
		if !hasOneof(u, n) {
			if d.keep(oneofRemoved) {
				d.add(oneofRemoved, fmt.Sprintf("%s.%s", u.FullName(), n), "Oneof %s is not in the reader schema.", n)
			}
		} else if !hasOneof(o, n) {
			if d.keep(oneofAdded) {
				d.add(oneofAdded, fmt.Sprintf("%s.%s", u.FullName(), n), "Oneof %s is new in the reader schema.", n)
			}
		}
		d.pop()
	}

	of, uf := o.Fields(), u.Fields()
	tags := make([]protoreflect.FieldNumber, 0, of.Len()+uf.Len())
	for i := range of.Len() {
		tags = append(tags, of.Get(i).Number())
	}
	for i := range uf.Len() {
		if n := uf.Get(i).Number(); of.ByNumber(n) == nil {
			tags = append(tags, n)
		}
	}
	slices.Sort(tags)
	for _, t := range tags {
		d.compareTag(t, o, u, deleted)
	}

	d.compareTypes(o.Messages(), o.Enums(), u.Messages(), u.Enums())
}

// checkNewExclusivity finds reader oneofs whose pre-existing members come
// from more than one writer group (a writer oneof, or a single top-level
// field): values that could be set together in old data now exclude each
// other. Brand-new members are ignored, since old data never set them.
func (d *differ) checkNewExclusivity(o, u protoreflect.MessageDescriptor) {
	oos := u.Oneofs()
	for i := range oos.Len() {
		oo := oos.Get(i)
		if oo.IsSynthetic() {
			continue
		}
		groups := map[string]bool{} // few entries, and only for oneofs
		movedIn := 0
		fs := oo.Fields()
		for j := range fs.Len() {
			was := o.Fields().ByNumber(fs.Get(j).Number())
			if was == nil {
				continue
			}
			if name := realOneof(was); name != "" {
				groups["oneof:"+name] = true
			} else {
				groups[fmt.Sprint("field:", was.Number())] = true
				movedIn++
			}
		}
		if len(groups) <= 1 {
			continue
		}
		d.push(string(oo.Name()))
		path := string(oo.FullName())
		if movedIn > 1 {
			d.add(multipleFieldsMovedToOneof, path,
				"Oneof %s in the reader schema holds %d fields that were independent in the writer schema.", oo.Name(), movedIn)
		} else {
			d.add(fieldMovedToExistingOneof, path,
				"Oneof %s in the reader schema adds a field that was independent in the writer schema to existing oneof members.", oo.Name())
		}
		d.pop()
	}
}

// compareTag compares the field numbered t on both sides.
func (d *differ) compareTag(t protoreflect.FieldNumber, o, u protoreflect.MessageDescriptor, deleted []string) {
	of, uf := o.Fields().ByNumber(t), u.Fields().ByNumber(t)
	var oOneof, uOneof string
	if of != nil {
		oOneof = realOneof(of)
	}
	if uf != nil {
		uOneof = realOneof(uf)
	}
	oIn, uIn := oOneof != "", uOneof != ""
	switch {
	case uf == nil:
		at := fieldAt{u.FullName(), of}
		if oIn {
			if !slices.Contains(deleted, oOneof) {
				d.push(oOneof)
				d.pushTag(t)
				d.add(oneofFieldRemoved, at.String(),
					"Field %s of oneof %s in the writer schema is missing from the reader schema while the oneof remains.", of.Name(), oOneof)
				d.pop()
				d.pop()
			}
			return
		}
		d.pushTag(t)
		if of.Cardinality() == protoreflect.Required {
			d.add(requiredFieldRemoved, at.String(), "Required field %s of the writer schema is missing from the reader schema.", of.Name())
		} else {
			if d.keep(fieldRemoved) {
				d.add(fieldRemoved, at.String(), "Field %s of the writer schema is not in the reader schema.", of.Name())
			}
		}
		d.pop()
	case of == nil:
		at := fieldAt{u.FullName(), uf}
		if uIn {
			d.push(uOneof)
			d.pushTag(t)
			if d.keep(oneofFieldAdded) {
				d.add(oneofFieldAdded, at.String(), "Field %s is new in oneof %s of the reader schema.", uf.Name(), uOneof)
			}
			d.pop()
			d.pop()
			return
		}
		d.pushTag(t)
		if uf.Cardinality() == protoreflect.Required {
			d.add(requiredFieldAdded, at.String(), "Required field %s is new in the reader schema, so data written without it cannot be read.", uf.Name())
		} else {
			if d.keep(fieldAdded) {
				d.add(fieldAdded, at.String(), "Field %s is new in the reader schema.", uf.Name())
			}
		}
		d.pop()
	default:
		at := fieldAt{u.FullName(), uf}
		if oIn && !uIn {
			d.pushTag(t)
			if d.keep(oneofFieldMovedToTopLevel) {
				d.add(oneofFieldMovedToTopLevel, at.String(), "Field %s left oneof %s.", uf.Name(), oOneof)
			}
			d.pop()
		}
		if uIn {
			d.push(uOneof)
			defer d.pop()
		}
		d.pushTag(t)
		defer d.pop()
		d.compareField(of, uf, at)
	}
}

// fieldAt is where a field difference is reported; it is formatted only
// when there is a difference to report.
type fieldAt struct {
	msg   protoreflect.FullName
	field protoreflect.FieldDescriptor
}

// String names the field for people: "shop.v1.Order.total (field 4)".
func (f fieldAt) String() string {
	return fieldPath(f.msg, f.field)
}

func fieldPath(msg protoreflect.FullName, f protoreflect.FieldDescriptor) string {
	return fmt.Sprintf("%s.%s (field %d)", msg, f.Name(), f.Number())
}
