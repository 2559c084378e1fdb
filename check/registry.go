package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/charterhq/charter/compat"
)

// againstRegistry asks a Confluent-compatible registry whether each file is
// compatible with its subject, at the level the registry holds for it. The
// registry decides; the file is parsed locally too, so that a broken file is
// reported with its position and problems are placed in the file.
func againstRegistry(ctx context.Context, opts Options, cfg *config, formats map[string]compat.Format) (Report, error) {
	report := Report{Against: opts.Registry}
	base, err := url.Parse(strings.TrimSuffix(opts.Registry, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return report, usageErrorf("--registry %q: want an http:// or https:// URL", opts.Registry)
	}
	c := &client{base: base.String(), http: opts.HTTP}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	cur := dirTree{dir: opts.Dir}
	files, err := selectFiles(cur, cfg, opts.Files)
	if err != nil {
		return report, err
	}
	if len(files) == 0 {
		return report, usageErrorf("no schema files to check in %s", strings.Join(append([]string{opts.Dir}, opts.Files...), " "))
	}
	for _, file := range files {
		t, err := targetOf(cfg, opts, file, len(files))
		if err != nil {
			return report, err
		}
		res, err := askRegistry(ctx, c, cur, cfg, formats, file, t)
		if err != nil {
			return report, err
		}
		report.Files = append(report.Files, res)
	}
	return report, nil
}

func askRegistry(ctx context.Context, c *client, cur tree, cfg *config, formats map[string]compat.Format, file string, t target) (FileResult, error) {
	t.level = "" // the registry's level applies, not charter.yaml's
	res, _, candidate, err := openFile(cur, cfg, formats, file, t)
	if err != nil || res.Status == Invalid {
		return res, err
	}
	var level struct {
		CompatibilityLevel string `json:"compatibilityLevel"`
	}
	if _, err := c.do(ctx, "GET", "/config/"+url.PathEscape(t.subject)+"?defaultToGlobal=true", nil, &level); err != nil {
		return res, err
	}
	res.Level = compat.Level(level.CompatibilityLevel)
	status, err := c.do(ctx, "GET", "/subjects/"+url.PathEscape(t.subject)+"/versions", nil, nil)
	if err != nil {
		return res, err
	}
	if status == http.StatusNotFound {
		res.Status = New
		return res, nil
	}
	req := map[string]any{"schema": candidate.text}
	if t.format != "AVRO" {
		req["schemaType"] = t.format
	}
	var refs []map[string]any
	for _, imp := range candidate.refs {
		sub, _ := cfg.resolve(imp.file)
		var latest struct {
			Version int `json:"version"`
		}
		status, err := c.do(ctx, "GET", "/subjects/"+url.PathEscape(sub.subject)+"/versions/latest", nil, &latest)
		if err != nil {
			return res, err
		}
		if status == http.StatusNotFound {
			res.Status = Invalid
			res.Problems = []Finding{{Rule: "REFERENCE_NOT_REGISTERED", Message: fmt.Sprintf(
				"import %q (%s) maps to subject %s, which %s does not have: register it first", imp.ref.Name, imp.file, sub.subject, c.base)}}
			return res, nil
		}
		refs = append(refs, map[string]any{"name": imp.ref.Name, "subject": sub.subject, "version": latest.Version})
	}
	if refs != nil {
		req["references"] = refs
	}
	var verdict struct {
		Compatible bool     `json:"is_compatible"`
		Messages   []string `json:"messages"`
		ErrorCode  int      `json:"error_code"`
		Message    string   `json:"message"`
	}
	status, err = c.do(ctx, "POST", "/compatibility/subjects/"+url.PathEscape(t.subject)+"/versions?verbose=true", req, &verdict)
	if err != nil {
		return res, err
	}
	switch {
	case status == http.StatusUnprocessableEntity:
		res.Status, res.Problems = Invalid, []Finding{{Rule: "INVALID_SCHEMA", Message: verdict.Message}}
	case status == http.StatusNotFound:
		res.Status = New
	case !verdict.Compatible:
		res.Status, res.Problems = Incompatible, verboseFindings(candidate.schema, verdict.Messages)
	}
	return res, nil
}

// client is the little of the Confluent REST API that check needs.
type client struct {
	base string
	http *http.Client
}

// do sends a request and decodes a 2xx answer (or a 404/422 error body) into
// out. Other statuses and transport failures are errors that name the URL.
func (c *client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	u := c.base + path
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("registry %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, fmt.Errorf("registry %s: %s %s: %w", c.base, method, u, err)
	}
	ok := resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusUnprocessableEntity
	if !ok {
		return resp.StatusCode, fmt.Errorf("registry %s: %s %s: HTTP %d: %s", c.base, method, u, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil && resp.StatusCode/100 == 2 {
			return resp.StatusCode, fmt.Errorf("registry %s: %s %s: unexpected answer: %v", c.base, method, u, err)
		}
	}
	return resp.StatusCode, nil
}

// The verbose messages of POST /compatibility: Confluent writes
// {errorType:'…', description:'…', additionalInfo:'…'}; Charter adds path
// and direction. Other messages carry the version compared with, or context.
var (
	problemMessage = regexp.MustCompile(`^\{errorType:'([^']*)', description:'(.*?)'(?:, path:'([^']*)')?(?:, direction:'([^']*)')?(?:, additionalInfo:'.*')?\}$`)
	versionMessage = regexp.MustCompile(`^\{oldSchemaVersion: (\d+)\}$`)
	contextMessage = regexp.MustCompile(`^\{(oldSchema|validateFields|compatibility)`)
)

// verboseFindings turns a verbose answer's messages into findings, placed
// in the candidate where its format can.
func verboseFindings(candidate compat.Schema, messages []string) []Finding {
	version := 0
	for _, m := range messages {
		if v := versionMessage.FindStringSubmatch(m); v != nil {
			version, _ = strconv.Atoi(v[1])
		}
	}
	var out []Finding
	for _, m := range messages {
		switch {
		case versionMessage.MatchString(m), contextMessage.MatchString(m):
			continue
		}
		p := compat.Problem{Rule: "INCOMPATIBLE", Message: m}
		if g := problemMessage.FindStringSubmatch(m); g != nil {
			p = compat.Problem{Rule: g[1], Message: g[2], Path: g[3]}
			if g[4] == compat.OldReadsNew.String() {
				p.Direction = compat.OldReadsNew
			}
		}
		f := finding(candidate, p, version)
		if p.Path == "" {
			f.Direction = ""
		}
		out = append(out, f)
	}
	return out
}
