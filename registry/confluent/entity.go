package confluent

import (
	"encoding/json"
	"net/http"

	"github.com/charterhq/charter/registry"
)

// schemaRequest is Confluent's RegisterSchemaRequest. Unknown properties are
// ignored, as Confluent ignores them.
type schemaRequest struct {
	Schema     string          `json:"schema"`
	SchemaType string          `json:"schemaType"`
	References []reference     `json:"references"`
	Metadata   json.RawMessage `json:"metadata"`
	RuleSet    json.RawMessage `json:"ruleSet"`
	RuleSetLC  json.RawMessage `json:"ruleset"` // Confluent accepts both spellings
	Version    int             `json:"version"`
	ID         int             `json:"id"`
}

type reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

func (req schemaRequest) domain(r *http.Request) registry.SchemaRequest {
	out := registry.SchemaRequest{
		Schema:    req.Schema,
		Type:      req.SchemaType,
		Metadata:  req.Metadata,
		RuleSet:   req.RuleSet,
		Version:   req.Version,
		ID:        req.ID,
		Normalize: boolParam(r, "normalize"),
	}
	if out.RuleSet == nil {
		out.RuleSet = req.RuleSetLC
	}
	for _, ref := range req.References {
		out.References = append(out.References, registry.Reference(ref))
	}
	return out
}

// schemaEntity is Confluent's Schema (a subject version), with the 8.x
// fields left empty for 7.x-shaped answers.
type schemaEntity struct {
	Subject    string          `json:"subject,omitempty"`
	Version    int             `json:"version,omitempty"`
	ID         int             `json:"id,omitempty"`
	GUID       string          `json:"guid,omitempty"`
	SchemaType string          `json:"schemaType,omitempty"`
	References []reference     `json:"references,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
	RuleSet    json.RawMessage `json:"ruleSet,omitempty"`
	Schema     string          `json:"schema,omitempty"`
	MaxID      int             `json:"maxId,omitempty"`
	TS         int64           `json:"ts,omitempty"`
	Deleted    *bool           `json:"deleted,omitempty"`
}

// schemaFields fills the parts every shape shares. Confluent 7.x omits
// schemaType for Avro; 8.x always sends it.
func schemaFields(e *schemaEntity, s registry.Schema, r *http.Request) {
	e.Schema = s.Text
	e.Metadata = nilIfEmpty(s.Metadata)
	e.RuleSet = nilIfEmpty(s.RuleSet)
	for _, ref := range s.References {
		e.References = append(e.References, reference(ref))
	}
	if s.Type != registry.TypeAvro || newShape(r) {
		e.SchemaType = s.Type
	}
	if newShape(r) {
		e.GUID = registry.GUID(s.Fingerprint)
	}
}

func nilIfEmpty(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return b
}

// versionEntity renders a subject version.
func versionEntity(v registry.Version, r *http.Request) schemaEntity {
	e := schemaEntity{Subject: v.Subject, Version: v.Version, ID: v.Schema.ID}
	schemaFields(&e, v.Schema, r)
	if newShape(r) {
		e.TS = v.CreatedAt.UnixMilli()
		e.Deleted = &v.Deleted
	}
	return e
}

type subjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

type compatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// verboseResponse keeps "messages" even when empty, as Confluent does with
// verbose=true.
type verboseResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages"`
}

type modeEntity struct {
	Mode registry.Mode `json:"mode"`
}

// configGet is GET /config's shape (key compatibilityLevel); configPut is
// PUT's (key compatibility).
type configGet struct {
	CompatibilityLevel string `json:"compatibilityLevel,omitempty"`
	configRest
}

type configPut struct {
	Compatibility string `json:"compatibility,omitempty"`
	configRest
}

type configRest struct {
	CompatibilityGroup string          `json:"compatibilityGroup,omitempty"`
	Normalize          *bool           `json:"normalize,omitempty"`
	ValidateFields     *bool           `json:"validateFields,omitempty"`
	Alias              string          `json:"alias,omitempty"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet,omitempty"`
}

func restOf(c registry.Config) configRest {
	return configRest{
		CompatibilityGroup: c.CompatibilityGroup,
		Normalize:          c.Normalize,
		ValidateFields:     c.ValidateFields,
		Alias:              c.Alias,
		DefaultMetadata:    c.DefaultMetadata,
		OverrideMetadata:   c.OverrideMetadata,
		DefaultRuleSet:     c.DefaultRuleSet,
		OverrideRuleSet:    c.OverrideRuleSet,
	}
}
