package confluent

import (
	"encoding/json"
	"net/http"

	"github.com/charterhq/charter/registry"
)

// scopeParam is the {subject} of /config and /mode routes, GlobalScope
// when absent. Confluent's ":.__GLOBAL:" names the global scope too.
func scopeParam(r *http.Request) string {
	s := r.PathValue("subject")
	if s == ":.__GLOBAL:" {
		return registry.GlobalScope
	}
	return s
}

func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.Config(r.Context(), scopeParam(r), boolParam(r, "defaultToGlobal"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, configGet{CompatibilityLevel: string(c.Compatibility), configRest: restOf(c)})
}

func (h *Handler) putConfig(w http.ResponseWriter, r *http.Request) {
	var patch map[string]json.RawMessage
	if !h.decode(w, r, &patch) {
		return
	}
	c, err := h.svc.UpdateConfig(r.Context(), scopeParam(r), patch)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, configPut{Compatibility: string(c.Compatibility), configRest: restOf(c)})
}

func (h *Handler) deleteConfig(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.DeleteConfig(r.Context(), scopeParam(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, configGet{CompatibilityLevel: string(c.Compatibility), configRest: restOf(c)})
}

func (h *Handler) getMode(w http.ResponseWriter, r *http.Request) {
	m, err := h.svc.Mode(r.Context(), scopeParam(r), boolParam(r, "defaultToGlobal"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, modeEntity{Mode: m})
}

func (h *Handler) putMode(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Mode string `json:"mode"`
	}
	if !h.decode(w, r, &body) {
		return
	}
	m, err := h.svc.SetMode(r.Context(), scopeParam(r), body.Mode, boolParam(r, "force"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, modeEntity{Mode: m})
}

func (h *Handler) deleteMode(w http.ResponseWriter, r *http.Request) {
	m, err := h.svc.DeleteMode(r.Context(), scopeParam(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, modeEntity{Mode: m})
}

func (h *Handler) listContexts(w http.ResponseWriter, r *http.Request) {
	contexts, err := h.svc.Contexts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, r, page(r, contexts))
}

// deleteContext answers 204 for an empty context and 42211 otherwise:
// contexts exist only while subjects do.
func (h *Handler) deleteContext(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("context")
	prefix := registry.QualifySubject(name, "")
	subjects, err := h.svc.Subjects(r.Context(), registry.SubjectQuery{Prefix: prefix, Deleted: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(subjects) > 0 && name != registry.DefaultContext {
		h.fail(w, r, registry.Errorf(registry.CodeContextNotEmpty, "The specified context '%s' is not empty.", prefix))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) clusterID(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, map[string]any{"scope": map[string]any{
		"path":     []string{},
		"clusters": map[string]string{"schema-registry-cluster": "charter"},
	}})
}

func (h *Handler) serverVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, map[string]string{"version": h.Version, "commitId": ""})
}
