package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charterhq/charter/compat"
)

// CompatibilityResult is the verdict of a compatibility check.
type CompatibilityResult struct {
	Compatible bool
	Level      compat.Level
	// Problems are the incompatibilities found with the first version that
	// failed; OldVersion is that version and OldSchema its text.
	Problems   []compat.Problem
	OldVersion int
	OldSchema  string
}

// Messages renders the result as Confluent's verbose messages: one per
// problem, then the old version, the old schema and the settings.
func (r CompatibilityResult) Messages() []string {
	if r.Compatible {
		return []string{}
	}
	msgs := make([]string, 0, len(r.Problems)+3)
	for _, p := range r.Problems {
		if p.Rule == ruleSchemaType {
			msgs = append(msgs, p.Message)
			continue
		}
		msgs = append(msgs, fmt.Sprintf("{errorType:'%s', description:'%s', path:'%s', direction:'%s'}", p.Rule, p.Message, p.Path, p.Direction))
	}
	old := r.OldSchema
	if len(old) > 10*1024 {
		old = old[:10*1024]
	}
	return append(msgs,
		fmt.Sprintf("{oldSchemaVersion: %d}", r.OldVersion),
		fmt.Sprintf("{oldSchema: '%s'}", old),
		fmt.Sprintf("{validateFields: 'false', compatibility: '%s'}", r.Level))
}

func (r CompatibilityResult) details() string {
	return "[" + strings.Join(r.Messages(), ", ") + "]"
}

const ruleSchemaType = "SCHEMA_TYPE_CHANGED"

// CheckCompatibility tells whether req could be registered under subject, as
// POST /compatibility/subjects/{subject}/versions[/{version}] does. version 0
// compares with the versions the subject's level names (all live ones when
// transitive), Latest with the newest live one, and a number with that live
// version only (CodeVersionNotFound when it is missing or soft-deleted).
// Nothing is stored and the mode is not consulted.
func (s *Service) CheckCompatibility(ctx context.Context, subject string, version int, req SchemaRequest) (CompatibilityResult, error) {
	cfg, err := s.effectiveConfig(ctx, subject)
	if err != nil {
		return CompatibilityResult{}, err
	}
	req.Normalize = req.Normalize || (cfg.Normalize != nil && *cfg.Normalize)
	var against []Version
	switch {
	case version > 0:
		v, err := s.store.Version(ctx, subject, version)
		if err != nil || v.Deleted {
			if err != nil && CodeOf(err) != CodeSubjectNotFound && CodeOf(err) != CodeVersionNotFound {
				return CompatibilityResult{}, storeErr(err)
			}
			return CompatibilityResult{}, Errorf(CodeVersionNotFound, "Version %d not found.", version)
		}
		against = []Version{v}
	case version == Latest || (!cfg.Compatibility.Transitive() && cfg.CompatibilityGroup == ""):
		// Only the newest live version is compared with: one read, whatever
		// the subject's history. A group needs all, to pick its members.
		v, err := s.store.Version(ctx, subject, Latest)
		if err != nil {
			if code := CodeOf(err); code != CodeSubjectNotFound && code != CodeVersionNotFound {
				return CompatibilityResult{}, storeErr(err)
			}
			break // no live version: nothing to compare with
		}
		against = []Version{v}
	default:
		history, err := s.store.Versions(ctx, subject)
		if err != nil && CodeOf(err) != CodeSubjectNotFound {
			return CompatibilityResult{}, storeErr(err)
		}
		against = liveVersions(history)
	}
	c, err := s.prepare(ctx, subject, req)
	if err != nil {
		return CompatibilityResult{}, err
	}
	return s.check(ctx, cfg, c, against, s.store.Version)
}

// check runs compat.Check for c against live versions at cfg's level,
// reading the references of versions not parsed yet with read.
func (s *Service) check(ctx context.Context, cfg Config, c candidate, live []Version, read versionReader) (CompatibilityResult, error) {
	result := CompatibilityResult{Compatible: true, Level: cfg.Compatibility}
	live = inGroup(live, cfg.CompatibilityGroup, c.schema.Metadata)
	if cfg.Compatibility == compat.None || len(live) == 0 {
		return result, nil
	}
	// Only the versions the level compares with are parsed: the latest, or
	// all of them when transitive.
	if !cfg.Compatibility.Transitive() {
		live = live[len(live)-1:]
	}
	history := make([]compat.Schema, 0, len(live))
	for _, v := range live {
		// compat.Check needs one format; a type change fails against the
		// versions it would be compared with, as in Confluent.
		if v.Schema.Type != c.schema.Type {
			result.Compatible = false
			result.OldVersion, result.OldSchema = v.Version, v.Schema.Text
			result.Problems = []compat.Problem{{Rule: ruleSchemaType, Message: "Incompatible because of different schema type"}}
			return result, nil
		}
		p, err := s.parsedVia(ctx, v.Schema, read)
		if err != nil {
			return result, fmt.Errorf("parse version %d of %q: %w", v.Version, v.Subject, err)
		}
		history = append(history, p)
	}
	problems := compat.Check(c.format, cfg.Compatibility, c.parsed, history)
	if len(problems) == 0 {
		return result, nil
	}
	old := live[problems[0].Against]
	result.Compatible = false
	result.Problems = problems
	result.OldVersion, result.OldSchema = old.Version, old.Schema.Text
	return result, nil
}

// inGroup keeps the versions in the candidate's compatibility group: those
// whose metadata property named group equals the candidate's.
func inGroup(live []Version, group string, metadata []byte) []Version {
	if group == "" {
		return live
	}
	want := groupValue(metadata, group)
	kept := make([]Version, 0, len(live))
	for _, v := range live {
		if groupValue(v.Schema.Metadata, group) == want {
			kept = append(kept, v)
		}
	}
	return kept
}

func groupValue(metadata []byte, key string) string {
	var m struct {
		Properties map[string]string `json:"properties"`
	}
	if len(metadata) == 0 || json.Unmarshal(metadata, &m) != nil {
		return ""
	}
	return m.Properties[key]
}
