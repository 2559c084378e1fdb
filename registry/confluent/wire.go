package confluent

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/charterhq/charter/registry"
)

// The media types Confluent produces, most preferred first.
const (
	mediaV1      = "application/vnd.schemaregistry.v1+json"
	mediaGeneric = "application/vnd.schemaregistry+json"
	mediaJSON    = "application/json"
)

// negotiate picks the response media type from Accept as Confluent's server
// weights them: v1 unless the client asks only for one of the others.
func negotiate(r *http.Request) string {
	accept := r.Header.Get("Accept")
	best, bestQ := mediaV1, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		for _, m := range []struct {
			media  string
			weight float64
		}{{mediaV1, 1}, {mediaGeneric, 0.9}, {mediaJSON, 0.5}} {
			if (mt == m.media || mt == "*/*" || mt == "*" || mt == "application/*") && q*m.weight > bestQ {
				best, bestQ = m.media, q*m.weight
			}
		}
	}
	return best
}

// writeJSON answers 200 with v in the negotiated media type.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	writeStatus(w, r, http.StatusOK, v)
}

func writeStatus(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error_code":500,"message":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", negotiate(r))
	w.WriteHeader(status)
	w.Write(body)
}

// errorBody is Confluent's error envelope.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// fail answers with err's code and client-safe message. Causes of internal
// errors are logged here, once, and never sent.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := registry.CodeOf(err)
	if code.HTTPStatus() >= 500 {
		h.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeStatus(w, r, code.HTTPStatus(), errorBody{ErrorCode: int(code), Message: registry.MessageOf(err)})
}

// decode reads a JSON request body into v. It checks the content type, the
// size limit and the JSON itself, answering Confluent's errors on failure;
// ok is false when it has answered.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, v any) (ok bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			h.fail(w, r, registry.Errorf(registry.CodeUnsupportedMediaType, "HTTP 415 Unsupported Media Type"))
			return false
		case mt != mediaV1 && mt != mediaGeneric && mt != mediaJSON && mt != "application/octet-stream":
			h.fail(w, r, registry.Errorf(registry.CodeUnsupportedMediaType, "HTTP 415 Unsupported Media Type"))
			return false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.fail(w, r, registry.Errorf(registry.CodeTooLarge, "Request body is larger than the limit of %d bytes", MaxBodyBytes))
		return false
	case err != nil:
		h.fail(w, r, registry.Errorf(registry.CodeBadRequest, "Could not read the request body"))
		return false
	case len(strings.TrimSpace(string(body))) == 0:
		h.fail(w, r, registry.Errorf(registry.CodeUnprocessable, "Request body is empty"))
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		h.fail(w, r, registry.Errorf(registry.CodeBadRequest, "%s", jsonMessage(body, err)))
		return false
	}
	return true
}

// jsonMessage describes a JSON decoding error with where it happened.
func jsonMessage(body []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(body, syntax.Offset)
		return "Unexpected character in JSON body at line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ": " + syntax.Error()
	case errors.As(err, &typ):
		return "Cannot deserialize field '" + typ.Field + "': expected " + typ.Type.String() + ", got JSON " + typ.Value
	}
	return "Malformed JSON body: " + strings.TrimPrefix(err.Error(), "json: ")
}

// position converts a byte offset into a 1-based line and column.
func position(body []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(body)); i++ {
		if body[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// boolParam reads a boolean query parameter; anything but "true" is false.
func boolParam(r *http.Request, name string) bool {
	return strings.EqualFold(r.URL.Query().Get(name), "true")
}

// page applies Confluent's offset and limit parameters to a list.
func page[T any](r *http.Request, items []T) []T {
	q := r.URL.Query()
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
		if off >= len(items) {
			return items[:0]
		}
		items = items[off:]
	}
	if lim, err := strconv.Atoi(q.Get("limit")); err == nil && lim > 0 && lim < len(items) {
		items = items[:lim]
	}
	return items
}

// newShape reports whether the client asked for Confluent 8.x fields, which
// current clients do with Confluent-Accept-Unknown-Properties: true. Older
// clients with strict JSON decoding get the 7.x shapes.
func newShape(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Confluent-Accept-Unknown-Properties"), "true")
}

// versionParam parses the {version} path value (42202 when invalid).
func versionParam(r *http.Request) (int, error) {
	return registry.ParseVersion(r.PathValue("version"))
}

// idParam parses the {id} path value; a non-number is an unknown schema.
func idParam(r *http.Request) (int, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 32)
	if err != nil {
		return 0, registry.Errorf(registry.CodeSchemaNotFound, "Schema %s not found", raw)
	}
	return int(id), nil
}
