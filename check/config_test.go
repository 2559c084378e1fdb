package check

import (
	"strings"
	"testing"
)

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"a.avsc", "a.avsc", true},
		{"*.avsc", "a.avsc", true},
		{"*.avsc", "dir/a.avsc", false},
		{"schemas/**/*.avsc", "schemas/a.avsc", true},
		{"schemas/**/*.avsc", "schemas/x/y/a.avsc", true},
		{"schemas/**/*.avsc", "other/a.avsc", false},
		{"**", "any/thing/at/all", true},
		{"**/*.proto", "a.proto", true},
		{"proto/*/v1/*.proto", "proto/shop/v1/order.proto", true},
		{"proto/*/v1/*.proto", "proto/shop/v2/order.proto", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/c", false},
	} {
		if got := matchGlob(tc.pattern, tc.name); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	cfg, err := parseConfig([]byte(`
registry: http://registry:8081
level: forward
protobuf:
  import_paths: [proto]
schemas:
  - path: events/**/*.avsc
    subject: "{name}-value"
    level: FULL_TRANSITIVE
  - path: contracts/*.schema
    subject: contract-{name}
    format: json
  - path: events/special.avsc
    subject: never-reached
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		want target
		ok   bool
	}{
		{"events/shop/order.avsc", target{"order-value", "AVRO", "FULL_TRANSITIVE"}, true},
		{"events/special.avsc", target{"special-value", "AVRO", "FULL_TRANSITIVE"}, true}, // the first match wins
		{"contracts/pay.schema", target{"contract-pay", "JSON", "FORWARD"}, true},
		{"loose/payments-value.proto", target{"payments-value", "PROTOBUF", "FORWARD"}, true},
		{"loose/readme.md", target{"readme", "", "FORWARD"}, false},
	} {
		got, ok := cfg.resolve(tc.file)
		if got != tc.want || ok != tc.ok {
			t.Errorf("resolve(%q) = %+v, %v; want %+v, %v", tc.file, got, ok, tc.want, tc.ok)
		}
	}
	if cfg.Registry != "http://registry:8081" || len(cfg.Protobuf.ImportPaths) != 1 {
		t.Errorf("registry %q, import paths %v", cfg.Registry, cfg.Protobuf.ImportPaths)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"schemas:\n  - path: x\n    subjekt: y\n", `line 3: unknown key "subjekt"`},
		{"level: SIDEWAYS\n", "level:"},
		{"schemas:\n  - subject: y\n", "schemas[0]: path is required"},
		{"schemas:\n  - path: x\n    format: XML\n", `format "XML": want AVRO, PROTOBUF or JSON`},
		{"schemas:\n  - path: x\n    level: nope\n", "schemas[0]: level:"},
		{"schemas:\n  - path: \"[\"\n", `path "["`},
		{"schemas: [\n", "line"},
		{"schemas: 3\n", "line 1"},
	} {
		_, err := parseConfig([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), ConfigFile+": ") {
			t.Errorf("parseConfig(%q) = %v, want an error with %q", tc.yaml, err, tc.want)
		}
	}
	if cfg, err := parseConfig(nil); err != nil || len(cfg.Schemas) != 0 {
		t.Errorf("empty charter.yaml: %v, %v", cfg, err)
	}
}
