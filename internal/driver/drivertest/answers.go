// Package drivertest holds a partner's driver to the contract from the
// other side: it sits in front of the driver and checks every view and
// action result it answers against the contract's schema of its platform
// (DocplannerBookingsView, DikidiRecordResult, ReachConnectionView, ...).
// Tests put it in front of the reference partners, so the contract
// describes what a correct partner answers, field for field.
package drivertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/spec"
)

// Answers is an http.Handler in front of a driver.
type Answers struct {
	platform string
	next     http.Handler
	contract *spec.Spec

	mu         sync.Mutex
	checked    map[string]int
	violations []string
}

// NewAnswers checks the answers next gives for platform.
func NewAnswers(platform string, next http.Handler) (*Answers, error) {
	c, err := driver.Contract()
	if err != nil {
		return nil, err
	}
	return &Answers{platform: platform, next: next, contract: c, checked: map[string]int{}}, nil
}

func (a *Answers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	schema, field := "", ""
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/view/"):
		schema = driver.SchemaName(a.platform, strings.TrimPrefix(r.URL.Path, "/view/"), "View")
	case r.Method == http.MethodPost && r.URL.Path == "/actions":
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var in struct {
			Action string `json:"action"`
		}
		_ = json.Unmarshal(body, &in)
		schema, field = driver.SchemaName(a.platform, in.Action, "Result"), "result"
	}
	rec := httptest.NewRecorder()
	a.next.ServeHTTP(rec, r)
	if _, ok := a.contract.Doc.Components.Schemas[schema]; ok && rec.Code >= 200 && rec.Code < 300 && rec.Code != http.StatusNoContent {
		a.check(schema, field, rec.Body.Bytes())
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// check validates one answer's body (or its field) against schema.
func (a *Answers) check(schema, field string, body []byte) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		a.add(fmt.Sprintf("%s: the answer is not JSON: %v", schema, err))
		return
	}
	if field != "" {
		m, _ := v.(map[string]any)
		if m[field] == nil {
			return // an action may answer without a result; accord then finds none
		}
		v = m[field]
	}
	vs := a.contract.ValidateValue(schema, v)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checked[schema]++
	if len(vs) > 0 {
		a.violations = append(a.violations, schema+": "+spec.Summary(vs))
	}
}

func (a *Answers) add(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.violations = append(a.violations, s)
}

// Violations are the answers that broke their schema, in order.
func (a *Answers) Violations() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.violations...)
}

// Checked names the schemas at least one answer was checked against, sorted.
func (a *Answers) Checked() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.checked))
	for s := range a.checked {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
