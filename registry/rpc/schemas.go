package rpc

import (
	"context"

	"connectrpc.com/connect"

	registryv1 "github.com/charterhq/charter/registry/v1"
)

func (s *server) GetSchema(ctx context.Context, req *connect.Request[registryv1.GetSchemaRequest]) (*connect.Response[registryv1.GetSchemaResponse], error) {
	m := req.Msg
	schema, err := s.svc.SchemaByID(ctx, int(m.GetId()), m.GetSubject())
	if err != nil {
		return nil, err
	}
	usage, err := s.svc.SchemaVersions(ctx, int(m.GetId()), m.GetSubject(), m.GetIncludeDeleted())
	if err != nil {
		return nil, err
	}
	res := &registryv1.GetSchemaResponse{Schema: schemaMessage(schema)}
	for _, u := range usage {
		res.Versions = append(res.Versions, &registryv1.SubjectVersion{Subject: u.Subject, Version: int32(u.Version), Deleted: u.Deleted})
	}
	return connect.NewResponse(res), nil
}

func (s *server) Register(ctx context.Context, req *connect.Request[registryv1.RegisterRequest]) (*connect.Response[registryv1.RegisterResponse], error) {
	m := req.Msg
	sr, err := schemaRequest(m.GetSchema(), m.GetSchemaType(), m.GetReferences(), m.GetNormalize())
	if err != nil {
		return nil, err
	}
	sr.Metadata, sr.RuleSet = rawJSON(m.GetMetadata()), rawJSON(m.GetRuleSet())
	v, err := s.svc.Register(ctx, m.GetSubject(), sr)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.RegisterResponse{Id: int32(v.Schema.ID), Version: int32(v.Version)}), nil
}

func (s *server) Lookup(ctx context.Context, req *connect.Request[registryv1.LookupRequest]) (*connect.Response[registryv1.LookupResponse], error) {
	m := req.Msg
	sr, err := schemaRequest(m.GetSchema(), m.GetSchemaType(), m.GetReferences(), m.GetNormalize())
	if err != nil {
		return nil, err
	}
	v, err := s.svc.Lookup(ctx, m.GetSubject(), sr, m.GetIncludeDeleted())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.LookupResponse{Version: versionMessage(v)}), nil
}

func (s *server) CheckCompatibility(ctx context.Context, req *connect.Request[registryv1.CheckCompatibilityRequest]) (*connect.Response[registryv1.CheckCompatibilityResponse], error) {
	m := req.Msg
	against, err := selected(m.GetAgainst())
	if err != nil {
		return nil, err
	}
	sr, err := schemaRequest(m.GetSchema(), m.GetSchemaType(), m.GetReferences(), m.GetNormalize())
	if err != nil {
		return nil, err
	}
	result, err := s.svc.CheckCompatibility(ctx, m.GetSubject(), against, sr)
	if err != nil {
		return nil, err
	}
	res := &registryv1.CheckCompatibilityResponse{Compatible: result.Compatible, Level: levelOf[result.Level]}
	for _, p := range result.Problems {
		res.Violations = append(res.Violations, &registryv1.Violation{
			Rule:      p.Rule,
			Path:      p.Path,
			Message:   p.Message,
			Direction: direction(p.Direction),
			Version:   int32(result.OldVersion),
		})
	}
	return connect.NewResponse(res), nil
}
