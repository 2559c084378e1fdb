package catalog_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/catalogtest"
	"github.com/charterhq/charter/registry"
)

var update = flag.Bool("update", false, "rewrite golden files")

// example is testdata/example.yaml as a Spec.
func example() catalog.Spec {
	return catalog.Spec{
		Teams: []catalog.Team{
			{Name: "payments", Description: "Money in and out", Email: "payments@acme.example", Chat: "#payments", OnCall: "https://acme.pagerduty.com/schedules/P123"},
			{Name: "shop", Description: "The storefront"},
		},
		Services: []catalog.Service{
			{Name: "billing", Team: "payments", Description: "Invoices customers", Repository: "https://github.com/acme/billing", Lifecycle: "production"},
			{Name: "checkout", Team: "shop", Lifecycle: "production"},
			{Name: "ledger", Team: "payments", Lifecycle: "experimental"},
		},
		Topics: []catalog.Topic{
			{Name: "orders", Description: "Orders as placed", Owner: "checkout", KeySubject: "orders-key", ValueSubject: "orders-value", Tags: []string{"core", "pii"}, Classification: "confidential"},
			{Name: "refunds", Owner: "billing", ValueSubject: "refunds-value", Classification: "internal"},
		},
		Relations: []catalog.Relation{
			{Service: "billing", Topic: "orders", Kind: catalog.Consumes, Groups: []string{"billing-orders"}},
			{Service: "ledger", Topic: "orders", Kind: catalog.Consumes},
			{Service: "checkout", Topic: "orders", Kind: catalog.Produces},
			{Service: "billing", Topic: "refunds", Kind: catalog.Consumes, Groups: []string{"billing-refunds"}},
			{Service: "billing", Topic: "refunds", Kind: catalog.Produces},
		},
	}
}

func TestLoadSpec_Example(t *testing.T) {
	got, err := catalog.LoadSpec("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := example(); !reflect.DeepEqual(got, want) {
		t.Errorf("LoadSpec(example.yaml) =\n%+v\nwant\n%+v", got, want)
	}
}

// TestLoadSpec_Folder merges the *.yaml and *.yml files of a folder tree,
// several documents per file, skipping hidden folders and other files.
func TestLoadSpec_Folder(t *testing.T) {
	got, err := catalog.LoadSpec("testdata/folder")
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Spec{
		Teams:    []catalog.Team{{Name: "payments", Email: "payments@acme.example"}},
		Services: []catalog.Service{{Name: "billing", Team: "payments"}, {Name: "mailer"}},
		Topics:   []catalog.Topic{{Name: "invoices", Owner: "billing", ValueSubject: "invoices-value", Tags: []string{"finance"}}},
		Relations: []catalog.Relation{
			{Service: "mailer", Topic: "invoices", Kind: catalog.Consumes},
			{Service: "billing", Topic: "invoices", Kind: catalog.Produces},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadSpec(folder) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestLoadSpec_Missing(t *testing.T) {
	if _, err := catalog.LoadSpec("testdata/nothing-here"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadSpec of a missing path: %v, want ErrNotExist", err)
	}
	if _, err := catalog.LoadSpec(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.yaml") {
		t.Errorf("LoadSpec of an empty folder: %v, want an error saying it holds no catalog files", err)
	}
}

// TestParseSpec_Invalid loads each file or folder under testdata/invalid and
// compares the error with <name>.golden; -update rewrites those.
func TestParseSpec_Invalid(t *testing.T) {
	entries, err := os.ReadDir("testdata/invalid")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".yaml")
		if strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			spec, err := catalog.LoadSpec(filepath.Join("testdata/invalid", e.Name()))
			if err == nil {
				t.Fatalf("LoadSpec succeeded: %+v", spec)
			}
			if !reflect.DeepEqual(spec, catalog.Spec{}) {
				t.Errorf("LoadSpec returned a partial spec with its error: %+v", spec)
			}
			if code := registry.CodeOf(err); code != registry.CodeUnprocessable {
				t.Errorf("code = %d, want %d", code, registry.CodeUnprocessable)
			}
			got := registry.MessageOf(err) + "\n"
			golden := filepath.Join("testdata/invalid", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("errors:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}

func TestParseSpec_Empty(t *testing.T) {
	for _, data := range []string{"", "# only a comment\n", "{}", "teams:\nservices: []\n", "---\n---\n"} {
		spec, err := catalog.ParseSpec([]catalog.File{{Name: "empty.yaml", Data: []byte(data)}})
		if err != nil || !reflect.DeepEqual(spec, catalog.Spec{}) {
			t.Errorf("ParseSpec(%q) = %+v, %v; want an empty spec", data, spec, err)
		}
	}
}

// TestMarshalYAML exports the example against a golden file, and checks that
// the export of several specs reads back as the same spec and exports to the
// same bytes again.
func TestMarshalYAML(t *testing.T) {
	got, err := example().MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/example.export.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("MarshalYAML(example) =\n%s\nwant (%s)\n%s", got, golden, want)
	}

	tricky := catalogtest.Full()
	tricky.Teams[1].Chat = "#shop"
	tricky.Teams[1].Email = "true"
	tricky.Teams[1].OnCall = "- not a list: really"
	tricky.Topics[0].Description = "123"
	tricky.Topics[1].Tags = []string{"*star", "null", "yes", "~"}
	for name, spec := range map[string]catalog.Spec{"example": example(), "full": catalogtest.Full(), "small": catalogtest.Small(), "tricky": tricky, "empty": {}} {
		t.Run(name, func(t *testing.T) { roundTrip(t, spec) })
	}
}

func roundTrip(t *testing.T, spec catalog.Spec) {
	t.Helper()
	out, err := spec.MarshalYAML()
	if err != nil {
		t.Fatalf("MarshalYAML: %v", err)
	}
	back, err := catalog.ParseSpec([]catalog.File{{Name: "export.yaml", Data: out}})
	if err != nil {
		t.Fatalf("ParseSpec(MarshalYAML(spec)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, spec) {
		t.Fatalf("ParseSpec(MarshalYAML(spec)) =\n%+v\nwant\n%+v\nexport:\n%s", back, spec, out)
	}
	again, err := back.MarshalYAML()
	if err != nil || string(again) != string(out) {
		t.Fatalf("second export differs (%v):\n%s\nfirst:\n%s", err, again, out)
	}
}

// FuzzParseSpec: ParseSpec never panics; what it accepts exports, reads back
// as the same spec, and exports to the same bytes.
func FuzzParseSpec(f *testing.F) {
	for _, dir := range []string{"testdata", "testdata/invalid", "testdata/invalid/duplicates", "testdata/folder"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := catalog.ParseSpec([]catalog.File{{Name: "fuzz.yaml", Data: data}})
		if err != nil {
			if !reflect.DeepEqual(spec, catalog.Spec{}) {
				t.Fatalf("ParseSpec returned a partial spec with its error: %+v", spec)
			}
			if registry.CodeOf(err) != registry.CodeUnprocessable {
				t.Fatalf("ParseSpec error of code %d: %v", registry.CodeOf(err), err)
			}
			return
		}
		roundTrip(t, spec)
	})
}
