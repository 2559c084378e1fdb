package kafka

// ApiVersions: v0–4.
//
// Answers every key of versions.go with its range; v3+ carries no
// features. A request above v4 is answered in the v0 format with
// UNSUPPORTED_VERSION and the same ranges (KIP-511), so that the client
// retries at our maximum; its body is not read. The response header of
// ApiVersions is never flexible (appendResponse).

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func (s *Server) apiVersions(req *kmsg.ApiVersionsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.ApiVersionsResponse)
	resp.ApiKeys = apiKeys()
	return resp
}

func (s *Server) apiVersionsFallback() kmsg.Response {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.SetVersion(0)
	resp.ErrorCode = kerr.UnsupportedVersion.Code
	resp.ApiKeys = apiKeys()
	return resp
}
