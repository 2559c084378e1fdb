// Package rpc is the Connect edge of the schema registry: it serves
// registry/v1's RegistryService over Connect, gRPC and gRPC-Web, each method a
// thin translation between the generated messages and registry.Service.
//
// It holds no rule of its own: modes, compatibility and deletes are decided
// by registry.Service, and errors are translated once, in errors.go. It knows
// nothing of stores, HTTP routing or the REST API.
package rpc

import (
	"log/slog"
	"net/http"
	"slices"

	"connectrpc.com/connect"

	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/v1/registryv1connect"
)

// New returns the path to mount the RegistryService under
// ("/charter.registry.v1.RegistryService/") and its handler. Failures are
// logged to logger. The interceptors in opts wrap the error translation, so
// they see the Connect errors clients get.
func New(svc *registry.Service, logger *slog.Logger, opts ...connect.HandlerOption) (string, http.Handler) {
	opts = append(slices.Clip(opts), connect.WithInterceptors(ErrorInterceptor(logger)))
	return registryv1connect.NewRegistryServiceHandler(&server{svc: svc}, opts...)
}

// server implements registryv1connect.RegistryServiceHandler. Its methods
// return registry errors as they come; ErrorInterceptor translates them.
type server struct {
	svc *registry.Service
}

var _ registryv1connect.RegistryServiceHandler = (*server)(nil)
