package protobuf

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// difference is one change between a writer schema (Confluent's "original")
// and a reader schema (its "update"), as Confluent's SchemaDiff records it.
// Compatible changes are recorded too: whether a referenced message changed
// incompatibly depends on them, and the tests compare the whole list with
// Confluent's corpus.
type difference struct {
	rule    string // Confluent's Difference.Type name
	at      string // Confluent's path, "#/Message/oneof/tag"
	path    string // compat.Problem.Path: the fully-qualified element
	message string
}

func (d difference) String() string { return d.rule + " " + d.at }

// differ walks two files side by side the way Confluent's SchemaDiff walks
// two parsed .proto trees: messages and enums by name per nesting level,
// fields by number, enum constants by number.
type differ struct {
	original, update protoreflect.FileDescriptor
	diffs            []difference
	at               []segment // Confluent's path, pushed and popped as the walk descends
	verbose          bool      // record compatible differences in full (tests)
	// active holds the writer messages being compared on the current walk,
	// so that recursive types through imports end.
	active map[protoreflect.FullName]bool
}

// diffFiles lists the differences from original to update: every one when
// verbose, else the incompatible ones only.
func diffFiles(original, update protoreflect.FileDescriptor, verbose bool) []difference {
	d := &differ{original: original, update: update, verbose: verbose, active: map[protoreflect.FullName]bool{}}
	if original.Package() != update.Package() {
		if d.keep(packageChanged) {
			d.add(packageChanged, cmp.Or(string(update.Package()), "(no package)"),
				"The reader schema's package %q differs from the writer schema's %q.", update.Package(), original.Package())
		}
	}
	d.compareTypes(original.Messages(), original.Enums(), update.Messages(), update.Enums())
	return d.diffs
}

// segment is one step of Confluent's path: a name, or a field or enum
// number (kept as a number so that the walk formats nothing until there is
// a difference to report).
type segment struct {
	name   string
	number int32
}

// keep reports whether a compatible difference of type rule is to be
// recorded. Deciding compatibility needs only the incompatible ones, so
// outside tests the walk spares formatting a path and message for every
// added field of every version compared.
func (d *differ) keep(rule string) bool {
	return d.verbose
}

func (d *differ) add(rule, path, format string, args ...any) {
	parts := make([]string, len(d.at))
	for i, s := range d.at {
		parts[i] = s.name
		if s.name == "" {
			parts[i] = strconv.Itoa(int(s.number))
		}
	}
	d.diffs = append(d.diffs, difference{
		rule:    rule,
		at:      "#/" + strings.Join(parts, "/"),
		path:    path,
		message: fmt.Sprintf(format, args...),
	})
}

func (d *differ) push(name string)                   { d.at = append(d.at, segment{name: name}) }
func (d *differ) pushNumber(n int32)                 { d.at = append(d.at, segment{number: n}) }
func (d *differ) pushTag(n protoreflect.FieldNumber) { d.pushNumber(int32(n)) }
func (d *differ) pop()                               { d.at = d.at[:len(d.at)-1] }

// compatible reports whether every difference so far is one Confluent
// allows.
func (d *differ) compatible() bool {
	for _, x := range d.diffs {
		if !isCompatible(x.rule) {
			return false
		}
	}
	return true
}

// named is a message or enum with its position among its siblings of the
// same kind.
type named[T protoreflect.Descriptor] struct {
	desc  T
	index int
}

// byName indexes messages, leaving out map entries: Confluent's parser
// never sees them, as it reads map<K, V> as a field type.
func messagesByName(ms protoreflect.MessageDescriptors) (map[string]named[protoreflect.MessageDescriptor], []string) {
	out := map[string]named[protoreflect.MessageDescriptor]{}
	var order []string
	for i := range ms.Len() {
		m := ms.Get(i)
		if m.IsMapEntry() {
			continue
		}
		name := string(m.Name())
		out[name] = named[protoreflect.MessageDescriptor]{m, len(order)}
		order = append(order, name)
	}
	return out, order
}

func enumsByName(es protoreflect.EnumDescriptors) (map[string]protoreflect.EnumDescriptor, []string) {
	out := map[string]protoreflect.EnumDescriptor{}
	var order []string
	for i := range es.Len() {
		e := es.Get(i)
		out[string(e.Name())] = e
		order = append(order, string(e.Name()))
	}
	return out, order
}

// union lists the reader's names in declaration order, then the writer's
// names the reader lacks, so differences come out in a stable order.
func union(update, original []string) []string {
	out := slices.Clone(update)
	for _, n := range original {
		if !slices.Contains(update, n) {
			out = append(out, n)
		}
	}
	return out
}

// compareTypes compares the messages and enums declared at one level.
func (d *differ) compareTypes(om protoreflect.MessageDescriptors, oe protoreflect.EnumDescriptors, um protoreflect.MessageDescriptors, ue protoreflect.EnumDescriptors) {
	oMsgs, oOrder := messagesByName(om)
	uMsgs, uOrder := messagesByName(um)
	for _, name := range union(uOrder, oOrder) {
		o, inO := oMsgs[name]
		u, inU := uMsgs[name]
		d.push(name)
		switch {
		case !inU:
			d.add(messageRemoved, string(o.desc.FullName()),
				"Message %s of the writer schema is missing from the reader schema.", o.desc.FullName())
		case !inO:
			if d.keep(messageAdded) {
				d.add(messageAdded, string(u.desc.FullName()), "Message %s is new in the reader schema.", u.desc.FullName())
			}
		default:
			d.compareMessage(o.desc, u.desc)
			if o.index != u.index {
				// Compatible: message indexes on the wire are relative to
				// the schema id the data was written with.
				if d.keep(messageMoved) {
					d.add(messageMoved, string(u.desc.FullName()), "Message %s moved from position %d to %d.",
						u.desc.FullName(), o.index, u.index)
				}
			}
		}
		d.pop()
	}

	oEnums, oeOrder := enumsByName(oe)
	uEnums, ueOrder := enumsByName(ue)
	for _, name := range union(ueOrder, oeOrder) {
		o, u := oEnums[name], uEnums[name]
		d.push(name)
		switch {
		case u == nil:
			if d.keep(enumRemoved) {
				d.add(enumRemoved, string(o.FullName()), "Enum %s of the writer schema is missing from the reader schema.", o.FullName())
			}
		case o == nil:
			if d.keep(enumAdded) {
				d.add(enumAdded, string(u.FullName()), "Enum %s is new in the reader schema.", u.FullName())
			}
		default:
			d.compareEnum(o, u)
		}
		d.pop()
	}
}

// compareEnum compares constants by number. Every outcome is compatible in
// Confluent; the differences are kept for completeness.
func (d *differ) compareEnum(o, u protoreflect.EnumDescriptor) {
	oVals, uVals := valuesByNumber(o), valuesByNumber(u)
	nums := make([]protoreflect.EnumNumber, 0, len(oVals)+len(uVals))
	for n := range oVals {
		nums = append(nums, n)
	}
	for n := range uVals {
		if _, ok := oVals[n]; !ok {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		ov, uv := oVals[n], uVals[n]
		d.pushNumber(int32(n))
		switch {
		case uv == nil:
			if d.keep(enumConstRemoved) {
				d.add(enumConstRemoved, fmt.Sprintf("%s.%s (value %d)", u.FullName(), ov.Name(), n),
					"Enum value %s = %d of the writer schema is missing from the reader schema.", ov.Name(), n)
			}
		case ov == nil:
			if d.keep(enumConstAdded) {
				d.add(enumConstAdded, fmt.Sprintf("%s.%s (value %d)", u.FullName(), uv.Name(), n),
					"Enum value %s = %d is new in the reader schema.", uv.Name(), n)
			}
		case ov.Name() != uv.Name():
			if d.keep(enumConstChanged) {
				d.add(enumConstChanged, fmt.Sprintf("%s.%s (value %d)", u.FullName(), uv.Name(), n),
					"Enum value %d is named %s in the reader schema but %s in the writer schema.", n, uv.Name(), ov.Name())
			}
		}
		d.pop()
	}
}

// valuesByNumber keeps the last name declared for a number, as Confluent's
// map does when allow_alias gives one number several names.
func valuesByNumber(e protoreflect.EnumDescriptor) map[protoreflect.EnumNumber]protoreflect.EnumValueDescriptor {
	vals := e.Values()
	out := make(map[protoreflect.EnumNumber]protoreflect.EnumValueDescriptor, vals.Len())
	for i := range vals.Len() {
		out[vals.Get(i).Number()] = vals.Get(i)
	}
	return out
}
