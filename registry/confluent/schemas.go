package confluent

import (
	"net/http"

	"github.com/charterhq/charter/registry"
)

func (h *Handler) schemaTypes(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, h.svc.SchemaTypes())
}

// byID answers GET /schemas/ids/{id}: Confluent's SchemaString. The 8.x
// shape adds guid, and subject and version when ?subject= names one.
func (h *Handler) schemaByID(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	subject := r.URL.Query().Get("subject")
	s, err := h.svc.SchemaByID(r.Context(), id, subject)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var e schemaEntity
	schemaFields(&e, s, r)
	if boolParam(r, "fetchMaxId") {
		if e.MaxID, err = h.svc.MaxID(r.Context(), subject); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if newShape(r) {
		if _, name := registry.SplitContext(subject); name != "" {
			if v, err := h.svc.Lookup(r.Context(), subject, registry.SchemaRequest{Schema: s.Text, Type: s.Type, References: s.References, Metadata: s.Metadata, RuleSet: s.RuleSet}, true); err == nil {
				e.Subject, e.Version = v.Subject, v.Version
			}
		}
	}
	writeJSON(w, r, e)
}

func (h *Handler) rawSchemaByID(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.svc.SchemaByID(r.Context(), id, r.URL.Query().Get("subject"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeRaw(w, r, s.Text)
}

func (h *Handler) usage(w http.ResponseWriter, r *http.Request) ([]registry.SubjectVersion, bool) {
	id, err := idParam(r)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	usage, err := h.svc.SchemaVersions(r.Context(), id, r.URL.Query().Get("subject"), boolParam(r, "deleted"))
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return usage, true
}

func (h *Handler) schemaSubjects(w http.ResponseWriter, r *http.Request) {
	usage, ok := h.usage(w, r)
	if !ok {
		return
	}
	subjects := []string{}
	for _, u := range usage {
		if len(subjects) == 0 || subjects[len(subjects)-1] != u.Subject {
			subjects = append(subjects, u.Subject)
		}
	}
	writeJSON(w, r, page(r, subjects))
}

func (h *Handler) schemaVersions(w http.ResponseWriter, r *http.Request) {
	usage, ok := h.usage(w, r)
	if !ok {
		return
	}
	out := make([]subjectVersion, len(usage))
	for i, u := range usage {
		out[i] = subjectVersion{Subject: u.Subject, Version: u.Version}
	}
	writeJSON(w, r, page(r, out))
}

func (h *Handler) schemaByGUID(w http.ResponseWriter, r *http.Request) {
	s, err := h.svc.SchemaByGUID(r.Context(), r.PathValue("guid"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var e schemaEntity
	schemaFields(&e, s, r)
	e.GUID = registry.GUID(s.Fingerprint)
	writeJSON(w, r, e)
}

func (h *Handler) schemaIDsByGUID(w http.ResponseWriter, r *http.Request) {
	s, err := h.svc.SchemaByGUID(r.Context(), r.PathValue("guid"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, []struct {
		Context string `json:"context"`
		ID      int    `json:"id"`
	}{{s.Context, s.ID}})
}

// listSchemas answers GET /schemas with Confluent's default and maximum
// page of 1000.
func (h *Handler) listSchemas(w http.ResponseWriter, r *http.Request) {
	versions, err := h.svc.Schemas(r.Context(), registry.SchemaQuery{
		Prefix:     r.URL.Query().Get("subjectPrefix"),
		Deleted:    boolParam(r, "deleted"),
		LatestOnly: boolParam(r, "latestOnly"),
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]schemaEntity, 0, len(versions))
	for _, v := range versions {
		out = append(out, versionEntity(v, r))
	}
	out = page(r, out)
	if len(out) > 1000 {
		out = out[:1000]
	}
	writeJSON(w, r, out)
}
