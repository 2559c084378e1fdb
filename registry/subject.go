package registry

import (
	"strconv"
	"strings"
	"unicode"
)

// DefaultContext is the context of unqualified subjects.
const DefaultContext = "."

// Latest is the version number that stands for a subject's newest live
// version, as "latest" and "-1" do in URLs.
const Latest = -1

// SplitContext splits a context-qualified subject (":.staging:orders-value")
// into its context (".staging") and name ("orders-value"). An unqualified
// subject is in DefaultContext.
func SplitContext(subject string) (context, name string) {
	if !strings.HasPrefix(subject, ":.") {
		return DefaultContext, subject
	}
	rest := subject[1:]
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		return DefaultContext, subject
	}
	return rest[:i], rest[i+1:]
}

// QualifySubject is the inverse of SplitContext.
func QualifySubject(context, name string) string {
	if context == DefaultContext || context == "" {
		return name
	}
	return ":" + context + ":" + name
}

// ValidateSubject rejects names Confluent rejects: control characters and the
// reserved scope names. It returns CodeInvalidSubject.
func ValidateSubject(subject string) error {
	_, name := SplitContext(subject)
	if name == "__GLOBAL" || name == "__EMPTY" || strings.ContainsFunc(subject, unicode.IsControl) {
		return Errorf(CodeInvalidSubject, "The specified subject '%s' is not a valid.", subject)
	}
	return nil
}

// ParseVersion parses a version path segment: a number in [1, 2^31-1],
// "latest" (any case, trimmed) or "-1", both of which return Latest.
func ParseVersion(s string) (int, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "latest") || t == "-1" {
		return Latest, nil
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil || n < 1 {
		return 0, Errorf(CodeInvalidVersion, "The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", s)
	}
	return int(n), nil
}
