package confluent

import (
	"net/http"

	"github.com/charterhq/charter/registry"
)

func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, struct{}{})
}

func (h *Handler) listSubjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prefix := q.Get("subjectPrefix")
	subjects, err := h.svc.Subjects(r.Context(), registry.SubjectQuery{
		Prefix:      prefix,
		Deleted:     boolParam(r, "deleted"),
		DeletedOnly: boolParam(r, "deletedOnly"),
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, page(r, subjects))
}

func (h *Handler) listVersions(w http.ResponseWriter, r *http.Request) {
	subject := r.PathValue("subject")
	q := registry.VersionQuery{Deleted: boolParam(r, "deleted") || boolParam(r, "deletedAsNegative"), DeletedOnly: boolParam(r, "deletedOnly")}
	versions, err := h.svc.Versions(r.Context(), subject, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if boolParam(r, "deletedAsNegative") && !q.DeletedOnly {
		deleted, err := h.svc.Versions(r.Context(), subject, registry.VersionQuery{DeletedOnly: true})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		isDeleted := make(map[int]bool, len(deleted))
		for _, v := range deleted {
			isDeleted[v] = true
		}
		for i, v := range versions {
			if isDeleted[v] {
				versions[i] = -v
			}
		}
	}
	writeJSON(w, r, page(r, versions))
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	var req schemaRequest
	if !h.decode(w, r, &req) {
		return
	}
	v, err := h.svc.Register(r.Context(), r.PathValue("subject"), req.domain(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !newShape(r) {
		writeJSON(w, r, struct {
			ID int `json:"id"`
		}{v.Schema.ID})
		return
	}
	e := schemaEntity{ID: v.Schema.ID, Version: v.Version}
	schemaFields(&e, v.Schema, r)
	writeJSON(w, r, e)
}

func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) {
	var req schemaRequest
	if !h.decode(w, r, &req) {
		return
	}
	v, err := h.svc.Lookup(r.Context(), r.PathValue("subject"), req.domain(r), boolParam(r, "deleted"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, versionEntity(v, r))
}

func (h *Handler) version(w http.ResponseWriter, r *http.Request) (registry.Version, bool) {
	n, err := versionParam(r)
	if err == nil {
		var v registry.Version
		v, err = h.svc.Version(r.Context(), r.PathValue("subject"), n, boolParam(r, "deleted"))
		if err == nil {
			return v, true
		}
	}
	h.fail(w, r, err)
	return registry.Version{}, false
}

func (h *Handler) getVersion(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.version(w, r); ok {
		writeJSON(w, r, versionEntity(v, r))
	}
}

func (h *Handler) rawVersion(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.version(w, r); ok {
		writeRaw(w, r, v.Schema.Text)
	}
}

// writeRaw answers with a schema's text itself, not wrapped in JSON.
func writeRaw(w http.ResponseWriter, r *http.Request, text string) {
	w.Header().Set("Content-Type", negotiate(r))
	w.Write([]byte(text))
}

func (h *Handler) referencedBy(w http.ResponseWriter, r *http.Request) {
	n, err := versionParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids, err := h.svc.ReferencedBy(r.Context(), r.PathValue("subject"), n, boolParam(r, "deleted"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, page(r, ids))
}

func (h *Handler) deleteVersion(w http.ResponseWriter, r *http.Request) {
	n, err := versionParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	deleted, err := h.svc.DeleteVersion(r.Context(), r.PathValue("subject"), n, boolParam(r, "permanent"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, deleted)
}

func (h *Handler) deleteSubject(w http.ResponseWriter, r *http.Request) {
	versions, err := h.svc.DeleteSubject(r.Context(), r.PathValue("subject"), boolParam(r, "permanent"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, versions)
}

func (h *Handler) compatibility(w http.ResponseWriter, r *http.Request) {
	version := 0
	if raw := r.PathValue("version"); raw != "" {
		n, err := registry.ParseVersion(raw)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		version = n
	}
	var req schemaRequest
	if !h.decode(w, r, &req) {
		return
	}
	verbose := boolParam(r, "verbose")
	result, err := h.svc.CheckCompatibility(r.Context(), r.PathValue("subject"), version, req.domain(r))
	if err != nil {
		if verbose && registry.CodeOf(err) == registry.CodeInvalidSchema {
			writeJSON(w, r, verboseResponse{IsCompatible: false, Messages: []string{registry.MessageOf(err)}})
			return
		}
		h.fail(w, r, err)
		return
	}
	if verbose {
		writeJSON(w, r, verboseResponse{IsCompatible: result.Compatible, Messages: result.Messages()})
		return
	}
	writeJSON(w, r, compatibilityResponse{IsCompatible: result.Compatible})
}
