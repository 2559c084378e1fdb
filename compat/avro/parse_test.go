package avro_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// parseCase is one case of testdata/parse.json. For invalid schemas,
// message is a fragment of the expected message, and line and column are
// expected exactly (0 when the error has no position).
type parseCase struct {
	Name    string             `json:"name"`
	Schema  string             `json:"schema"`
	Refs    []compat.Reference `json:"refs"`
	Valid   bool               `json:"valid"`
	Message string             `json:"message"`
	Line    int                `json:"line"`
	Column  int                `json:"column"`
}

func loadParseCases(t testing.TB) []parseCase {
	t.Helper()
	data, err := os.ReadFile("testdata/parse.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []parseCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestParse_Corpus(t *testing.T) {
	t.Parallel()
	for _, tc := range loadParseCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			s, err := avro.Format{}.Parse(tc.Schema, tc.Refs)
			if tc.Valid {
				if err != nil {
					t.Fatalf("Parse = %v, want success", err)
				}
				assertFixedPoint(t, s, tc.Refs)
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded with %s, want error containing %q", s.Canonical(), tc.Message)
			}
			var pe *compat.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *compat.ParseError", err, err)
			}
			if pe.Type != "AVRO" {
				t.Errorf("Type = %q, want AVRO", pe.Type)
			}
			if !strings.Contains(pe.Message, tc.Message) {
				t.Errorf("Message = %q, want it to contain %q", pe.Message, tc.Message)
			}
			if pe.Line != tc.Line || pe.Column != tc.Column {
				t.Errorf("position = %d:%d, want %d:%d (%s)", pe.Line, pe.Column, tc.Line, tc.Column, pe.Message)
			}
		})
	}
}

func TestParse_DeepNesting(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000),
		strings.Repeat(`{"type":"array","items":`, 3000) + `"int"` + strings.Repeat("}", 3000),
	} {
		_, err := avro.Format{}.Parse(text, nil)
		var pe *compat.ParseError
		if !errors.As(err, &pe) || pe.Line != 1 || pe.Column == 0 {
			t.Errorf("Parse(deep) = %v, want a positioned ParseError", err)
		}
	}
	// Just under the limit is fine.
	text := strings.Repeat(`{"type":"array","items":`, 900) + `"int"` + strings.Repeat("}", 900)
	if _, err := (avro.Format{}).Parse(text, nil); err != nil {
		t.Errorf("Parse(900 levels) = %v", err)
	}
}

func TestFormat_Type(t *testing.T) {
	t.Parallel()
	if got := (avro.Format{}).Type(); got != "AVRO" {
		t.Errorf("Type() = %q, want AVRO", got)
	}
}

// TestParse_DefaultSearch guards against an exponential default check: the
// default below nests 40 objects through unions of 8 records, and matches
// no branch at the bottom. Tried naively, every level retries every branch.
func TestParse_DefaultSearch(t *testing.T) {
	t.Parallel()
	var defs, names []string
	for i := range 8 {
		names = append(names, fmt.Sprintf(`"B%d"`, i))
		defs = append(defs, fmt.Sprintf(`{"type":"record","name":"B%d","fields":[{"name":"x","type":[%s]}]}`,
			i, strings.Join(append(names[:i:i], `"null"`), ",")))
	}
	nested := strings.Repeat(`{"x":`, 40) + `{}` + strings.Repeat(`}`, 40)
	text := fmt.Sprintf(`{"type":"record","name":"Top","fields":[{"name":"u","type":[%s]},{"name":"d","type":[%s],"default":%s}]}`,
		strings.Join(defs, ","), strings.Join(names, ","), nested)
	_, err := avro.Format{}.Parse(text, nil)
	if err == nil || !strings.Contains(err.Error(), "invalid default") {
		t.Errorf("Parse = %v, want an invalid default", err)
	}
}

// TestParse_LargeInputs feeds objects with many keys and many aliases,
// which a quadratic duplicate check would take minutes over.
func TestParse_LargeInputs(t *testing.T) {
	t.Parallel()
	const n = 50000
	props := make([]string, n)
	aliases := make([]string, n)
	for i := range n {
		props[i] = fmt.Sprintf(`"p%d":%d`, i, i)
		aliases[i] = fmt.Sprintf(`"A%d"`, i)
	}
	text := fmt.Sprintf(`{"type":"record","name":"R","fields":[],%s,"aliases":[%s]}`,
		strings.Join(props, ","), strings.Join(aliases, ","))
	// A quadratic parser would take minutes here and hit the test timeout;
	// the time itself is measured by BenchmarkParse, not asserted.
	s, err := avro.Format{}.Parse(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Canonical(), `"p49999":49999`) {
		t.Error("custom properties lost")
	}
}
