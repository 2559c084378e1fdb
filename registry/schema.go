package registry

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Schema types, as Confluent spells them.
const (
	TypeAvro     = "AVRO"
	TypeProtobuf = "PROTOBUF"
	TypeJSON     = "JSON"
)

// Schema is a registered schema: immutable once it has an ID.
type Schema struct {
	ID         int    // global within its context; never reused
	Context    string // "." for the default context
	Type       string // TypeAvro, TypeProtobuf or TypeJSON
	Text       string // the canonical text
	References []Reference
	Metadata   []byte // JSON, kept verbatim; nil when absent
	RuleSet    []byte // JSON, kept verbatim; nil when absent
	// Fingerprint identifies the schema's content (text, references,
	// metadata, rule set) within a context: equal fingerprints, one ID.
	Fingerprint string
}

// Reference names a schema that another schema depends on.
type Reference struct {
	Name    string // as the referring schema names it
	Subject string
	Version int
}

// Version is one version of a subject.
type Version struct {
	Subject   string
	Version   int
	Deleted   bool // soft-deleted
	CreatedAt time.Time
	Schema    Schema
}

// SubjectVersion names a version of a subject.
type SubjectVersion struct {
	Subject string
	Version int
	Deleted bool
}

// Fingerprint computes the content identity Confluent uses: MD5 over the
// canonical text, each reference (name, subject, big-endian version), and,
// when present, a 0x01 byte and the metadata, then the rule set. The schema
// type is not part of it.
func Fingerprint(text string, refs []Reference, metadata, ruleSet []byte) string {
	h := md5.New()
	h.Write([]byte(text))
	for _, r := range refs {
		h.Write([]byte(r.Name))
		h.Write([]byte(r.Subject))
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(r.Version)))
	}
	if metadata != nil {
		h.Write([]byte{1})
		h.Write(metadata)
	}
	if ruleSet != nil {
		h.Write([]byte{1})
		h.Write(ruleSet)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// GUID renders a fingerprint as the UUID string Confluent 8.x serves as a
// schema's guid.
func GUID(fingerprint string) string {
	if len(fingerprint) != 32 {
		return ""
	}
	f := fingerprint
	return fmt.Sprintf("%s-%s-%s-%s-%s", f[0:8], f[8:12], f[12:16], f[16:20], f[20:32])
}

// FingerprintOfGUID is the inverse of GUID; ok is false for a malformed GUID.
func FingerprintOfGUID(guid string) (string, bool) {
	if len(guid) != 36 || guid[8] != '-' || guid[13] != '-' || guid[18] != '-' || guid[23] != '-' {
		return "", false
	}
	f := guid[0:8] + guid[9:13] + guid[14:18] + guid[19:23] + guid[24:36]
	if _, err := hex.DecodeString(f); err != nil {
		return "", false
	}
	return f, true
}
