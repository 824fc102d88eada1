package dikidi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/spec"
)

// The partner's views, read through its driver. Every view is checked against
// its schema in the driver contract before accord reads it, so a partner that
// breaks the contract is told which field, and a partner that fills an
// optional field in any shape the contract allows is read like any other.

// viewSchemas name each DIKIDI view's schema in internal/driver/openapi.yaml.
var viewSchemas = map[string]string{
	"status":     "DikidiStatusView",
	"records":    "DikidiRecordsView",
	"clients":    "DikidiClientsView",
	"schedule":   "DikidiScheduleView",
	"free-times": "DikidiFreeTimesView",
}

// views reads the partner's views through its driver. A view that comes
// back byte for byte as it last passed the contract is not checked again:
// checks poll views until both sides agree.
type views struct {
	d       driver.Driver
	mu      sync.Mutex
	checked map[string][sha256.Size]byte
}

func newViews(d driver.Driver) *views {
	return &views{d: d, checked: map[string][sha256.Size]byte{}}
}

// read reads a view, checks it against the contract and decodes it into out.
func (v *views) read(ctx context.Context, name string, out any) error {
	var raw json.RawMessage
	if err := v.d.View(ctx, name, &raw); err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	v.mu.Lock()
	known := v.checked[name] == sum
	v.mu.Unlock()
	if known {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("the partner's %s view: %v", name, err)
		}
		return nil
	}
	if err := decodeView(name, raw, out); err != nil {
		return err
	}
	v.mu.Lock()
	v.checked[name] = sum
	v.mu.Unlock()
	return nil
}

// decodeView checks a view against its schema in the contract and decodes it.
func decodeView(name string, raw []byte, out any) error {
	schema := viewSchemas[name]
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("the partner's %s view is not JSON: %v", name, err)
	}
	c, err := driver.Contract()
	if err != nil {
		return err
	}
	if vs := c.ValidateValue(schema, v); len(vs) > 0 {
		return fmt.Errorf("the partner's %s view breaks the driver contract (internal/driver/openapi.yaml, %s): %s", name, schema, spec.Summary(vs))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the partner's %s view: %v", name, err)
	}
	return nil
}

type partnerStatus struct {
	KeyState  string          `json:"key_state"`
	Connected bool            `json:"connected"`
	Paused    bool            `json:"paused"`
	Deleted   bool            `json:"deleted"`
	EventsURL string          `json:"events_url"`
	LastError string          `json:"last_error"`
	Refusals  json.RawMessage `json:"refusals"`
	// optional: null or absent (0 for the ids before the partner knows them)
	KeyID      *int64 `json:"key_id"`
	CompanyID  *int64 `json:"company_id"`
	EmployeeID *int64 `json:"employee_id"`
}

// refusals renders the optional refusals, sentences or objects alike.
func (s partnerStatus) refusals() string {
	var items []json.RawMessage
	if json.Unmarshal(s.Refusals, &items) != nil {
		return ""
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var text string
		if json.Unmarshal(it, &text) == nil {
			out = append(out, text)
			continue
		}
		var r struct{ Action, By, Reason string }
		if json.Unmarshal(it, &r) == nil {
			out = append(out, fmt.Sprintf("%s refused by %s: %s", r.Action, r.By, r.Reason))
		}
	}
	return strings.Join(out, "; ")
}

type partnerClient struct {
	DikidiID int64   `json:"dikidi_id"`
	Name     string  `json:"name"`
	Surname  *string `json:"surname"`
	Phone    string  `json:"phone"`
}

// surname is "" for none, hidden or empty alike.
func (c partnerClient) surname() string {
	if c.Surname == nil {
		return ""
	}
	return *c.Surname
}

type partnerRecord struct {
	ID         string         `json:"id"`
	DikidiID   int64          `json:"dikidi_id"`
	Type       string         `json:"type"`
	Status     string         `json:"status"`
	MasterID   int64          `json:"master_id"`
	Start      time.Time      `json:"start"`
	End        time.Time      `json:"end"`
	ServiceIDs []int64        `json:"service_ids"`
	Client     *partnerClient `json:"client"`
}

func (r partnerRecord) active() bool { return r.Status != "cancelled" }

type partnerDay struct {
	MasterID int64      `json:"master_id"`
	Date     string     `json:"date"`
	Working  bool       `json:"working"`
	WorkFrom *time.Time `json:"work_from"`
	WorkTo   *time.Time `json:"work_to"`
	Breaks   []struct {
		From time.Time `json:"from"`
		To   time.Time `json:"to"`
	} `json:"breaks"`
}

type partnerFree struct {
	ServiceID int64       `json:"service_id"`
	MasterID  int64       `json:"master_id"`
	Date      string      `json:"date"`
	Times     []time.Time `json:"times"`
}

// viewOf reads one of the partner's views, checked against the contract; a
// failure stops the wait it is in.
func viewOf[T any](w *world, name string) (T, error) {
	var out T
	err := w.s.views.read(w.Ctx, name, &out)
	w.DriverFailed(err)
	return out, err
}

func (w *world) status() (partnerStatus, error)    { return viewOf[partnerStatus](w, "status") }
func (w *world) records() ([]partnerRecord, error) { return viewOf[[]partnerRecord](w, "records") }
func (w *world) clients() ([]partnerClient, error) { return viewOf[[]partnerClient](w, "clients") }
func (w *world) schedule() ([]partnerDay, error)   { return viewOf[[]partnerDay](w, "schedule") }
func (w *world) freeTimes() ([]partnerFree, error) { return viewOf[[]partnerFree](w, "free-times") }
