package jsonschema

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// typed builds the shape of type typ from n's keywords for that type.
func (b *builder) typed(n *node, typ string, sc scope) *shape {
	switch typ {
	case "string":
		s := &shape{kind: shapeString, minLength: numberOf(n.get("minLength")), maxLength: numberOf(n.get("maxLength"))}
		if p, ok := n.str("pattern"); ok {
			s.pattern = &p
		}
		return s
	case "number", "integer":
		s := &shape{kind: shapeNumber, integer: typ == "integer",
			minimum: numberOf(n.get("minimum")), maximum: numberOf(n.get("maximum")),
			exclusiveMinimum: numberOf(n.get("exclusiveMinimum")), exclusiveMaximum: numberOf(n.get("exclusiveMaximum")),
			multipleOf: numberOf(n.get("multipleOf"))}
		return s
	case "boolean":
		return &shape{kind: shapeBoolean}
	case "null":
		return &shape{kind: shapeNull}
	case "object":
		return b.object(n, sc)
	case "array":
		return b.array(n, sc)
	}
	return &shape{kind: shapeEmpty}
}

func (b *builder) object(n *node, sc scope) *shape {
	s := &shape{kind: shapeObject, additional: true, required: map[string]bool{},
		minProperties: numberOf(n.get("minProperties")), maxProperties: numberOf(n.get("maxProperties"))}
	if props := n.get("properties"); props != nil && props.kind == kindObject {
		s.propertyIndex = make(map[string]int, len(props.members))
		for _, m := range props.members {
			s.propertyIndex[m.key] = len(s.properties)
			s.properties = append(s.properties, property{m.key, b.build(m.value, sc)})
		}
	}
	if req := n.get("required"); req != nil && req.kind == kindArray {
		for _, r := range req.items {
			if r.kind == kindString {
				s.required[r.text] = true
			}
		}
	}
	if ap := n.get("additionalProperties"); ap != nil {
		if ap.kind == kindBool {
			s.additional = ap.boolean
		} else {
			s.additionalSchema = b.build(ap, sc)
		}
	}
	if pp := n.get("patternProperties"); pp != nil && pp.kind == kindObject {
		for _, m := range pp.members {
			re, _ := regexp.Compile(m.key)
			s.patternProperties = append(s.patternProperties, patternProperty{re, b.build(m.value, sc)})
		}
	}
	if up := n.get("unevaluatedProperties"); up != nil && sc.draft >= draft2019 {
		s.unevaluatedProps = b.build(up, sc)
	}
	s.propertyDeps, s.schemaDeps = map[string][]string{}, map[string]*shape{}
	for _, kw := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
		deps := n.get(kw)
		if deps == nil || deps.kind != kindObject {
			continue
		}
		for _, m := range deps.members {
			if m.value.kind == kindArray {
				var names []string
				for _, item := range m.value.items {
					names = append(names, item.text)
				}
				s.propertyDeps[m.key] = names
			} else {
				s.schemaDeps[m.key] = b.build(m.value, sc)
			}
		}
	}
	return s
}

func (b *builder) array(n *node, sc scope) *shape {
	s := &shape{kind: shapeArray, additionalItems: true,
		minItems: numberOf(n.get("minItems")), maxItems: numberOf(n.get("maxItems")),
		minContains: numberOf(n.get("minContains")), maxContains: numberOf(n.get("maxContains"))}
	if u := n.get("uniqueItems"); u != nil && u.kind == kindBool {
		s.uniqueItems = u.boolean
	}
	tuple, rest := n.get("items"), n.get("additionalItems")
	if sc.draft >= draft2020 {
		// 2020-12 renamed the tuple form: prefixItems is the tuple and items
		// the schema of the items after it.
		// Confluent reads a boolean items, the tuple absent, as
		// additionalItems.
		tuple, rest = n.get("prefixItems"), nil
		switch items := n.get("items"); {
		case tuple != nil || (items != nil && items.kind == kindBool):
			rest = items
		case items != nil:
			s.items = b.build(items, sc)
		}
	}
	switch {
	case tuple != nil && tuple.kind == kindArray:
		s.tuple = []*shape{}
		for _, item := range tuple.items {
			s.tuple = append(s.tuple, b.build(item, sc))
		}
	case tuple != nil:
		s.items = b.build(tuple, sc)
	}
	// everit reads additionalItems whether or not items is a tuple.
	if rest != nil {
		if rest.kind == kindBool {
			s.additionalItems = rest.boolean
		} else {
			s.additionalItemsSchema = b.build(rest, sc)
		}
	}
	if ui := n.get("unevaluatedItems"); ui != nil && sc.draft >= draft2019 {
		s.unevaluatedItems = b.build(ui, sc)
	}
	return s
}

// numberOf reads a number exactly; nil when absent or not a number.
// Exponents are clamped first: big.Rat expands "1e999999999" to a billion
// digits, which untrusted input must not be able to ask for.
func numberOf(n *node) *big.Rat {
	if n == nil || n.kind != kindNumber {
		return nil
	}
	text := n.text
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		exp, err := strconv.Atoi(text[i+1:])
		if err != nil || exp > maxExponent || exp < -maxExponent {
			f, _ := strconv.ParseFloat(text, 64)
			switch {
			case math.IsInf(f, 1):
				text = "1e" + strconv.Itoa(maxExponent)
			case math.IsInf(f, -1):
				text = "-1e" + strconv.Itoa(maxExponent)
			default:
				text = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil
	}
	return r
}

// maxExponent bounds the decimal exponents numberOf expands exactly.
const maxExponent = 400

func compactOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.compact(true)
}
