package jsonschema

import "strings"

// builder turns JSON documents into shapes the way everit's SchemaLoader
// does, since Confluent's diff compares everit's model rather than the JSON:
// a schema yields one part per keyword family present (enum, allOf/anyOf/
// oneOf, not, const, and the type-specific keywords), and several parts load
// as a synthetic allOf.
type builder struct {
	ix   *index
	memo map[builderKey]*shape
}

type builderKey struct {
	n  *node
	sc scope
}

func newBuilder(docs map[string]*node) *builder {
	return &builder{ix: newIndex(docs), memo: map[builderKey]*shape{}}
}

// sniffed lists the keywords that make a schema without "type" load as
// each type, in everit's order.
func sniffed() []struct {
	typ      string
	keywords []string
} {
	return []struct {
		typ      string
		keywords []string
	}{
		{"array", []string{"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "prefixItems", "unevaluatedItems", "minContains", "maxContains"}},
		{"object", []string{"properties", "required", "additionalProperties", "minProperties", "maxProperties", "dependencies", "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas", "unevaluatedProperties"}},
		{"number", []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}},
		{"string", []string{"minLength", "maxLength", "pattern", "format"}},
	}
}

// build returns the shape of n at sc. Shapes are memoised by node before
// their parts are built, so a recursive schema becomes a cyclic graph of
// shapes instead of an endless descent.
func (b *builder) build(n *node, sc scope) *shape {
	if n == nil {
		return nil
	}
	key := builderKey{n, sc}
	if s, ok := b.memo[key]; ok {
		return s
	}
	s := &shape{}
	b.memo[key] = s
	switch n.kind {
	case kindBool:
		s.kind = shapeFalse
		if n.boolean {
			s.kind = shapeTrue
		}
		s.key = n.compact(true)
		return s
	case kindObject:
	default:
		s.kind = shapeEmpty
		return s
	}
	if id := idOf(n, sc.draft); id != "" && !strings.HasPrefix(id, "#") {
		if u := resolveURL(sc.base, id); u != "" {
			sc.base = stripFragment(u)
		}
	}
	var parts []*shape
	if ref, ok := n.str("$ref"); ok {
		target, tsc := b.ix.resolve(ref, sc)
		parts = append(parts, &shape{kind: shapeRef, inner: b.build(target, tsc)})
	}
	// Before 2019-09, keywords beside $ref are ignored.
	if len(parts) == 0 || sc.draft >= draft2019 {
		parts = append(parts, b.parts(n, sc)...)
	}
	switch len(parts) {
	case 0:
		s.kind = shapeEmpty
	case 1:
		*s = *parts[0]
	default:
		*s = shape{kind: shapeCombined, criterion: "allOf", subs: parts}
	}
	s.key = n.compact(true)
	s.id = idOf(n, draft4)
	s.title = compactOf(n.get("title"))
	s.description = compactOf(n.get("description"))
	s.defaultValue = compactOf(n.get("default"))
	return s
}

// parts builds one shape per keyword family of n, in everit's order.
func (b *builder) parts(n *node, sc scope) []*shape {
	var parts []*shape
	if e := n.get("enum"); e != nil && e.kind == kindArray {
		s := &shape{kind: shapeEnum}
		for _, v := range e.items {
			s.values = append(s.values, v.compact(true))
		}
		parts = append(parts, s)
	}
	var combined []*shape
	for _, c := range []string{"allOf", "anyOf", "oneOf"} {
		if list := n.get(c); list != nil && list.kind == kindArray {
			s := &shape{kind: shapeCombined, criterion: c}
			for _, item := range list.items {
				s.subs = append(s.subs, b.build(item, sc))
			}
			combined = append(combined, s)
		}
	}
	if len(combined) == 1 {
		parts = append(parts, combined[0])
	} else if len(combined) > 1 {
		parts = append(parts, &shape{kind: shapeCombined, criterion: "allOf", subs: combined})
	}
	if not := n.get("not"); not != nil {
		parts = append(parts, &shape{kind: shapeNot, inner: b.build(not, sc)})
	}
	if c := n.get("const"); c != nil {
		parts = append(parts, &shape{kind: shapeConst, values: []string{c.compact(true)}})
	}
	if n.get("if") != nil && sc.draft >= draft7 {
		// everit loads if/then/else as a ConditionalSchema, which
		// Confluent's diff recognises but does not look into.
		parts = append(parts, &shape{kind: shapeConditional})
	}
	switch t := n.get("type"); {
	case t != nil && t.kind == kindString:
		parts = append(parts, b.typed(n, t.text, sc))
	case t != nil && t.kind == kindArray:
		any := &shape{kind: shapeCombined, criterion: "anyOf"}
		for _, item := range t.items {
			sub := b.typed(n, item.text, sc)
			sub.key = "type:" + item.text
			any.subs = append(any.subs, sub)
		}
		parts = append(parts, any)
	case t == nil:
		for _, group := range sniffed() {
			for _, k := range group.keywords {
				if n.get(k) != nil {
					parts = append(parts, b.typed(n, group.typ, sc))
					break
				}
			}
		}
	}
	return parts
}
