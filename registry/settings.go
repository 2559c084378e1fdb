package registry

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/charterhq/charter/compat"
)

// scopes returns the scopes whose settings apply to subject, innermost
// first: the subject, its context, then the global scope.
func scopes(subject string) []string {
	if subject == GlobalScope {
		return []string{GlobalScope}
	}
	schemaContext, name := SplitContext(subject)
	out := make([]string, 0, 3)
	if name != "" {
		out = append(out, subject)
	}
	if schemaContext != DefaultContext {
		out = append(out, QualifySubject(schemaContext, ""))
	}
	return append(out, GlobalScope)
}

// effectiveConfig merges the configs of every scope over subject, field by
// field, then the server default level.
func (s *Service) effectiveConfig(ctx context.Context, subject string) (Config, error) {
	var cfg Config
	for _, scope := range scopes(subject) {
		c, ok, err := s.store.Config(ctx, scope)
		if err != nil {
			return Config{}, storeErr(err)
		}
		if ok {
			cfg = cfg.merge(c)
		}
	}
	return cfg.merge(Config{Compatibility: s.DefaultCompatibility}), nil
}

// effectiveMode is the mode of the innermost scope over subject that sets
// one, READWRITE when none does.
func (s *Service) effectiveMode(ctx context.Context, subject string) (Mode, error) {
	for _, scope := range scopes(subject) {
		m, ok, err := s.store.Mode(ctx, scope)
		if err != nil {
			return "", storeErr(err)
		}
		if ok {
			return m, nil
		}
	}
	return ReadWrite, nil
}

// Config returns the config of scope. For a subject without one it returns
// CodeSubjectConfigNotFound, or with defaultToGlobal the effective config.
// The global scope always answers, with the server default level if unset.
func (s *Service) Config(ctx context.Context, scope string, defaultToGlobal bool) (Config, error) {
	if scope == GlobalScope || defaultToGlobal {
		return s.effectiveConfig(ctx, scope)
	}
	c, ok, err := s.store.Config(ctx, scope)
	if err != nil {
		return Config{}, storeErr(err)
	}
	if !ok {
		return Config{}, Errorf(CodeSubjectConfigNotFound, "Subject '%s' does not have subject-level compatibility configured", scope)
	}
	return c, nil
}

// UpdateConfig merges patch into the config of scope, as PUT /config does:
// keys absent from patch keep their value, keys set to null are cleared.
// Keys are Confluent's ("compatibility" or "compatibilityLevel", "normalize",
// ...). It returns the merged config.
func (s *Service) UpdateConfig(ctx context.Context, scope string, patch map[string]json.RawMessage) (Config, error) {
	if scope != GlobalScope {
		if err := ValidateSubject(scope); err != nil {
			return Config{}, err
		}
	}
	if err := s.writable(ctx, scope); err != nil {
		return Config{}, err
	}
	old, _, err := s.store.Config(ctx, scope)
	if err != nil {
		return Config{}, storeErr(err)
	}
	merged, err := patchConfig(old, patch)
	if err != nil {
		return Config{}, err
	}
	if err := s.store.SetConfig(ctx, scope, merged); err != nil {
		return Config{}, storeErr(err)
	}
	return merged, nil
}

func patchConfig(old Config, patch map[string]json.RawMessage) (Config, error) {
	fields := make(map[string]json.RawMessage)
	raw, _ := json.Marshal(old)
	_ = json.Unmarshal(raw, &fields)
	for k, v := range patch {
		if k == "compatibility" {
			k = "compatibilityLevel"
		}
		if string(v) == "null" {
			delete(fields, k)
			continue
		}
		fields[k] = v
	}
	invalidLevel := Errorf(CodeInvalidCompatibility, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
	if lv, ok := fields["compatibilityLevel"]; ok {
		var name string
		if json.Unmarshal(lv, &name) != nil {
			return Config{}, invalidLevel
		}
		level, err := compat.ParseLevel(name)
		if err != nil {
			return Config{}, invalidLevel
		}
		fields["compatibilityLevel"], _ = json.Marshal(level)
	}
	raw, _ = json.Marshal(fields)
	var merged Config
	if err := json.Unmarshal(raw, &merged); err != nil {
		return Config{}, Errorf(CodeUnprocessable, "Invalid config: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return merged, nil
}

// DeleteConfig removes the config of scope and returns what it was. A
// subject without one gives CodeSubjectNotFound; the global scope answers
// with its previous (or default) config.
func (s *Service) DeleteConfig(ctx context.Context, scope string) (Config, error) {
	if err := s.writable(ctx, scope); err != nil {
		return Config{}, err
	}
	old, ok, err := s.store.Config(ctx, scope)
	if err != nil {
		return Config{}, storeErr(err)
	}
	if !ok {
		if scope != GlobalScope {
			return Config{}, Errorf(CodeSubjectNotFound, "Subject '%s' not found.", scope)
		}
		old = Config{Compatibility: s.DefaultCompatibility}
	}
	if err := s.store.DeleteConfig(ctx, scope); err != nil {
		return Config{}, storeErr(err)
	}
	return old, nil
}

// writable refuses config writes to a scope whose mode is read-only.
func (s *Service) writable(ctx context.Context, scope string) error {
	m, err := s.effectiveMode(ctx, scope)
	if err != nil {
		return err
	}
	if m.readOnly() {
		_, name := SplitContext(scope)
		return Errorf(CodeOperationNotPermitted, "Subject %s in context  is in read-only mode", name)
	}
	return nil
}

// Mode returns the mode of scope. For a subject without one it returns
// CodeSubjectModeNotFound, or with defaultToGlobal the effective mode.
func (s *Service) Mode(ctx context.Context, scope string, defaultToGlobal bool) (Mode, error) {
	if scope == GlobalScope || defaultToGlobal {
		return s.effectiveMode(ctx, scope)
	}
	m, ok, err := s.store.Mode(ctx, scope)
	if err != nil {
		return "", storeErr(err)
	}
	if !ok {
		return "", Errorf(CodeSubjectModeNotFound, "Subject '%s' does not have subject-level mode configured", scope)
	}
	return m, nil
}

// SetMode sets the mode of scope. FORWARD is global only. Switching to
// IMPORT needs a scope without live subjects unless force is set.
func (s *Service) SetMode(ctx context.Context, scope, mode string, force bool) (Mode, error) {
	m, err := ParseMode(mode)
	if err != nil {
		return "", err
	}
	if scope != GlobalScope {
		if err := ValidateSubject(scope); err != nil {
			return "", err
		}
		if m == ForwardMode {
			return "", Errorf(CodeInvalidMode, "Forward mode only supported on global level")
		}
	}
	if m == Import && !force {
		subjects, err := s.Subjects(ctx, SubjectQuery{Prefix: scope})
		if err != nil {
			return "", err
		}
		if len(subjects) > 0 {
			return "", Errorf(CodeOperationNotPermitted, "Cannot import since found existing subjects")
		}
	}
	if err := s.store.SetMode(ctx, scope, m); err != nil {
		return "", storeErr(err)
	}
	return m, nil
}

// DeleteMode removes the mode of scope and returns what it was. A subject
// without one gives CodeSubjectNotFound; the global scope returns to
// READWRITE.
func (s *Service) DeleteMode(ctx context.Context, scope string) (Mode, error) {
	old, ok, err := s.store.Mode(ctx, scope)
	if err != nil {
		return "", storeErr(err)
	}
	if !ok {
		if scope != GlobalScope {
			return "", Errorf(CodeSubjectNotFound, "Subject '%s' not found.", scope)
		}
		old = ReadWrite
	}
	if err := s.store.DeleteMode(ctx, scope); err != nil {
		return "", storeErr(err)
	}
	return old, nil
}
