package rpc_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	registryv1 "github.com/charterhq/charter/registry/v1"
	"github.com/charterhq/charter/registry/v1/registryv1connect"
)

const (
	orderV1 = `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"}]}`
	// orderV2 adds a field with a default: BACKWARD compatible with v1.
	orderV2 = `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long","default":0}]}`
	// orderV3 adds a field without one: a v3 reader cannot read v2 data.
	orderV3 = `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long","default":0},{"name":"currency","type":"string"}]}`
)

var ctx = context.Background()

// register registers an Avro schema and returns its ID and version.
func register(t *testing.T, c registryv1connect.RegistryServiceClient, subject, schema string) (id, version int32) {
	t.Helper()
	res, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: subject, Schema: schema}))
	if err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
	return res.Msg.GetId(), res.Msg.GetVersion()
}

func latest(subject string) *registryv1.GetVersionRequest {
	return &registryv1.GetVersionRequest{Subject: subject, Selector: &registryv1.GetVersionRequest_Latest{Latest: true}}
}

func numbered(subject string, version int32) *registryv1.GetVersionRequest {
	return &registryv1.GetVersionRequest{Subject: subject, Selector: &registryv1.GetVersionRequest_Version{Version: version}}
}

func testRegisterAndRead(t *testing.T, c registryv1connect.RegistryServiceClient) {
	id1, v1 := register(t, c, "orders-value", orderV1)
	if again, v := register(t, c, "orders-value", orderV1); again != id1 || v != v1 || v1 != 1 {
		t.Errorf("re-registering v1 gave id %d version %d; want id %d version 1 both times (first gave %d)", again, v, id1, v1)
	}
	id2, v2 := register(t, c, "orders-value", orderV2)
	if id2 == id1 || v2 != 2 {
		t.Errorf("registering v2 gave id %d version %d; want a new id and version 2", id2, v2)
	}

	subjects, err := c.ListSubjects(ctx, connect.NewRequest(&registryv1.ListSubjectsRequest{Prefix: "orders"}))
	if err != nil || !slices.Equal(subjects.Msg.GetSubjects(), []string{"orders-value"}) {
		t.Errorf("ListSubjects = %v, %v; want [orders-value]", subjects, err)
	}
	versions, err := c.ListVersions(ctx, connect.NewRequest(&registryv1.ListVersionsRequest{Subject: "orders-value"}))
	if err != nil || !slices.Equal(versions.Msg.GetVersions(), []int32{1, 2}) {
		t.Errorf("ListVersions = %v, %v; want [1 2]", versions, err)
	}

	got, err := c.GetVersion(ctx, connect.NewRequest(latest("orders-value")))
	if err != nil {
		t.Fatal(err)
	}
	v := got.Msg.GetVersion()
	if v.GetSubject() != "orders-value" || v.GetVersion() != 2 || v.GetDeleted() || v.GetSchema().GetId() != id2 ||
		v.GetSchema().GetSchemaType() != registryv1.SchemaType_SCHEMA_TYPE_AVRO || v.GetCreateTime() == nil {
		t.Errorf("GetVersion(latest) = %v; want live version 2 with id %d, AVRO and a create time", v, id2)
	}
	first, err := c.GetVersion(ctx, connect.NewRequest(numbered("orders-value", 1)))
	if err != nil || first.Msg.GetVersion().GetSchema().GetId() != id1 {
		t.Errorf("GetVersion(1) = %v, %v; want id %d", first, err, id1)
	}

	schema, err := c.GetSchema(ctx, connect.NewRequest(&registryv1.GetSchemaRequest{Id: id1}))
	if err != nil {
		t.Fatal(err)
	}
	wantUsage := []*registryv1.SubjectVersion{{Subject: "orders-value", Version: 1}}
	if !proto.Equal(schema.Msg.GetSchema(), first.Msg.GetVersion().GetSchema()) || !slices.EqualFunc(schema.Msg.GetVersions(), wantUsage, eqMsg) {
		t.Errorf("GetSchema(%d) = %v; want the schema of version 1, used by %v", id1, schema.Msg, wantUsage)
	}

	found, err := c.Lookup(ctx, connect.NewRequest(&registryv1.LookupRequest{Subject: "orders-value", Schema: orderV1}))
	if err != nil || found.Msg.GetVersion().GetVersion() != 1 || found.Msg.GetVersion().GetSchema().GetId() != id1 {
		t.Errorf("Lookup(v1) = %v, %v; want version 1, id %d", found, err, id1)
	}
}

func eqMsg[M proto.Message](a, b M) bool { return proto.Equal(a, b) }

func testFormats(t *testing.T, c registryv1connect.RegistryServiceClient) {
	money, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{
		Subject:    "money.proto",
		SchemaType: registryv1.SchemaType_SCHEMA_TYPE_PROTOBUF,
		Schema:     "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 units = 1; }\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	refs := []*registryv1.Reference{{Name: "money.proto", Subject: "money.proto", Version: 1}}
	payment, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{
		Subject:    "payments-value",
		SchemaType: registryv1.SchemaType_SCHEMA_TYPE_PROTOBUF,
		Schema:     "syntax = \"proto3\";\npackage shop;\nimport \"money.proto\";\nmessage Payment { string id = 1; Money amount = 2; }\n",
		References: refs,
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSchema(ctx, connect.NewRequest(&registryv1.GetSchemaRequest{Id: payment.Msg.GetId()}))
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Msg.GetSchema(); s.GetSchemaType() != registryv1.SchemaType_SCHEMA_TYPE_PROTOBUF || !slices.EqualFunc(s.GetReferences(), refs, eqMsg) || s.GetId() == money.Msg.GetId() {
		t.Errorf("GetSchema(payment) = %v; want a PROTOBUF schema with references %v", s, refs)
	}
	// The referenced version cannot go while the reference is live.
	_, err = c.DeleteVersion(ctx, connect.NewRequest(&registryv1.DeleteVersionRequest{Subject: "money.proto", Selector: &registryv1.DeleteVersionRequest_Version{Version: 1}}))
	wantError(t, err, connect.CodeFailedPrecondition, "42206")

	item, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{
		Subject:    "items-value",
		SchemaType: registryv1.SchemaType_SCHEMA_TYPE_JSON,
		Schema:     `{"type":"object","properties":{"sku":{"type":"string"}}}`,
		Metadata:   `{"properties":{"owner":"shop"}}`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.GetSchema(ctx, connect.NewRequest(&registryv1.GetSchemaRequest{Id: item.Msg.GetId()}))
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Msg.GetSchema(); s.GetSchemaType() != registryv1.SchemaType_SCHEMA_TYPE_JSON || s.GetMetadata() != `{"properties":{"owner":"shop"}}` {
		t.Errorf("GetSchema(item) = %v; want a JSON schema with its metadata verbatim", s)
	}
}

func testCompatibility(t *testing.T, c registryv1connect.RegistryServiceClient) {
	register(t, c, "compat-value", orderV1)
	register(t, c, "compat-value", orderV2)

	tests := []struct {
		name       string
		req        *registryv1.CheckCompatibilityRequest
		compatible bool
	}{
		{"compatible against the level's versions", &registryv1.CheckCompatibilityRequest{Subject: "compat-value", Schema: orderV2}, true},
		{"incompatible against latest", &registryv1.CheckCompatibilityRequest{Subject: "compat-value", Schema: orderV3, Against: &registryv1.CheckCompatibilityRequest_Latest{Latest: true}}, false},
		{"incompatible against version 2", &registryv1.CheckCompatibilityRequest{Subject: "compat-value", Schema: orderV3, Against: &registryv1.CheckCompatibilityRequest_Version{Version: 2}}, false},
		{"new subject", &registryv1.CheckCompatibilityRequest{Subject: "fresh-value", Schema: orderV3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.CheckCompatibility(ctx, connect.NewRequest(tt.req))
			if err != nil {
				t.Fatal(err)
			}
			m := res.Msg
			if m.GetCompatible() != tt.compatible || m.GetLevel() != registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_BACKWARD {
				t.Fatalf("CheckCompatibility = %v; want compatible %v at BACKWARD", m, tt.compatible)
			}
			if tt.compatible {
				if len(m.GetViolations()) != 0 {
					t.Errorf("compatible with violations %v", m.GetViolations())
				}
				return
			}
			want := []*registryv1.Violation{{
				Rule:      "READER_FIELD_MISSING_DEFAULT_VALUE",
				Path:      "/fields/2",
				Direction: registryv1.Direction_DIRECTION_NEW_READS_OLD,
				Version:   2,
			}}
			got := m.GetViolations()
			for _, v := range got {
				if v.GetMessage() == "" {
					t.Errorf("violation %v has no message", v)
				}
				v.Message = ""
			}
			if !slices.EqualFunc(got, want, eqMsg) {
				t.Errorf("violations = %v; want %v", got, want)
			}
		})
	}

	_, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "compat-value", Schema: orderV3}))
	wantError(t, err, connect.CodeFailedPrecondition, "40901")
}

func testConfig(t *testing.T, c registryv1connect.RegistryServiceClient) {
	global, err := c.GetConfig(ctx, connect.NewRequest(&registryv1.GetConfigRequest{}))
	if err != nil || global.Msg.GetConfig().GetCompatibilityLevel() != registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_BACKWARD {
		t.Errorf("global GetConfig = %v, %v; want BACKWARD", global, err)
	}
	_, err = c.GetConfig(ctx, connect.NewRequest(&registryv1.GetConfigRequest{Subject: "cfg-value"}))
	wantError(t, err, connect.CodeNotFound, "40408")

	set, err := c.SetConfig(ctx, connect.NewRequest(&registryv1.SetConfigRequest{
		Subject: "cfg-value",
		Config:  &registryv1.Config{CompatibilityLevel: registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FULL_TRANSITIVE},
	}))
	if err != nil || set.Msg.GetConfig().GetCompatibilityLevel() != registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FULL_TRANSITIVE || set.Msg.GetConfig().Normalize != nil {
		t.Errorf("SetConfig(level) = %v, %v; want FULL_TRANSITIVE, normalize unset", set, err)
	}
	// Setting normalize keeps the level.
	set, err = c.SetConfig(ctx, connect.NewRequest(&registryv1.SetConfigRequest{Subject: "cfg-value", Config: &registryv1.Config{Normalize: proto.Bool(true)}}))
	want := &registryv1.Config{CompatibilityLevel: registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_FULL_TRANSITIVE, Normalize: proto.Bool(true)}
	if err != nil || !proto.Equal(set.Msg.GetConfig(), want) {
		t.Errorf("SetConfig(normalize) = %v, %v; want %v", set, err, want)
	}
	got, err := c.GetConfig(ctx, connect.NewRequest(&registryv1.GetConfigRequest{Subject: "cfg-value"}))
	if err != nil || !proto.Equal(got.Msg.GetConfig(), want) {
		t.Errorf("GetConfig = %v, %v; want %v", got, err, want)
	}
	deleted, err := c.DeleteConfig(ctx, connect.NewRequest(&registryv1.DeleteConfigRequest{Subject: "cfg-value"}))
	if err != nil || !proto.Equal(deleted.Msg.GetConfig(), want) {
		t.Errorf("DeleteConfig = %v, %v; want the old config %v", deleted, err, want)
	}
	effective, err := c.GetConfig(ctx, connect.NewRequest(&registryv1.GetConfigRequest{Subject: "cfg-value", DefaultToGlobal: true}))
	if err != nil || effective.Msg.GetConfig().GetCompatibilityLevel() != registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_BACKWARD {
		t.Errorf("GetConfig(default to global) = %v, %v; want BACKWARD", effective, err)
	}
	_, err = c.DeleteConfig(ctx, connect.NewRequest(&registryv1.DeleteConfigRequest{Subject: "cfg-value"}))
	wantError(t, err, connect.CodeNotFound, "40401")
}

func testMode(t *testing.T, c registryv1connect.RegistryServiceClient) {
	register(t, c, "mode-value", orderV1)
	set, err := c.SetMode(ctx, connect.NewRequest(&registryv1.SetModeRequest{Subject: "mode-value", Mode: registryv1.Mode_MODE_READ_ONLY}))
	if err != nil || set.Msg.GetMode() != registryv1.Mode_MODE_READ_ONLY {
		t.Fatalf("SetMode = %v, %v; want READ_ONLY", set, err)
	}
	got, err := c.GetMode(ctx, connect.NewRequest(&registryv1.GetModeRequest{Subject: "mode-value"}))
	if err != nil || got.Msg.GetMode() != registryv1.Mode_MODE_READ_ONLY {
		t.Errorf("GetMode = %v, %v; want READ_ONLY", got, err)
	}
	_, err = c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "mode-value", Schema: orderV2}))
	wantError(t, err, connect.CodeFailedPrecondition, "42205")
	// A schema the subject already has still answers, as producers expect.
	if _, v := register(t, c, "mode-value", orderV1); v != 1 {
		t.Errorf("re-registering in READONLY gave version %d; want 1", v)
	}

	_, err = c.SetMode(ctx, connect.NewRequest(&registryv1.SetModeRequest{Subject: "mode-value", Mode: registryv1.Mode_MODE_FORWARD}))
	wantError(t, err, connect.CodeInvalidArgument, "42204")
	_, err = c.SetMode(ctx, connect.NewRequest(&registryv1.SetModeRequest{Subject: "mode-value", Mode: registryv1.Mode_MODE_IMPORT}))
	wantError(t, err, connect.CodeFailedPrecondition, "42205")

	old, err := c.DeleteMode(ctx, connect.NewRequest(&registryv1.DeleteModeRequest{Subject: "mode-value"}))
	if err != nil || old.Msg.GetMode() != registryv1.Mode_MODE_READ_ONLY {
		t.Errorf("DeleteMode = %v, %v; want the old READ_ONLY", old, err)
	}
	_, err = c.GetMode(ctx, connect.NewRequest(&registryv1.GetModeRequest{Subject: "mode-value"}))
	wantError(t, err, connect.CodeNotFound, "40409")
	effective, err := c.GetMode(ctx, connect.NewRequest(&registryv1.GetModeRequest{Subject: "mode-value", DefaultToGlobal: true}))
	if err != nil || effective.Msg.GetMode() != registryv1.Mode_MODE_READ_WRITE {
		t.Errorf("GetMode(default to global) = %v, %v; want READ_WRITE", effective, err)
	}
	if _, v := register(t, c, "mode-value", orderV2); v != 2 {
		t.Errorf("registering after the mode's delete gave version %d; want 2", v)
	}
}

func testDeletes(t *testing.T, c registryv1connect.RegistryServiceClient) {
	id1, _ := register(t, c, "gone-value", orderV1)
	register(t, c, "gone-value", orderV2)
	deleteVersion := func(selector any, permanent bool) (*connect.Response[registryv1.DeleteVersionResponse], error) {
		req := &registryv1.DeleteVersionRequest{Subject: "gone-value", Permanent: permanent}
		switch s := selector.(type) {
		case int32:
			req.Selector = &registryv1.DeleteVersionRequest_Version{Version: s}
		case bool:
			req.Selector = &registryv1.DeleteVersionRequest_Latest{Latest: s}
		}
		return c.DeleteVersion(ctx, connect.NewRequest(req))
	}

	res, err := deleteVersion(true, false)
	if err != nil || res.Msg.GetVersion() != 2 {
		t.Fatalf("DeleteVersion(latest) = %v, %v; want 2", res, err)
	}
	_, err = deleteVersion(int32(2), false)
	wantError(t, err, connect.CodeNotFound, "40406")
	_, err = deleteVersion(int32(1), true)
	wantError(t, err, connect.CodeFailedPrecondition, "40407")
	_, err = deleteVersion(nil, false)
	wantError(t, err, connect.CodeInvalidArgument, "42202")

	versions, err := c.ListVersions(ctx, connect.NewRequest(&registryv1.ListVersionsRequest{Subject: "gone-value", IncludeDeleted: true}))
	if err != nil || !slices.Equal(versions.Msg.GetVersions(), []int32{1, 2}) {
		t.Errorf("ListVersions(deleted too) = %v, %v; want [1 2]", versions, err)
	}
	_, err = c.DeleteSubject(ctx, connect.NewRequest(&registryv1.DeleteSubjectRequest{Subject: "gone-value", Permanent: true}))
	wantError(t, err, connect.CodeFailedPrecondition, "40405")

	soft, err := c.DeleteSubject(ctx, connect.NewRequest(&registryv1.DeleteSubjectRequest{Subject: "gone-value"}))
	if err != nil || !slices.Equal(soft.Msg.GetVersions(), []int32{1}) {
		t.Errorf("DeleteSubject = %v, %v; want [1]", soft, err)
	}
	_, err = c.GetVersion(ctx, connect.NewRequest(latest("gone-value")))
	wantError(t, err, connect.CodeNotFound, "40401")
	// Soft-deleted schemas stay readable by ID.
	if _, err := c.GetSchema(ctx, connect.NewRequest(&registryv1.GetSchemaRequest{Id: id1})); err != nil {
		t.Errorf("GetSchema of a soft-deleted schema: %v", err)
	}
	deletedOnly, err := c.ListSubjects(ctx, connect.NewRequest(&registryv1.ListSubjectsRequest{Prefix: "gone", DeletedOnly: true}))
	if err != nil || !slices.Equal(deletedOnly.Msg.GetSubjects(), []string{"gone-value"}) {
		t.Errorf("ListSubjects(deleted only) = %v, %v; want [gone-value]", deletedOnly, err)
	}

	hard, err := c.DeleteSubject(ctx, connect.NewRequest(&registryv1.DeleteSubjectRequest{Subject: "gone-value", Permanent: true}))
	if err != nil || !slices.Equal(hard.Msg.GetVersions(), []int32{1, 2}) {
		t.Errorf("DeleteSubject(permanent) = %v, %v; want [1 2]", hard, err)
	}
	_, err = c.ListVersions(ctx, connect.NewRequest(&registryv1.ListVersionsRequest{Subject: "gone-value", IncludeDeleted: true}))
	wantError(t, err, connect.CodeNotFound, "40401")
}

func testErrors(t *testing.T, c registryv1connect.RegistryServiceClient) {
	register(t, c, "errors-value", orderV1)
	tests := []struct {
		name      string
		call      func() error
		code      connect.Code
		confluent string
	}{
		{"unknown subject", func() error {
			_, err := c.ListVersions(ctx, connect.NewRequest(&registryv1.ListVersionsRequest{Subject: "nobody"}))
			return err
		}, connect.CodeNotFound, "40401"},
		{"unknown version", func() error {
			_, err := c.GetVersion(ctx, connect.NewRequest(numbered("errors-value", 9)))
			return err
		}, connect.CodeNotFound, "40402"},
		{"unknown schema ID", func() error {
			_, err := c.GetSchema(ctx, connect.NewRequest(&registryv1.GetSchemaRequest{Id: 99999}))
			return err
		}, connect.CodeNotFound, "40403"},
		{"schema not under subject", func() error {
			_, err := c.Lookup(ctx, connect.NewRequest(&registryv1.LookupRequest{Subject: "errors-value", Schema: orderV2}))
			return err
		}, connect.CodeNotFound, "40403"},
		{"invalid schema", func() error {
			_, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "errors-value", Schema: `{"type":"record"`}))
			return err
		}, connect.CodeInvalidArgument, "42201"},
		{"unknown schema type", func() error {
			_, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "errors-value", Schema: orderV1, SchemaType: 42}))
			return err
		}, connect.CodeInvalidArgument, "42201"},
		{"no version chosen", func() error {
			_, err := c.GetVersion(ctx, connect.NewRequest(&registryv1.GetVersionRequest{Subject: "errors-value"}))
			return err
		}, connect.CodeInvalidArgument, "42202"},
		{"version zero", func() error {
			_, err := c.GetVersion(ctx, connect.NewRequest(numbered("errors-value", 0)))
			return err
		}, connect.CodeInvalidArgument, "42202"},
		{"latest false", func() error {
			_, err := c.GetVersion(ctx, connect.NewRequest(&registryv1.GetVersionRequest{Subject: "errors-value", Selector: &registryv1.GetVersionRequest_Latest{}}))
			return err
		}, connect.CodeInvalidArgument, "42202"},
		{"unknown level", func() error {
			_, err := c.SetConfig(ctx, connect.NewRequest(&registryv1.SetConfigRequest{Subject: "errors-value", Config: &registryv1.Config{CompatibilityLevel: 42}}))
			return err
		}, connect.CodeInvalidArgument, "42203"},
		{"empty config", func() error {
			_, err := c.SetConfig(ctx, connect.NewRequest(&registryv1.SetConfigRequest{Subject: "errors-value"}))
			return err
		}, connect.CodeInvalidArgument, "422"},
		{"unspecified mode", func() error {
			_, err := c.SetMode(ctx, connect.NewRequest(&registryv1.SetModeRequest{Subject: "errors-value"}))
			return err
		}, connect.CodeInvalidArgument, "42204"},
		{"reserved subject", func() error {
			_, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "__GLOBAL", Schema: orderV1}))
			return err
		}, connect.CodeInvalidArgument, "42208"},
		{"metadata not JSON", func() error {
			_, err := c.Register(ctx, connect.NewRequest(&registryv1.RegisterRequest{Subject: "errors-value", Schema: orderV2, Metadata: "{"}))
			return err
		}, connect.CodeInvalidArgument, "42201"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.call(), tt.code, tt.confluent)
		})
	}
}
