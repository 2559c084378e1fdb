package rpc

import (
	"encoding/json"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
	registryv1 "github.com/charterhq/charter/registry/v1"
)

// The enums and their domain names, in one place each way.
var (
	schemaTypes = map[registryv1.SchemaType]string{
		registryv1.SchemaType_SCHEMA_TYPE_UNSPECIFIED: "",
		registryv1.SchemaType_SCHEMA_TYPE_AVRO:        registry.TypeAvro,
		registryv1.SchemaType_SCHEMA_TYPE_PROTOBUF:    registry.TypeProtobuf,
		registryv1.SchemaType_SCHEMA_TYPE_JSON:        registry.TypeJSON,
	}
	levels = map[registryv1.CompatibilityLevel]compat.Level{
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_NONE:                compat.None,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_BACKWARD:            compat.Backward,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_BACKWARD_TRANSITIVE: compat.BackwardTransitive,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FORWARD:             compat.Forward,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FORWARD_TRANSITIVE:  compat.ForwardTransitive,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FULL:                compat.Full,
		registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FULL_TRANSITIVE:     compat.FullTransitive,
	}
	modes = map[registryv1.Mode]registry.Mode{
		registryv1.Mode_MODE_READ_WRITE:         registry.ReadWrite,
		registryv1.Mode_MODE_READ_ONLY:          registry.ReadOnly,
		registryv1.Mode_MODE_READ_ONLY_OVERRIDE: registry.ReadOnlyOverride,
		registryv1.Mode_MODE_IMPORT:             registry.Import,
		registryv1.Mode_MODE_FORWARD:            registry.ForwardMode,
	}
)

// inverse returns m with keys and values swapped.
func inverse[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

var (
	schemaTypeOf = inverse(schemaTypes)
	levelOf      = inverse(levels)
	modeOf       = inverse(modes)
)

func schemaType(t registryv1.SchemaType) (string, error) {
	name, ok := schemaTypes[t]
	if !ok {
		return "", registry.Errorf(registry.CodeInvalidSchema, "Invalid schema type %d", t)
	}
	return name, nil
}

// schemaRequest builds the domain's request from the fields the schema
// messages share.
func schemaRequest(text string, t registryv1.SchemaType, refs []*registryv1.Reference, normalize bool) (registry.SchemaRequest, error) {
	name, err := schemaType(t)
	if err != nil {
		return registry.SchemaRequest{}, err
	}
	req := registry.SchemaRequest{Schema: text, Type: name, Normalize: normalize}
	for _, r := range refs {
		req.References = append(req.References, registry.Reference{Name: r.GetName(), Subject: r.GetSubject(), Version: int(r.GetVersion())})
	}
	return req, nil
}

// rawJSON turns an optional JSON text into the domain's raw form: nil when
// empty, and the service rejects text that is not JSON.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func schemaMessage(s registry.Schema) *registryv1.Schema {
	m := &registryv1.Schema{
		Id:         int32(s.ID),
		SchemaType: schemaTypeOf[s.Type],
		Schema:     s.Text,
		Metadata:   string(s.Metadata),
		RuleSet:    string(s.RuleSet),
	}
	for _, r := range s.References {
		m.References = append(m.References, &registryv1.Reference{Name: r.Name, Subject: r.Subject, Version: int32(r.Version)})
	}
	return m
}

func versionMessage(v registry.Version) *registryv1.Version {
	m := &registryv1.Version{
		Subject: v.Subject,
		Version: int32(v.Version),
		Deleted: v.Deleted,
		Schema:  schemaMessage(v.Schema),
	}
	if v.CreatedAt != (time.Time{}) {
		m.CreateTime = timestamppb.New(v.CreatedAt)
	}
	return m
}

func configMessage(c registry.Config) *registryv1.Config {
	return &registryv1.Config{CompatibilityLevel: levelOf[c.Compatibility], Normalize: c.Normalize}
}

func direction(d compat.Direction) registryv1.Direction {
	if d == compat.OldReadsNew {
		return registryv1.Direction_DIRECTION_OLD_READS_NEW
	}
	return registryv1.Direction_DIRECTION_NEW_READS_OLD
}

func int32s(ns []int) []int32 {
	out := make([]int32, len(ns))
	for i, n := range ns {
		out[i] = int32(n)
	}
	return out
}

// selected reads the oneof that picks a version: a number, Latest, or 0
// when nothing is chosen. "latest: false" and numbers below 1 are refused.
func selected(choice any) (int, error) {
	var number int32
	switch c := choice.(type) {
	case nil:
		return 0, nil
	case *registryv1.GetVersionRequest_Version:
		number = c.Version
	case *registryv1.DeleteVersionRequest_Version:
		number = c.Version
	case *registryv1.CheckCompatibilityRequest_Version:
		number = c.Version
	case *registryv1.GetVersionRequest_Latest:
		return latest(c.Latest)
	case *registryv1.DeleteVersionRequest_Latest:
		return latest(c.Latest)
	case *registryv1.CheckCompatibilityRequest_Latest:
		return latest(c.Latest)
	}
	if number < 1 {
		return 0, registry.Errorf(registry.CodeInvalidVersion, "The specified version '%d' is not a valid version id. Allowed values are between [1, 2^31-1] and latest", number)
	}
	return int(number), nil
}

func latest(set bool) (int, error) {
	if !set {
		return 0, registry.Errorf(registry.CodeInvalidVersion, "latest must be true when set; give a version number otherwise")
	}
	return registry.Latest, nil
}

// required is selected for the calls that need a version chosen.
func required(choice any) (int, error) {
	v, err := selected(choice)
	if err == nil && v == 0 {
		return 0, registry.Errorf(registry.CodeInvalidVersion, "A version is required: set version or latest")
	}
	return v, err
}
