package registry

import (
	"encoding/json"
	"strings"

	"github.com/charterhq/charter/compat"
)

// GlobalScope is the scope of the registry-wide config and mode.
const GlobalScope = ""

// Config is the configuration of one scope: the global one, a context or a
// subject. Empty fields are unset and inherit from the enclosing scope.
type Config struct {
	Compatibility      compat.Level    `json:"compatibilityLevel,omitempty"`
	Normalize          *bool           `json:"normalize,omitempty"`
	ValidateFields     *bool           `json:"validateFields,omitempty"`
	CompatibilityGroup string          `json:"compatibilityGroup,omitempty"`
	Alias              string          `json:"alias,omitempty"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// merge fills c's unset fields from parent.
func (c Config) merge(parent Config) Config {
	if c.Compatibility == "" {
		c.Compatibility = parent.Compatibility
	}
	if c.Normalize == nil {
		c.Normalize = parent.Normalize
	}
	if c.ValidateFields == nil {
		c.ValidateFields = parent.ValidateFields
	}
	if c.CompatibilityGroup == "" {
		c.CompatibilityGroup = parent.CompatibilityGroup
	}
	if c.DefaultMetadata == nil {
		c.DefaultMetadata = parent.DefaultMetadata
	}
	if c.OverrideMetadata == nil {
		c.OverrideMetadata = parent.OverrideMetadata
	}
	if c.DefaultRuleSet == nil {
		c.DefaultRuleSet = parent.DefaultRuleSet
	}
	if c.OverrideRuleSet == nil {
		c.OverrideRuleSet = parent.OverrideRuleSet
	}
	return c
}

// Mode says which writes a scope accepts.
type Mode string

// The modes.
const (
	ReadWrite        Mode = "READWRITE"
	ReadOnly         Mode = "READONLY"
	ReadOnlyOverride Mode = "READONLY_OVERRIDE"
	Import           Mode = "IMPORT"
	ForwardMode      Mode = "FORWARD"
)

// ParseMode parses a mode name (case-insensitive); it returns
// CodeInvalidMode for anything else.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToUpper(strings.TrimSpace(s))); m {
	case ReadWrite, ReadOnly, ReadOnlyOverride, Import, ForwardMode:
		return m, nil
	}
	return "", Errorf(CodeInvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.")
}

// readOnly reports whether m refuses ordinary writes.
func (m Mode) readOnly() bool { return m == ReadOnly || m == ReadOnlyOverride }

// importing reports whether m takes explicit IDs and skips checks.
func (m Mode) importing() bool { return m == Import || m == ForwardMode }
