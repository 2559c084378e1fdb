package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charterhq/charter/registry"
)

func TestHighlightJSON(t *testing.T) {
	text := pretty(registry.TypeAvro, `{"type":"record","name":"A","fields":[{"name":"n","type":["null","long"],"default":null},{"name":"x","type":"double","default":-1.5e3}],"ok":true}`)
	lines := highlight(registry.TypeAvro, text)
	if got := len(lines); got != strings.Count(text, "\n")+1 {
		t.Fatalf("%d lines for %d newlines", got, strings.Count(text, "\n"))
	}
	want := map[string]string{
		`"type"`:   classKey,
		`"record"`: classString,
		`null`:     classLiteral,
		`true`:     classLiteral,
		`-1.5e3`:   classNumber,
		`"null"`:   classString,
	}
	found := map[string]bool{}
	for _, l := range lines {
		for _, tok := range l {
			if class, ok := want[tok.Text]; ok {
				found[tok.Text] = true
				if tok.Class != class {
					t.Errorf("%s has class %q, want %q", tok.Text, tok.Class, class)
				}
			}
		}
	}
	for text := range want {
		if !found[text] {
			t.Errorf("no token %s", text)
		}
	}
	if lines[1].String() != `  "type": "record",` {
		t.Errorf("line 2 is %q; pretty-printing is off", lines[1].String())
	}
}

func TestHighlightProto(t *testing.T) {
	src := "syntax = \"proto3\";\n/* block\ncomment */\nmessage M {\n  // why\n  repeated int64 ids = 1 [packed = true];\n  map<string, Other.Thing> m = 2;\n}"
	lines := highlight(registry.TypeProtobuf, src)
	var classes []string
	for _, l := range lines {
		for _, tok := range l {
			if tok.Class != "" {
				classes = append(classes, tok.Class+":"+tok.Text)
			}
		}
	}
	for _, w := range []string{
		"tok-kw:syntax", "tok-str:\"proto3\"", "tok-comment:/* block", "tok-comment:comment */",
		"tok-kw:message", "tok-comment:// why", "tok-kw:repeated", "tok-type:int64", "tok-num:1",
		"tok-kw:true", "tok-kw:map", "tok-type:string",
	} {
		if !contains(classes, w) {
			t.Errorf("no token %s in %v", w, classes)
		}
	}
	if contains(classes, "tok-type:Other.Thing") || contains(classes, "tok-kw:Other.Thing") {
		t.Error("a message type was coloured as a keyword or scalar")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestPrettyKeepsInvalidJSON(t *testing.T) {
	if got := pretty(registry.TypeJSON, `{"a":`); got != `{"a":` {
		t.Errorf("pretty changed invalid JSON to %q", got)
	}
}

// rejoin is the text of lines, newline-separated.
func rejoin(lines []line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.String()
	}
	return strings.Join(parts, "\n")
}

// FuzzHighlight checks that highlighting loses and adds no text, whatever
// the input.
func FuzzHighlight(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e3, true, null, "x\"y"]}`, "message M { string a = 1; } // c", "/* open", `"open`, "\n\n", "é\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []string{registry.TypeJSON, registry.TypeProtobuf} {
			if got := rejoin(highlight(typ, s)); got != s {
				t.Fatalf("%s: highlight(%q) rejoins to %q", typ, s, got)
			}
		}
	})
}

func TestSideBySide(t *testing.T) {
	toLines := func(s string) []line {
		var out []line
		for _, p := range strings.Split(s, "\n") {
			out = append(out, line{{Text: p}})
		}
		return out
	}
	type row struct {
		kind        rowKind
		left, right int
	}
	tests := []struct {
		name string
		a, b string
		want []row
	}{
		{"same", "a\nb", "a\nb", []row{{rowSame, 1, 1}, {rowSame, 2, 2}}},
		{"changed", "a\nb\nc", "a\nB\nc", []row{{rowSame, 1, 1}, {rowChanged, 2, 2}, {rowSame, 3, 3}}},
		{"added", "a\nc", "a\nb\nc", []row{{rowSame, 1, 1}, {rowAdded, 0, 2}, {rowSame, 2, 3}}},
		{"removed", "a\nb\nc", "a\nc", []row{{rowSame, 1, 1}, {rowRemoved, 2, 0}, {rowSame, 3, 2}}},
		{"more removed than added", "x\n1\n2\n3\ny", "x\n9\ny", []row{{rowSame, 1, 1}, {rowChanged, 2, 2}, {rowRemoved, 3, 0}, {rowRemoved, 4, 0}, {rowSame, 5, 3}}},
		{"moved", "a\nb\nc", "c\na\nb", []row{{rowAdded, 0, 1}, {rowSame, 1, 2}, {rowSame, 2, 3}, {rowRemoved, 3, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []row
			for _, r := range sideBySide(toLines(tt.a), toLines(tt.b)) {
				x := row{kind: r.Kind}
				if r.Left != nil {
					x.left = r.Left.Num
				}
				if r.Right != nil {
					x.right = r.Right.Num
				}
				got = append(got, x)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzEditScript checks that an edit script rebuilds both sides and keeps
// as many lines as a longest common subsequence allows.
func FuzzEditScript(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, b := strings.Split(x, "\n"), strings.Split(y, "\n")
		var gotA, gotB []string
		kept := 0
		for _, op := range editScript(a, b) {
			switch op.kind {
			case rowSame:
				kept++
				gotA, gotB = append(gotA, a[op.i]), append(gotB, b[op.j])
			case rowRemoved:
				gotA = append(gotA, a[op.i])
			case rowAdded:
				gotB = append(gotB, b[op.j])
			}
		}
		if !reflect.DeepEqual(gotA, a) || !reflect.DeepEqual(gotB, b) {
			t.Fatalf("script does not rebuild the sides: %q %q", gotA, gotB)
		}
		if len(a)*len(b) <= maxDiffCells && kept != lcsLen(a, b) {
			t.Fatalf("kept %d lines, LCS is %d", kept, lcsLen(a, b))
		}
	})
}

func lcsLen(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] > cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev = cur
	}
	return prev[len(b)]
}
