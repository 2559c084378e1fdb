package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// These tests run `charter check` in-process against a real git repository
// in a temporary directory and against the real server, in every format.

// The schemas each test repository starts with, at its first commit.
var baseFiles = map[string]string{
	"schemas/orders-value.avsc": `{
  "type": "record",
  "name": "Order",
  "namespace": "shop",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "note", "type": "string", "default": ""}
  ]
}
`,
	"proto/common.proto": `syntax = "proto3";
package shop.v1;
message Money { int64 cents = 1; }
`,
	"proto/payment.proto": `syntax = "proto3";
package shop.v1;
import "proto/common.proto";
message Payment {
  string id = 1;
  Money amount = 2;
}
`,
	"schemas/user.json": `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
 "properties": {"name": {"type": "string"}}, "additionalProperties": false}
`,
	"schemas/legacy.avsc": `"string"
`,
	"package.json": `{"name": "not-a-schema"}
`,
}

// newRepo writes files into a fresh git repository and commits them.
func newRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// runCheck runs `charter check args...` and returns its output and exit
// status as main would set it.
func runCheck(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCharter(t, env, append([]string{"check"}, args...)...)
}

// runCharter runs `charter args...` in-process and returns its output and
// exit status as main would set it.
func runCharter(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	var exit *exitError
	switch {
	case errors.As(err, &exit):
		code = exit.code
		if exit.err != nil {
			errOut.WriteString(exit.err.Error())
		}
	case err != nil:
		code = 1
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

// jsonReport is the shape of --format json, as a tool would read it.
type jsonReport struct {
	Compatible bool
	Files      []struct {
		Path, Subject, Format, Level, Status string
		Problems                             []struct {
			Line, Column        int
			Rule, Path, Message string
		}
	}
}

func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--format json is not JSON: %v\n%s", err, out)
	}
	return r
}

// statuses maps each reported file to its status and the rules of its
// problems with their positions.
func statuses(r jsonReport) map[string]string {
	out := map[string]string{}
	for _, f := range r.Files {
		s := f.Status
		for _, p := range f.Problems {
			s += " " + p.Rule
			if p.Line > 0 {
				s += "@" + strconv.Itoa(p.Line)
			}
		}
		out[f.Path] = s
	}
	return out
}

func TestCheckAgainstRef(t *testing.T) {
	dir := newRepo(t, baseFiles)

	// Untouched files are compatible; package.json is no schema.
	out, stderr, code := runCheck(t, nil, "--dir", dir, "--against", "main", "--format", "json")
	if code != 0 {
		t.Fatalf("unchanged tree: exit %d, want 0\n%s%s", code, out, stderr)
	}
	if r := decodeReport(t, out); len(r.Files) != 5 || !r.Compatible {
		t.Fatalf("unchanged tree: %+v, want 5 compatible files", statuses(r))
	}

	// Break each format, add a file, delete one.
	writeFiles(t, dir, map[string]string{
		"schemas/orders-value.avsc": `{
  "type": "record",
  "name": "Order",
  "namespace": "shop",
  "fields": [
    {"name": "id", "type": "int"},
    {"name": "qty", "type": "int"}
  ]
}
`,
		"proto/payment.proto": strings.Replace(baseFiles["proto/payment.proto"], "Money amount = 2;", "string amount = 2;", 1),
		"schemas/user.json":   strings.Replace(baseFiles["schemas/user.json"], `"additionalProperties": false`, `"additionalProperties": false, "required": ["name"]`, 1),
		"schemas/new.avsc":    `"int"`,
	})
	if err := os.Remove(filepath.Join(dir, "schemas/legacy.avsc")); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = runCheck(t, nil, "--dir", dir, "--against", "main", "--format", "json")
	if code != 1 {
		t.Fatalf("broken tree: exit %d, want 1\n%s%s", code, out, stderr)
	}
	got := statuses(decodeReport(t, out))
	want := map[string]string{
		"proto/common.proto":        "compatible",
		"proto/payment.proto":       "incompatible FIELD_KIND_CHANGED@6",
		"schemas/orders-value.avsc": "incompatible TYPE_MISMATCH@6 READER_FIELD_MISSING_DEFAULT_VALUE@7",
		"schemas/user.json":         "incompatible REQUIRED_ATTRIBUTE_ADDED@2",
		"schemas/new.avsc":          "new",
		"schemas/legacy.avsc":       "deleted FILE_DELETED",
	}
	for file, w := range want {
		if got[file] != w {
			t.Errorf("%s: %q, want %q", file, got[file], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("reported %v, want exactly %v", got, want)
	}

	// The text report says where, what and a summary.
	out, _, code = runCheck(t, nil, "--dir", dir, "--against", "main")
	for _, line := range []string{
		"schemas/orders-value.avsc:6:",
		"READER_FIELD_MISSING_DEFAULT_VALUE: The field 'qty'",
		"FAILED: 6 files checked against main: 3 incompatible, 1 deleted, 1 compatible, 1 new; 5 problems",
	} {
		if !strings.Contains(out, line) || code != 1 {
			t.Errorf("text report (exit %d) lacks %q:\n%s", code, line, out)
		}
	}

	// GitHub: annotations, and every problem in the job summary.
	summary := filepath.Join(t.TempDir(), "summary.md")
	out, _, code = runCheck(t, map[string]string{"GITHUB_STEP_SUMMARY": summary}, "--dir", dir, "--against", "main", "--format", "github")
	if code != 1 || !strings.Contains(out, "::error file=schemas/orders-value.avsc,line=7,col=5,title=READER_FIELD_MISSING_DEFAULT_VALUE::The field 'qty'") {
		t.Errorf("github report (exit %d) lacks the annotation:\n%s", code, out)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatalf("job summary: %v", err)
	}
	for _, rule := range []string{"FIELD_KIND_CHANGED", "TYPE_MISMATCH", "REQUIRED_ATTRIBUTE_ADDED", "FILE_DELETED", "| `schemas/new.avsc` |"} {
		if !strings.Contains(string(md), rule) {
			t.Errorf("job summary lacks %s:\n%s", rule, md)
		}
	}

	// Markdown for a PR comment.
	out, _, _ = runCheck(t, nil, "--dir", dir, "--against", "main", "--format", "markdown", "schemas")
	if !strings.Contains(out, "| 7:5 | `READER_FIELD_MISSING_DEFAULT_VALUE` | `/fields/1` |") || strings.Contains(out, "payment.proto") {
		t.Errorf("markdown report for schemas/ is wrong:\n%s", out)
	}

	// buf's WIRE_JSON category, with buf's rule IDs.
	out, _, code = runCheck(t, nil, "--dir", dir, "--against", "main", "--protobuf-rules", "wire_json", "--format", "json", "proto")
	if got := statuses(decodeReport(t, out)); code != 1 || got["proto/payment.proto"] != "incompatible FIELD_WIRE_JSON_COMPATIBLE_TYPE@6" {
		t.Errorf("--protobuf-rules wire_json: exit %d, %v", code, got)
	}

	// NONE accepts the changes, but not the deleted file.
	out, _, code = runCheck(t, nil, "--dir", dir, "--against", "main", "--level", "NONE", "--format", "json")
	if got := statuses(decodeReport(t, out)); code != 1 || got["schemas/orders-value.avsc"] != "compatible" || got["schemas/legacy.avsc"] != "deleted FILE_DELETED" {
		t.Errorf("--level NONE: exit %d, %v", code, got)
	}
}

func TestCheckConfigAndErrors(t *testing.T) {
	dir := newRepo(t, map[string]string{
		"charter.yaml": `level: FORWARD
schemas:
  - path: events/**/*.avsc
    subject: "{name}-value"
    level: FULL
  - path: contracts/payment.schema
    subject: payments
    format: JSON
`,
		"events/shop/order.avsc":    `{"type":"record","name":"O","fields":[{"name":"a","type":"int"}]}`,
		"contracts/payment.schema":  `{"type":"object","properties":{"a":{"type":"string"}}}`,
		"elsewhere/unmapped.avsc":   `"int"`,
		"contracts/readme.md":       "not a schema",
		"events/shop/notes.txt":     "not a schema",
		"events/shop/ignored.proto": "syntax = \"proto3\";",
	})
	// Adding a field with a default is FULL-compatible; the mapping names
	// the subject and the format.
	writeFiles(t, dir, map[string]string{
		"events/shop/order.avsc": `{"type":"record","name":"O","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}`,
	})
	out, stderr, code := runCheck(t, nil, "--dir", dir, "--against", "main", "--format", "json")
	r := decodeReport(t, out)
	if code != 0 || len(r.Files) != 2 {
		t.Fatalf("exit %d, files %v, want 0 and the 2 mapped files\n%s", code, statuses(r), stderr)
	}
	for _, f := range r.Files {
		want := map[string][3]string{
			"events/shop/order.avsc":   {"order-value", "AVRO", "FULL"},
			"contracts/payment.schema": {"payments", "JSON", "FORWARD"},
		}[f.Path]
		if [3]string{f.Subject, f.Format, f.Level} != want {
			t.Errorf("%s checked as %s %s %s, want %v", f.Path, f.Subject, f.Format, f.Level, want)
		}
	}

	// A file that does not parse: exit 2, with its position.
	writeFiles(t, dir, map[string]string{"events/shop/order.avsc": "{\"type\": \"record\",\n \"name\": \"O\", \"fields\": [}"})
	out, _, code = runCheck(t, nil, "--dir", dir, "--against", "main")
	if code != 2 || !strings.Contains(out, "events/shop/order.avsc:2:") || !strings.Contains(out, "INVALID_SCHEMA") {
		t.Errorf("invalid file: exit %d, want 2 and a positioned INVALID_SCHEMA:\n%s", code, out)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no mode", []string{"--dir", dir}, "give either --registry URL or --against REF"},
		{"both modes", []string{"--dir", dir, "--against", "main", "--registry", "http://x"}, "give either"},
		{"bad ref", []string{"--dir", dir, "--against", "no-such-branch"}, "--against no-such-branch: not a commit"},
		{"bad level", []string{"--dir", dir, "--against", "main", "--level", "SIDEWAYS"}, "--level"},
		{"bad format", []string{"--dir", dir, "--against", "main", "--format", "xml"}, `--format "xml"`},
		{"bad url", []string{"--dir", dir, "--registry", "localhost:8081"}, "want an http:// or https:// URL"},
		{"subject for many", []string{"--dir", dir, "--against", "main", "--subject", "x"}, "--subject names the subject of one file"},
		{"unknown flag", []string{"--frobnicate"}, "unknown flag"},
		{"bad rules", []string{"--dir", dir, "--against", "main", "--protobuf-rules", "FILE"}, "--protobuf-rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCheck(t, nil, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}

	// A broken charter.yaml is a usage error naming the line.
	writeFiles(t, dir, map[string]string{"charter.yaml": "schemas:\n  - path: x\n    subjekt: y\n"})
	_, stderr, code = runCheck(t, nil, "--dir", dir, "--against", "main")
	if code != 2 || !strings.Contains(stderr, "charter.yaml: line 3") || !strings.Contains(stderr, "subjekt") {
		t.Errorf("bad charter.yaml: exit %d, %q", code, stderr)
	}
}

func TestCheckAgainstRegistry(t *testing.T) {
	base := startServer(t)
	dir := newRepo(t, baseFiles)
	register := func(subject, body string) {
		t.Helper()
		if code, resp := post(t, base+"/subjects/"+subject+"/versions", body); code != 200 {
			t.Fatalf("register %s: %d %s", subject, code, resp)
		}
	}
	schemaBody := func(file, schemaType, refs string) string {
		b, _ := json.Marshal(baseFiles[file])
		body := `{"schema":` + string(b)
		if schemaType != "" {
			body += `,"schemaType":"` + schemaType + `"`
		}
		if refs != "" {
			body += `,"references":` + refs
		}
		return body + "}"
	}
	register("orders-value", schemaBody("schemas/orders-value.avsc", "", ""))
	register("common", schemaBody("proto/common.proto", "PROTOBUF", ""))
	register("payment", schemaBody("proto/payment.proto", "PROTOBUF", `[{"name":"proto/common.proto","subject":"common","version":1}]`))
	register("user", schemaBody("schemas/user.json", "JSON", ""))
	if code, resp := put(t, base+"/config/orders-value", `{"compatibility":"FORWARD"}`); code != 200 {
		t.Fatalf("config: %d %s", code, resp)
	}

	out, stderr, code := runCheck(t, nil, "--dir", dir, "--registry", base, "--format", "json")
	if code != 0 {
		t.Fatalf("registered files: exit %d, want 0\n%s%s", code, out, stderr)
	}
	got := statuses(decodeReport(t, out))
	if got["schemas/legacy.avsc"] != "new" || got["proto/payment.proto"] != "compatible" {
		t.Errorf("registered files: %v", got)
	}

	// FORWARD (the subject's level in the registry): old readers must read
	// new data, so removing a field without a default breaks them. The old
	// schema's path /fields/1 is placed at the new file's fields (line 2).
	writeFiles(t, dir, map[string]string{
		"schemas/orders-value.avsc": `{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"note","type":"string","default":""}]}`,
		"proto/payment.proto": strings.Replace(baseFiles["proto/payment.proto"], "Money amount = 2;", "string amount = 2;", 1),
	})
	out, _, code = runCheck(t, nil, "--dir", dir, "--registry", base, "--format", "json")
	r := decodeReport(t, out)
	got = statuses(r)
	if code != 1 || got["schemas/orders-value.avsc"] != "incompatible READER_FIELD_MISSING_DEFAULT_VALUE@2" ||
		got["proto/payment.proto"] != "incompatible FIELD_KIND_CHANGED@6" {
		t.Errorf("against the registry: exit %d, %v", code, got)
	}
	for _, f := range r.Files {
		if f.Path == "schemas/orders-value.avsc" && f.Level != "FORWARD" {
			t.Errorf("orders-value checked at %s, want the registry's FORWARD", f.Level)
		}
	}

	// --subject points one file at another subject.
	out, _, code = runCheck(t, nil, "--dir", dir, "--registry", base, "--subject", "orders-value", "schemas/legacy.avsc")
	if code != 1 || !strings.Contains(out, "schemas/legacy.avsc: incompatible with orders-value at FORWARD") {
		t.Errorf("--subject: exit %d\n%s", code, out)
	}

	// An unreachable registry: exit 2, naming the URL and why.
	_, stderr, code = runCheck(t, nil, "--dir", dir, "--registry", "http://127.0.0.1:1")
	if code != 2 || !strings.Contains(stderr, "registry http://127.0.0.1:1") || !strings.Contains(stderr, "connection refused") {
		t.Errorf("unreachable registry: exit %d, %q", code, stderr)
	}
}

func put(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
