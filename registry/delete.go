package registry

import "context"

// DeleteVersion deletes one version of subject (version may be Latest) and
// returns its number. A soft delete hides the version but keeps its schema
// ID readable; a permanent delete needs a prior soft delete
// (CodeVersionNotSoftDeleted) and removes it for good. A version that other
// schemas reference cannot be deleted (CodeReferenceExists).
func (s *Service) DeleteVersion(ctx context.Context, subject string, version int, permanent bool) (int, error) {
	if err := s.writable(ctx, subject); err != nil {
		return 0, err
	}
	// A numbered version is looked up soft-deleted or not, so that deleting
	// it twice says so; "latest" means the newest live one.
	v, err := s.Version(ctx, subject, version, version != Latest || permanent)
	if err != nil {
		return 0, err
	}
	switch {
	case permanent && !v.Deleted:
		return 0, Errorf(CodeVersionNotSoftDeleted, "Subject '%s' Version %d was not deleted first before being permanently deleted", subject, v.Version)
	case !permanent && v.Deleted:
		return 0, Errorf(CodeVersionSoftDeleted, "Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently", subject, v.Version)
	}
	if err := s.unreferenced(ctx, subject, []Version{v}, permanent); err != nil {
		return 0, err
	}
	if permanent {
		err = s.store.PurgeVersions(ctx, subject, []int{v.Version})
		s.forget()
	} else {
		err = s.store.SoftDeleteVersions(ctx, subject, []int{v.Version})
	}
	if err != nil {
		return 0, storeErr(err)
	}
	return v.Version, nil
}

// DeleteSubject deletes every version of subject and returns their numbers:
// softly (CodeSubjectSoftDeleted when nothing is live), or permanently, which
// needs the subject soft-deleted first (CodeSubjectNotSoftDeleted).
func (s *Service) DeleteSubject(ctx context.Context, subject string, permanent bool) ([]int, error) {
	if err := s.writable(ctx, subject); err != nil {
		return nil, err
	}
	history, err := s.store.Versions(ctx, subject)
	if err != nil {
		return nil, subjectErr(subject, err)
	}
	live := liveVersions(history)
	targets := live
	switch {
	case permanent && len(live) > 0:
		return nil, Errorf(CodeSubjectNotSoftDeleted, "Subject '%s' was not deleted first before being permanently deleted", subject)
	case permanent:
		targets = history
	case len(live) == 0:
		return nil, Errorf(CodeSubjectSoftDeleted, "Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject)
	}
	if err := s.unreferenced(ctx, subject, targets, permanent); err != nil {
		return nil, err
	}
	nums := make([]int, len(targets))
	for i, v := range targets {
		nums[i] = v.Version
	}
	if permanent {
		err = s.store.PurgeVersions(ctx, subject, nums)
		s.forget()
	} else {
		err = s.store.SoftDeleteVersions(ctx, subject, nums)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return nums, nil
}

// unreferenced refuses to delete versions other schemas reference: live
// referrers block soft deletes, any referrer blocks permanent ones.
func (s *Service) unreferenced(ctx context.Context, subject string, versions []Version, permanent bool) error {
	for _, v := range versions {
		referrers, err := s.store.ReferencedBy(ctx, subject, v.Version)
		if err != nil {
			return storeErr(err)
		}
		for _, r := range referrers {
			if r.Subject == subject {
				continue // deleted together
			}
			if permanent || !r.Deleted {
				return Errorf(CodeReferenceExists, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, v.Version)
			}
		}
	}
	return nil
}
