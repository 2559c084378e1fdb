package rpc

import (
	"context"

	"connectrpc.com/connect"

	"github.com/charterhq/charter/registry"
	registryv1 "github.com/charterhq/charter/registry/v1"
)

func (s *server) ListSubjects(ctx context.Context, req *connect.Request[registryv1.ListSubjectsRequest]) (*connect.Response[registryv1.ListSubjectsResponse], error) {
	m := req.Msg
	subjects, err := s.svc.Subjects(ctx, registry.SubjectQuery{Prefix: m.GetPrefix(), Deleted: m.GetIncludeDeleted(), DeletedOnly: m.GetDeletedOnly()})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.ListSubjectsResponse{Subjects: subjects}), nil
}

func (s *server) ListVersions(ctx context.Context, req *connect.Request[registryv1.ListVersionsRequest]) (*connect.Response[registryv1.ListVersionsResponse], error) {
	m := req.Msg
	versions, err := s.svc.Versions(ctx, m.GetSubject(), registry.VersionQuery{Deleted: m.GetIncludeDeleted(), DeletedOnly: m.GetDeletedOnly()})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.ListVersionsResponse{Versions: int32s(versions)}), nil
}

func (s *server) GetVersion(ctx context.Context, req *connect.Request[registryv1.GetVersionRequest]) (*connect.Response[registryv1.GetVersionResponse], error) {
	m := req.Msg
	number, err := required(m.GetSelector())
	if err != nil {
		return nil, err
	}
	v, err := s.svc.Version(ctx, m.GetSubject(), number, m.GetIncludeDeleted())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.GetVersionResponse{Version: versionMessage(v)}), nil
}

func (s *server) DeleteSubject(ctx context.Context, req *connect.Request[registryv1.DeleteSubjectRequest]) (*connect.Response[registryv1.DeleteSubjectResponse], error) {
	versions, err := s.svc.DeleteSubject(ctx, req.Msg.GetSubject(), req.Msg.GetPermanent())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.DeleteSubjectResponse{Versions: int32s(versions)}), nil
}

func (s *server) DeleteVersion(ctx context.Context, req *connect.Request[registryv1.DeleteVersionRequest]) (*connect.Response[registryv1.DeleteVersionResponse], error) {
	m := req.Msg
	number, err := required(m.GetSelector())
	if err != nil {
		return nil, err
	}
	deleted, err := s.svc.DeleteVersion(ctx, m.GetSubject(), number, m.GetPermanent())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.DeleteVersionResponse{Version: int32(deleted)}), nil
}
