package rpc

import (
	"context"

	"connectrpc.com/connect"

	catalogv1 "github.com/charterhq/charter/catalog/v1"
	"github.com/charterhq/charter/registry"
)

func (s *server) ListTopics(ctx context.Context, _ *connect.Request[catalogv1.ListTopicsRequest]) (*connect.Response[catalogv1.ListTopicsResponse], error) {
	views, err := s.keeper.Topics(ctx)
	if err != nil {
		return nil, err
	}
	res := &catalogv1.ListTopicsResponse{}
	for _, v := range views {
		res.Topics = append(res.Topics, viewMessage(v))
	}
	return connect.NewResponse(res), nil
}

func (s *server) GetTopic(ctx context.Context, req *connect.Request[catalogv1.GetTopicRequest]) (*connect.Response[catalogv1.GetTopicResponse], error) {
	view, err := s.keeper.Topic(ctx, req.Msg.GetName())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&catalogv1.GetTopicResponse{Topic: viewMessage(view)}), nil
}

func (s *server) GetDrift(ctx context.Context, req *connect.Request[catalogv1.GetDriftRequest]) (*connect.Response[catalogv1.GetDriftResponse], error) {
	staleAfter := s.keeper.StaleAfter
	if d := req.Msg.GetStaleAfter(); d != nil {
		if err := d.CheckValid(); err != nil {
			return nil, registry.Errorf(registry.CodeUnprocessable, "Invalid stale_after: %v", err)
		}
		staleAfter = d.AsDuration()
	}
	drift, err := s.keeper.Drift(ctx, staleAfter, s.keeper.Now())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&catalogv1.GetDriftResponse{Drift: driftMessages(drift)}), nil
}
