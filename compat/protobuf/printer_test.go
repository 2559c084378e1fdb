package protobuf

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/print")

// TestPrintGolden prints each testdata/print/*.proto in both forms and
// compares with the .canonical and .normalized files beside it; -update
// rewrites them.
func TestPrintGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/print/*.proto")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Format{}.Parse(string(src), nil)
			if err != nil {
				t.Fatal(err)
			}
			checkReparse(t, s, nil)
			base := strings.TrimSuffix(in, ".proto")
			for ext, got := range map[string]string{".canonical": s.Canonical(), ".normalized": s.Normalized()} {
				if *update {
					if err := os.WriteFile(base+ext, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(base + ext)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s:\n%s", ext, base+ext, got)
				}
			}
		})
	}
}

// TestNormalizedIgnoresCosmetics parses variants of one schema that differ
// only in layout, comments, declaration order of fields, imports and
// options, and type-name qualification; their normalized forms must agree.
func TestNormalizedIgnoresCosmetics(t *testing.T) {
	variants := []string{
		`syntax = "proto3";
package shop.v1;
import "google/type/money.proto";
import "google/protobuf/timestamp.proto";
option java_package = "com.acme";
option go_package = "acme/shop";
message Order {
  string id = 1;
  google.type.Money total = 2;
  google.protobuf.Timestamp at = 3;
  Item item = 4;
  oneof pay { string card = 5; int64 cash = 6; }
  message Item { int32 n = 1; }
  reserved 10, 11, 12;
}`,
		`// A comment.
syntax="proto3"; package shop.v1;
import "google/protobuf/timestamp.proto"; import "google/type/money.proto";
option go_package = "acme/shop"; option java_package = "com.acme";
message Order { message Item { int32 n = 1; } oneof pay { int64 cash = 6; string card = 5; }
  .shop.v1.Order.Item item = 4; .google.protobuf.Timestamp at = 3;
  /* total */ .google.type.Money total = 2; string id = 1; reserved 10 to 12; }`,
	}
	var first string
	for i, v := range variants {
		s, err := Format{}.Parse(v, nil)
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		if i == 0 {
			first = s.Normalized()
			continue
		}
		if s.Normalized() != first {
			t.Errorf("variant %d normalizes to\n%s\nwant\n%s", i, s.Normalized(), first)
		}
	}
}

// TestCanonicalIgnoresLayout checks that white space and comments vanish
// from the canonical form while order is kept.
func TestCanonicalIgnoresLayout(t *testing.T) {
	a, err := Format{}.Parse("syntax = \"proto3\";\nmessage B { int32 x = 2; int32 y = 1; }\nmessage A {}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Format{}.Parse("// c\nsyntax   = \"proto3\";\n\n\nmessage B {\n\n  int32 x = 2; // x\n  int32 y = 1;\n}\nmessage A {\n}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Canonical() != b.Canonical() {
		t.Errorf("canonical forms differ:\n%s\n---\n%s", a.Canonical(), b.Canonical())
	}
	if !strings.Contains(a.Canonical(), "int32 x = 2;\n  int32 y = 1;") || strings.Index(a.Canonical(), "message B") > strings.Index(a.Canonical(), "message A") {
		t.Errorf("canonical form lost declaration order:\n%s", a.Canonical())
	}
}
