package avro

import (
	"strconv"
	"strings"
)

// Locate places a Problem's Path in the text s was parsed from: it returns
// the 1-based line and column (in characters) of the JSON value the path
// designates. ok is false when the path names nothing there.
//
// Paths are those Compatible reports: "" or "/" for the root, then
// "fields/N" and "fields/N/type" in records, "items" in arrays, "values" in
// maps, a branch index in unions, and "name", "size" or "symbols" in named
// types. Where the path enters a named type written by name (defined earlier
// in the text, or by a reference), the position is that of the name; the rest
// of the path must still fit the type.
//
// Compatible adds the index of the writer's union branch at the point where
// it meets a writer union. Where the reader is not a union there, or its
// union has no branch of that index, that index names nothing in the reader,
// so Locate stays at the value the problem is about. Where the reader's
// union has such a branch, Locate points at it, as a JSON pointer would,
// although it need not be the branch the writer's index meant.
func (s *Schema) Locate(path string) (line, column int, ok bool) {
	if s == nil || s.root == nil {
		return 0, 0, false
	}
	if path == "/" {
		path = ""
	}
	if path != "" && path[0] != '/' {
		return 0, 0, false
	}
	n, off := s.root, s.rootOff
	// byName is set once the walk has entered a type written by name: the
	// offsets held by its node belong to its definition, not to this place.
	byName := usedByName(n, off)
	// move steps into child, written at childOff.
	move := func(child *node, childOff int) {
		n = child
		if !byName {
			off = childOff
			byName = usedByName(child, childOff)
		}
	}
	skipped := false // the previous token was a writer branch index
	for rest := path; rest != ""; {
		var tok string
		tok, rest = nextToken(rest)
		wasSkipped := skipped
		skipped = false
		switch tok {
		case "fields":
			if n.kind != kindRecord {
				return 0, 0, false
			}
			var idx string
			idx, rest = nextToken(rest)
			i, isIndex := index(idx)
			if !isIndex || i >= len(n.fields) {
				return 0, 0, false
			}
			f := n.fields[i]
			if !byName {
				off = f.off
			}
			if rest == "" {
				continue
			}
			tok, rest = nextToken(rest)
			if tok != "type" {
				return 0, 0, false
			}
			move(f.typ, f.typeOff)
		case "items":
			if n.kind != kindArray {
				return 0, 0, false
			}
			move(n.items, n.childOff)
		case "values":
			if n.kind != kindMap {
				return 0, 0, false
			}
			move(n.values, n.childOff)
		case "name", "size", "symbols":
			if rest != "" || !n.named() ||
				(tok == "size" && n.kind != kindFixed) || (tok == "symbols" && n.kind != kindEnum) {
				return 0, 0, false
			}
			if !byName {
				switch tok {
				case "name":
					off = n.nameOff
				case "size":
					off = n.sizeOff
				default:
					off = n.symbolsOff
				}
			}
		default:
			i, isIndex := index(tok)
			switch {
			case !isIndex:
				return 0, 0, false
			case n.kind == kindUnion && i < len(n.branches):
				move(n.branches[i], n.branchOffs[i])
			case n.kind == kindUnion:
				// A writer branch past the end of the reader's union:
				// the problem is the union's, and ends here.
				if rest != "" {
					return 0, 0, false
				}
			default:
				// A writer branch index where the reader is not a union.
				// A writer union has no union branches, so two in a row
				// cannot come from Compatible.
				if wasSkipped {
					return 0, 0, false
				}
				skipped = true
			}
		}
	}
	line, column = position(s.text, off)
	return line, column, true
}

// usedByName reports whether the named type n appears at off by name rather
// than by its definition.
func usedByName(n *node, off int) bool {
	return n.named() && (n.fromRef || n.off != off)
}

// nextToken splits the first reference token, unescaped, off a JSON pointer
// that starts with "/".
func nextToken(p string) (tok, rest string) {
	if p == "" {
		return "", ""
	}
	p = p[1:]
	tok, rest = p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		tok, rest = p[:i], p[i:]
	}
	if strings.IndexByte(tok, '~') >= 0 {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return tok, rest
}

// index parses a JSON pointer array index: 0, or digits without a leading
// zero.
func index(tok string) (int, bool) {
	if tok == "" || len(tok) > 9 || (tok[0] == '0' && len(tok) > 1) {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(tok)
	return i, err == nil
}
