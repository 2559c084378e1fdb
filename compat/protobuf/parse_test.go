package protobuf

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"

	"github.com/charterhq/charter/compat"
)

// parseCase is one case of testdata/parse.json. A case with error must be
// rejected with a message containing error.message at that line and column.
type parseCase struct {
	Name  string             `json:"name"`
	Text  string             `json:"text"`
	Refs  []compat.Reference `json:"refs"`
	Error *struct {
		Message string `json:"message"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
	} `json:"error"`
}

func loadParseCases(tb testing.TB) []parseCase {
	tb.Helper()
	b, err := os.ReadFile("testdata/parse.json")
	if err != nil {
		tb.Fatal(err)
	}
	var cases []parseCase
	if err := json.Unmarshal(b, &cases); err != nil {
		tb.Fatal(err)
	}
	return cases
}

func TestParse(t *testing.T) {
	for _, c := range loadParseCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s, err := Format{}.Parse(c.Text, c.Refs)
			if c.Error == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				checkReparse(t, s, c.Refs)
				return
			}
			var pe *compat.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *compat.ParseError", err)
			}
			if pe.Type != "PROTOBUF" || !strings.Contains(pe.Message, c.Error.Message) ||
				pe.Line != c.Error.Line || pe.Column != c.Error.Column {
				t.Errorf("got %#v, want message containing %q at %d:%d", pe, c.Error.Message, c.Error.Line, c.Error.Column)
			}
		})
	}
}

// checkReparse asserts the printed forms parse back to themselves.
func checkReparse(t *testing.T, s compat.Schema, refs []compat.Reference) {
	t.Helper()
	for _, form := range []struct {
		name  string
		text  string
		again func(compat.Schema) string
	}{
		{"canonical", s.Canonical(), compat.Schema.Canonical},
		{"normalized", s.Normalized(), compat.Schema.Normalized},
	} {
		s2, err := Format{}.Parse(form.text, refs)
		if err != nil {
			t.Fatalf("%s form does not parse: %v\n%s", form.name, err, form.text)
		}
		if got := form.again(s2); got != form.text {
			t.Errorf("%s form is not stable:\nfirst:\n%s\nagain:\n%s", form.name, form.text, got)
		}
	}
}

func TestParseBase64Descriptor(t *testing.T) {
	refs := []compat.Reference{{Name: "com/acme/address.proto", Schema: "syntax = \"proto3\";\npackage com.acme;\nmessage Address { string street = 1; }\n"}}
	text := "syntax = \"proto3\";\npackage shop.v1;\nimport \"com/acme/address.proto\";\nimport \"google/type/money.proto\";\n" +
		"message Order {\n  com.acme.Address ship_to = 1;\n  google.type.Money total = 2;\n  map<string, int32> counts = 3;\n}\n"
	fromText := mustParse(t, text, refs)
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(fromText.file))
	if err != nil {
		t.Fatal(err)
	}
	fromDesc := mustParse(t, base64.StdEncoding.EncodeToString(b), refs)
	if fromDesc.Canonical() != fromText.Canonical() {
		t.Errorf("canonical differs:\n%s\nvs\n%s", fromDesc.Canonical(), fromText.Canonical())
	}
	if fromDesc.Normalized() != fromText.Normalized() {
		t.Errorf("normalized differs")
	}
	if p := (Format{}).Compatible(fromDesc, fromText); len(p) != 0 {
		t.Errorf("descriptor form incompatible with text form: %v", p)
	}

	// A descriptor whose import is missing is reported as a descriptor.
	_, err = Format{}.Parse(base64.StdEncoding.EncodeToString(b), nil)
	var pe *compat.ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "serialized descriptor") || !strings.Contains(pe.Message, "com/acme/address.proto") {
		t.Errorf("missing import in descriptor: got %v", err)
	}
}

func TestFormatType(t *testing.T) {
	if got := (Format{}).Type(); got != "PROTOBUF" {
		t.Errorf("Type() = %q", got)
	}
}
