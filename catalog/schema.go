package catalog

import (
	_ "embed"
	"slices"
)

//go:embed catalog.schema.json
var jsonSchema []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of a catalog file, for
// editors (yaml-language-server's `# yaml-language-server: $schema=…`) and
// for serving. It describes the shape; ParseSpec also checks references.
func JSONSchema() []byte { return slices.Clone(jsonSchema) }
