package registry

import (
	"context"
	"strings"
)

// SubjectQuery filters subject listings.
type SubjectQuery struct {
	// Prefix keeps subjects starting with it; "" and ":*:" keep all.
	Prefix string
	// Deleted includes subjects whose versions are all soft-deleted;
	// DeletedOnly returns only those, and wins over Deleted.
	Deleted, DeletedOnly bool
}

func (q SubjectQuery) keep(subject string, deleted bool) bool {
	if q.Prefix != "" && q.Prefix != ":*:" && !strings.HasPrefix(subject, q.Prefix) {
		return false
	}
	if q.DeletedOnly {
		return deleted
	}
	return q.Deleted || !deleted
}

// Subjects lists subject names, sorted.
func (s *Service) Subjects(ctx context.Context, q SubjectQuery) ([]string, error) {
	all, err := s.store.Subjects(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	names := make([]string, 0, len(all))
	for _, sv := range all {
		if q.keep(sv.Subject, sv.Deleted) {
			names = append(names, sv.Subject)
		}
	}
	return names, nil
}

// VersionQuery filters version listings.
type VersionQuery struct {
	Deleted, DeletedOnly bool
}

// Versions lists the version numbers of subject, oldest first. It returns
// CodeSubjectNotFound when none match.
func (s *Service) Versions(ctx context.Context, subject string, q VersionQuery) ([]int, error) {
	history, err := s.store.Versions(ctx, subject)
	if err != nil {
		return nil, subjectErr(subject, err)
	}
	nums := make([]int, 0, len(history))
	for _, v := range history {
		if (q.DeletedOnly && v.Deleted) || (!q.DeletedOnly && (q.Deleted || !v.Deleted)) {
			nums = append(nums, v.Version)
		}
	}
	if len(nums) == 0 && !q.DeletedOnly {
		return nil, Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
	}
	return nums, nil
}

// Version returns one version of subject; version may be Latest. Soft-deleted
// versions are found only with deleted (Latest then means the newest of all).
// It returns CodeSubjectNotFound or CodeVersionNotFound: the former also when
// the subject has versions but, without deleted, no live one.
//
// It reads the one version asked for; only the newest of all versions, which
// the store has no read for, loads the subject's history.
func (s *Service) Version(ctx context.Context, subject string, version int, deleted bool) (Version, error) {
	if deleted && version == Latest {
		history, err := s.store.Versions(ctx, subject)
		if err != nil {
			return Version{}, subjectErr(subject, err)
		}
		return history[len(history)-1], nil
	}
	v, err := s.store.Version(ctx, subject, version)
	if err == nil && (deleted || !v.Deleted) {
		return v, nil
	}
	switch code := CodeOf(err); {
	case err != nil && code != CodeSubjectNotFound && code != CodeVersionNotFound:
		return Version{}, storeErr(err)
	case code == CodeSubjectNotFound, version == Latest:
		// No version at all, or (Latest reading live ones only) no live one.
		return Version{}, Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
	case !deleted:
		// The subject has versions, but this one is missing or soft-deleted:
		// without a live version, it is the subject that is not found.
		if err := s.subjectExists(ctx, subject, false); err != nil {
			return Version{}, err
		}
	}
	return Version{}, Errorf(CodeVersionNotFound, "Version %d not found.", version)
}

// SchemaByID returns the schema with id in the context subject names (the
// default context when subject is ""). Soft-deleted schemas are found too.
// It returns CodeSchemaNotFound.
func (s *Service) SchemaByID(ctx context.Context, id int, subject string) (Schema, error) {
	schemaContext, _ := SplitContext(subject)
	c, err := s.cached(ctx, schemaContext, id)
	if err != nil {
		if CodeOf(err) == CodeSchemaNotFound {
			return Schema{}, Errorf(CodeSchemaNotFound, "Schema %d not found", id)
		}
		return Schema{}, err
	}
	return c.schema, nil
}

// SchemaByGUID returns the schema whose content has guid, in any context.
func (s *Service) SchemaByGUID(ctx context.Context, guid string) (Schema, error) {
	fp, ok := FingerprintOfGUID(guid)
	if !ok {
		return Schema{}, Errorf(CodeSchemaNotFound, "Schema %s not found", guid)
	}
	schema, err := s.store.SchemaByFingerprint(ctx, fp)
	if err != nil {
		if CodeOf(err) == CodeSchemaNotFound {
			return Schema{}, Errorf(CodeSchemaNotFound, "Schema %s not found", guid)
		}
		return Schema{}, storeErr(err)
	}
	return schema, nil
}

// SchemaVersions lists the subject versions that carry schema id, live ones
// only unless deleted. It returns CodeSchemaNotFound when the ID is unknown.
func (s *Service) SchemaVersions(ctx context.Context, id int, subject string, deleted bool) ([]SubjectVersion, error) {
	schemaContext, _ := SplitContext(subject)
	usage, err := s.store.SchemaUsage(ctx, schemaContext, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if len(usage) == 0 {
		return nil, Errorf(CodeSchemaNotFound, "Schema not found")
	}
	out := make([]SubjectVersion, 0, len(usage))
	for _, u := range usage {
		if deleted || !u.Deleted {
			out = append(out, u)
		}
	}
	return out, nil
}

// ReferencedBy lists the IDs of schemas whose versions reference subject's
// version, live referrers only unless deleted.
func (s *Service) ReferencedBy(ctx context.Context, subject string, version int, deleted bool) ([]int, error) {
	v, err := s.Version(ctx, subject, version, deleted)
	if err != nil {
		return nil, err
	}
	referrers, err := s.store.ReferencedBy(ctx, subject, v.Version)
	if err != nil {
		return nil, storeErr(err)
	}
	ids := make([]int, 0, len(referrers))
	seen := make(map[int]bool)
	for _, r := range referrers {
		if (deleted || !r.Deleted) && !seen[r.Schema.ID] {
			seen[r.Schema.ID] = true
			ids = append(ids, r.Schema.ID)
		}
	}
	return ids, nil
}

// Contexts lists the contexts, the default one first.
func (s *Service) Contexts(ctx context.Context) ([]string, error) {
	stored, err := s.store.Contexts(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	out := []string{DefaultContext}
	for _, c := range stored {
		if c != DefaultContext {
			out = append(out, c)
		}
	}
	return out, nil
}

// MaxID returns the highest schema ID allocated in subject's context.
func (s *Service) MaxID(ctx context.Context, subject string) (int, error) {
	schemaContext, _ := SplitContext(subject)
	id, err := s.store.MaxID(ctx, schemaContext)
	if err != nil {
		return 0, storeErr(err)
	}
	return id, nil
}

// SchemaQuery filters the schema listing.
type SchemaQuery struct {
	Prefix     string
	Deleted    bool
	LatestOnly bool
}

// Schemas lists subject versions with their schemas, by subject then version.
func (s *Service) Schemas(ctx context.Context, q SchemaQuery) ([]Version, error) {
	subjects, err := s.Subjects(ctx, SubjectQuery{Prefix: q.Prefix, Deleted: q.Deleted})
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, subject := range subjects {
		history, err := s.store.Versions(ctx, subject)
		if err != nil {
			return nil, subjectErr(subject, err)
		}
		if !q.Deleted {
			history = liveVersions(history)
		}
		if q.LatestOnly && len(history) > 0 {
			history = history[len(history)-1:]
		}
		out = append(out, history...)
	}
	return out, nil
}

// SubjectsOf returns the subjects having a version, live or soft-deleted,
// with schema ID id in the default context; none for an unknown ID. It is
// what the broker asks before it stores a record carrying id.
func (s *Service) SubjectsOf(ctx context.Context, id int) ([]string, error) {
	usage, err := s.store.SchemaUsage(ctx, DefaultContext, id)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]string, 0, len(usage))
	for _, u := range usage {
		if len(out) == 0 || out[len(out)-1] != u.Subject {
			out = append(out, u.Subject)
		}
	}
	return out, nil
}
