package registrytest

import (
	"strconv"
	"testing"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// serviceReadTests run registry.Service's reads of one subject over the
// store: Lookup, Version and CheckCompatibility, in histories with
// soft-deleted versions and in contexts. Each answer rests on the store's
// single-version reads (VersionWithFingerprint, Version), and its errors
// are the ones Confluent's clients expect.
var serviceReadTests = []storeTest{
	{"Lookup", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		const n = 60
		for i := 1; i <= n; i++ {
			r.register("s", evolution(i))
		}
		r.softDelete("s", 20, n)
		r.register(":.staging:s", evolution(10))
		r.register("gone", "a")
		r.softDelete("gone", 1)
		for _, tc := range []struct {
			subject, text string
			deleted       bool
			version       int
			code          registry.Code
		}{
			{"s", evolution(10), false, 10, 0},
			{"s", "f10?,id", false, 10, 0}, // the same meaning, by normalised form
			{"s", evolution(20), false, 0, registry.CodeSchemaNotFound},
			{"s", evolution(20), true, 20, 0},
			{"s", evolution(n), true, n, 0},
			{"s", evolution(n + 1), true, 0, registry.CodeSchemaNotFound},
			{"s", "{", false, 0, registry.CodeInvalidSchema},
			{":.staging:s", evolution(10), false, 1, 0},
			{":.staging:s", evolution(11), true, 0, registry.CodeSchemaNotFound},
			{"none", evolution(10), true, 0, registry.CodeSubjectNotFound},
			{"none", "{", true, 0, registry.CodeSubjectNotFound}, // before the schema's own error
			{"gone", "a", false, 0, registry.CodeSubjectNotFound},
			{"gone", "{", false, 0, registry.CodeSubjectNotFound},
			{"gone", "b", false, 0, registry.CodeSubjectNotFound},
			{"gone", "a", true, 1, 0},
			{"gone", "b", true, 0, registry.CodeSchemaNotFound},
			{"gone", "{", true, 0, registry.CodeInvalidSchema},
		} {
			v, err := r.svc.Lookup(r.ctx, tc.subject, registry.SchemaRequest{Schema: tc.text}, tc.deleted)
			what := "Lookup(" + tc.subject + ", " + tc.text + ")"
			if tc.deleted {
				what += " with deleted"
			}
			if tc.code != 0 {
				wantCode(t, what, err, tc.code)
				continue
			}
			if err != nil || v.Version != tc.version || v.Subject != tc.subject {
				t.Errorf("%s = %s v%d, %v; want v%d", what, v.Subject, v.Version, err, tc.version)
			}
		}
		// The newest carrier wins: evolution(20) again, as version n+1.
		r.want(r.register("s", evolution(20)), n+1, 20)
		if v, err := r.svc.Lookup(r.ctx, "s", registry.SchemaRequest{Schema: evolution(20)}, false); err != nil || v.Version != n+1 {
			t.Errorf("Lookup of a schema carried by v20 (soft-deleted) and v%d = v%d, %v; want v%d", n+1, v.Version, err, n+1)
		}
	}},
	{"Version", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		for i := 1; i <= 5; i++ {
			r.register("s", evolution(i))
		}
		r.softDelete("s", 2, 5)
		r.register(":.staging:s", evolution(9))
		r.register("gone", "a")
		r.softDelete("gone", 1)
		for _, tc := range []struct {
			subject string
			version int
			deleted bool
			want    int
			code    registry.Code
		}{
			{"s", registry.Latest, false, 4, 0},
			{"s", registry.Latest, true, 5, 0},
			{"s", 3, false, 3, 0},
			{"s", 2, false, 0, registry.CodeVersionNotFound},
			{"s", 2, true, 2, 0},
			{"s", 9, false, 0, registry.CodeVersionNotFound},
			{"s", 9, true, 0, registry.CodeVersionNotFound},
			{"s", 0, false, 0, registry.CodeVersionNotFound},
			{":.staging:s", registry.Latest, false, 1, 0},
			{":.staging:s", 2, false, 0, registry.CodeVersionNotFound},
			{"none", registry.Latest, false, 0, registry.CodeSubjectNotFound},
			{"none", registry.Latest, true, 0, registry.CodeSubjectNotFound},
			{"none", 1, true, 0, registry.CodeSubjectNotFound},
			{"gone", registry.Latest, false, 0, registry.CodeSubjectNotFound},
			{"gone", 1, false, 0, registry.CodeSubjectNotFound},
			{"gone", 2, false, 0, registry.CodeSubjectNotFound},
			{"gone", registry.Latest, true, 1, 0},
			{"gone", 1, true, 1, 0},
			{"gone", 2, true, 0, registry.CodeVersionNotFound},
		} {
			v, err := r.svc.Version(r.ctx, tc.subject, tc.version, tc.deleted)
			what := "Version(" + tc.subject + ", " + strconv.Itoa(tc.version) + ")"
			if tc.deleted {
				what += " with deleted"
			}
			if tc.code != 0 {
				wantCode(t, what, err, tc.code)
				continue
			}
			if err != nil || v.Version != tc.want || v.Subject != tc.subject {
				t.Errorf("%s = %s v%d, %v; want v%d", what, v.Subject, v.Version, err, tc.want)
			}
		}
	}},
	{"CheckCompatibility", func(t *testing.T, s registry.Store) {
		r := newRegistrar(t, s)
		// "x" reads v2 but not v1, which lacks x.
		r.level("s", compat.None)
		r.register("s", "a")
		r.register("s", "a?,x")
		check := func(level compat.Level, version int, wantOld int, code registry.Code) {
			t.Helper()
			r.level("s", level)
			res, err := r.svc.CheckCompatibility(r.ctx, "s", version, registry.SchemaRequest{Schema: "x"})
			what := "CheckCompatibility(s, " + strconv.Itoa(version) + ") at " + string(level)
			if code != 0 {
				wantCode(t, what, err, code)
				return
			}
			if err != nil || res.Compatible != (wantOld == 0) || res.OldVersion != wantOld {
				t.Errorf("%s = compatible %v old v%d, %v; want old v%d", what, res.Compatible, res.OldVersion, err, wantOld)
			}
		}
		check(compat.Backward, 0, 0, 0)
		check(compat.Backward, registry.Latest, 0, 0)
		check(compat.BackwardTransitive, 0, 1, 0)
		check(compat.BackwardTransitive, registry.Latest, 0, 0)
		check(compat.Backward, 1, 1, 0)
		check(compat.Backward, 2, 0, 0)
		check(compat.Backward, 3, 0, registry.CodeVersionNotFound)
		r.softDelete("s", 2)
		check(compat.Backward, 0, 1, 0)
		check(compat.Backward, registry.Latest, 1, 0)
		check(compat.Backward, 2, 0, registry.CodeVersionNotFound)
		r.softDelete("s", 1)
		check(compat.Backward, 0, 0, 0)
		check(compat.BackwardTransitive, 0, 0, 0)
		check(compat.Backward, registry.Latest, 0, 0)
		if res, err := r.svc.CheckCompatibility(r.ctx, "none", registry.Latest, registry.SchemaRequest{Schema: "x"}); err != nil || !res.Compatible {
			t.Errorf("CheckCompatibility of an unknown subject = %v, %v; want compatible", res.Compatible, err)
		}
	}},
}
