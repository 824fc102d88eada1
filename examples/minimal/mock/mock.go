// Package mock is the example platform: its one operation served from its
// OpenAPI document by internal/mockserver, each scenario's bookings kept
// apart by the token the partner calls with.
package mock

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/accord-harness/accord/examples/minimal/apispec"
	"github.com/accord-harness/accord/internal/clock"
	"github.com/accord-harness/accord/internal/journal"
	"github.com/accord-harness/accord/internal/mockserver"
	"github.com/accord-harness/accord/internal/spec"
)

// Booking is a booking as the platform holds it.
type Booking struct {
	ID    string `json:"id"`
	Start string `json:"start"`
}

// Mock is the example platform.
type Mock struct {
	srv *mockserver.Server

	mu       sync.Mutex
	tenants  map[string]string    // token → tenant
	bookings map[string][]Booking // tenant → its bookings
}

var _ mockserver.Policy = (*Mock)(nil)

// Spec is the loaded document, parsed once per process: it is read-only.
var Spec = sync.OnceValues(func() (*spec.Spec, error) { return spec.Load(apispec.Document()) })

// New builds the platform with no tenants; every exchange goes into j.
func New(clk clock.Clock, j *journal.Journal) (*Mock, error) {
	doc, err := Spec()
	if err != nil {
		return nil, err
	}
	m := &Mock{tenants: map[string]string{}, bookings: map[string][]Booking{}}
	m.srv, err = mockserver.New(mockserver.Config{Spec: doc, Policy: m, Journal: j, Clock: clk,
		Handlers: map[string]mockserver.Handler{"createBooking": m.createBooking}})
	return m, err
}

func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.srv.ServeHTTP(w, r) }

// AddTenant opens the platform to a partner calling with token.
func (m *Mock) AddTenant(tenant, token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tenants[token] = tenant
}

// Bookings are the tenant's bookings, by start.
func (m *Mock) Bookings(tenant string) []Booking {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Booking(nil), m.bookings[tenant]...)
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func (m *Mock) createBooking(_ context.Context, req *mockserver.Request) mockserver.Response {
	var b Booking
	if err := req.Decode(&b); err != nil {
		return m.Invalid(req.Operation, http.StatusBadRequest, err.Error(), nil)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, had := range m.bookings[req.Tenant] {
		if had.ID == b.ID {
			return m.Invalid(req.Operation, http.StatusConflict, "booking "+b.ID+" exists", nil)
		}
	}
	m.bookings[req.Tenant] = append(m.bookings[req.Tenant], b)
	return mockserver.Response{Status: http.StatusCreated, Body: b}
}

// Authenticate knows a partner by its bearer token.
func (m *Mock) Authenticate(operation string, r *http.Request) (string, *mockserver.Response) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	m.mu.Lock()
	tenant, known := m.tenants[token]
	m.mu.Unlock()
	if !ok || !known {
		refuse := m.Invalid(operation, http.StatusUnauthorized, "unknown token", nil)
		return "", &refuse
	}
	return tenant, nil
}

// Admit sets no limits.
func (m *Mock) Admit(string, *http.Request) (http.Header, *mockserver.Response) { return nil, nil }

// Invalid is the platform's error body.
func (m *Mock) Invalid(_ string, status int, message string, violations []journal.Violation) mockserver.Response {
	if len(violations) > 0 {
		message += ": " + spec.Summary(violations)
	}
	return mockserver.Response{Status: status, Body: map[string]string{"error": message}}
}

// ContentType is JSON for every answer.
func (m *Mock) ContentType(int) string { return "application/json" }
