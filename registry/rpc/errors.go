package rpc

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"connectrpc.com/connect"

	"github.com/charterhq/charter/registry"
)

// CodeHeader is the metadata key carrying the Confluent error code of a
// failed call, such as 40401 or 40901: a response header in the Connect
// protocol, a trailer in gRPC and gRPC-Web. Clients read it with
// connect.Error's Meta().Get(CodeHeader). The Connect code says what kind of
// failure it was; this says exactly which, as the REST API would.
const CodeHeader = "Confluent-Error-Code"

// ErrorInterceptor translates the errors of every call: a *registry.Error
// becomes a *connect.Error with a fitting code, its client-safe message and
// CodeHeader; anything else becomes an internal error with a generic
// message. Causes are logged, never sent. New installs it; catalog/rpc,
// whose domain reports *registry.Error too, installs it as well, so both
// services answer alike.
func ErrorInterceptor(logger *slog.Logger) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			res, err := next(ctx, req)
			if err == nil {
				return res, nil
			}
			return nil, translate(ctx, logger, req.Spec().Procedure, err)
		}
	}
}

func translate(ctx context.Context, logger *slog.Logger, procedure string, err error) error {
	var cerr *connect.Error
	if errors.As(err, &cerr) {
		return err // already a Connect error, from connect itself
	}
	code := registry.CodeOf(err)
	connectCode := codeOf(code)
	if connectCode == connect.CodeInternal || connectCode == connect.CodeDeadlineExceeded {
		logger.ErrorContext(ctx, "rpc failed", "procedure", procedure, "code", int(code), "err", err)
	} else {
		logger.DebugContext(ctx, "rpc refused", "procedure", procedure, "code", int(code), "err", err)
	}
	cerr = connect.NewError(connectCode, errors.New(registry.MessageOf(err)))
	cerr.Meta().Set(CodeHeader, strconv.Itoa(int(code)))
	return cerr
}

// codeOf maps a Confluent code to a Connect code. Most follow their HTTP
// status; the ones where the thing exists but is in the wrong state
// (incompatible, read-only, referenced, not yet soft-deleted) are
// FAILED_PRECONDITION, as retrying the same call cannot succeed until
// something else changes.
func codeOf(code registry.Code) connect.Code {
	switch code {
	case registry.CodeIncompatibleSchema, registry.CodeConflict,
		registry.CodeOperationNotPermitted, registry.CodeReferenceExists, registry.CodeContextNotEmpty,
		registry.CodeSubjectNotSoftDeleted, registry.CodeVersionNotSoftDeleted:
		return connect.CodeFailedPrecondition
	case registry.CodeOperationTimeout:
		return connect.CodeDeadlineExceeded
	case registry.CodeMethodNotAllowed:
		return connect.CodeUnimplemented
	}
	switch code.HTTPStatus() {
	case 404:
		return connect.CodeNotFound
	case 400, 413, 415, 422:
		return connect.CodeInvalidArgument
	}
	return connect.CodeInternal
}
