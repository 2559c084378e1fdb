package registrytest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/charterhq/charter/registry"
)

// readTests cover the lookups: which versions and schemas they find, in
// which order, and the not-found errors the REST API turns into 404s.
var readTests = []storeTest{
	{"Versions", func(t *testing.T, s registry.Store) {
		_, err := s.Versions(context.Background(), "s")
		wantErr(t, "Versions of an unknown subject", err, registry.ErrSubjectNotFound)
		for _, text := range []string{"a", "b", "c"} {
			mustCreate(t, s, "s", text)
		}
		mustCreate(t, s, "t", "a")
		mustSoftDelete(t, s, "s", 2)
		vs := mustVersions(t, s, "s")
		if got, want := numbers(vs), []string{"s/1", "s/2d", "s/3"}; !slices.Equal(got, want) {
			t.Errorf("Versions = %v, want %v", got, want)
		}
		if len(vs) == 3 && (vs[1].Schema.Text != "b" || vs[1].Schema.ID != 2) {
			t.Errorf("soft-deleted version 2 carries %+v, want \"b\" id 2", vs[1].Schema)
		}
	}},
	{"Version", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		_, err := s.Version(ctx, "s", 1)
		wantErr(t, "Version of an unknown subject", err, registry.ErrSubjectNotFound)
		_, err = s.Version(ctx, "s", registry.Latest)
		wantErr(t, "latest Version of an unknown subject", err, registry.ErrSubjectNotFound)
		for _, text := range []string{"a", "b", "c"} {
			mustCreate(t, s, "s", text)
		}
		_, err = s.Version(ctx, "s", 9)
		wantErr(t, "Version 9 of a subject with 3", err, registry.ErrVersionNotFound)
		if v, err := s.Version(ctx, "s", 2); err != nil || v.Version != 2 || v.Schema.Text != "b" || v.Deleted {
			t.Errorf("Version(s, 2) = %v %q deleted %v, %v; want 2 \"b\"", v.Version, v.Schema.Text, v.Deleted, err)
		}
		if v, err := s.Version(ctx, "s", registry.Latest); err != nil || v.Version != 3 {
			t.Errorf("Version(s, Latest) = %d, %v; want 3", v.Version, err)
		}
		mustSoftDelete(t, s, "s", 3)
		if v, err := s.Version(ctx, "s", registry.Latest); err != nil || v.Version != 2 {
			t.Errorf("Version(s, Latest) after deleting 3 = %d, %v; want the newest live, 2", v.Version, err)
		}
		if v, err := s.Version(ctx, "s", 3); err != nil || !v.Deleted || v.Schema.Text != "c" {
			t.Errorf("Version(s, 3) = deleted %v %q, %v; want the soft-deleted \"c\"", v.Deleted, v.Schema.Text, err)
		}
		mustSoftDelete(t, s, "s", 1, 2)
		_, err = s.Version(ctx, "s", registry.Latest)
		wantErr(t, "latest Version when all are soft-deleted", err, registry.ErrVersionNotFound)
	}},
	{"VersionWithFingerprint", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		fp := func(text string) string { return schema("s", text).Fingerprint }
		_, err := s.VersionWithFingerprint(ctx, "s", fp("a"), true)
		wantErr(t, "VersionWithFingerprint in an unknown subject", err, registry.ErrVersionNotFound)
		for _, text := range []string{"a", "b", "c"} {
			mustCreate(t, s, "s", text)
		}
		mustCreate(t, s, "t", "d")
		mustCreate(t, s, ":.staging:s", "b")
		mustSoftDelete(t, s, "s", 1)
		mustCreate(t, s, "s", "a") // version 4, carrying schema 1 again
		for _, tc := range []struct {
			subject, text string
			deleted       bool
			want          string // "subject/version[d]", "" for ErrVersionNotFound
		}{
			{"s", "a", false, "s/4"},
			{"s", "a", true, "s/4"},
			{"s", "b", false, "s/2"},
			{"s", "d", true, ""},     // another subject's schema
			{"s", "e", true, ""},     // no schema at all
			{"t", "d", false, "t/1"}, // the same fingerprint space, another subject
			{"u", "a", true, ""},     // an unknown subject
			{":.staging:s", "b", false, ":.staging:s/1"},
			{":.staging:s", "a", true, ""}, // "a" is only in the default context
		} {
			v, err := s.VersionWithFingerprint(ctx, tc.subject, fp(tc.text), tc.deleted)
			if tc.want == "" {
				wantErr(t, fmt.Sprintf("VersionWithFingerprint(%q, %q, %v)", tc.subject, tc.text, tc.deleted), err, registry.ErrVersionNotFound)
				continue
			}
			if err != nil || numbers([]registry.Version{v})[0] != tc.want || v.Schema.Text != tc.text {
				t.Errorf("VersionWithFingerprint(%q, %q, %v) = %v %q, %v; want %s", tc.subject, tc.text, tc.deleted, numbers([]registry.Version{v}), v.Schema.Text, err, tc.want)
			}
		}
		if v, err := s.VersionWithFingerprint(ctx, ":.staging:s", fp("b"), false); err != nil || v.Schema.Context != ".staging" || v.Schema.ID != 1 {
			t.Errorf("VersionWithFingerprint in .staging = %+v, %v; want schema 1 of .staging", v.Schema, err)
		}
		// Soft-deleted versions are found only with deleted, the newest first.
		mustSoftDelete(t, s, "s", 4)
		_, err = s.VersionWithFingerprint(ctx, "s", fp("a"), false)
		wantErr(t, "VersionWithFingerprint of soft-deleted versions only", err, registry.ErrVersionNotFound)
		if v, err := s.VersionWithFingerprint(ctx, "s", fp("a"), true); err != nil || v.Version != 4 || !v.Deleted {
			t.Errorf("VersionWithFingerprint(s, a, deleted) = v%d deleted %v, %v; want the soft-deleted v4", v.Version, v.Deleted, err)
		}
		mustPurge(t, s, "s", 4)
		if v, err := s.VersionWithFingerprint(ctx, "s", fp("a"), true); err != nil || v.Version != 1 || !v.Deleted {
			t.Errorf("VersionWithFingerprint(s, a, deleted) after purging v4 = v%d deleted %v, %v; want the soft-deleted v1", v.Version, v.Deleted, err)
		}
	}},
	{"SchemaByID", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		_, err := s.SchemaByID(ctx, ".", 1)
		wantErr(t, "SchemaByID in an empty store", err, registry.ErrSchemaNotFound)
		mustCreate(t, s, "s", "a")
		b := mustCreate(t, s, ":.staging:s", "b")
		got, err := s.SchemaByID(ctx, ".", 1)
		if err != nil || got.Text != "a" || got.ID != 1 || got.Context != "." {
			t.Errorf("SchemaByID(., 1) = %+v, %v; want \"a\"", got, err)
		}
		got, err = s.SchemaByID(ctx, ".staging", b.Schema.ID)
		if err != nil || got.Text != "b" || got.Context != ".staging" {
			t.Errorf("SchemaByID(.staging, %d) = %+v, %v; want \"b\"", b.Schema.ID, got, err)
		}
		_, err = s.SchemaByID(ctx, ".other", 1)
		wantErr(t, "SchemaByID in another context", err, registry.ErrSchemaNotFound)
		_, err = s.SchemaByID(ctx, ".", 2)
		wantErr(t, "SchemaByID of an unallocated ID", err, registry.ErrSchemaNotFound)
		mustSoftDelete(t, s, "s", 1)
		if got, err := s.SchemaByID(ctx, ".", 1); err != nil || got.Text != "a" {
			t.Errorf("SchemaByID after soft delete = %q, %v; want \"a\"", got.Text, err)
		}
	}},
	{"SchemaByFingerprint", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		sc := schema(":.staging:s", "a")
		_, err := s.SchemaByFingerprint(ctx, sc.Fingerprint)
		wantErr(t, "SchemaByFingerprint in an empty store", err, registry.ErrSchemaNotFound)
		mustCreate(t, s, ":.staging:s", "a")
		got, err := s.SchemaByFingerprint(ctx, sc.Fingerprint)
		if err != nil || got.Text != "a" || got.Context != ".staging" || got.ID != 1 {
			t.Errorf("SchemaByFingerprint = %+v, %v; want \"a\" in .staging", got, err)
		}
		mustSoftDelete(t, s, ":.staging:s", 1)
		if _, err := s.SchemaByFingerprint(ctx, sc.Fingerprint); err != nil {
			t.Errorf("SchemaByFingerprint after soft delete: %v", err)
		}
	}},
	{"SchemaUsage", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		if got, err := s.SchemaUsage(ctx, ".", 1); err != nil || len(got) != 0 {
			t.Errorf("SchemaUsage of an unknown ID = %v, %v; want none", got, err)
		}
		mustCreate(t, s, "b", "x")
		mustCreate(t, s, "a", "y")
		mustCreate(t, s, "a", "x")
		mustCreate(t, s, ":.staging:a", "x") // same content, other context, other ID space
		mustSoftDelete(t, s, "b", 1)
		got, err := s.SchemaUsage(ctx, ".", 1)
		if want := []string{"a/2", "b/1d"}; err != nil || !slices.Equal(subjectVersions(got), want) {
			t.Errorf("SchemaUsage(., 1) = %v, %v; want %v", subjectVersions(got), err, want)
		}
		got, err = s.SchemaUsage(ctx, ".staging", 1)
		if want := []string{":.staging:a/1"}; err != nil || !slices.Equal(subjectVersions(got), want) {
			t.Errorf("SchemaUsage(.staging, 1) = %v, %v; want %v", subjectVersions(got), err, want)
		}
	}},
	{"Subjects", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		if got, err := s.Subjects(ctx); err != nil || len(got) != 0 {
			t.Errorf("Subjects of an empty store = %v, %v; want none", got, err)
		}
		// Names that byte order and natural-language collations sort apart.
		for _, subject := range []string{"orders", "Zeta", ":.staging:orders", "all-deleted", "_x"} {
			mustCreate(t, s, subject, "a")
		}
		mustCreate(t, s, "orders", "b")
		mustSoftDelete(t, s, "orders", 1)
		mustSoftDelete(t, s, "all-deleted", 1)
		got, err := s.Subjects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names, deleted []string
		for _, sv := range got {
			names = append(names, sv.Subject)
			if sv.Deleted {
				deleted = append(deleted, sv.Subject)
			}
		}
		if want := []string{":.staging:orders", "Zeta", "_x", "all-deleted", "orders"}; !slices.Equal(names, want) {
			t.Errorf("Subjects = %v, want %v (sorted bytewise)", names, want)
		}
		if want := []string{"all-deleted"}; !slices.Equal(deleted, want) {
			t.Errorf("Subjects marked deleted = %v, want %v", deleted, want)
		}
	}},
	{"ReferencedBy", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		mustCreate(t, s, "base", "b1")
		mustCreate(t, s, "base", "b2")
		ref := registry.Reference{Name: "base.avsc", Subject: "base", Version: 1}
		mustCreate(t, s, "user", "u", ref)
		mustCreate(t, s, "account", "u", ref) // the same schema under a second subject
		mustCreate(t, s, "user", "u2", ref, registry.Reference{Name: "other", Subject: "base", Version: 2})
		mustCreate(t, s, ":.staging:base", "b1")
		mustCreate(t, s, ":.staging:user", "u", ref) // refers to base in its own context
		mustSoftDelete(t, s, "user", 1)
		for _, tc := range []struct {
			subject string
			version int
			want    []string
		}{
			{"base", 1, []string{"account/1", "user/1d", "user/2"}},
			{"base", 2, []string{"user/2"}},
			{"base", 3, []string{}},
			{"user", 1, []string{}},
			{":.staging:base", 1, []string{":.staging:user/1"}},
		} {
			got, err := s.ReferencedBy(ctx, tc.subject, tc.version)
			if err != nil || !slices.Equal(numbers(got), tc.want) {
				t.Errorf("ReferencedBy(%q, %d) = %v, %v; want %v", tc.subject, tc.version, numbers(got), err, tc.want)
			}
		}
	}},
	{"Contexts", func(t *testing.T, s registry.Store) {
		ctx := context.Background()
		if got, err := s.Contexts(ctx); err != nil || len(got) != 0 {
			t.Errorf("Contexts of an empty store = %v, %v; want none", got, err)
		}
		for _, subject := range []string{":.staging:a", "a", ":.Prod:a", ":.staging:b"} {
			mustCreate(t, s, subject, "x")
		}
		got, err := s.Contexts(ctx)
		if want := []string{".", ".Prod", ".staging"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("Contexts = %v, %v; want %v", got, err, want)
		}
	}},
}
