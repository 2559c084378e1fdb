package protobuf

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/charterhq/charter/compat"
)

const decodeKinds = `syntax = "proto3";
package kinds.v1;

import "google/protobuf/any.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Colour {
  COLOUR_UNSPECIFIED = 0;
  COLOUR_RED = 1;
}

message Kinds {
  int64 big = 1;
  uint32 small = 2;
  double ratio = 3;
  bytes blob = 4;
  Colour colour = 5;
  repeated Colour colours = 6;
  oneof choice {
    string text = 7;
    int32 number = 8;
  }
  google.protobuf.Timestamp at = 9;
  google.protobuf.Int32Value maybe = 10;
  google.protobuf.Any any = 11;
  map<int32, bool> flags = 12;
  string camel_case_name = 13;
  optional int32 present = 14;
}
`

type decodeCase struct {
	name    string
	schema  *schema
	payload []byte
	want    string // the JSON; "" when DecodeJSON must fail
	err     string // in the error, when want is ""
}

func decodeCases(tb testing.TB) []decodeCase {
	var cases []decodeCase
	// Every valid payload of validateCases decodes, every invalid one but
	// those missing required fields fails with Validate's error.
	wantJSON := map[string]string{
		"shortcut [0]":                           `{"id":"o-1","lines":[{"sku":"sku-1","qty":3}],"labels":{"k":"v"}}`,
		"explicit [0]":                           `{"id":"o-1","lines":[{"sku":"sku-1","qty":3}],"labels":{"k":"v"}}`,
		"[1] second top-level":                   `{"name":"Ada"}`,
		"[0,0] map entry":                        `{"key":"k","value":"v"}`,
		"[0,1] nested":                           `{"sku":"sku-2"}`,
		"[0,2] nested":                           `{"text":"fragile"}`,
		"empty message":                          `{}`,
		"unknown field kept":                     `{"id":"o-1","lines":[{"sku":"sku-1","qty":3}],"labels":{"k":"v"}}`,
		"known field wrong wire type is unknown": `{}`,
		"proto2 complete":                        `{"id":"i-1"}`,
		"proto2 missing required":                `{}`,
		"proto2 missing nested required":         `{"inner":{},"more":[{}],"named":{"x":{}}}`,
		"proto2 [0,1] missing required":          `{}`,
		"proto2 extension complete":              `{"id":"i-1","[legacy.v1.extra]":{"name":"n"}}`,
		"proto2 extension missing required":      `{"id":"i-1","[legacy.v1.extra]":{}}`,
	}
	for _, c := range validateCases(tb) {
		dc := decodeCase{name: "validate/" + c.name, schema: c.schema, payload: c.payload, err: c.want}
		if w, ok := wantJSON[c.name]; ok {
			dc.want, dc.err = w, ""
		} else if c.want == "" {
			tb.Fatalf("no JSON for valid case %q", c.name)
		}
		cases = append(cases, dc)
	}

	kinds := mustParse(tb, decodeKinds, nil)
	md := msgDesc(tb, kinds, "kinds.v1.Kinds")
	field := func(name string) protoreflect.FieldDescriptor { return md.Fields().ByName(protoreflect.Name(name)) }
	full := encode(tb, md, func(m protoreflect.Message) {
		m.Set(field("big"), protoreflect.ValueOfInt64(-1<<62))
		m.Set(field("small"), protoreflect.ValueOfUint32(7))
		m.Set(field("ratio"), protoreflect.ValueOfFloat64(0.25))
		m.Set(field("blob"), protoreflect.ValueOfBytes([]byte{0, 1, 0xff}))
		m.Set(field("colour"), protoreflect.ValueOfEnum(1))
		l := m.Mutable(field("colours")).List()
		l.Append(protoreflect.ValueOfEnum(1))
		l.Append(protoreflect.ValueOfEnum(9)) // not declared: shown as its number
		m.Set(field("number"), protoreflect.ValueOfInt32(5))
		at := dynamicpb.NewMessage(field("at").Message())
		at.Set(at.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(1_700_000_000))
		at.Set(at.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(5_000_000))
		m.Set(field("at"), protoreflect.ValueOfMessage(at))
		m.Set(field("maybe"), protoreflect.ValueOfMessage(dynamicpb.NewMessage(field("maybe").Message()))) // set, but 0
		m.Mutable(field("flags")).Map().Set(protoreflect.ValueOfInt32(3).MapKey(), protoreflect.ValueOfBool(true))
		m.Set(field("camel_case_name"), protoreflect.ValueOfString("<é>\n"))
		m.Set(field("present"), protoreflect.ValueOfInt32(0))
	})
	inner := encode(tb, md, func(m protoreflect.Message) { m.Set(field("text"), protoreflect.ValueOfString("hi")) })
	anyOf := func(url string, value []byte) []byte {
		return encode(tb, md, func(m protoreflect.Message) {
			a := dynamicpb.NewMessage(field("any").Message())
			a.Set(a.Descriptor().Fields().ByName("type_url"), protoreflect.ValueOfString(url))
			a.Set(a.Descriptor().Fields().ByName("value"), protoreflect.ValueOfBytes(value))
			m.Set(field("any"), protoreflect.ValueOfMessage(a))
		})
	}
	badTimestamp := encode(tb, md, func(m protoreflect.Message) {
		at := dynamicpb.NewMessage(field("at").Message())
		at.Set(at.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(1<<60))
		m.Set(field("at"), protoreflect.ValueOfMessage(at))
	})
	cases = append(cases,
		decodeCase{name: "kinds", schema: kinds, payload: cat([]byte{0}, full),
			want: `{"big":"-4611686018427387904","small":7,"ratio":0.25,"blob":"AAH/","colour":"COLOUR_RED",` +
				`"colours":["COLOUR_RED",9],"number":5,"at":"2023-11-14T22:13:20.005Z","maybe":0,"flags":{"3":true},` +
				`"camel_case_name":"<é>\n","present":0}`},
		decodeCase{name: "any", schema: kinds, payload: cat([]byte{0}, anyOf("type.googleapis.com/kinds.v1.Kinds", inner)),
			want: `{"any":{"@type":"type.googleapis.com/kinds.v1.Kinds","text":"hi"}}`},
		decodeCase{name: "any of an unknown type", schema: kinds, payload: cat([]byte{0}, anyOf("type.googleapis.com/x.Y", inner)),
			err: "message kinds.v1.Kinds has no JSON form: "},
		decodeCase{name: "any that does not decode", schema: kinds, payload: cat([]byte{0}, anyOf("x/kinds.v1.Kinds", []byte{0xff})),
			err: "message kinds.v1.Kinds has no JSON form: "},
		decodeCase{name: "timestamp out of range", schema: kinds, payload: cat([]byte{0}, badTimestamp),
			err: "message kinds.v1.Kinds has no JSON form: "},
	)
	return cases
}

func TestDecodeJSON(t *testing.T) {
	for _, c := range decodeCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var d compat.Decoder = c.schema
			got, err := d.DecodeJSON(c.payload)
			if c.want == "" {
				switch {
				case err == nil:
					t.Fatalf("DecodeJSON(% x) = %s, want an error containing %q", c.payload, got, c.err)
				case !strings.Contains(err.Error(), c.err):
					t.Fatalf("DecodeJSON(% x) = %q, want it to contain %q", c.payload, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeJSON(% x) = %v", c.payload, err)
			}
			if string(got) != c.want {
				t.Errorf("DecodeJSON(% x)\n got %s\nwant %s", c.payload, got, c.want)
			}
			// Stable: compact, and the same every time.
			var compact bytes.Buffer
			if err := json.Compact(&compact, got); err != nil || compact.String() != string(got) {
				t.Errorf("DecodeJSON(% x) = %s, not compact JSON (%v)", c.payload, got, err)
			}
			if again, _ := d.DecodeJSON(c.payload); string(again) != string(got) {
				t.Errorf("DecodeJSON(% x) changed: %s then %s", c.payload, got, again)
			}
		})
	}
}

// anys is a kinds.v1.Kinds holding levels Anys, each holding the next.
// It is written outside in, so that building it is linear.
func anys(levels int) []byte {
	const url = "/kinds.v1.Kinds"
	anyLen := func(inner int) int {
		return 1 + protowire.SizeBytes(len(url)) + 1 + protowire.SizeBytes(inner)
	}
	kinds := []int{0} // kinds[k]: the length of a Kinds holding k levels
	for range levels {
		kinds = append(kinds, 1+protowire.SizeBytes(anyLen(kinds[len(kinds)-1])))
	}
	body := make([]byte, 0, kinds[levels])
	for k := levels; k > 0; k-- {
		body = protowire.AppendVarint(protowire.AppendTag(body, 11, protowire.BytesType), uint64(anyLen(kinds[k-1])))
		body = protowire.AppendBytes(protowire.AppendTag(body, 1, protowire.BytesType), []byte(url))
		body = protowire.AppendVarint(protowire.AppendTag(body, 2, protowire.BytesType), uint64(kinds[k-1]))
	}
	return body
}

// TestDecodeJSONDeepAny decodes Anys nested as deep as a 1 MiB payload
// allows. Proto's recursion limit does not count across Anys, and each
// level is decoded afresh, so without maxAnyDepth this takes a minute.
func TestDecodeJSONDeepAny(t *testing.T) {
	s := mustParse(t, decodeKinds, nil)
	deep := cat([]byte{0}, anys(42_000))
	if err := s.Validate(deep); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	_, err := s.DecodeJSON(deep)
	if want := "google.protobuf.Any values nest more than 32 deep"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("DecodeJSON of %d bytes of nested Anys = %v, want an error containing %q", len(deep), err, want)
	}
	// As deep as allowed decodes.
	out, err := s.DecodeJSON(cat([]byte{0}, anys(maxAnyDepth)))
	if err != nil || !json.Valid(out) || strings.Count(string(out), "@type") != maxAnyDepth {
		t.Fatalf("DecodeJSON of %d nested Anys = %s, %v", maxAnyDepth, out, err)
	}
}

// FuzzDecodeJSON feeds arbitrary payloads to the decode table's schemas:
// DecodeJSON must never panic, must reject what Validate rejects for any
// reason but missing required fields, and must give compact JSON.
//
//	go test -run=^$ -fuzz=FuzzDecodeJSON -fuzztime=30s ./compat/protobuf/
func FuzzDecodeJSON(f *testing.F) {
	cases := decodeCases(f)
	schemas := []*schema{}
	seen := map[*schema]int{}
	for _, c := range cases {
		if _, ok := seen[c.schema]; !ok {
			seen[c.schema] = len(schemas)
			schemas = append(schemas, c.schema)
		}
		f.Add(uint8(seen[c.schema]), c.payload)
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		s := schemas[int(which)%len(schemas)]
		out, err := s.DecodeJSON(payload)
		verr := s.Validate(payload)
		if err != nil {
			switch {
			case strings.HasPrefix(err.Error(), "internal error"):
				t.Fatalf("DecodeJSON(% x) panicked: %v", payload, err)
			case verr == nil && !strings.Contains(err.Error(), "cannot be shown as JSON") && !strings.Contains(err.Error(), "has no JSON form"):
				t.Fatalf("Validate accepts % x, DecodeJSON does not: %v", payload, err)
			}
			return
		}
		if verr != nil && !strings.Contains(verr.Error(), "missing required") {
			t.Fatalf("Validate rejects % x (%v), DecodeJSON does not: %s", payload, verr, out)
		}
		var compact bytes.Buffer
		if cerr := json.Compact(&compact, out); cerr != nil || compact.String() != string(out) {
			t.Fatalf("DecodeJSON(% x) = %s, not compact JSON (%v)", payload, out, cerr)
		}
	})
}
