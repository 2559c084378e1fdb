// Package kafka is the Kafka wire-protocol server of Charter's bundled
// broker: one node that is controller, leader of every partition and
// coordinator of every group, serving franz-go, librdkafka (kcat), kafkajs
// and the Java client over the log package, and enforcing on produce that
// records carry registered schema IDs.
//
// Requests and responses are decoded and encoded by franz-go's kmsg. It
// knows the log and the small Schemas interface below; nothing of SQL, HTTP
// or schema formats.
package kafka

// THIS FILE IS THE AGREED API between the server (server.go and the
// per-API files), the group coordinator (group*.go) and enforcement
// (enforce*.go). Server, New, Serve and Close live in server.go.

import (
	"context"
	"time"
)

// Schemas is what enforcement needs from the schema registry. main hands
// in an implementation over registry.Service; it may be remote later.
type Schemas interface {
	// SubjectsOf returns the subjects that have a version (live or soft
	// deleted) with schema ID id in the default context; none when the ID
	// is unknown. IDs are immutable, so callers may cache answers.
	SubjectsOf(ctx context.Context, id int) ([]string, error)
}

// PayloadValidator is implemented by Schemas that can also decode a
// payload with its schema, for topics that ask for deep validation
// (charter.value.schema.validation=full).
type PayloadValidator interface {
	// ValidatePayload reports what is wrong with payload (a record's bytes
	// after the 5-byte wire header, with any message indexes) as data of
	// schema id, "" when it is valid; err is a failure to decide.
	ValidatePayload(ctx context.Context, id int, payload []byte) (problem string, err error)
}

// Observer learns who uses which topics, for the event catalog: the client
// IDs that produce, and the consumer groups that commit offsets. It is
// called on the request path, so its methods must be cheap and must not
// block.
type Observer interface {
	ObserveProducer(topic, clientID string)
	ObserveConsumer(topic, group string)
}

// Metrics receives the broker's measurements, for monitoring. It is
// called on the request path, once per request, batch or fetched topic
// (never per record), so its methods must be cheap and must not block.
// Topics passed exist (or were just auto-created); nothing is labelled by
// client ID.
type Metrics interface {
	// Request is one request answered: api is kmsg.NameForKey of its key,
	// d the time from the start of its handling until its response was
	// written (for an acks=0 produce, which gets none, until it was
	// handled).
	Request(api string, d time.Duration)
	// Produced is one batch stored: its records and its bytes as sent.
	Produced(topic string, records, bytes int)
	// Rejected is one batch refused, for reason (one of the Reject*
	// constants); records is how many of its records enforcement named
	// invalid (0 for other reasons).
	Rejected(topic, reason string, records int)
	// Fetched is the record bytes of topic one fetch response carries.
	Fetched(topic string, bytes int)
	// Connection is +1 when a client connects and -1 when it leaves.
	Connection(delta int)
	// TopicDeleted is a topic deleted: its series may go.
	TopicDeleted(topic string)
}

// The reasons Metrics.Rejected is given: a fixed set, so that they may be
// used as metric labels.
const (
	RejectSchemaID = "schema_id" // enforcement: records without a schema ID registered for the topic (INVALID_RECORD)
	RejectCorrupt  = "corrupt"   // bad CRC, compression or record framing (CORRUPT_MESSAGE)
	RejectTooLarge = "too_large" // larger than the topic's max.message.bytes (MESSAGE_TOO_LARGE)
	RejectOther    = "other"     // anything else: malformed batch, registry unavailable, sequence or epoch errors…
)

// Config is the broker's configuration.
type Config struct {
	NodeID         int32  // default 0
	AdvertisedHost string // host clients are told to connect to; default: the listener's
	AdvertisedPort int32  // default: the listener's port

	AutoCreateTopics  bool  // create unknown topics on Metadata and Produce
	DefaultPartitions int32 // for auto-created topics and CreateTopics with -1; default 1
	// EnforceByDefault sets charter.value.schema.id.validation=true on new
	// topics that do not say otherwise (internal topics never enforce).
	EnforceByDefault bool
	MaxRequestBytes  int32    // largest request frame accepted; default 100 MiB
	Observer         Observer // may be nil
	Metrics          Metrics  // may be nil

	// OffsetsRetention is Kafka's offsets.retention.minutes (KIP-211): the
	// committed offsets of a group without members expire this long after
	// it became empty (or after the broker started, for groups it loaded),
	// those of a group that only ever committed this long after each
	// commit. 0 means 7 days; negative, never.
	OffsetsRetention time.Duration
	// OffsetsRetentionCheckInterval is offsets.retention.check.interval.ms:
	// how often expired offsets are looked for. 0 means 10 minutes.
	OffsetsRetentionCheckInterval time.Duration
	// GroupInitialRebalanceDelay is group.initial.rebalance.delay.ms: how
	// long a new group waits for more members before its first rebalance.
	// 0 means 1 s; negative, no wait.
	GroupInitialRebalanceDelay time.Duration
}
