package rpc

import (
	"context"
	"encoding/json"

	"connectrpc.com/connect"

	"github.com/charterhq/charter/registry"
	registryv1 "github.com/charterhq/charter/registry/v1"
)

func (s *server) GetConfig(ctx context.Context, req *connect.Request[registryv1.GetConfigRequest]) (*connect.Response[registryv1.GetConfigResponse], error) {
	cfg, err := s.svc.Config(ctx, req.Msg.GetSubject(), req.Msg.GetDefaultToGlobal())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.GetConfigResponse{Config: configMessage(cfg)}), nil
}

// SetConfig sends the service the fields the request sets, as a PUT /config
// body would: unset fields keep their value.
func (s *server) SetConfig(ctx context.Context, req *connect.Request[registryv1.SetConfigRequest]) (*connect.Response[registryv1.SetConfigResponse], error) {
	c := req.Msg.GetConfig()
	patch := make(map[string]json.RawMessage)
	if l := c.GetCompatibilityLevel(); l != registryv1.CompatibilityLevel_COMPATIBILITY_LEVEL_UNSPECIFIED {
		level, ok := levels[l]
		if !ok {
			return nil, registry.Errorf(registry.CodeInvalidCompatibility, "Invalid compatibility level %d", l)
		}
		patch["compatibilityLevel"], _ = json.Marshal(level)
	}
	if c != nil && c.Normalize != nil {
		patch["normalize"], _ = json.Marshal(*c.Normalize)
	}
	if len(patch) == 0 {
		return nil, registry.Errorf(registry.CodeUnprocessable, "Invalid config: set compatibility_level or normalize")
	}
	cfg, err := s.svc.UpdateConfig(ctx, req.Msg.GetSubject(), patch)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.SetConfigResponse{Config: configMessage(cfg)}), nil
}

func (s *server) DeleteConfig(ctx context.Context, req *connect.Request[registryv1.DeleteConfigRequest]) (*connect.Response[registryv1.DeleteConfigResponse], error) {
	cfg, err := s.svc.DeleteConfig(ctx, req.Msg.GetSubject())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.DeleteConfigResponse{Config: configMessage(cfg)}), nil
}

func (s *server) GetMode(ctx context.Context, req *connect.Request[registryv1.GetModeRequest]) (*connect.Response[registryv1.GetModeResponse], error) {
	mode, err := s.svc.Mode(ctx, req.Msg.GetSubject(), req.Msg.GetDefaultToGlobal())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.GetModeResponse{Mode: modeOf[mode]}), nil
}

func (s *server) SetMode(ctx context.Context, req *connect.Request[registryv1.SetModeRequest]) (*connect.Response[registryv1.SetModeResponse], error) {
	want, ok := modes[req.Msg.GetMode()]
	if !ok {
		return nil, registry.Errorf(registry.CodeInvalidMode, "Invalid mode %s. Valid values are READ_WRITE, READ_ONLY, READ_ONLY_OVERRIDE, IMPORT and FORWARD.", req.Msg.GetMode())
	}
	mode, err := s.svc.SetMode(ctx, req.Msg.GetSubject(), string(want), req.Msg.GetForce())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.SetModeResponse{Mode: modeOf[mode]}), nil
}

func (s *server) DeleteMode(ctx context.Context, req *connect.Request[registryv1.DeleteModeRequest]) (*connect.Response[registryv1.DeleteModeResponse], error) {
	mode, err := s.svc.DeleteMode(ctx, req.Msg.GetSubject())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&registryv1.DeleteModeResponse{Mode: modeOf[mode]}), nil
}
