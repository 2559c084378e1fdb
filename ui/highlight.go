package ui

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/charterhq/charter/registry"
)

// token is a run of source text with the CSS class that colours it; Class
// "" is plain text.
type token struct {
	Class, Text string
}

// line is one line of highlighted source.
type line []token

// The token classes; style.css colours them.
const (
	classKey     = "tok-key"
	classString  = "tok-str"
	classNumber  = "tok-num"
	classLiteral = "tok-lit"
	classPunct   = "tok-punct"
	classComment = "tok-comment"
	classKeyword = "tok-kw"
	classType    = "tok-type"
)

// pretty returns a schema's text laid out for reading: JSON (Avro, JSON
// Schema) indented by two spaces, Protobuf as registered.
func pretty(schemaType, text string) string {
	if schemaType == registry.TypeProtobuf {
		return strings.TrimRight(strings.ReplaceAll(text, "\t", "  "), "\n ")
	}
	return prettyJSON([]byte(text))
}

// prettyJSON indents valid JSON and returns anything else unchanged.
func prettyJSON(data []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(data), "", "  "); err != nil {
		return string(data)
	}
	return buf.String()
}

// highlight splits pretty-printed text of schemaType into highlighted lines.
func highlight(schemaType, text string) []line {
	if schemaType == registry.TypeProtobuf {
		return splitLines(tokenizeProto(text))
	}
	return splitLines(tokenizeJSON(text))
}

// tokenizeJSON classifies JSON text: keys (strings followed by a colon),
// strings, numbers, true/false/null and punctuation. It never fails: text
// that is not JSON comes out as plain runs.
func tokenizeJSON(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '"':
			j := endOfString(text, i, '"')
			class := classString
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k < len(text) && text[k] == ':' {
				class = classKey
			}
			out = append(out, token{class, text[i:j]})
			i = j
		case c == '-' || isDigit(c):
			j := i + 1
			for j < len(text) && (isDigit(text[j]) || strings.IndexByte(".eE+-", text[j]) >= 0) {
				j++
			}
			out = append(out, token{classNumber, text[i:j]})
			i = j
		case isLetter(c):
			j := i + 1
			for j < len(text) && (isLetter(text[j]) || isDigit(text[j])) {
				j++
			}
			class := ""
			switch text[i:j] {
			case "true", "false", "null":
				class = classLiteral
			}
			out = append(out, token{class, text[i:j]})
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			out = append(out, token{classPunct, text[i : i+1]})
			i++
		default:
			j := i + 1
			for j < len(text) && !startsJSONToken(text[j]) {
				j++
			}
			out = append(out, token{"", text[i:j]})
			i = j
		}
	}
	return out
}

func startsJSONToken(c byte) bool {
	return c == '"' || c == '-' || isDigit(c) || isLetter(c) || strings.IndexByte("{}[],:", c) >= 0
}

// protoKeywords are the words of the proto2/proto3/editions grammar.
var protoKeywords = map[string]bool{
	"syntax": true, "edition": true, "package": true, "import": true, "public": true, "weak": true,
	"option": true, "message": true, "enum": true, "service": true, "rpc": true, "returns": true,
	"stream": true, "oneof": true, "map": true, "repeated": true, "optional": true, "required": true,
	"reserved": true, "extensions": true, "extend": true, "to": true, "max": true, "group": true,
	"true": true, "false": true,
}

// protoTypes are the scalar value types.
var protoTypes = map[string]bool{
	"double": true, "float": true, "int32": true, "int64": true, "uint32": true, "uint64": true,
	"sint32": true, "sint64": true, "fixed32": true, "fixed64": true, "sfixed32": true,
	"sfixed64": true, "bool": true, "string": true, "bytes": true,
}

// tokenizeProto classifies Protobuf source: comments, strings, numbers,
// keywords, scalar types and punctuation.
func tokenizeProto(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case strings.HasPrefix(text[i:], "//"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			out = append(out, token{classComment, text[i : i+j]})
			i += j
		case strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			end := len(text)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			out = append(out, token{classComment, text[i:end]})
			i = end
		case c == '"' || c == '\'':
			j := endOfString(text, i, c)
			out = append(out, token{classString, text[i:j]})
			i = j
		case isDigit(c):
			j := i + 1
			for j < len(text) && (isDigit(text[j]) || isLetter(text[j]) || text[j] == '.') {
				j++
			}
			out = append(out, token{classNumber, text[i:j]})
			i = j
		case isLetter(c) || c == '_':
			j := i + 1
			for j < len(text) && (isLetter(text[j]) || isDigit(text[j]) || text[j] == '_' || text[j] == '.') {
				j++
			}
			word := text[i:j]
			class := ""
			switch {
			case protoKeywords[word]:
				class = classKeyword
			case protoTypes[word]:
				class = classType
			}
			out = append(out, token{class, word})
			i = j
		case strings.IndexByte("{}[]()<>;,=", c) >= 0:
			out = append(out, token{classPunct, text[i : i+1]})
			i++
		default:
			out = append(out, token{"", text[i : i+1]})
			i++
		}
	}
	return out
}

// endOfString returns the index just past the string literal opening at
// text[i] with quote; an unterminated literal ends at the line's end.
func endOfString(text string, i int, quote byte) int {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			j++
		case quote:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(text)
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// splitLines cuts a token stream at newlines, merging adjacent plain runs.
func splitLines(tokens []token) []line {
	lines := []line{nil}
	add := func(t token) {
		if t.Text == "" {
			return
		}
		cur := &lines[len(lines)-1]
		if n := len(*cur); n > 0 && (*cur)[n-1].Class == t.Class {
			(*cur)[n-1].Text += t.Text
			return
		}
		*cur = append(*cur, t)
	}
	for _, t := range tokens {
		parts := strings.Split(t.Text, "\n")
		for k, part := range parts {
			if k > 0 {
				lines = append(lines, nil)
			}
			add(token{t.Class, part})
		}
	}
	return lines
}

// String is the line's text without classes.
func (l line) String() string {
	var b strings.Builder
	for _, t := range l {
		b.WriteString(t.Text)
	}
	return b.String()
}
