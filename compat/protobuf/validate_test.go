package protobuf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/charterhq/charter/compat"
)

const validateShop = `syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  repeated Line lines = 2;
  map<string, string> labels = 3;
  Note note = 4;

  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  message Note {
    string text = 1;
  }
}

message Customer {
  string name = 1;
  int64 since = 2;
}
`

const validateLegacy = `syntax = "proto2";
package legacy.v1;

message Item {
  required string id = 1;
  optional Inner inner = 2;
  repeated Inner more = 3;
  map<string, Inner> named = 4;

  message Inner {
    required string name = 1;
  }
  extensions 100 to 199;
}

extend Item {
  optional Item.Inner extra = 100;
}
`

const validateEnumsOnly = `syntax = "proto3";
package only.v1;
enum Colour { RED = 0; }
`

// msgDesc finds a message of s by its full name.
func msgDesc(tb testing.TB, s *schema, name string) protoreflect.MessageDescriptor {
	tb.Helper()
	var find func(mds protoreflect.MessageDescriptors) protoreflect.MessageDescriptor
	find = func(mds protoreflect.MessageDescriptors) protoreflect.MessageDescriptor {
		for i := range mds.Len() {
			md := mds.Get(i)
			if string(md.FullName()) == name {
				return md
			}
			if got := find(md.Messages()); got != nil {
				return got
			}
		}
		return nil
	}
	md := find(s.file.Messages())
	if md == nil {
		tb.Fatalf("no message %s", name)
	}
	return md
}

// encode builds a message of md with fill and marshals it, partial or not.
func encode(tb testing.TB, md protoreflect.MessageDescriptor, fill func(m protoreflect.Message)) []byte {
	tb.Helper()
	m := dynamicpb.NewMessage(md)
	if fill != nil {
		fill(m)
	}
	b, err := proto.MarshalOptions{AllowPartial: true, Deterministic: true}.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func setStr(m protoreflect.Message, field, v string) {
	m.Set(m.Descriptor().Fields().ByName(protoreflect.Name(field)), protoreflect.ValueOfString(v))
}

// prefix is a message-index prefix: a zigzag count, then zigzag indexes.
func prefix(idx ...int64) []byte {
	b := protowire.AppendVarint(nil, protowire.EncodeZigZag(int64(len(idx))))
	for _, i := range idx {
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(i))
	}
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

type validateCase struct {
	name    string
	schema  *schema
	payload []byte
	want    string // substring of the error; "" for valid
}

func validateCases(tb testing.TB) []validateCase {
	shop := mustParse(tb, validateShop, nil)
	legacy := mustParse(tb, validateLegacy, nil)
	enums := mustParse(tb, validateEnumsOnly, nil)

	order := msgDesc(tb, shop, "shop.v1.Order")
	line := msgDesc(tb, shop, "shop.v1.Order.Line")
	orderMsg := encode(tb, order, func(m protoreflect.Message) {
		setStr(m, "id", "o-1")
		lines := m.Mutable(order.Fields().ByName("lines")).List()
		l := dynamicpb.NewMessage(line)
		setStr(l, "sku", "sku-1")
		l.Set(line.Fields().ByName("qty"), protoreflect.ValueOfInt32(3))
		lines.Append(protoreflect.ValueOfMessage(l))
		m.Mutable(order.Fields().ByName("labels")).Map().Set(
			protoreflect.ValueOfString("k").MapKey(), protoreflect.ValueOfString("v"))
	})
	customer := encode(tb, msgDesc(tb, shop, "shop.v1.Customer"), func(m protoreflect.Message) {
		setStr(m, "name", "Ada")
	})
	lineMsg := encode(tb, line, func(m protoreflect.Message) { setStr(m, "sku", "sku-2") })
	labelsEntry := encode(tb, msgDesc(tb, shop, "shop.v1.Order.LabelsEntry"), func(m protoreflect.Message) {
		setStr(m, "key", "k")
		setStr(m, "value", "v")
	})
	note := encode(tb, msgDesc(tb, shop, "shop.v1.Order.Note"), func(m protoreflect.Message) {
		setStr(m, "text", "fragile")
	})
	unknown := protowire.AppendTag(nil, 99, protowire.VarintType)
	unknown = protowire.AppendVarint(unknown, 42)
	badWire := []byte{1<<3 | 7, 0} // field 1, wire type 7
	badUTF8 := protowire.AppendTag(nil, 1, protowire.BytesType)
	badUTF8 = protowire.AppendBytes(badUTF8, []byte{0xff, 0xfe})

	item := msgDesc(tb, legacy, "legacy.v1.Item")
	inner := msgDesc(tb, legacy, "legacy.v1.Item.Inner")
	itemOK := encode(tb, item, func(m protoreflect.Message) { setStr(m, "id", "i-1") })
	itemNoID := encode(tb, item, nil)
	itemDeep := encode(tb, item, func(m protoreflect.Message) {
		m.Set(item.Fields().ByName("inner"), protoreflect.ValueOfMessage(dynamicpb.NewMessage(inner)))
		more := m.Mutable(item.Fields().ByName("more")).List()
		more.Append(protoreflect.ValueOfMessage(dynamicpb.NewMessage(inner)))
		m.Mutable(item.Fields().ByName("named")).Map().Set(
			protoreflect.ValueOfString("x").MapKey(), protoreflect.ValueOfMessage(dynamicpb.NewMessage(inner)))
	})
	// extension 100 (legacy.v1.extra) holding an Inner without its name
	extNoName := cat(itemOK, protowire.AppendBytes(protowire.AppendTag(nil, 100, protowire.BytesType), nil))
	extNamed := cat(itemOK, protowire.AppendBytes(protowire.AppendTag(nil, 100, protowire.BytesType),
		encode(tb, inner, func(m protoreflect.Message) { setStr(m, "name", "n") })))

	return []validateCase{
		{"shortcut [0]", shop, cat([]byte{0}, orderMsg), ""},
		{"explicit [0]", shop, cat(prefix(0), orderMsg), ""},
		{"[1] second top-level", shop, cat(prefix(1), customer), ""},
		// Map fields' synthetic entry messages count, where their field is
		// declared, as in protoc's descriptors: Order's nested messages
		// are LabelsEntry, Line, Note.
		{"[0,0] map entry", shop, cat(prefix(0, 0), labelsEntry), ""},
		{"[0,1] nested", shop, cat(prefix(0, 1), lineMsg), ""},
		{"[0,2] nested", shop, cat(prefix(0, 2), note), ""},
		{"empty message", shop, []byte{0}, ""},
		{"unknown field kept", shop, cat([]byte{0}, orderMsg, unknown), ""},
		{"known field wrong wire type is unknown", shop, cat([]byte{0}, protowire.AppendVarint([]byte{1 << 3}, 7)), ""},
		{"empty payload", shop, nil, "payload is empty"},
		{"top-level out of range", shop, cat(prefix(2), customer), "message index [2] is out of range: the schema declares 2 top-level messages"},
		{"nested out of range", shop, cat(prefix(0, 7), note), "message index [0, 7] is out of range: shop.v1.Order declares 3 nested messages"},
		{"nested below leaf", shop, cat(prefix(1, 0), note), "message index [1, 0] is out of range: shop.v1.Customer declares 0 nested messages"},
		{"negative index", shop, cat(prefix(-1), orderMsg), "message index [-1] is out of range"},
		{"negative count", shop, cat([]byte{0x01}, orderMsg), "message-index count -1 is out of range"},
		{"count too large", shop, cat(protowire.AppendVarint(nil, protowire.EncodeZigZag(101)), orderMsg), "message-index count 101 is out of range"},
		{"huge index", shop, cat(prefix(1<<40), orderMsg), "message index [1099511627776] is out of range"},
		{"truncated count varint", shop, []byte{0x80}, "message-index count is truncated"},
		{"truncated index varint", shop, []byte{0x02, 0x80}, "message index 1 of 1 is truncated"},
		{"missing indexes", shop, []byte{0x06, 0x00}, "message index 2 of 3 is truncated"},
		{"overlong varint", shop, bytes.Repeat([]byte{0xff}, 11), "overflows 64 bits"},
		{"no messages", enums, []byte{0}, "message index [0] is out of range: the schema declares no messages"},
		{"no messages explicit", enums, prefix(0), "message index [0] is out of range: the schema declares 0 top-level messages"},
		{"truncated message", shop, cat([]byte{0}, orderMsg[:len(orderMsg)-3]), "message shop.v1.Order does not decode: "},
		{"bad wire type", shop, cat([]byte{0}, badWire), "message shop.v1.Order does not decode: "},
		{"invalid utf-8 string", shop, cat([]byte{0}, badUTF8), "message shop.v1.Order does not decode: "},
		{"wrong message for [1]", shop, cat(prefix(1), []byte{0x0a, 0x05}), "message shop.v1.Customer does not decode: "},
		{"proto2 complete", legacy, cat([]byte{0}, itemOK), ""},
		{"proto2 missing required", legacy, cat([]byte{0}, itemNoID), "message legacy.v1.Item is missing required field id"},
		{"proto2 missing nested required", legacy, cat([]byte{0}, itemDeep),
			`message legacy.v1.Item is missing required fields id, inner.name, more[0].name, named["x"].name`},
		{"proto2 [0,1] missing required", legacy, prefix(0, 1), "message legacy.v1.Item.Inner is missing required field name"},
		{"proto2 extension complete", legacy, cat([]byte{0}, extNamed), ""},
		{"proto2 extension missing required", legacy, cat([]byte{0}, extNoName), "message legacy.v1.Item is missing required field [legacy.v1.extra].name"},
	}
}

func TestValidate(t *testing.T) {
	for _, c := range validateCases(t) {
		t.Run(c.name, func(t *testing.T) {
			err := c.schema.Validate(c.payload)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Validate(% x) = %v, want nil", c.payload, err)
			case c.want != "" && err == nil:
				t.Fatalf("Validate(% x) = nil, want error containing %q", c.payload, c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("Validate(% x) = %q, want it to contain %q", c.payload, err, c.want)
			}
		})
	}
}

func TestValidateIsValidator(t *testing.T) {
	s, err := Format{}.Parse(validateShop, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(compat.Validator); !ok {
		t.Fatal("Protobuf schema does not implement compat.Validator")
	}
}

// FuzzValidate feeds arbitrary payloads to the table's schemas: Validate
// must never panic, and whatever it accepts must resolve to a message whose
// body decodes again.
func FuzzValidate(f *testing.F) {
	cases := validateCases(f)
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
		err := s.Validate(payload)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			if strings.HasPrefix(err.Error(), "internal error") {
				t.Fatalf("Validate(% x) panicked: %v", payload, err)
			}
			return
		}
		md, body, rerr := s.resolveIndex(payload)
		if rerr != nil {
			t.Fatalf("Validate accepted % x, resolveIndex rejects it: %v", payload, rerr)
		}
		if uerr := (proto.UnmarshalOptions{Resolver: &fileExtensions{file: s.file}}).Unmarshal(body, dynamicpb.NewMessage(md)); uerr != nil {
			t.Fatalf("Validate accepted % x, a strict unmarshal rejects it: %v", payload, uerr)
		}
	})
}

// BenchmarkValidate validates a ~1 KiB shop.v1.Order (36 lines, 8 labels).
func BenchmarkValidate(b *testing.B) {
	s := mustParse(b, validateShop, nil)
	order := msgDesc(b, s, "shop.v1.Order")
	line := msgDesc(b, s, "shop.v1.Order.Line")
	msg := encode(b, order, func(m protoreflect.Message) {
		setStr(m, "id", "order-2024-000001")
		lines := m.Mutable(order.Fields().ByName("lines")).List()
		for i := range 36 {
			l := dynamicpb.NewMessage(line)
			setStr(l, "sku", fmt.Sprintf("SKU-%06d-blue-XL", i))
			l.Set(line.Fields().ByName("qty"), protoreflect.ValueOfInt32(int32(i+1)))
			lines.Append(protoreflect.ValueOfMessage(l))
		}
		labels := m.Mutable(order.Fields().ByName("labels")).Map()
		for i := range 8 {
			labels.Set(protoreflect.ValueOfString(fmt.Sprintf("label-%d", i)).MapKey(), protoreflect.ValueOfString("value"))
		}
	})
	payload := cat([]byte{0}, msg)
	if err := s.Validate(payload); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(payload); err != nil {
			b.Fatal(err)
		}
	}
}
