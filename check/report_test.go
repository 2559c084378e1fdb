package check

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a report with every status and the odd characters reports must
// escape.
func sample() Report {
	return Report{Against: "main", Files: []FileResult{
		{Path: "proto/payment.proto", Subject: "payment", Format: "PROTOBUF", Level: "BACKWARD", Status: Incompatible, Problems: []Finding{
			{Line: 6, Column: 3, Rule: "FIELD_KIND_CHANGED", Path: "shop.v1.Payment.amount (field 2)", Message: "Field amount is a scalar in the reader schema but a message in the writer schema.", Direction: "new reads old"},
		}},
		{Path: "schemas/a,b.avsc", Subject: "a|b", Format: "AVRO", Level: "FULL", Status: Incompatible, Problems: []Finding{
			{Line: 7, Column: 5, Rule: "READER_FIELD_MISSING_DEFAULT_VALUE", Path: "/fields/1", Message: "The field 'qty' has no default value\nand 100% is missing", Direction: "new reads old", Version: 3},
		}},
		{Path: "schemas/bad.json", Subject: "bad", Format: "JSON", Status: Invalid, Problems: []Finding{{Line: 2, Column: 9, Rule: "INVALID_SCHEMA", Message: "invalid character '}'"}}},
		{Path: "schemas/gone.avsc", Subject: "gone", Format: "AVRO", Status: Deleted, Problems: []Finding{{Rule: "FILE_DELETED", Message: "schemas/gone.avsc was deleted"}}},
		{Path: "schemas/new.avsc", Subject: "new", Format: "AVRO", Level: "BACKWARD", Status: New},
		{Path: "schemas/ok.avsc", Subject: "ok", Format: "AVRO", Level: "BACKWARD", Status: Compatible},
	}}
}

func TestWrite(t *testing.T) {
	for _, format := range []string{"text", "json", "github", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, sample(), format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+format)
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("%s report differs from %s (-update rewrites it):\n%s", format, golden, b.String())
			}
		})
	}
	if err := Write(&bytes.Buffer{}, sample(), "xml"); err == nil {
		t.Error("Write accepted the format xml")
	}
}

func TestReportVerdicts(t *testing.T) {
	r := sample()
	if !r.Failed() || !r.Invalid() {
		t.Errorf("sample: Failed %v, Invalid %v; want both", r.Failed(), r.Invalid())
	}
	ok := Report{Files: []FileResult{{Status: Compatible}, {Status: New}}}
	if ok.Failed() || ok.Invalid() {
		t.Errorf("compatible and new files: Failed %v, Invalid %v", ok.Failed(), ok.Invalid())
	}
	if (Report{Files: []FileResult{{Status: Deleted}}}).Failed() == false {
		t.Error("a deleted file does not fail the check")
	}
}
