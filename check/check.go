// Package check is `charter check`: it decides whether the schema files of a
// working tree are compatible with what came before them — the versions a
// schema registry holds under their subjects, or the same files at a git ref
// — and reports every problem for people and for CI.
//
// It maps files to subjects and formats (charter.yaml, a --subject flag, or
// the file name), resolves Protobuf imports between local files, and writes
// reports as text, JSON, GitHub Actions annotations or Markdown. It knows no
// schema syntax of its own: the formats are compat.Format values handed in
// by main, and a registry is reached only through the Confluent REST API, so
// that it works against Confluent's registry as well as Charter's.
package check

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/charterhq/charter/compat"
)

// Options say what to check and against what: exactly one of Registry and
// Against, or neither when charter.yaml names a registry.
type Options struct {
	Dir      string   // the working tree: where charter.yaml and the files are
	Files    []string // files or directories to check, relative to Dir; empty for all known
	Registry string   // base URL of a Confluent-compatible registry
	Against  string   // a git ref to compare with
	Subject  string   // the subject of the one file in Files, overriding any mapping
	Level    string   // the level for Against when the mapping names none; default BACKWARD

	Formats []compat.Format // by schemaType; the ones main wires in
	HTTP    *http.Client    // for Registry; nil for http.DefaultClient
}

// Status is a file's verdict.
type Status string

// The statuses. Compatible and New pass; the others fail the check.
const (
	Compatible   Status = "compatible"
	New          Status = "new"
	Incompatible Status = "incompatible"
	Deleted      Status = "deleted"
	Invalid      Status = "invalid" // the file does not parse
)

// Report is the outcome of one run.
type Report struct {
	Against string       // what the files were compared with: a registry URL or a git ref
	Files   []FileResult // sorted by path
}

// FileResult is one schema file's verdict and problems.
type FileResult struct {
	Path     string // relative to Options.Dir, with forward slashes
	Subject  string
	Format   string // schemaType: AVRO, PROTOBUF, JSON
	Level    compat.Level
	Status   Status
	Problems []Finding
}

// Finding is one problem, placed in the file where the format can tell.
type Finding struct {
	Line, Column int    // 1-based; 0 when unknown
	Rule         string // e.g. READER_FIELD_MISSING_DEFAULT_VALUE, FIELD_KIND_CHANGED
	Path         string // the element, as the format names it
	Message      string
	Direction    string // "new reads old" or "old reads new", when known
	Version      int    // the registry version it is against, when known
}

// Failed reports whether any file failed the check.
func (r Report) Failed() bool {
	for _, f := range r.Files {
		if f.Status != Compatible && f.Status != New {
			return true
		}
	}
	return false
}

// Invalid reports whether any file failed to parse.
func (r Report) Invalid() bool {
	for _, f := range r.Files {
		if f.Status == Invalid {
			return true
		}
	}
	return false
}

// Count returns how many files have each status.
func (r Report) Count() map[Status]int {
	n := make(map[Status]int)
	for _, f := range r.Files {
		n[f.Status]++
	}
	return n
}

// Run checks the files Options name. An error means the check could not be
// made (bad configuration, an unreachable registry, a missing git ref); a
// schema that does not parse is a FileResult with Status Invalid instead.
func Run(ctx context.Context, opts Options) (Report, error) {
	cfg, err := loadConfig(opts.Dir)
	if err != nil {
		return Report{}, err
	}
	if opts.Registry == "" && opts.Against == "" {
		opts.Registry = cfg.Registry
	}
	if (opts.Registry == "") == (opts.Against == "") {
		return Report{}, usageErrorf("give either --registry URL or --against REF (or set registry in %s)", ConfigFile)
	}
	formats := make(map[string]compat.Format, len(opts.Formats))
	for _, f := range opts.Formats {
		formats[f.Type()] = f
	}
	var report Report
	if opts.Registry != "" {
		report, err = againstRegistry(ctx, opts, cfg, formats)
	} else {
		report, err = againstRef(ctx, opts, cfg, formats)
	}
	sort.Slice(report.Files, func(i, j int) bool { return report.Files[i].Path < report.Files[j].Path })
	return report, err
}

// UsageError is a mistake in how check was called or configured, as opposed
// to a failure to reach what it checks against.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}
