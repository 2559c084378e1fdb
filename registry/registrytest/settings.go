package registrytest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// settingsTests cover config and mode per scope: the global one, a context
// and a subject are independent keys.
var settingsTests = []storeTest{
	{"Config", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		no, yes := false, true
		full := registry.Config{
			Compatibility:      compat.FullTransitive,
			Normalize:          &no, // false is set, not absent
			ValidateFields:     &yes,
			CompatibilityGroup: "application.major.version",
			Alias:              "orders",
			DefaultMetadata:    json.RawMessage(`{"properties":{"owner":"team-a"}}`),
			OverrideMetadata:   json.RawMessage(`{"tags":{"PII":["email"]}}`),
			DefaultRuleSet:     json.RawMessage(`{"domainRules":[{"name":"r","kind":"CONDITION"}]}`),
			OverrideRuleSet:    json.RawMessage(`{"migrationRules":[]}`),
		}
		scopes := []string{registry.GlobalScope, ":.staging:", "orders-value", ":.staging:orders-value"}
		for _, scope := range scopes {
			if _, ok, err := s.Config(ctx, scope); err != nil || ok {
				t.Errorf("Config(%q) before any is set: ok = %v, %v; want false", scope, ok, err)
			}
		}
		for i, scope := range scopes {
			c := full
			c.Alias = "alias-" + scope
			if i%2 == 1 {
				c = registry.Config{Compatibility: compat.None}
			}
			if err := s.SetConfig(ctx, scope, c); err != nil {
				t.Fatalf("SetConfig(%q): %v", scope, err)
			}
		}
		for i, scope := range scopes {
			want := full
			want.Alias = "alias-" + scope
			if i%2 == 1 {
				want = registry.Config{Compatibility: compat.None}
			}
			got, ok, err := s.Config(ctx, scope)
			if err != nil || !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("Config(%q) = %+v, %v, %v; want %+v", scope, got, ok, err, want)
			}
		}
		// SetConfig replaces: fields left out are unset afterwards.
		replaced := registry.Config{Normalize: &yes}
		if err := s.SetConfig(ctx, "orders-value", replaced); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Config(ctx, "orders-value"); err != nil || !ok || !reflect.DeepEqual(got, replaced) {
			t.Errorf("Config after replacing = %+v, %v, %v; want %+v", got, ok, err, replaced)
		}
		if err := s.DeleteConfig(ctx, "orders-value"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Config(ctx, "orders-value"); err != nil || ok {
			t.Errorf("Config after DeleteConfig: ok = %v, %v; want false", ok, err)
		}
		if err := s.DeleteConfig(ctx, "never-set"); err != nil {
			t.Errorf("DeleteConfig of an unset scope: %v", err)
		}
		if _, ok, err := s.Config(ctx, registry.GlobalScope); err != nil || !ok {
			t.Errorf("global Config after deleting a subject's: ok = %v, %v; want true", ok, err)
		}
	}},
	{"Mode", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		modes := map[string]registry.Mode{
			registry.GlobalScope:     registry.ReadWrite,
			":.staging:":             registry.Import,
			"orders-value":           registry.ReadOnly,
			":.staging:orders-value": registry.ReadOnlyOverride,
		}
		for scope := range modes {
			if _, ok, err := s.Mode(ctx, scope); err != nil || ok {
				t.Errorf("Mode(%q) before any is set: ok = %v, %v; want false", scope, ok, err)
			}
		}
		for scope, m := range modes {
			if err := s.SetMode(ctx, scope, m); err != nil {
				t.Fatalf("SetMode(%q): %v", scope, err)
			}
		}
		for scope, want := range modes {
			if got, ok, err := s.Mode(ctx, scope); err != nil || !ok || got != want {
				t.Errorf("Mode(%q) = %q, %v, %v; want %q", scope, got, ok, err, want)
			}
		}
		if err := s.SetMode(ctx, "orders-value", registry.ForwardMode); err != nil {
			t.Fatal(err)
		}
		if got, _, err := s.Mode(ctx, "orders-value"); err != nil || got != registry.ForwardMode {
			t.Errorf("Mode after SetMode again = %q, %v; want %q", got, err, registry.ForwardMode)
		}
		if err := s.DeleteMode(ctx, "orders-value"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Mode(ctx, "orders-value"); err != nil || ok {
			t.Errorf("Mode after DeleteMode: ok = %v, %v; want false", ok, err)
		}
		if err := s.DeleteMode(ctx, "never-set"); err != nil {
			t.Errorf("DeleteMode of an unset scope: %v", err)
		}
		if got, ok, err := s.Mode(ctx, ":.staging:"); err != nil || !ok || got != registry.Import {
			t.Errorf("Mode(:.staging:) after deleting a subject's = %q, %v, %v; want %q", got, ok, err, registry.Import)
		}
	}},
}
