package rpc

import (
	"context"

	"connectrpc.com/connect"

	catalogv1 "github.com/charterhq/charter/catalog/v1"
)

func (s *server) GetSpec(ctx context.Context, _ *connect.Request[catalogv1.GetSpecRequest]) (*connect.Response[catalogv1.GetSpecResponse], error) {
	spec, err := s.keeper.Spec(ctx)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&catalogv1.GetSpecResponse{Spec: SpecMessage(spec)}), nil
}

func (s *server) ListTeams(ctx context.Context, _ *connect.Request[catalogv1.ListTeamsRequest]) (*connect.Response[catalogv1.ListTeamsResponse], error) {
	spec, err := s.keeper.Spec(ctx)
	if err != nil {
		return nil, err
	}
	res := &catalogv1.ListTeamsResponse{}
	for _, t := range spec.Teams {
		res.Teams = append(res.Teams, teamMessage(t))
	}
	return connect.NewResponse(res), nil
}

func (s *server) ListServices(ctx context.Context, req *connect.Request[catalogv1.ListServicesRequest]) (*connect.Response[catalogv1.ListServicesResponse], error) {
	spec, err := s.keeper.Spec(ctx)
	if err != nil {
		return nil, err
	}
	res := &catalogv1.ListServicesResponse{}
	for _, sv := range spec.Services {
		if team := req.Msg.GetTeam(); team == "" || sv.Team == team {
			res.Services = append(res.Services, serviceMessage(sv))
		}
	}
	return connect.NewResponse(res), nil
}

func (s *server) Apply(ctx context.Context, req *connect.Request[catalogv1.ApplyRequest]) (*connect.Response[catalogv1.ApplyResponse], error) {
	changes, err := s.keeper.Apply(ctx, SpecOf(req.Msg.GetSpec()), req.Msg.GetDryRun())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&catalogv1.ApplyResponse{
		Added:   changeMessages(changes.Added),
		Removed: changeMessages(changes.Removed),
		Changed: changeMessages(changes.Changed),
	}), nil
}
