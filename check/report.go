package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats names the report formats Write knows.
const Formats = "text, json, github, markdown"

// ValidFormat reports a usage error unless Write knows format.
func ValidFormat(format string) error {
	switch format {
	case "text", "", "json", "github", "markdown":
		return nil
	}
	return usageErrorf("--format %q: want one of %s", format, Formats)
}

// Write writes r in format: "text" for people, "json" for tools, "github"
// for GitHub Actions annotations, "markdown" for a pull-request comment or
// job summary.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case "text", "":
		return writeText(w, r)
	case "json":
		return writeJSON(w, r)
	case "github":
		return writeGitHub(w, r)
	case "markdown":
		return WriteMarkdown(w, r)
	}
	return ValidFormat(format)
}

func writeText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Files {
		switch f.Status {
		case New:
			fmt.Fprintf(&b, "%s: new subject %s\n", f.Path, f.Subject)
		case Deleted, Invalid:
			fmt.Fprintf(&b, "%s: %s (subject %s)\n", f.Path, f.Status, f.Subject)
		default:
			fmt.Fprintf(&b, "%s: %s with %s at %s\n", f.Path, f.Status, f.Subject, f.Level)
		}
		for _, p := range f.Problems {
			fmt.Fprintf(&b, "  %s: %s: %s", position(f.Path, p), p.Rule, oneLine(p.Message))
			if extra := detail(p); extra != "" {
				fmt.Fprintf(&b, " (%s)", extra)
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString(summary(r))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine keeps a message on its report line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// position is file:line:column, shortened to what is known.
func position(file string, p Finding) string {
	switch {
	case p.Line > 0 && p.Column > 0:
		return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", file, p.Line)
	}
	return file
}

// detail is where a problem is in the schema and which way it reads.
func detail(p Finding) string {
	var parts []string
	if p.Path != "" {
		parts = append(parts, p.Path)
	}
	if p.Direction != "" {
		parts = append(parts, p.Direction)
	}
	if p.Version > 0 {
		parts = append(parts, fmt.Sprintf("against version %d", p.Version))
	}
	return strings.Join(parts, ", ")
}

// summary is the one line that ends every human report.
func summary(r Report) string {
	n := r.Count()
	problems := 0
	for _, f := range r.Files {
		problems += len(f.Problems)
	}
	var parts []string
	for _, s := range []Status{Incompatible, Deleted, Invalid, Compatible, New} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to check")
	}
	verdict := "compatible"
	if r.Failed() {
		verdict = "FAILED"
	}
	return fmt.Sprintf("%s: %d %s checked against %s: %s; %d %s",
		verdict, len(r.Files), plural(len(r.Files), "file", "files"), r.Against, strings.Join(parts, ", "), problems, plural(problems, "problem", "problems"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func writeJSON(w io.Writer, r Report) error {
	type problem struct {
		Line      int    `json:"line,omitempty"`
		Column    int    `json:"column,omitempty"`
		Rule      string `json:"rule"`
		Path      string `json:"path,omitempty"`
		Message   string `json:"message"`
		Direction string `json:"direction,omitempty"`
		Version   int    `json:"version,omitempty"`
	}
	type file struct {
		Path     string    `json:"path"`
		Subject  string    `json:"subject"`
		Format   string    `json:"format"`
		Level    string    `json:"level,omitempty"`
		Status   Status    `json:"status"`
		Problems []problem `json:"problems"`
	}
	out := struct {
		Compatible bool           `json:"compatible"`
		Against    string         `json:"against"`
		Summary    map[Status]int `json:"summary"`
		Files      []file         `json:"files"`
	}{Compatible: !r.Failed(), Against: r.Against, Summary: r.Count(), Files: []file{}}
	for _, f := range r.Files {
		jf := file{Path: f.Path, Subject: f.Subject, Format: f.Format, Level: string(f.Level), Status: f.Status, Problems: []problem{}}
		for _, p := range f.Problems {
			jf.Problems = append(jf.Problems, problem(p))
		}
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeGitHub writes one workflow command per problem, which GitHub shows
// as annotations on the pull request's files, and the summary line.
// GitHub shows only the first few annotations of a step; the Markdown job
// summary (WriteMarkdown) lists them all.
func writeGitHub(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Files {
		for _, p := range f.Problems {
			fmt.Fprintf(&b, "::error file=%s", escapeProperty(f.Path))
			if p.Line > 0 {
				fmt.Fprintf(&b, ",line=%d", p.Line)
			}
			if p.Column > 0 {
				fmt.Fprintf(&b, ",col=%d", p.Column)
			}
			msg := p.Message
			if extra := detail(p); extra != "" {
				msg += " (" + extra + ")"
			}
			fmt.Fprintf(&b, ",title=%s::%s\n", escapeProperty(p.Rule), escapeData(msg))
		}
	}
	b.WriteString(summary(r))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData and escapeProperty encode workflow-command text as the GitHub
// Actions toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteMarkdown writes the report as Markdown: a table of files and one
// table of problems per failing file, for a pull-request comment or a
// GitHub job summary.
func WriteMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	icon := map[Status]string{Compatible: "✅", New: "🆕", Incompatible: "❌", Deleted: "❌", Invalid: "⚠️"}
	fmt.Fprintf(&b, "### Charter schema check\n\n%s\n\n", summary(r))
	if len(r.Files) > 0 {
		b.WriteString("| file | subject | format | level | verdict | problems |\n| --- | --- | --- | --- | --- | ---: |\n")
		for _, f := range r.Files {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s %s | %d |\n",
				f.Path, cell(f.Subject), f.Format, f.Level, icon[f.Status], f.Status, len(f.Problems))
		}
	}
	for _, f := range r.Files {
		if len(f.Problems) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n#### `%s` → %s\n\n| where | rule | path | message |\n| --- | --- | --- | --- |\n", f.Path, cell(f.Subject))
		for _, p := range f.Problems {
			where := "—"
			if p.Line > 0 {
				where = fmt.Sprintf("%d:%d", p.Line, p.Column)
			}
			path := ""
			if p.Path != "" {
				path = "`" + cell(p.Path) + "`"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", where, p.Rule, path, cell(p.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}
