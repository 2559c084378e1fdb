// Package rpc is the Connect edge of the event catalog: it serves
// catalog/v1's CatalogService over Connect, gRPC and gRPC-Web, each method a
// thin translation between the generated messages and catalog.Keeper.
//
// It holds no rule of its own: validation, drift and the matching of
// observed clients to services are the Keeper's. Errors are *registry.Error
// values, translated as the registry's Connect edge translates them. It
// knows nothing of stores, the broker or the web UI.
package rpc

import (
	"log/slog"
	"net/http"
	"slices"

	"connectrpc.com/connect"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/catalog/v1/catalogv1connect"
	registryrpc "github.com/charterhq/charter/registry/rpc"
)

// New returns the path to mount the CatalogService under
// ("/charter.catalog.v1.CatalogService/") and its handler. Failures are
// logged to logger. The interceptors in opts wrap the error translation, so
// they see the Connect errors clients get.
func New(keeper *catalog.Keeper, logger *slog.Logger, opts ...connect.HandlerOption) (string, http.Handler) {
	opts = append(slices.Clip(opts), connect.WithInterceptors(registryrpc.ErrorInterceptor(logger)))
	return catalogv1connect.NewCatalogServiceHandler(&server{keeper: keeper}, opts...)
}

// server implements catalogv1connect.CatalogServiceHandler. Its methods
// return the Keeper's errors as they come; the interceptor translates them.
type server struct {
	keeper *catalog.Keeper
}

var _ catalogv1connect.CatalogServiceHandler = (*server)(nil)
