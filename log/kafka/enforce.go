package kafka

// Schema-ID enforcement on produce, with Confluent Server semantics (Redpanda
// where Confluent is silent):
//
//   - Per topic, keys and values are checked independently when
//     charter.{key,value}.schema.id.validation (alias
//     confluent.{key,value}.schema.validation) is "true" (enforce_config.go).
//     Topics whose name starts with "_" are never checked.
//   - A checked non-null field must start with the Confluent wire header:
//     magic byte 0, then the schema ID as a big-endian int32 (what follows,
//     e.g. Protobuf message indexes, is not inspected). Null keys and null
//     values (tombstones) pass; empty ones do not.
//   - Alternatively the record may carry the ID in header __key_schema_id /
//     __value_schema_id (Confluent's header-based serializers; the last
//     header of that name counts); the payload then has no prefix and is
//     not inspected. Only the ID form of that header is supported: magic
//     byte 0 + big-endian int32 (+ optional message indexes). The GUID form
//     (magic byte 1 + 16-byte schema GUID) is rejected with a message
//     saying so.
//   - The ID must be registered (live or soft-deleted version) under the
//     subject chosen by the topic's subject name strategy:
//     TopicNameStrategy: "<topic>-key" / "<topic>-value";
//     RecordNameStrategy: the record's fully-qualified name. The broker
//     does not parse schemas, so it cannot know that name: like Redpanda
//     without schema parsing, any subject holding the ID is accepted;
//     TopicRecordNameStrategy: "<topic>-<record name>": accepted when any
//     subject holding the ID starts with "<topic>-".
//   - With charter.{key,value}.schema.validation=full (deep validation) the
//     payload after the header is decoded with its schema as well — Avro
//     binary, Protobuf with its message indexes, JSON against the JSON
//     Schema — through Schemas' optional PayloadValidator. Deep checks
//     are per record; ID checks are shared by records with one ID.
//
// A batch is rejected whole (INVALID_RECORD) when any record fails; every
// failing record is reported with a message naming what was wrong.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/charterhq/charter/log"
)

// recordError is one rejected record: its index in the batch and why.
type recordError struct {
	Index   int32
	Message string
}

// enforcer checks that the records of a produced batch carry schema IDs
// registered under the subjects the topic's configs choose. Safe for
// concurrent use.
type enforcer struct {
	schemas   Schemas          // nil: every checked record is rejected
	validator PayloadValidator // nil: deep validation rejects what it cannot check
	logger    *slog.Logger
	dec       *recDecoder
	cache     *enfIDCache
}

func newEnforcer(schemas Schemas, logger *slog.Logger) *enforcer {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &enforcer{schemas: schemas, logger: logger, dec: newRecDecoder(recMaxDecompressed, false)}
	if schemas != nil {
		e.cache = newEnfIDCache(schemas)
		e.validator, _ = schemas.(PayloadValidator)
	}
	return e
}

// enforces reports whether check would inspect batches of topic: the
// server may skip the call (and the decompression) otherwise.
func (e *enforcer) enforces(topic log.Topic) bool {
	if !enforceable(topic.Name) {
		return false
	}
	return enforcePolicyOf(topic.Configs, enforceKey).on || enforcePolicyOf(topic.Configs, enforceValue).on
}

// check validates every record of batch (a RecordBatch v2 as produced,
// compressed or not) for topic. It returns nil when the batch may be
// stored, else every invalid record; err is a failure to decide, not a
// verdict:
//
//   - errors.Is(err, errCorrupt): the batch is malformed (bad header,
//     length, magic, CRC, codec, compressed data, record framing, or a
//     decompressed size above 64 MiB) → CORRUPT_MESSAGE;
//   - any other error: the registry failed (or ctx ended) → the server
//     should answer a retriable error, not INVALID_RECORD.
//
// Batches of topics that do not enforce, of internal topics ("_…") and
// control batches are not decoded at all (nil, nil).
func (e *enforcer) check(ctx context.Context, topic log.Topic, batch []byte) (rejected []recordError, err error) {
	if !enforceable(topic.Name) {
		return nil, nil
	}
	kp := enforcePolicyOf(topic.Configs, enforceKey)
	vp := enforcePolicyOf(topic.Configs, enforceValue)
	if !kp.on && !vp.on {
		return nil, nil
	}
	// The CRC is checked only when the batch fails: a batch that passes is
	// checked again by the log as it is appended, and checksumming every
	// batch twice costs produce throughput. A failure of a batch whose CRC
	// is wrong is reported as that, whatever the decoding found.
	b, err := recParseBatch(batch, false)
	if err == nil && b.isControl() {
		return nil, nil
	}
	s := &enfCheck{e: e, ctx: ctx, topic: topic.Name, key: kp, value: vp}
	s.keyMemo.id, s.valueMemo.id = -1, -1
	if err == nil {
		err = e.dec.eachRecordOf(&b, s.record)
	}
	if err != nil || len(s.rejected) > 0 {
		if _, crcErr := recParseBatch(batch, true); crcErr != nil {
			return nil, crcErr
		}
	}
	if err != nil {
		return nil, err
	}
	if len(s.rejected) > 0 {
		e.logger.Debug("kafka: produce rejected by schema-ID enforcement",
			"topic", topic.Name, "records", b.NumRecords, "rejected", len(s.rejected),
			"first", s.rejected[0].Message)
	}
	return s.rejected, nil
}

// enfCheck is the state of one check call.
type enfCheck struct {
	e          *enforcer
	ctx        context.Context
	topic      string
	key, value enforcePolicy
	rejected   []recordError
	asked      map[int32]bool // IDs fetched from the registry in this call
	// The last verdict per field: records of a batch usually share IDs.
	keyMemo, valueMemo enfMemo
}

type enfMemo struct {
	id         int32 // -1: none (negative IDs are never looked up)
	fromHeader bool
	problem    string
}

func (s *enfCheck) record(r *batchRecord) error {
	kProblem, err := s.field(r, enforceKey, &s.key, r.Key, &s.keyMemo)
	if err != nil {
		return err
	}
	vProblem, err := s.field(r, enforceValue, &s.value, r.Value, &s.valueMemo)
	if err != nil {
		return err
	}
	if kProblem == "" && vProblem == "" {
		return nil
	}
	msg := "record " + strconv.Itoa(int(r.Index)) + ": "
	switch {
	case kProblem != "" && vProblem != "":
		msg += kProblem + "; " + vProblem
	case kProblem != "":
		msg += kProblem
	default:
		msg += vProblem
	}
	s.rejected = append(s.rejected, recordError{Index: r.Index, Message: msg})
	return nil
}

const enfWireHint = "expected magic byte 0 followed by a 4-byte schema ID"

// field returns what is wrong with one field of r, "" if nothing.
func (s *enfCheck) field(r *batchRecord, f enforceField, p *enforcePolicy, data []byte, memo *enfMemo) (string, error) {
	if !p.on || data == nil {
		return "", nil
	}
	if p.configErr != "" {
		return f.name + " cannot be checked: " + p.configErr, nil
	}
	var id int32
	hdr, fromHeader := []byte(nil), false
	if r.nHeaders > 0 {
		hdr, fromHeader = r.lastHeader(f.header)
	}
	if fromHeader {
		switch {
		case hdr == nil:
			return fmt.Sprintf("%s schema ID header %s is null (%s)", f.name, f.header, enfWireHint), nil
		case len(hdr) >= 17 && hdr[0] == 1:
			return fmt.Sprintf("%s schema ID header %s holds a schema GUID (magic byte 1), which this broker does not support; use the schema ID form (magic byte 0 followed by a 4-byte schema ID)", f.name, f.header), nil
		case len(hdr) < 5 || hdr[0] != 0:
			return fmt.Sprintf("%s schema ID header %s is malformed (%d bytes; %s)", f.name, f.header, len(hdr), enfWireHint), nil
		}
		id = int32(binary.BigEndian.Uint32(hdr[1:5]))
	} else {
		switch {
		case len(data) == 0:
			return fmt.Sprintf("%s is empty, so it has no schema ID (%s)", f.name, enfWireHint), nil
		case len(data) < 5:
			return fmt.Sprintf("%s has no schema ID: it is %d bytes long (%s)", f.name, len(data), enfWireHint), nil
		case data[0] != 0:
			return fmt.Sprintf("%s has no schema ID: its first byte is 0x%02x (%s)", f.name, data[0], enfWireHint), nil
		}
		id = int32(binary.BigEndian.Uint32(data[1:5]))
	}
	problem := memo.problem
	if memo.id != id || memo.fromHeader != fromHeader || id < 0 {
		var err error
		if problem, err = s.verify(f, p, id, fromHeader); err != nil {
			return "", err
		}
		*memo = enfMemo{id: id, fromHeader: fromHeader, problem: problem}
	}
	if problem != "" || !p.deep {
		return problem, nil
	}
	payload := data
	if fromHeader {
		// The header carries any message indexes after the ID.
		payload = append(append([]byte(nil), hdr[5:]...), data...)
	} else {
		payload = data[5:]
	}
	return s.deep(f, id, payload)
}

// deep decodes a payload with its schema (deep validation).
func (s *enfCheck) deep(f enforceField, id int32, payload []byte) (string, error) {
	if s.e.validator == nil {
		return f.name + " cannot be validated: the schema registry does not validate payloads", nil
	}
	problem, err := s.e.validator.ValidatePayload(s.ctx, int(id), payload)
	if err != nil || problem == "" {
		return "", err
	}
	return f.name + " " + problem, nil
}

// verify checks that id is registered under the subject p chooses.
func (s *enfCheck) verify(f enforceField, p *enforcePolicy, id int32, fromHeader bool) (string, error) {
	what := f.name + " schema ID " + strconv.Itoa(int(id))
	if fromHeader {
		what += " (from header " + f.header + ")"
	}
	if s.e.cache == nil {
		return what + " cannot be checked: no schema registry is configured", nil
	}
	if id < 0 {
		return what + " is unknown", nil
	}
	subject := s.topic + f.suffix
	prefix := s.topic + "-"
	var ok func([]string) bool
	switch p.strategy {
	case topicNameStrategy:
		ok = func(subs []string) bool { return enfContains(subs, subject) }
	case recordNameStrategy:
		ok = func(subs []string) bool { return len(subs) > 0 }
	case topicRecordNameStrategy:
		ok = func(subs []string) bool {
			for _, sub := range subs {
				if strings.HasPrefix(sub, prefix) {
					return true
				}
			}
			return false
		}
	}
	if s.asked == nil {
		s.asked = make(map[int32]bool)
	}
	subs, err := s.e.cache.lookup(s.ctx, id, ok, s.asked)
	if err != nil {
		if errors.Is(err, errCorrupt) { // keep the two kinds of failure apart
			err = errors.New(err.Error())
		}
		return "", fmt.Errorf("kafka: schema registry: looking up schema ID %d: %w", id, err)
	}
	switch {
	case ok(subs):
		return "", nil
	case len(subs) == 0:
		return what + " is unknown", nil
	case p.strategy == topicRecordNameStrategy:
		return fmt.Sprintf("%s is not registered under any subject %s<record name> (TopicRecordNameStrategy; it is registered under %s)",
			what, prefix, enfListSubjects(subs)), nil
	}
	return fmt.Sprintf("%s is not registered under subject %s (it is registered under %s)", what, subject, enfListSubjects(subs)), nil
}

func enfContains(subs []string, s string) bool {
	for _, x := range subs {
		if x == s {
			return true
		}
	}
	return false
}

// enfListSubjects names up to three subjects.
func enfListSubjects(subs []string) string {
	const show = 3
	if len(subs) <= show {
		return strings.Join(subs, ", ")
	}
	return strings.Join(subs[:show], ", ") + " and " + strconv.Itoa(len(subs)-show) + " more"
}
