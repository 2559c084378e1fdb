package avro_test

import (
	"fmt"

	"github.com/charterhq/charter/compat/avro"
)

// A new version adds a field without a default, so it cannot read data
// written with the old one.
func ExampleFormat_Compatible() {
	var f avro.Format
	old, _ := f.Parse(`{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`, nil)
	next, _ := f.Parse(`{
	  "type": "record", "name": "User",
	  "fields": [{"name": "id", "type": "long"}, {"name": "email", "type": "string"}]
	}`, nil)
	fmt.Println(next.Canonical())
	for _, p := range f.Compatible(next, old) {
		fmt.Println(p)
	}
	// Output:
	// {"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"}]}
	// READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: The field 'email' has no default value and is missing in the writer
}
