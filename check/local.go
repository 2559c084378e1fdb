package check

import (
	"context"
	"errors"
	"fmt"

	"github.com/charterhq/charter/compat"
)

// againstRef compares the working tree's schema files with the same files
// at a git ref: new files pass, deleted ones fail, the rest are checked at
// their level (charter.yaml's, else --level, else BACKWARD).
func againstRef(ctx context.Context, opts Options, cfg *config, formats map[string]compat.Format) (Report, error) {
	report := Report{Against: opts.Against}
	old, err := openGitTree(ctx, opts.Dir, opts.Against)
	if err != nil {
		return report, err
	}
	cur := dirTree{dir: opts.Dir}
	level := compat.Backward
	if opts.Level != "" {
		if level, err = compat.ParseLevel(opts.Level); err != nil {
			return report, usageErrorf("--level: %v", err)
		}
	}
	files, err := selectFiles(cur, cfg, opts.Files)
	if err != nil {
		return report, err
	}
	before, err := selectFiles(old, cfg, opts.Files)
	if err != nil {
		return report, err
	}
	present := make(map[string]bool, len(files))
	for _, file := range files {
		present[file] = true
		t, err := targetOf(cfg, opts, file, len(files))
		if err != nil {
			return report, err
		}
		if t.level == "" {
			t.level = level
		}
		res, err := compareWithRef(cur, old, cfg, formats, file, t)
		if err != nil {
			return report, err
		}
		report.Files = append(report.Files, res)
	}
	for _, file := range before {
		if present[file] {
			continue
		}
		t, _ := cfg.resolve(file)
		report.Files = append(report.Files, FileResult{
			Path: file, Subject: t.subject, Format: t.format, Level: t.level, Status: Deleted,
			Problems: []Finding{{Rule: "FILE_DELETED", Message: fmt.Sprintf("%s was deleted; readers of subject %s lose its schema", file, t.subject)}},
		})
	}
	return report, nil
}

// targetOf resolves a file's subject and format, applying --subject.
func targetOf(cfg *config, opts Options, file string, files int) (target, error) {
	t, ok := cfg.resolve(file)
	if opts.Subject != "" {
		if files != 1 {
			return t, usageErrorf("--subject names the subject of one file, but %d files are checked", files)
		}
		t.subject = opts.Subject
	}
	if !ok {
		return t, usageErrorf("%s: cannot tell its format: name it .avsc, .proto or .json, or map it in %s", file, ConfigFile)
	}
	return t, nil
}

func compareWithRef(cur, old tree, cfg *config, formats map[string]compat.Format, file string, t target) (FileResult, error) {
	res, f, candidate, err := openFile(cur, cfg, formats, file, t)
	if err != nil || res.Status == Invalid {
		return res, err
	}
	previous, err := parseFile(old, cfg, f, file)
	if err != nil {
		return res, err
	}
	if previous.schema == nil {
		// New, or the old file did not parse: nothing to be compatible with.
		res.Status = New
		return res, nil
	}
	for _, p := range compat.Check(f, t.level, candidate.schema, []compat.Schema{previous.schema}) {
		res.Problems = append(res.Problems, finding(candidate.schema, p, 0))
	}
	if len(res.Problems) > 0 {
		res.Status = Incompatible
	}
	return res, nil
}

// openFile starts a file's result: it finds the file's format and parses
// the file from t, marking the result Invalid when it does not parse.
func openFile(t tree, cfg *config, formats map[string]compat.Format, file string, tg target) (FileResult, compat.Format, parsed, error) {
	res := FileResult{Path: file, Subject: tg.subject, Format: tg.format, Level: tg.level, Status: Compatible}
	f, ok := formats[tg.format]
	if !ok {
		return res, nil, parsed{}, usageErrorf("%s: no %s format in this build", file, tg.format)
	}
	p, err := parseFile(t, cfg, f, file)
	if err == nil && p.invalid != nil {
		res.Status, res.Problems = Invalid, []Finding{parseFinding(p.invalid)}
	}
	return res, f, p, err
}

// parsed is a schema file read from a tree: its Schema, or why it did not
// parse, or neither when the tree lacks the file.
type parsed struct {
	schema  compat.Schema
	invalid *compat.ParseError
	text    string
	refs    []localImport
}

// parseFile reads and parses file from t with its local imports.
func parseFile(t tree, cfg *config, f compat.Format, file string) (parsed, error) {
	b, ok, err := t.read(file)
	if err != nil || !ok {
		return parsed{}, err
	}
	p := parsed{text: string(b)}
	var refs []compat.Reference
	if f.Type() == "PROTOBUF" {
		if p.refs, err = protoImports(t, cfg, file, b); err != nil {
			return p, err
		}
		for _, imp := range p.refs {
			refs = append(refs, imp.ref)
		}
	}
	s, err := f.Parse(p.text, refs)
	if err != nil {
		if !errors.As(err, &p.invalid) {
			p.invalid = &compat.ParseError{Type: f.Type(), Message: err.Error()}
		}
		return p, nil
	}
	p.schema = s
	return p, nil
}

func parseFinding(pe *compat.ParseError) Finding {
	return Finding{Line: pe.Line, Column: pe.Column, Rule: "INVALID_SCHEMA", Message: pe.Message}
}

// finding places a problem in the candidate's text where its format can.
func finding(candidate compat.Schema, p compat.Problem, version int) Finding {
	f := Finding{Rule: p.Rule, Path: p.Path, Message: p.Message, Direction: p.Direction.String(), Version: version}
	if l, ok := candidate.(compat.Locator); ok {
		if line, col, ok := l.Locate(p.Path); ok {
			f.Line, f.Column = line, col
		}
	}
	return f
}
