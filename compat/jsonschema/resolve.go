package jsonschema

import (
	"net/url"
	"strconv"
	"strings"
)

// draft is a JSON Schema draft, named by its year or number.
type draft int

const (
	draft4    draft = 4
	draft6    draft = 6
	draft7    draft = 7
	draft2019 draft = 2019
	draft2020 draft = 2020
)

// draftOf reads $schema; the default is draft-07, Confluent's.
func draftOf(root *node) draft {
	s, _ := root.str("$schema")
	switch {
	case strings.Contains(s, "draft-04"):
		return draft4
	case strings.Contains(s, "draft-06"):
		return draft6
	case strings.Contains(s, "2019-09"):
		return draft2019
	case strings.Contains(s, "2020-12"):
		return draft2020
	}
	return draft7
}

// idOf returns the schema's $id (id in draft-04), or "".
func idOf(n *node, d draft) string {
	if id, ok := n.str("$id"); ok {
		return id
	}
	if id, ok := n.str("id"); ok && d == draft4 {
		return id
	}
	return ""
}

// scope is where a schema sits: the base URI its relative references resolve
// against and the draft that gives its keywords meaning.
type scope struct {
	base  string
	draft draft
}

// index finds the schema a $ref names. It knows each document under the URL
// it was registered with, every embedded $id, and every anchor.
type index struct {
	docs    map[string]*node // absolute URL without fragment
	anchors map[string]*node // absolute URL with "#name"
	drafts  map[*node]draft  // document roots
}

func newIndex(docs map[string]*node) *index {
	ix := &index{docs: map[string]*node{}, anchors: map[string]*node{}, drafts: map[*node]draft{}}
	for u, root := range docs {
		ix.docs[u] = root
	}
	for u, root := range docs {
		ix.drafts[root] = draftOf(root)
		ix.walk(root, u, ix.drafts[root], 0)
	}
	return ix
}

// walk records embedded $id and anchors below n. Keys inside "properties"
// and similar maps are names, not keywords, but a name "$id" holds a schema
// object, not a string, so it is not mistaken for an identifier.
func (ix *index) walk(n *node, base string, d draft, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	switch n.kind {
	case kindArray:
		for _, item := range n.items {
			ix.walk(item, base, d, depth+1)
		}
	case kindObject:
		if id := idOf(n, d); id != "" {
			if strings.HasPrefix(id, "#") {
				ix.anchors[stripFragment(base)+id] = n
			} else if u := resolveURL(base, id); u != "" {
				base = u
				if _, ok := ix.docs[stripFragment(u)]; !ok {
					ix.docs[stripFragment(u)] = n
				}
			}
		}
		if a, ok := n.str("$anchor"); ok {
			ix.anchors[stripFragment(base)+"#"+a] = n
		}
		if a, ok := n.str("$dynamicAnchor"); ok {
			if _, dup := ix.anchors[stripFragment(base)+"#"+a]; !dup {
				ix.anchors[stripFragment(base)+"#"+a] = n
			}
		}
		for _, m := range n.members {
			if m.key == "enum" || m.key == "const" || m.key == "default" || m.key == "examples" {
				continue
			}
			ix.walk(m.value, base, d, depth+1)
		}
	}
}

// resolve finds the target of ref written in a schema at sc, and the scope
// of the target. It returns nil when the target is unknown; Parse has
// already had the compiler reject such schemas, so that is a gap in this
// resolver rather than in the schema.
func (ix *index) resolve(ref string, sc scope) (*node, scope) {
	abs := resolveURL(sc.base, ref)
	if abs == "" {
		return nil, sc
	}
	if n, ok := ix.anchors[abs]; ok {
		return n, ix.scopeOf(abs, sc)
	}
	doc, frag, _ := strings.Cut(abs, "#")
	root, ok := ix.docs[doc]
	if !ok {
		return nil, sc
	}
	target := scope{base: doc, draft: sc.draft}
	if d, ok := ix.drafts[root]; ok {
		target.draft = d
	}
	if frag == "" {
		return root, target
	}
	frag, err := url.PathUnescape(frag)
	if err != nil || !strings.HasPrefix(frag, "/") {
		return nil, sc
	}
	n := root
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.kind {
		case kindObject:
			n = n.get(tok)
		case kindArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.items) {
				return nil, sc
			}
			n = n.items[i]
		default:
			n = nil
		}
		if n == nil {
			return nil, sc
		}
	}
	return n, target
}

func (ix *index) scopeOf(abs string, sc scope) scope {
	doc, _, _ := strings.Cut(abs, "#")
	out := scope{base: doc, draft: sc.draft}
	if root, ok := ix.docs[doc]; ok {
		if d, ok := ix.drafts[root]; ok {
			out.draft = d
		}
	}
	return out
}

// resolveURL resolves ref against base, returning "" when either is not a
// URL.
func resolveURL(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return b.ResolveReference(r).String()
}

func stripFragment(u string) string {
	doc, _, _ := strings.Cut(u, "#")
	return doc
}
