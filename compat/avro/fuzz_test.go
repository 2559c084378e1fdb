package avro_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// seeds returns every schema text of the corpora.
func seeds(t testing.TB) []string {
	var out []string
	for _, tc := range loadParseCases(t) {
		out = append(out, tc.Schema)
	}
	for _, p := range loadPairs(t) {
		out = append(out, string(p.Reader), string(p.Writer))
	}
	var levels []evolution
	if data, err := os.ReadFile("testdata/levels.json"); err == nil && json.Unmarshal(data, &levels) == nil {
		for _, e := range levels {
			out = append(out, string(e.Old), string(e.New))
		}
	}
	files, _ := filepath.Glob("testdata/canonical/*.avsc")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// FuzzParse checks that Parse never panics and that both renderings of
// whatever it accepts are fixed points.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := avro.Format{}.Parse(text, nil)
		if err != nil {
			return
		}
		assertFixedPoint(t, s, nil)
		loc := s.(compat.Locator)
		for _, path := range probePaths {
			if line, col, ok := loc.Locate(path); ok && (line < 1 || col < 1) {
				t.Errorf("Locate(%q) = %d, %d, true", path, line, col)
			}
		}
		if line, col, ok := loc.Locate(""); !ok || line < 1 || col < 1 {
			t.Errorf("Locate(\"\") = %d, %d, %v", line, col, ok)
		}
	})
}

// probePaths are paths FuzzParse locates in whatever parses.
var probePaths = []string{"", "/", "/name", "/size", "/symbols", "/items", "/values", "/0", "/1",
	"/0/name", "/1/size", "/1/symbols", "/items/0", "/values/1/fields/0/type", "/fields/0", "/fields/0/type",
	"/fields/1/type/items", "/fields/0/type/1", "/fields/0/type/0/fields/0/type/values", "/2/fields/0/type/name",
	"/fields/0/type/fields/0/type/fields/0/type/fields/0", "/0/0", "/fields/~1", "x", "//", "/fields/01"}

// FuzzCompatible checks that Compatible never panics, and that a schema can
// always read its own data.
func FuzzCompatible(f *testing.F) {
	for _, p := range loadPairs(f) {
		if p.ReaderRefs == nil && p.WriterRefs == nil {
			f.Add(string(p.Reader), string(p.Writer))
		}
	}
	f.Fuzz(func(t *testing.T, readerText, writerText string) {
		reader, err := avro.Format{}.Parse(readerText, nil)
		if err != nil {
			return
		}
		if got := (avro.Format{}).Compatible(reader, reader); len(got) != 0 {
			t.Errorf("%s cannot read itself: %v", readerText, got)
		}
		writer, err := avro.Format{}.Parse(writerText, nil)
		if err != nil {
			return
		}
		for _, p := range (avro.Format{}).Compatible(reader, writer) {
			if p.Rule == "" || p.Path == "" || p.Path[0] != '/' || p.Message == "" {
				t.Errorf("malformed problem %+v", p)
			}
			if line, col, ok := reader.(compat.Locator).Locate(p.Path); !ok || line < 1 || col < 1 {
				t.Errorf("Locate(%q) = %d, %d, %v in %s", p.Path, line, col, ok, readerText)
			}
		}
	})
}
