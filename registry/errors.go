package registry

import (
	"errors"
	"fmt"
)

// Code is a Confluent Schema Registry error code, such as 40401. Codes under
// 1000 are bare HTTP statuses; the others carry their status in the first three
// digits.
type Code int

// The codes Charter returns, named as Confluent names them.
const (
	CodeBadRequest            Code = 400
	CodeNotFound              Code = 404
	CodeMethodNotAllowed      Code = 405
	CodeConflict              Code = 409
	CodeTooLarge              Code = 413
	CodeUnsupportedMediaType  Code = 415
	CodeUnprocessable         Code = 422
	CodeInternal              Code = 500
	CodeSubjectNotFound       Code = 40401
	CodeVersionNotFound       Code = 40402
	CodeSchemaNotFound        Code = 40403
	CodeSubjectSoftDeleted    Code = 40404
	CodeSubjectNotSoftDeleted Code = 40405
	CodeVersionSoftDeleted    Code = 40406
	CodeVersionNotSoftDeleted Code = 40407
	CodeSubjectConfigNotFound Code = 40408
	CodeSubjectModeNotFound   Code = 40409
	// CodeIncompatibleSchema is Confluent's current code (8.0.8, 8.1.6,
	// 8.2 and later); older releases sent a bare 409. Clients branch on the
	// HTTP status, which is 409 either way.
	CodeIncompatibleSchema    Code = 40901
	CodeInvalidSchema         Code = 42201
	CodeInvalidVersion        Code = 42202
	CodeInvalidCompatibility  Code = 42203
	CodeInvalidMode           Code = 42204
	CodeOperationNotPermitted Code = 42205
	CodeReferenceExists       Code = 42206
	CodeIDDoesNotMatch        Code = 42207
	CodeInvalidSubject        Code = 42208
	CodeSchemaTooLarge        Code = 42209
	CodeInvalidRuleSet        Code = 42210
	CodeContextNotEmpty       Code = 42211
	CodeStoreError            Code = 50001
	CodeOperationTimeout      Code = 50002
)

// HTTPStatus is the HTTP status Confluent answers the code with.
func (c Code) HTTPStatus() int {
	if c < 1000 {
		return int(c)
	}
	return int(c) / 100
}

// Error is the one error type that reaches clients. Message is safe to show;
// Err is the cause, for logs only.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure: clients see only a generic message.
func Internal(err error) *Error {
	return &Error{Code: CodeStoreError, Message: "Error in the backend data store", Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%d): %v", e.Message, e.Code, e.Err)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, ErrSubjectNotFound) holds whatever the message says.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinel values for errors.Is; their messages are generic.
var (
	ErrSubjectNotFound    = &Error{Code: CodeSubjectNotFound, Message: "Subject not found."}
	ErrVersionNotFound    = &Error{Code: CodeVersionNotFound, Message: "Version not found."}
	ErrSchemaNotFound     = &Error{Code: CodeSchemaNotFound, Message: "Schema not found"}
	ErrIncompatibleSchema = &Error{Code: CodeIncompatibleSchema, Message: "Schema being registered is incompatible with an earlier schema"}
	ErrInvalidSchema      = &Error{Code: CodeInvalidSchema, Message: "Invalid schema"}
	ErrNotPermitted       = &Error{Code: CodeOperationNotPermitted, Message: "Operation not permitted"}
)

// CodeOf returns err's code, or CodeInternal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// MessageOf returns the client-safe message of err: its own for an *Error, a
// generic one otherwise, so causes never leak.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal Server Error"
}
