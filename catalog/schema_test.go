package catalog_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/charterhq/charter/catalog"
)

// TestJSONSchema validates the example files and an export against the
// embedded schema, and checks that it rejects what ParseSpec rejects for its
// shape.
func TestJSONSchema(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(catalog.JSONSchema()))
	if err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("catalog.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("catalog.schema.json")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	export, err := example().MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	valid := map[string][]byte{"export": export}
	files, _ := filepath.Glob("testdata/*.yaml")
	more, _ := filepath.Glob("testdata/folder/*/*.yml")
	for _, name := range append(append(files, more...), "testdata/folder/invoices.yaml") {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		valid[name] = data
	}
	for name, data := range valid {
		for i, v := range documents(t, data) {
			if err := schema.Validate(v); err != nil {
				t.Errorf("%s document %d: %v", name, i, err)
			}
		}
	}
	for _, bad := range []string{
		"teams:\n  - name: payments\n    emial: x\n",
		"teams:\n  - description: no name\n",
		"services:\n  - name: billing\n    lifecycle: production-ish\n",
		"topics:\n  - name: orders\n    classification: secret\n",
		"topics:\n  - name: orders\n    producers:\n      - service: checkout\n        groups: [x]\n",
		"topics:\n  - name: orders\n    tags: pii\n",
		"domains: []\n",
	} {
		for _, v := range documents(t, []byte(bad)) {
			if err := schema.Validate(v); err == nil {
				t.Errorf("the schema accepts\n%s", bad)
			}
		}
	}
}

// documents decodes the YAML documents of data into JSON values.
func documents(t *testing.T, data []byte) []any {
	t.Helper()
	var out []any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("decode: %v", err)
		}
		// Through JSON, so that the values have the types the validator
		// expects (float64 numbers, map[string]any).
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		j, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
}
