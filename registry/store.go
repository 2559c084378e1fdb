package registry

import "context"

// Store persists the registry's state. Its methods are whole domain
// operations, each atomic; the rules deciding whether an operation is allowed
// live in Service, and stores stay dumb. Implementations must be safe for
// concurrent use, also by several processes sharing one database.
//
// Subjects are context-qualified strings (see SplitContext); schema IDs are
// scoped by context.
type Store interface {
	// SchemaByID returns the schema with id in schemaContext, whether the
	// versions carrying it are live or soft-deleted. It returns
	// ErrSchemaNotFound (40403) when no version carries it.
	SchemaByID(ctx context.Context, schemaContext string, id int) (Schema, error)

	// SchemaByFingerprint returns the schema with that fingerprint in any
	// context, ErrSchemaNotFound when none has it.
	SchemaByFingerprint(ctx context.Context, fingerprint string) (Schema, error)

	// SchemaUsage lists the versions, live and soft-deleted, that carry the
	// schema id in schemaContext, ordered by subject then version. It
	// returns an empty list when there are none.
	SchemaUsage(ctx context.Context, schemaContext string, id int) ([]SubjectVersion, error)

	// Subjects lists the subjects that have versions, sorted, with for each
	// whether all its versions are soft-deleted.
	Subjects(ctx context.Context) ([]SubjectVersion, error)

	// Versions returns every version of subject, soft-deleted ones included,
	// oldest first. It returns ErrSubjectNotFound (40401) when the subject
	// has none.
	Versions(ctx context.Context, subject string) ([]Version, error)

	// Version returns one version of subject, soft-deleted or not; version
	// may be Latest for the newest live one. It returns ErrSubjectNotFound
	// (40401) when the subject has no versions and ErrVersionNotFound
	// (40402) when it lacks this one.
	Version(ctx context.Context, subject string, version int) (Version, error)

	// VersionWithFingerprint returns subject's newest version whose schema
	// has fingerprint in the subject's context: a live one, or with deleted
	// a live or soft-deleted one. It reads the versions carrying that one
	// schema, not the subject's history. It returns ErrVersionNotFound
	// (40402) when there is none, whether or not the subject has versions.
	VersionWithFingerprint(ctx context.Context, subject, fingerprint string, deleted bool) (Version, error)

	// ReferencedBy lists the versions whose schemas reference subject's
	// version, soft-deleted ones included.
	ReferencedBy(ctx context.Context, subject string, version int) ([]Version, error)

	// CreateVersion adds schema (Context, Type, Text, References, Metadata,
	// RuleSet and Fingerprint set; ID zero) to subject, atomically and
	// serialised per subject across processes. Under that serialisation it
	// calls decide with the subject's History, read in the same transaction,
	// and the ID schema's fingerprint already has in its context (0 if
	// none), and writes what decide returns; an error from decide is
	// returned unchanged and nothing is written. created is false when
	// decide chose an existing version.
	CreateVersion(ctx context.Context, subject string, schema Schema, decide Decider) (v Version, created bool, err error)

	// SoftDeleteVersions marks versions of subject deleted.
	SoftDeleteVersions(ctx context.Context, subject string, versions []int) error

	// PurgeVersions permanently deletes versions of subject. A schema no
	// version carries any longer disappears (its ID is never reused), and a
	// subject left with no version loses its config and mode.
	PurgeVersions(ctx context.Context, subject string, versions []int) error

	// Config returns the config of scope (GlobalScope, a context
	// ":.ctx:", or a subject); ok is false when none is set.
	Config(ctx context.Context, scope string) (c Config, ok bool, err error)
	// SetConfig replaces the config of scope.
	SetConfig(ctx context.Context, scope string, c Config) error
	// DeleteConfig removes the config of scope, if any.
	DeleteConfig(ctx context.Context, scope string) error

	// Mode returns the mode of scope; ok is false when none is set.
	Mode(ctx context.Context, scope string) (m Mode, ok bool, err error)
	// SetMode sets the mode of scope.
	SetMode(ctx context.Context, scope string, m Mode) error
	// DeleteMode removes the mode of scope, if any.
	DeleteMode(ctx context.Context, scope string) error

	// Contexts lists the contexts that hold schemas, sorted.
	Contexts(ctx context.Context) ([]string, error)

	// MaxID returns the highest schema ID ever allocated in schemaContext, 0
	// when none.
	MaxID(ctx context.Context, schemaContext string) (int, error)
}

// Decider chooses, under CreateVersion's per-subject serialisation, what
// CreateVersion writes. It reads what it needs of the subject through h,
// whose reads share the write's transaction, so nothing it saw can change
// before the write. existingID is the ID the new schema's fingerprint
// already has in its context, 0 when it has none.
type Decider func(ctx context.Context, h History, existingID int) (NewVersion, error)

// History is a subject as a Decider reads it: through indexed lookups, so
// that a decision costs what it reads rather than what the subject holds.
// Only Live with no limit grows with the subject's history, as transitive
// compatibility must. Schemas come separately, by ID, so that a Decider
// keeping them cached reads no schema text it already has.
type History interface {
	// MaxVersion returns the subject's highest version number, soft-deleted
	// versions included; 0 when the subject has none.
	MaxVersion(ctx context.Context) (int, error)

	// Version returns the subject's version number n, live or soft-deleted;
	// ok is false when the subject has no such version.
	Version(ctx context.Context, n int) (v VersionID, ok bool, err error)

	// LatestWithID returns the number of the subject's newest live version
	// carrying schema id, 0 when no live version does.
	LatestWithID(ctx context.Context, id int) (int, error)

	// Live lists the subject's newest live versions, oldest first: at most
	// limit of them, or all when limit is 0.
	Live(ctx context.Context, limit int) ([]VersionID, error)

	// Schema returns the schema with id in the subject's context, whether
	// the versions carrying it are live or soft-deleted. It returns
	// ErrSchemaNotFound (40403) when no version carries it.
	Schema(ctx context.Context, id int) (Schema, error)

	// Referenced returns a version of any subject, as Store.Version does,
	// read in the same transaction: the versions a compared schema's
	// references name. Reading them through the store instead would take a
	// second connection while this one holds the subject's lock, and a
	// pool drained by writers queueing for that lock would never give one.
	Referenced(ctx context.Context, subject string, version int) (Version, error)
}

// VersionID is a version of a subject without its schema's content: its
// number, the ID of the schema it carries, and whether it is soft-deleted.
type VersionID struct {
	Version int
	ID      int
	Deleted bool
}

// NewVersion is what a Decider decides.
type NewVersion struct {
	// Existing, when non-zero, is the number of a version of the subject to
	// return instead of creating one; CreateVersion fails when the subject
	// lacks it.
	Existing int
	// Version is the new version's number.
	Version int
	// ID is the schema ID to record. Zero asks the store to allocate the
	// context's next ID; a non-zero one is used as given (an existing ID, or
	// an imported one, past which the store moves the context's sequence).
	// An ID never carries two contents: a given ID that already carries
	// another fingerprint makes CreateVersion fail with
	// CodeOperationNotPermitted (42205).
	ID int
}
