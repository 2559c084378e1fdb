package registry

import (
	"context"
	"fmt"

	"github.com/charterhq/charter/compat"
)

// Register adds schema to subject as Confluent's POST
// /subjects/{subject}/versions does, and returns the version that carries it.
//
// A schema the subject already has live comes back as it is: no new version,
// no compatibility check and no mode check (so auto-registering producers keep
// working against a READONLY registry). Otherwise the subject's mode must
// allow writes, the schema must be compatible with the subject's live versions
// at its effective level (CodeIncompatibleSchema), and it gets the ID its
// content already has in the context or the next one. In IMPORT mode the
// request's ID (and optional version) are used and no check is made.
func (s *Service) Register(ctx context.Context, subject string, req SchemaRequest) (Version, error) {
	if err := ValidateSubject(subject); err != nil {
		return Version{}, err
	}
	cfg, err := s.effectiveConfig(ctx, subject)
	if err != nil {
		return Version{}, err
	}
	mode, err := s.effectiveMode(ctx, subject)
	if err != nil {
		return Version{}, err
	}
	req.Normalize = req.Normalize || (cfg.Normalize != nil && *cfg.Normalize)
	if req.Schema == "" {
		// An empty schema re-registers the latest one: Confluent's way of
		// changing only metadata or rules.
		latest, err := s.store.Version(ctx, subject, Latest)
		if err != nil {
			return Version{}, Errorf(CodeInvalidSchema, "Empty schema")
		}
		req.Schema, req.Type, req.References = latest.Schema.Text, latest.Schema.Type, latest.Schema.References
	}
	c, err := s.prepare(ctx, subject, req)
	if err != nil {
		return Version{}, err
	}
	_, name := SplitContext(subject)
	ctxName := contextLabel(c.schema.Context)

	decide := func(ctx context.Context, h History, existingID int) (NewVersion, error) {
		if existingID != 0 && (req.ID == 0 || req.ID == existingID) {
			existing, err := registered(ctx, h, existingID, req.Version)
			if err != nil {
				return NewVersion{}, err
			}
			if existing != 0 {
				return NewVersion{Existing: existing}, nil
			}
		}
		switch {
		case mode.readOnly():
			return NewVersion{}, Errorf(CodeOperationNotPermitted, "Subject %s in context %s is in read-only mode", name, ctxName)
		case mode.importing() && req.ID <= 0:
			return NewVersion{}, Errorf(CodeOperationNotPermitted, "Subject %s in context %s is not in read-write mode", name, ctxName)
		case !mode.importing() && req.ID != 0:
			return NewVersion{}, Errorf(CodeOperationNotPermitted, "Subject %s in context %s is not in import mode", name, ctxName)
		}
		last, err := h.MaxVersion(ctx)
		if err != nil {
			return NewVersion{}, err
		}
		next := last + 1
		nv := NewVersion{Version: next, ID: existingID}
		if mode.importing() {
			if existingID != 0 && existingID != req.ID {
				// Confluent before 7.0; later releases keep a second copy
				// under the new ID, which this registry's one-ID-per-content
				// store cannot.
				return NewVersion{}, Errorf(CodeIDDoesNotMatch, "The ID of an imported schema does not match the existing ID")
			}
			nv.ID = req.ID
			if req.Version > 0 {
				_, taken, err := h.Version(ctx, req.Version)
				if err != nil {
					return NewVersion{}, err
				}
				if taken {
					return NewVersion{}, Errorf(CodeOperationNotPermitted, "Subject %s already has version %d", name, req.Version)
				}
				nv.Version = req.Version
			}
			return nv, nil
		}
		if req.Version > 0 && req.Version != next {
			return NewVersion{}, Errorf(CodeInvalidSchema, "Version is not one more than previous version")
		}
		against, err := s.compareWith(ctx, h, cfg, subject)
		if err != nil {
			return NewVersion{}, err
		}
		result, err := s.check(ctx, cfg, c, against, h.Referenced)
		if err != nil {
			return NewVersion{}, err
		}
		if !result.Compatible {
			return NewVersion{}, &Error{Code: CodeIncompatibleSchema, Message: fmt.Sprintf(
				"Schema being registered is incompatible with an earlier schema for subject %q, details: %s", subject, result.details())}
		}
		return nv, nil
	}
	v, created, err := s.store.CreateVersion(ctx, subject, c.schema, decide)
	if err != nil {
		return Version{}, storeErr(err)
	}
	if created {
		s.remember(v.Schema)
		s.logger.InfoContext(ctx, "schema registered", "subject", subject, "version", v.Version, "id", v.Schema.ID, "type", v.Schema.Type)
	}
	return v, nil
}

// registered returns the number of the subject's live version that already
// carries schema id and answers a request for version (0 when none does):
// the newest such version for 0, the latest live version for Latest, that
// very version for a number.
func registered(ctx context.Context, h History, id, version int) (int, error) {
	switch {
	case version == 0:
		return h.LatestWithID(ctx, id)
	case version == Latest:
		latest, err := h.Live(ctx, 1)
		if err != nil || len(latest) == 0 || latest[0].ID != id {
			return 0, err
		}
		return latest[0].Version, nil
	case version > 0:
		v, ok, err := h.Version(ctx, version)
		if err != nil || !ok || v.Deleted || v.ID != id {
			return 0, err
		}
		return v.Version, nil
	}
	return 0, nil
}

// compareWith returns the subject's live versions, with their schemas, that
// a check at cfg's level may compare a new schema with: the latest, or all
// at a transitive level or with a compatibility group (whose members only
// their metadata tells). Schemas come from the ID cache, and on a miss
// through h, inside the store's transaction: a second connection could wait
// on a pool that the writers queueing for the subject's lock have drained.
func (s *Service) compareWith(ctx context.Context, h History, cfg Config, subject string) ([]Version, error) {
	if cfg.Compatibility == compat.None {
		return nil, nil
	}
	limit := 1
	if cfg.Compatibility.Transitive() || cfg.CompatibilityGroup != "" {
		limit = 0
	}
	live, err := h.Live(ctx, limit)
	if err != nil {
		return nil, err
	}
	schemaContext, _ := SplitContext(subject)
	out := make([]Version, len(live))
	for i, v := range live {
		c, err := s.cachedFrom(schemaContext, v.ID, func() (Schema, error) { return h.Schema(ctx, v.ID) })
		if err != nil {
			if CodeOf(err) == CodeSchemaNotFound {
				// A version pins its schema: a miss is the store's fault.
				err = Internal(fmt.Errorf("version %d of %q carries schema %d, which is missing", v.Version, subject, v.ID))
			}
			return nil, err
		}
		out[i] = Version{Subject: subject, Version: v.Version, Schema: c.schema}
	}
	return out, nil
}

// contextLabel is how Confluent prints a context in messages: empty for the
// default one.
func contextLabel(schemaContext string) string {
	if schemaContext == DefaultContext {
		return ""
	}
	return ":" + schemaContext + ":"
}

// Lookup finds the version of subject that carries schema, as POST
// /subjects/{subject} does: by content identity first, then by meaning (the
// normalised forms agree). Soft-deleted versions match only with deleted.
// It returns CodeSubjectNotFound or CodeSchemaNotFound.
//
// Identity is one store read of the versions carrying the schema's
// fingerprint, whatever the subject's history; only a miss reads the
// history, to compare meanings. Whether the subject exists is asked only
// when the answer matters (an error or a miss), and still wins over every
// other error, as in Confluent.
func (s *Service) Lookup(ctx context.Context, subject string, req SchemaRequest, deleted bool) (Version, error) {
	cfg, err := s.effectiveConfig(ctx, subject)
	if err != nil {
		return Version{}, err
	}
	req.Normalize = req.Normalize || (cfg.Normalize != nil && *cfg.Normalize)
	c, err := s.prepare(ctx, subject, req)
	if err != nil {
		if serr := s.subjectExists(ctx, subject, deleted); serr != nil {
			return Version{}, serr
		}
		return Version{}, err
	}
	v, err := s.store.VersionWithFingerprint(ctx, subject, c.schema.Fingerprint, deleted)
	if err == nil {
		return v, nil
	}
	if CodeOf(err) != CodeVersionNotFound {
		return Version{}, storeErr(err)
	}
	versions, err := s.store.Versions(ctx, subject)
	if err != nil {
		return Version{}, subjectErr(subject, err)
	}
	if !deleted {
		versions = liveVersions(versions)
	}
	if len(versions) == 0 {
		return Version{}, Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
	}
	want := c.parsed.Normalized()
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if v.Schema.Type != c.schema.Type || !sameReferences(v.Schema.References, c.schema.References) {
			continue
		}
		if p, err := s.parsed(ctx, v.Schema); err == nil && p.Normalized() == want {
			return v, nil
		}
	}
	return Version{}, Errorf(CodeSchemaNotFound, "Schema not found")
}

// subjectExists returns CodeSubjectNotFound when subject has no live
// version, or with deleted no version at all; it reads one version.
func (s *Service) subjectExists(ctx context.Context, subject string, deleted bool) error {
	_, err := s.store.Version(ctx, subject, Latest)
	switch code := CodeOf(err); {
	case err == nil, deleted && code == CodeVersionNotFound:
		return nil
	case code == CodeSubjectNotFound, code == CodeVersionNotFound:
		return Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
	}
	return storeErr(err)
}

func sameReferences(a, b []Reference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func liveVersions(history []Version) []Version {
	live := make([]Version, 0, len(history))
	for _, v := range history {
		if !v.Deleted {
			live = append(live, v)
		}
	}
	return live
}

// subjectErr turns the store's generic not-found into Confluent's message.
func subjectErr(subject string, err error) error {
	if CodeOf(err) == CodeSubjectNotFound {
		return Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
	}
	return storeErr(err)
}
