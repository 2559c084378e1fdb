package protobuf

import (
	"encoding/base64"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"

	"github.com/charterhq/charter/compat"
)

const locateProto = `// Orders.
syntax = "proto3";

package shop.v1;

import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  google.protobuf.Timestamp at = 2;
  oneof payment {
    string card = 3;
    string iban = 5;
  }
	int64 total = 4;
  map<string, Line> lines = 6;
  optional bool gift = 7;

  message Line {
    string sku = 1;
  }
  enum Kind {
    KIND_UNSPECIFIED = 0;
    KIND_RUSH = 1;
  }
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  ACTIVE = 1;
}

service Orders {
  rpc Get(Order) returns (Order);
}
`

func TestLocate(t *testing.T) {
	s := mustParse(t, locateProto, nil)
	var _ compat.Locator = s
	for _, c := range []struct {
		path      string
		line, col int
		ok        bool
	}{
		{"shop.v1", 4, 1, true},
		{"shop.v1.Order", 8, 1, true},
		{"shop.v1.Order.id (field 1)", 9, 3, true},
		{"shop.v1.Order.id", 9, 3, true},
		{"shop.v1.Order.renamed (field 1)", 9, 3, true}, // by number first
		{"shop.v1.Order.at (field 2)", 10, 3, true},
		{"shop.v1.Order.payment", 11, 3, true},
		{"shop.v1.Order.iban (field 5)", 13, 5, true},
		{"shop.v1.Order.total (field 4)", 15, 9, true}, // a tab is 8 columns
		{"shop.v1.Order.lines (field 6)", 16, 3, true},
		{"shop.v1.Order.LinesEntry.value (field 2)", 16, 3, true}, // a map entry: its map field
		{"shop.v1.Order.LinesEntry", 16, 3, true},
		{"shop.v1.Order.gift (field 7)", 17, 3, true},
		{"shop.v1.Order.Line", 19, 3, true},
		{"shop.v1.Order.Line.sku (field 1)", 20, 5, true},
		{"shop.v1.Order.Kind", 22, 3, true},
		{"shop.v1.Order.Kind.KIND_RUSH (value 1)", 24, 5, true},
		{"shop.v1.Status", 28, 1, true},
		{"shop.v1.Status.ACTIVE", 30, 3, true},
		{"shop.v1.Status.ACTIVE (value 1)", 30, 3, true},
		{"shop.v1.ACTIVE", 30, 3, true},
		{"shop.v1.Orders", 33, 1, true},
		{"shop.v1.Orders.Get", 34, 3, true},
		{"shop.v1.Order.gone (field 99)", 0, 0, false},
		{"shop.v1.Missing", 0, 0, false},
		{"google.protobuf.Timestamp", 0, 0, false}, // declared in an import
		{"", 0, 0, false},
		{"(no package)", 4, 1, true},
		{"shop.v1.Order.id (field x)", 0, 0, false},
		{"..", 0, 0, false},
	} {
		line, col, ok := s.Locate(c.path)
		if line != c.line || col != c.col || ok != c.ok {
			t.Errorf("Locate(%q) = %d, %d, %v; want %d, %d, %v", c.path, line, col, ok, c.line, c.col, c.ok)
		}
	}
}

func TestLocateNoPackage(t *testing.T) {
	s := mustParse(t, "\n\nsyntax = \"proto3\";\nmessage M { int32 a = 1; }\n", nil)
	if line, col, ok := s.Locate("(no package)"); !ok || line != 3 || col != 1 {
		t.Errorf("Locate((no package)) = %d, %d, %v", line, col, ok)
	}
	if line, col, ok := s.Locate("M.a (field 1)"); !ok || line != 4 || col != 13 {
		t.Errorf("Locate(M.a) = %d, %d, %v", line, col, ok)
	}
}

func TestLocateDescriptor(t *testing.T) {
	s := mustParse(t, locateProto, nil)
	fdp := protodesc.ToFileDescriptorProto(s.file)
	b, err := proto.Marshal(fdp)
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, base64.StdEncoding.EncodeToString(b), nil)
	for _, p := range []string{"shop.v1", "shop.v1.Order", "shop.v1.Order.id (field 1)"} {
		if _, _, ok := d.Locate(p); ok {
			t.Errorf("Locate(%q) on a descriptor schema: ok", p)
		}
	}
}

// TestLocateProblems locates every problem the corpus reports, in the
// reader schema or, for removed elements, the writer schema. Only an
// element declared in a reference may be missing.
func TestLocateProblems(t *testing.T) {
	located, total := 0, 0
	for _, p := range loadPairs(t) {
		w := mustParse(t, p.Writer, p.WriterRefs)
		r := mustParse(t, p.Reader, p.ReaderRefs)
		for _, pr := range (Format{}).Compatible(r, w) {
			total++
			_, _, ok := r.Locate(pr.Path)
			if !ok {
				_, _, ok = w.Locate(pr.Path)
			}
			switch {
			case ok:
				located++
			case len(p.WriterRefs)+len(p.ReaderRefs) == 0:
				t.Errorf("%s: cannot locate %q", p.Name, pr.Path)
			default: // the element may be declared in a reference's text
				t.Logf("%s: cannot locate %q", p.Name, pr.Path)
			}
		}
	}
	t.Logf("located %d of %d problem paths", located, total)
}
