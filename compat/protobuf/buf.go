package protobuf

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/charterhq/charter/compat"
)

// bufCheck compares previous (the writer, buf's "against" input) with
// current (the reader) by the buf breaking rules in rules, following buf's
// bufcheckserverhandle: messages, enums and services are paired by full
// name, fields by number, enum values by number, methods by name. Buf's
// messages are kept word for word, bar two typos in buf's format strings
// (FIELD_SAME_DEFAULT, FIELD_SAME_ONEOF).
func bufCheck(previous, current protoreflect.FileDescriptor, rules []string) []compat.Problem {
	c := &bufChecker{prev: previous, cur: current, on: map[string]bool{}}
	for _, r := range rules {
		c.on[r] = true
	}
	c.run()
	return c.problems
}

type bufChecker struct {
	prev, cur protoreflect.FileDescriptor
	on        map[string]bool
	problems  []compat.Problem
}

func (c *bufChecker) report(rule, path, format string, args ...any) {
	c.problems = append(c.problems, compat.Problem{Rule: rule, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *bufChecker) run() {
	if c.on[bufFileSamePackage] && c.prev.Package() != c.cur.Package() {
		c.report(bufFileSamePackage, cmp.Or(string(c.cur.Package()), "(no package)"),
			`File package changed from %q to %q.`, c.prev.Package(), c.cur.Package())
	}

	curMsgs := map[protoreflect.FullName]protoreflect.MessageDescriptor{}
	walkMessages(c.cur.Messages(), func(m protoreflect.MessageDescriptor) { curMsgs[m.FullName()] = m })
	walkMessages(c.prev.Messages(), func(pm protoreflect.MessageDescriptor) {
		if m, ok := curMsgs[pm.FullName()]; ok {
			c.messagePair(pm, m)
		}
	})

	curEnums := map[protoreflect.FullName]protoreflect.EnumDescriptor{}
	walkEnums(c.cur.Enums(), c.cur.Messages(), func(e protoreflect.EnumDescriptor) { curEnums[e.FullName()] = e })
	walkEnums(c.prev.Enums(), c.prev.Messages(), func(pe protoreflect.EnumDescriptor) {
		if e, ok := curEnums[pe.FullName()]; ok {
			c.enumPair(pe, e)
		}
	})

	for i := range c.prev.Services().Len() {
		ps := c.prev.Services().Get(i)
		s := c.cur.Services().ByName(ps.Name())
		if s == nil {
			continue
		}
		for j := range ps.Methods().Len() {
			pm := ps.Methods().Get(j)
			if m := s.Methods().ByName(pm.Name()); m != nil {
				c.methodPair(pm, m)
			}
		}
	}
}

// walkMessages visits ms and their nested messages, map entries included
// (buf sees them as the nested types they are in the descriptor).
func walkMessages(ms protoreflect.MessageDescriptors, f func(protoreflect.MessageDescriptor)) {
	for i := range ms.Len() {
		m := ms.Get(i)
		f(m)
		walkMessages(m.Messages(), f)
	}
}

func walkEnums(es protoreflect.EnumDescriptors, ms protoreflect.MessageDescriptors, f func(protoreflect.EnumDescriptor)) {
	for i := range es.Len() {
		f(es.Get(i))
	}
	for i := range ms.Len() {
		walkEnums(ms.Get(i).Enums(), ms.Get(i).Messages(), f)
	}
}

// messagePair runs the message rules and the field rules of one pair.
func (c *bufChecker) messagePair(pm, m protoreflect.MessageDescriptor) {
	path := string(m.FullName())
	if c.on[bufMessageSameJSONFormat] {
		pj, j := jsonFormat(pm), jsonFormat(m)
		if pj == descriptorpb.FeatureSet_ALLOW && j != descriptorpb.FeatureSet_ALLOW {
			c.report(bufMessageSameJSONFormat, path, `Message %q JSON format support changed from %v to %v.`, m.Name(), pj, j)
		}
	}
	if c.on[bufReservedMessageNoDelete] {
		c.reservedRanges("message", m.Name(), path, fieldRanges(pm.ReservedRanges()), fieldRanges(m.ReservedRanges()), maxField)
		c.reservedNames("message", m.Name(), path, pm.ReservedNames(), m.ReservedNames())
	}
	if c.on[bufMessageSameRequiredFields] {
		for i := range pm.Fields().Len() {
			pf := pm.Fields().Get(i)
			if pf.Cardinality() != protoreflect.Required {
				continue
			}
			if f := m.Fields().ByNumber(pf.Number()); f == nil || f.Cardinality() != protoreflect.Required {
				c.report(bufMessageSameRequiredFields, fieldPath(m.FullName(), pf),
					`Message %q had required field "%d" deleted. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.`,
					pm.Name(), pf.Number())
			}
		}
		for i := range m.Fields().Len() {
			f := m.Fields().Get(i)
			if f.Cardinality() != protoreflect.Required {
				continue
			}
			if pf := pm.Fields().ByNumber(f.Number()); pf == nil || pf.Cardinality() != protoreflect.Required {
				c.report(bufMessageSameRequiredFields, fieldPath(m.FullName(), f),
					`Message %q had required field "%d" added. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.`,
					m.Name(), f.Number())
			}
		}
	}
	for i := range pm.Fields().Len() {
		pf := pm.Fields().Get(i)
		f := m.Fields().ByNumber(pf.Number())
		if f == nil {
			c.fieldDeleted(pm, m, pf)
			continue
		}
		c.fieldPair(pf, f)
	}
}

// fieldDeleted runs the FIELD_NO_DELETE_UNLESS_* rules for pf, which m
// no longer declares.
func (c *bufChecker) fieldDeleted(pm, m protoreflect.MessageDescriptor, pf protoreflect.FieldDescriptor) {
	path := fieldPath(m.FullName(), pf)
	desc := bufFieldDescription(pf, true)
	desc = strings.ToLower(desc[:1]) + desc[1:]
	if c.on[bufFieldNoDeleteUnlessNumberReserved] && !m.ReservedRanges().Has(pf.Number()) {
		c.report(bufFieldNoDeleteUnlessNumberReserved, path,
			`Previously present %s was deleted without reserving the number "%d".`, desc, pf.Number())
	}
	if c.on[bufFieldNoDeleteUnlessNameReserved] && !m.ReservedNames().Has(pf.Name()) {
		c.report(bufFieldNoDeleteUnlessNameReserved, path,
			`Previously present %s was deleted without reserving the name %q.`, desc, pf.Name())
	}
}

// bufFieldDescription is buf's fieldDescription: `Field "1" with name
// "id" on message "GetSchemaRequest"`.
func bufFieldDescription(f protoreflect.FieldDescriptor, withName bool) string {
	name := ""
	if withName {
		name = fmt.Sprintf(" with name %q", f.Name())
	}
	if f.IsExtension() {
		return fmt.Sprintf("Extension %q%s on message %q", strconv.Itoa(int(f.Number())), name, f.ContainingMessage().FullName())
	}
	return fmt.Sprintf("Field %q%s on message %q", strconv.Itoa(int(f.Number())), name, f.ContainingMessage().Name())
}

func (c *bufChecker) fieldPair(pf, f protoreflect.FieldDescriptor) {
	path := fieldPath(f.ContainingMessage().FullName(), f)
	desc := bufFieldDescription(f, true)
	mapEntries := pf.ContainingMessage().IsMapEntry() && f.ContainingMessage().IsMapEntry()

	if c.on[bufFieldSameName] && pf.Name() != f.Name() {
		c.report(bufFieldSameName, path, `%s changed name from %q to %q.`, bufFieldDescription(f, false), pf.Name(), f.Name())
	}
	if c.on[bufFieldSameJSONName] && pf.JSONName() != f.JSONName() {
		c.report(bufFieldSameJSONName, path, `%s changed option "json_name" from %q to %q.`, desc, pf.JSONName(), f.JSONName())
	}
	if c.on[bufFieldSameOneof] {
		po, o := realOneof(pf), realOneof(f)
		switch {
		case po != "" && o != "" && po != o:
			c.report(bufFieldSameOneof, path, `%s moved from oneof %q to oneof %q.`, desc, po, o)
		case po != "" && o == "":
			c.report(bufFieldSameOneof, path, `%s moved from inside to outside a oneof.`, desc)
		case po == "" && o != "":
			c.report(bufFieldSameOneof, path, `%s moved from outside to inside a oneof.`, desc)
		}
	}
	if !mapEntries {
		pc, cc := bufCardinalityOf(pf), bufCardinalityOf(f)
		if c.on[bufFieldWireCompatibleCardinality] && pc.wireGroup() != cc.wireGroup() {
			c.report(bufFieldWireCompatibleCardinality, path, `%s changed cardinality from %q to %q.`, desc, pc, cc)
		}
		if c.on[bufFieldWireJSONCompatibleCardinality] && pc.wireJSONGroup() != cc.wireJSONGroup() {
			c.report(bufFieldWireJSONCompatibleCardinality, path, `%s changed cardinality from %q to %q.`, desc, pc, cc)
		}
	}
	if c.on[bufFieldWireCompatibleType] {
		c.fieldType(bufFieldWireCompatibleType, pf, f, path, desc, false)
	}
	if c.on[bufFieldWireJSONCompatibleType] {
		c.fieldType(bufFieldWireJSONCompatibleType, pf, f, path, desc, true)
	}
	if c.on[bufFieldSameDefault] && canHaveDefault(pf) && canHaveDefault(f) {
		pd, d := defaultOf(pf), defaultOf(f)
		if !(pd.isZero() && d.isZero()) && !defaultsEqual(pd, d) {
			c.report(bufFieldSameDefault, path, `%s changed default value from %v to %v.`, desc, pd.printable, d.printable)
		}
	}
}

// Buf's wire-compatible kinds (bufcheckserverhandle/breaking_util.go,
// after https://protobuf.dev/programming-guides/proto3/#updating): enums
// and messages are groups of their own, and string and bytes differ (only
// string to bytes is let through).
func bufWireGroup(k protoreflect.Kind) int {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.BoolKind:
		return 1
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return 2
	case protoreflect.StringKind:
		return 3
	case protoreflect.BytesKind:
		return 4
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return 5
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return 6
	case protoreflect.DoubleKind:
		return 7
	case protoreflect.FloatKind:
		return 8
	case protoreflect.GroupKind:
		return 9
	case protoreflect.MessageKind:
		return 10
	case protoreflect.EnumKind:
		return 11
	}
	return 100 + int(k)
}

// bufWireJSONGroup is the intersection of wire and JSON compatibility:
// only 32-bit and 64-bit unsigned/signed varints (same JSON form) and the
// fixed pairs stay together.
func bufWireJSONGroup(k protoreflect.Kind) int {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Uint32Kind:
		return 1
	case protoreflect.Int64Kind, protoreflect.Uint64Kind:
		return 2
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return 3
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return 4
	case protoreflect.BoolKind:
		return 5
	case protoreflect.Sint32Kind:
		return 6
	case protoreflect.Sint64Kind:
		return 7
	case protoreflect.StringKind:
		return 8
	case protoreflect.BytesKind:
		return 9
	case protoreflect.DoubleKind:
		return 10
	case protoreflect.FloatKind:
		return 11
	case protoreflect.GroupKind:
		return 12
	case protoreflect.MessageKind:
		return 13
	case protoreflect.EnumKind:
		return 14
	}
	return 100 + int(k)
}

const (
	wireRulesNote     = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules."
	wireJSONRulesNote = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules."
)

// fieldType is FIELD_WIRE_COMPATIBLE_TYPE, or with json
// FIELD_WIRE_JSON_COMPATIBLE_TYPE.
func (c *bufChecker) fieldType(rule string, pf, f protoreflect.FieldDescriptor, path, desc string, json bool) {
	pk, k := pf.Kind(), f.Kind()
	group := bufWireGroup
	notes := []string{wireRulesNote}
	if json {
		group = bufWireJSONGroup
		notes = []string{wireJSONRulesNote}
	}
	if group(pk) != group(k) {
		if !json {
			switch {
			case pk == protoreflect.StringKind && k == protoreflect.BytesKind:
				return // string may become bytes
			case pk == protoreflect.BytesKind && k == protoreflect.StringKind:
				notes = append(notes, "Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.")
			}
		}
		c.report(rule, path, `%s changed type from %q to %q. %s`, desc, bufKindString(pf), bufKindString(f), strings.Join(notes, " "))
		return
	}
	switch k {
	case protoreflect.EnumKind:
		pe, e := pf.Enum(), f.Enum()
		if pe.FullName() == e.FullName() {
			return
		}
		if pe.Name() != e.Name() || !enumSubset(pe, e) {
			c.typeNameChanged(rule, path, desc, pe.FullName(), e.FullName())
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if pf.Message().FullName() != f.Message().FullName() {
			c.typeNameChanged(rule, path, desc, pf.Message().FullName(), f.Message().FullName())
		}
	}
}

func (c *bufChecker) typeNameChanged(rule, path, desc string, from, to protoreflect.FullName) {
	c.report(rule, path, `%s changed type from %q to %q.`, desc, from, to)
}

// enumSubset reports whether every value of sub is in super by name with
// the same number.
func enumSubset(sub, super protoreflect.EnumDescriptor) bool {
	for i := range sub.Values().Len() {
		v := sub.Values().Get(i)
		w := super.Values().ByName(v.Name())
		if w == nil || w.Number() != v.Number() {
			return false
		}
	}
	return true
}

// bufKindString is how buf prints a field's kind.
func bufKindString(f protoreflect.FieldDescriptor) string {
	if f.Kind() == protoreflect.GroupKind && f.ParentFile().Syntax() != protoreflect.Proto2 {
		return "message (delimited encoding)"
	}
	return f.Kind().String()
}

// bufCardinality is buf's notion of a field's cardinality.
type bufCardinality int

const (
	cardinalityOptionalExplicit bufCardinality = iota + 1
	cardinalityOptionalImplicit
	cardinalityRequired
	cardinalityRepeated
	cardinalityMap
)

func (c bufCardinality) String() string {
	switch c {
	case cardinalityOptionalExplicit:
		return "optional with explicit presence"
	case cardinalityOptionalImplicit:
		return "optional with implicit presence"
	case cardinalityRequired:
		return "required"
	case cardinalityRepeated:
		return "repeated"
	case cardinalityMap:
		return "map"
	}
	return strconv.Itoa(int(c))
}

// wireGroup: presence does not change the encoding, and a map is a
// repeated entry message on the wire.
func (c bufCardinality) wireGroup() int {
	switch c {
	case cardinalityOptionalExplicit, cardinalityOptionalImplicit:
		return 1
	case cardinalityRequired:
		return 2
	}
	return 3
}

// wireJSONGroup: as wireGroup, but maps and repeated fields differ in JSON.
func (c bufCardinality) wireJSONGroup() int {
	if c == cardinalityMap {
		return 4
	}
	return c.wireGroup()
}

func bufCardinalityOf(f protoreflect.FieldDescriptor) bufCardinality {
	switch {
	case f.IsList():
		return cardinalityRepeated
	case f.IsMap():
		return cardinalityMap
	case f.Cardinality() == protoreflect.Required:
		return cardinalityRequired
	case f.HasPresence():
		return cardinalityOptionalExplicit
	}
	return cardinalityOptionalImplicit
}

// fieldDefault is a default value as buf compares (comparable) and prints
// it.
type fieldDefault struct {
	comparable any
	printable  any
}

func (f fieldDefault) isZero() bool {
	switch v := f.comparable.(type) {
	case string:
		return v == ""
	case bool:
		return !v
	case int32:
		return v == 0
	case int64:
		return v == 0
	case uint32:
		return v == 0
	case uint64:
		return v == 0
	case float32:
		return v == 0 && !math.Signbit(float64(v))
	case float64:
		return v == 0 && !math.Signbit(v)
	}
	return f.comparable == nil
}

func canHaveDefault(f protoreflect.FieldDescriptor) bool {
	return !f.IsList() && !f.IsMap() && f.Message() == nil
}

func defaultOf(f protoreflect.FieldDescriptor) fieldDefault {
	switch f.Kind() {
	case protoreflect.BytesKind:
		data := f.Default().Bytes()
		parts := make([]string, len(data))
		for i, b := range data {
			parts[i] = fmt.Sprintf("0x%X", b)
		}
		return fieldDefault{comparable: string(data), printable: "[" + strings.Join(parts, ",") + "]"}
	case protoreflect.StringKind:
		return fieldDefault{comparable: f.Default().String(), printable: fmt.Sprintf("%q", f.Default().String())}
	case protoreflect.EnumKind:
		n := f.Default().Enum()
		printable := fmt.Sprintf("%s.%d(?)", f.Enum().Name(), n)
		if v := f.Enum().Values().ByNumber(n); v != nil {
			printable = fmt.Sprintf("%s.%s", f.Enum().Name(), v.Name())
		}
		return fieldDefault{comparable: int32(n), printable: printable}
	}
	v := f.Default().Interface()
	return fieldDefault{comparable: v, printable: v}
}

// defaultsEqual compares leniently across types, as buf does: strings
// with bytes, and every number (bool and enum included) by value.
func defaultsEqual(previous, current fieldDefault) bool {
	_, ps := previous.comparable.(string)
	_, cs := current.comparable.(string)
	if ps || cs {
		return previous.comparable == current.comparable
	}
	switch pf := previous.comparable.(type) {
	case float32:
		if cf, ok := current.comparable.(float64); ok {
			return (math.IsNaN(float64(pf)) && math.IsNaN(cf)) || pf == float32(cf)
		}
	case float64:
		if cf, ok := current.comparable.(float32); ok {
			return (math.IsNaN(pf) && math.IsNaN(float64(cf))) || float32(pf) == cf
		}
	}
	pv, pn := asBigFloat(previous.comparable)
	cv, cn := asBigFloat(current.comparable)
	if pn || cn {
		return pn == cn
	}
	if pv == nil || cv == nil {
		return previous.comparable == current.comparable
	}
	return pv.Cmp(cv) == 0
}

func asBigFloat(v any) (*big.Float, bool) {
	var f big.Float
	switch v := v.(type) {
	case bool:
		if v {
			return big.NewFloat(1), false
		}
		return big.NewFloat(0), false
	case int32:
		return f.SetInt64(int64(v)), false
	case int64:
		return f.SetInt64(v), false
	case uint32:
		return f.SetUint64(uint64(v)), false
	case uint64:
		return f.SetUint64(v), false
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return infOrNaN(float64(v))
		}
		return big.NewFloat(float64(v)), false
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return infOrNaN(v)
		}
		return big.NewFloat(v), false
	}
	return nil, false
}

// infOrNaN: big.NewFloat panics on NaN; infinities it can hold.
func infOrNaN(v float64) (*big.Float, bool) {
	if math.IsNaN(v) {
		return nil, true
	}
	return new(big.Float).SetInf(v < 0), false
}

// enumPair runs the enum rules and the enum value rules of one pair.
func (c *bufChecker) enumPair(pe, e protoreflect.EnumDescriptor) {
	path := string(e.FullName())
	if c.on[bufEnumSameJSONFormat] {
		pj, j := jsonFormat(pe), jsonFormat(e)
		if pj == descriptorpb.FeatureSet_ALLOW && j != descriptorpb.FeatureSet_ALLOW {
			c.report(bufEnumSameJSONFormat, path, `Enum %q JSON format support changed from %v to %v.`, e.Name(), pj, j)
		}
	}
	if c.on[bufReservedEnumNoDelete] {
		c.reservedRanges("enum", e.Name(), path, enumRanges(pe.ReservedRanges()), enumRanges(e.ReservedRanges()), maxEnum)
		c.reservedNames("enum", e.Name(), path, pe.ReservedNames(), e.ReservedNames())
	}
	pv, v := namesByNumber(pe), namesByNumber(e)
	for _, n := range sortedNumbers(pv) {
		pnames := pv[n]
		names, ok := v[n]
		if !ok {
			valuePath := fmt.Sprintf("%s.%s (value %d)", e.FullName(), pnames[0], n)
			if c.on[bufEnumValueNoDeleteUnlessNumberReserved] && !e.ReservedRanges().Has(n) {
				c.report(bufEnumValueNoDeleteUnlessNumberReserved, valuePath,
					`Previously present enum value "%d" on enum %q was deleted without reserving the number "%d".`, n, e.Name(), n)
			}
			if c.on[bufEnumValueNoDeleteUnlessNameReserved] {
				reserved := true
				for _, name := range pnames {
					if !e.ReservedNames().Has(protoreflect.Name(name)) {
						reserved = false
					}
				}
				if !reserved {
					s := ""
					if len(pnames) > 1 {
						s = "s"
					}
					c.report(bufEnumValueNoDeleteUnlessNameReserved, valuePath,
						`Previously present enum value "%d" on enum %q was deleted without reserving the name%s %s.`, n, e.Name(), s, joinQuoted(pnames))
				}
			}
			continue
		}
		if c.on[bufEnumValueSameName] {
			// Every previous name must remain: aliases may be added,
			// not removed or renamed (buf's ElementsContained(names,
			// previousNames)).
			contained := true
			for _, name := range pnames {
				if !slices.Contains(names, name) {
					contained = false
				}
			}
			if !contained {
				s := ""
				if len(pnames) > 1 && len(names) > 1 {
					s = "s"
				}
				for _, name := range names {
					c.report(bufEnumValueSameName, fmt.Sprintf("%s.%s (value %d)", e.FullName(), name, n),
						`Enum value "%d" on enum %q changed name%s from %s to %s.`, n, e.Name(), s, joinQuoted(pnames), joinQuoted(names))
				}
			}
		}
	}
}

// namesByNumber lists each number's value names, sorted (aliases give a
// number several).
func namesByNumber(e protoreflect.EnumDescriptor) map[protoreflect.EnumNumber][]string {
	out := map[protoreflect.EnumNumber][]string{}
	for i := range e.Values().Len() {
		v := e.Values().Get(i)
		out[v.Number()] = append(out[v.Number()], string(v.Name()))
	}
	for _, names := range out {
		slices.Sort(names)
	}
	return out
}

func sortedNumbers(m map[protoreflect.EnumNumber][]string) []protoreflect.EnumNumber {
	out := make([]protoreflect.EnumNumber, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func joinQuoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// reservedRanges reports previous reserved ranges (inclusive) that current
// no longer covers, as buf's checkTagRanges does.
func (c *bufChecker) reservedRanges(kind string, name protoreflect.Name, path string, previous, current [][2]int64, maxTag int64) {
	if len(previous) == 0 {
		return
	}
	rule := bufReservedMessageNoDelete
	if kind == "enum" {
		rule = bufReservedEnumNoDelete
	}
	collapsed := collapseRanges(current)
	for _, r := range previous {
		missing := missingRanges(r[0], r[1], collapsed)
		if len(missing) == 0 {
			continue
		}
		parts := make([]string, len(missing))
		for i, m := range missing {
			parts[i] = bufRangeString(m[0], m[1], maxTag)
		}
		c.report(rule, path, `Previously present reserved range %q on %s %q is missing values: %s were removed.`,
			bufRangeString(r[0], r[1], maxTag), kind, name, strings.Join(parts, ", "))
	}
}

func (c *bufChecker) reservedNames(kind string, name protoreflect.Name, path string, previous, current protoreflect.Names) {
	rule := bufReservedMessageNoDelete
	if kind == "enum" {
		rule = bufReservedEnumNoDelete
	}
	for i := range previous.Len() {
		if n := previous.Get(i); !current.Has(n) {
			c.report(rule, path, `Previously present reserved name %q on %s %q was deleted.`, n, kind, name)
		}
	}
}

func bufRangeString(lo, hi, maxTag int64) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("[%d]", lo)
	case hi == maxTag:
		return fmt.Sprintf("[%d,max]", lo)
	}
	return fmt.Sprintf("[%d,%d]", lo, hi)
}

// collapseRanges sorts inclusive ranges and merges overlapping or adjacent
// ones.
func collapseRanges(rs [][2]int64) [][2]int64 {
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	var out [][2]int64
	for _, r := range sorted {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// missingRanges lists the parts of [lo, hi] that collapsed does not cover.
func missingRanges(lo, hi int64, collapsed [][2]int64) [][2]int64 {
	var out [][2]int64
	next := lo
	for _, r := range collapsed {
		if r[1] < next {
			continue
		}
		if r[0] > hi {
			break
		}
		if r[0] > next {
			out = append(out, [2]int64{next, r[0] - 1})
		}
		next = r[1] + 1
		if next > hi {
			return out
		}
	}
	if next <= hi {
		out = append(out, [2]int64{next, hi})
	}
	return out
}

// methodPair runs the RPC_SAME_* rules.
func (c *bufChecker) methodPair(pm, m protoreflect.MethodDescriptor) {
	path := string(m.FullName())
	svc := m.Parent().Name()
	streaming := func(b bool) string {
		if b {
			return "streaming"
		}
		return "unary"
	}
	if c.on[bufRPCSameClientStreaming] && pm.IsStreamingClient() != m.IsStreamingClient() {
		c.report(bufRPCSameClientStreaming, path, `RPC %q on service %q changed from client %s to client %s.`,
			m.Name(), svc, streaming(pm.IsStreamingClient()), streaming(m.IsStreamingClient()))
	}
	if c.on[bufRPCSameServerStreaming] && pm.IsStreamingServer() != m.IsStreamingServer() {
		c.report(bufRPCSameServerStreaming, path, `RPC %q on service %q changed from server %s to server %s.`,
			m.Name(), svc, streaming(pm.IsStreamingServer()), streaming(m.IsStreamingServer()))
	}
	if c.on[bufRPCSameRequestType] && pm.Input().FullName() != m.Input().FullName() {
		c.report(bufRPCSameRequestType, path, `RPC %q on service %q changed request type from %q to %q.`,
			m.Name(), svc, pm.Input().FullName(), m.Input().FullName())
	}
	if c.on[bufRPCSameResponseType] && pm.Output().FullName() != m.Output().FullName() {
		c.report(bufRPCSameResponseType, path, `RPC %q on service %q changed response type from %q to %q.`,
			m.Name(), svc, pm.Output().FullName(), m.Output().FullName())
	}
	if c.on[bufRPCSameIdempotencyLevel] {
		pl, l := idempotency(pm), idempotency(m)
		if pl != l {
			c.report(bufRPCSameIdempotencyLevel, path, `RPC %q on service %q changed option "idempotency_level" from %q to %q.`,
				m.Name(), svc, pl.String(), l.String())
		}
	}
}

func idempotency(m protoreflect.MethodDescriptor) descriptorpb.MethodOptions_IdempotencyLevel {
	if o, ok := m.Options().(*descriptorpb.MethodOptions); ok && o != nil {
		return o.GetIdempotencyLevel()
	}
	return descriptorpb.MethodOptions_IDEMPOTENCY_UNKNOWN
}

// jsonFormat resolves the json_format feature of a message or enum: the
// nearest features option set on it or an enclosing element, else the
// file's default (proto2: LEGACY_BEST_EFFORT; proto3 and editions: ALLOW).
func jsonFormat(d protoreflect.Descriptor) descriptorpb.FeatureSet_JsonFormat {
	for ; d != nil; d = d.Parent() {
		var fs *descriptorpb.FeatureSet
		switch o := d.Options().(type) {
		case *descriptorpb.MessageOptions:
			fs = o.GetFeatures()
		case *descriptorpb.EnumOptions:
			fs = o.GetFeatures()
		case *descriptorpb.FileOptions:
			fs = o.GetFeatures()
		}
		if fs != nil && fs.JsonFormat != nil {
			return fs.GetJsonFormat()
		}
		if f, ok := d.(protoreflect.FileDescriptor); ok {
			if f.Syntax() == protoreflect.Proto2 {
				return descriptorpb.FeatureSet_LEGACY_BEST_EFFORT
			}
			return descriptorpb.FeatureSet_ALLOW
		}
	}
	return descriptorpb.FeatureSet_ALLOW
}
