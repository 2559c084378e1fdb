package jsonschema

import (
	"strconv"
	"strings"
	"sync"

	"github.com/charterhq/charter/compat"
)

var _ compat.Locator = (*Schema)(nil)

// locator is what Locate needs: the document as decoded, with the offsets of
// its values, and the index its local references resolve in. It is built on
// the first call only, since most schemas are never located.
type locator struct {
	once sync.Once
	root *node
	ix   *index
}

// maxLocateSteps bounds the search one Locate call may make. Paths come from
// this package's comparison, but Locate is also handed arbitrary strings, and
// the search backtracks through references and subschemas.
const maxLocateSteps = 10000

// Locate places a Problem Path of this package in the text Parse was given.
// Paths are Confluent's pointers ("#/" or "#" for the root,
// "#/properties/total", "#/items/1", "#/allOf/0/enum", "#/required/name",
// "#/dependencies/a"), which mostly are JSON pointers into the schema but
// name a few things by their pre-2019 keyword or by the schema model rather
// than the text, so Locate maps them back:
//
//   - a path that continues below a schema that is a $ref continues in the
//     schema the $ref names when that is in this document (#/definitions/x,
//     $defs, an embedded $id or anchor); when the $ref names another
//     document, the position is that of the $ref's value;
//   - "required/name" is the "name" entry of the required array;
//   - "dependencies/name" is also found under dependentRequired and
//     dependentSchemas;
//   - in 2020-12 "items/N" is prefixItems/N, and "additionalItems" is items;
//   - a criterion and index ("allOf/1") counts distinct subschemas, as the
//     comparison does, and may name one keyword family of a schema that has
//     several (type and enum, a $ref with siblings) or one member of a type
//     array ("anyOf/1" for "type": ["string", "null"]), which is the schema
//     itself;
//   - a path may pass through a single-member allOf/anyOf/oneOf, or an allOf
//     compared against a plain schema, without naming it.
//
// Line and column are 1-based, the column counted in characters; they are
// those of the first character of the named JSON value. ok is false when the
// path names nothing in this schema's text (for example a property only the
// other schema of a comparison has).
func (s *Schema) Locate(path string) (line, column int, ok bool) {
	if s == nil || s.loc == nil {
		return 0, 0, false
	}
	segs, ok := splitPath(path)
	if !ok {
		return 0, 0, false
	}
	l := s.loc
	l.once.Do(func() {
		root, err := decode(s.text)
		if err != nil {
			return
		}
		l.root = root
		l.ix = newIndex(map[string]*node{rootURL: root})
	})
	if l.root == nil {
		return 0, 0, false
	}
	f := finder{ix: l.ix, visited: map[visit]bool{}}
	n := f.find(l.root, scope{base: rootURL, draft: draftOf(l.root)}, segs)
	if n == nil {
		return 0, 0, false
	}
	line, column = lineColumn(s.text, int64(n.offset))
	return line, column, true
}

// splitPath splits "#/a/b" into unescaped segments; "#" and "#/" are the
// root. Anything not starting with "#" is not a path of this package.
func splitPath(path string) ([]string, bool) {
	rest, ok := strings.CutPrefix(path, "#")
	if !ok {
		return nil, false
	}
	if rest == "" || rest == "/" {
		return nil, true
	}
	if !strings.HasPrefix(rest, "/") {
		return nil, false
	}
	segs := strings.Split(rest[1:], "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return segs, true
}

// finder searches one path. The search backtracks: a segment may be read
// more than one way, and a path may pass through a $ref or a combined schema
// without naming it.
type finder struct {
	ix      *index
	steps   int
	visited map[visit]bool
}

// visit is a schema met with a number of segments left; meeting it again
// (a reference cycle) cannot find anything new.
type visit struct {
	n    *node
	left int
}

// find returns the node segs name below n, or nil.
func (f *finder) find(n *node, sc scope, segs []string) *node {
	if n == nil {
		return nil
	}
	if len(segs) == 0 {
		return n
	}
	f.steps++
	if f.steps > maxLocateSteps {
		return nil
	}
	key := visit{n, len(segs)}
	if f.visited[key] {
		return nil
	}
	f.visited[key] = true
	if n.kind == kindArray {
		// Only reached through a keyword whose value is a list.
		if i, ok := arrayIndex(segs[0], len(n.items)); ok {
			return f.find(n.items[i], sc, segs[1:])
		}
		return nil
	}
	if n.kind != kindObject {
		return nil
	}
	if id := idOf(n, sc.draft); id != "" && !strings.HasPrefix(id, "#") {
		if u := resolveURL(sc.base, id); u != "" {
			sc.base = stripFragment(u)
		}
	}
	ref, hasRef := n.str("$ref")
	parts := partCount(n, sc.draft)

	// The segments read as this package writes them.
	for _, c := range f.readings(n, sc, segs, hasRef, parts) {
		if r := f.find(c.n, c.sc, segs[c.used:]); r != nil {
			return r
		}
	}
	// Through a $ref the path does not name.
	if hasRef {
		target, tsc := f.ix.resolve(ref, sc)
		if target == nil {
			// Another document: the $ref is as close as this text gets.
			return n.get("$ref")
		}
		if r := f.find(target, tsc, segs); r != nil {
			return r
		}
	}
	// Through a combined schema the path does not name.
	for _, c := range []string{"allOf", "anyOf", "oneOf"} {
		if list := n.get(c); list != nil && list.kind == kindArray {
			for _, item := range list.items {
				if r := f.find(item, sc, segs); r != nil {
					return r
				}
			}
		}
	}
	return nil
}

// candidate is one reading of the first segments: the node they lead to
// and how many segments that used.
type candidate struct {
	n    *node
	sc   scope
	used int
}

// readings lists the readings of segs at the schema n, best first.
func (f *finder) readings(n *node, sc scope, segs []string, hasRef bool, parts int) []candidate {
	var out []candidate
	add := func(m *node, used int) {
		if m != nil {
			out = append(out, candidate{m, sc, used})
		}
	}
	seg := segs[0]
	next, hasNext := "", len(segs) > 1
	if hasNext {
		next = segs[1]
	}
	switch seg {
	case "allOf", "anyOf", "oneOf":
		if !hasNext {
			break
		}
		if parts > 1 && seg == "allOf" {
			// The synthetic allOf of a schema's keyword families: the $ref
			// (when there is one) first, then the schema itself.
			if i, err := strconv.Atoi(next); err == nil && i >= 0 && i < parts {
				if i == 0 && hasRef {
					ref, _ := n.str("$ref")
					if target, tsc := f.ix.resolve(ref, sc); target != nil {
						out = append(out, candidate{target, tsc, 2})
					} else {
						add(n.get("$ref"), 2)
					}
				} else {
					add(n, 2)
				}
			}
		}
		if list := n.get(seg); list != nil && list.kind == kindArray {
			if i, err := strconv.Atoi(next); err == nil {
				add(distinctItem(list, i), 2)
			}
		}
		if t := n.get("type"); seg == "anyOf" && t != nil && t.kind == kindArray {
			// A type array loads as an anyOf of one schema per type.
			if _, ok := arrayIndex(next, len(t.items)); ok {
				add(n, 2)
			}
		}
	case "required":
		if req := n.get("required"); req != nil && req.kind == kindArray && hasNext {
			for _, item := range req.items {
				if item.kind == kindString && item.text == next {
					add(item, 2)
					break
				}
			}
		}
	case "dependencies":
		// The comparison reports dependentRequired and dependentSchemas
		// (2019-09) under their draft-07 name.
		if hasNext {
			for _, kw := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
				add(n.get(kw).get(next), 2)
			}
		}
	case "items":
		if sc.draft >= draft2020 && hasNext {
			if p := n.get("prefixItems"); p != nil && p.kind == kindArray {
				if i, ok := arrayIndex(next, len(p.items)); ok {
					add(p.items[i], 2)
				}
			}
		}
	case "additionalItems":
		if sc.draft >= draft2020 {
			add(n.get("items"), 1)
		}
	}
	// The segment as a plain JSON pointer token.
	add(n.get(seg), 1)
	return out
}

// partCount is how many keyword families n loads as (see builder.build and
// builder.parts); more than one makes a synthetic allOf.
func partCount(n *node, d draft) int {
	count := 0
	if n.get("$ref") != nil {
		if _, ok := n.str("$ref"); ok {
			count++
			if d < draft2019 {
				return count
			}
		}
	}
	for _, kw := range []string{"enum", "not", "const"} {
		if v := n.get(kw); v != nil && (kw != "enum" || v.kind == kindArray) {
			count++
		}
	}
	for _, c := range []string{"allOf", "anyOf", "oneOf"} {
		if list := n.get(c); list != nil && list.kind == kindArray {
			count++
			break
		}
	}
	if n.get("if") != nil && d >= draft7 {
		count++
	}
	switch t := n.get("type"); {
	case t != nil && (t.kind == kindString || t.kind == kindArray):
		count++
	case t == nil:
		for _, group := range sniffed() {
			for _, k := range group.keywords {
				if n.get(k) != nil {
					count++
					break
				}
			}
		}
	}
	return count
}

// distinctItem returns the i-th distinct subschema of list, counted as the
// comparison counts them (repeated subschemas collapse into the first).
func distinctItem(list *node, i int) *node {
	if i < 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, item := range list.items {
		k := item.compact(true)
		if seen[k] {
			continue
		}
		seen[k] = true
		if i == 0 {
			return item
		}
		i--
	}
	return nil
}

// arrayIndex parses seg as an index below length.
func arrayIndex(seg string, length int) (int, bool) {
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || i >= length || strconv.Itoa(i) != seg {
		return 0, false
	}
	return i, true
}
