package avro_test

import (
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
)

// evolution is one case of testdata/levels.json: the verdict of compat.Check
// at each non-transitive level when new follows old.
type evolution struct {
	Name     string          `json:"name"`
	Source   string          `json:"source"`
	Old      json.RawMessage `json:"old"`
	New      json.RawMessage `json:"new"`
	Backward bool            `json:"BACKWARD"`
	Forward  bool            `json:"FORWARD"`
	Full     bool            `json:"FULL"`
}

func TestCheck_Levels(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/levels.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []evolution
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			old, next := mustParse(t, string(tc.Old), nil), mustParse(t, string(tc.New), nil)
			for level, want := range map[compat.Level]bool{
				compat.Backward: tc.Backward, compat.Forward: tc.Forward, compat.Full: tc.Full,
			} {
				problems := compat.Check(avro.Format{}, level, next, []compat.Schema{old})
				if got := len(problems) == 0; got != want {
					t.Errorf("%s: compatible = %v, want %v; problems: %v", level, got, want, problems)
				}
			}
		})
	}
}

// TestCheck_RemovedDefault transcribes Confluent's AvroCompatibilityTest
// case: dropping a default is compatible with the previous version but not
// transitively.
func TestCheck_RemovedDefault(t *testing.T) {
	t.Parallel()
	v1 := mustParse(t, `{"type":"record","name":"r","fields":[{"name":"f1","type":"string"}]}`, nil)
	v2 := mustParse(t, `{"type":"record","name":"r","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string","default":"x"}]}`, nil)
	v3 := mustParse(t, `{"type":"record","name":"r","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]}`, nil)
	history := []compat.Schema{v1, v2}
	if got := compat.Check(avro.Format{}, compat.Backward, v3, history); len(got) != 0 {
		t.Errorf("BACKWARD: %v, want none", got)
	}
	got := compat.Check(avro.Format{}, compat.BackwardTransitive, v3, history)
	if len(got) != 1 || got[0].Rule != "READER_FIELD_MISSING_DEFAULT_VALUE" || got[0].Against != 0 || got[0].Path != "/fields/1" {
		t.Errorf("BACKWARD_TRANSITIVE: %v, want one READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1 against 0", got)
	}
}

// TestFormat_Concurrent shares one Format and its schemas between
// goroutines; run with -race it proves the package keeps no shared state.
func TestFormat_Concurrent(t *testing.T) {
	t.Parallel()
	pairs := loadPairs(t)
	var f compat.Format = avro.Format{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, p := range pairs {
				r, err := f.Parse(string(p.Reader), p.ReaderRefs)
				if err != nil {
					t.Error(err)
					return
				}
				w, err := f.Parse(string(p.Writer), p.WriterRefs)
				if err != nil {
					t.Error(err)
					return
				}
				if got := len(f.Compatible(r, w)) == 0; got != p.Compatible {
					t.Errorf("%s: compatible = %v", p.Name, got)
				}
			}
		})
	}
	wg.Wait()
}
