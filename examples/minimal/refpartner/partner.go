// Package refpartner is the example platform's reference partner: a
// booking system whose staff's bookings it sends to the platform. It serves
// the driver contract through driver.NewServer, like every reference partner.
package refpartner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/faults"
)

// Settings are what POST /reset sends for the example platform.
type Settings struct {
	BaseURL string `json:"base_url"`
	Token   string `json:"token"`
}

// Booking is a booking in the partner's own system.
type Booking struct {
	ID    string `json:"id"`
	Start string `json:"start"`
}

// catalogue is the partner's named faults: each is a mistake a real
// integration makes, and a scenario must catch it.
var catalogue = faults.New("example", [][2]string{
	{"keeps-bookings-to-itself", "books in its own system and never tells the platform"},
})

// Faults are the reference partner's named faults.
func Faults() []faults.Fault { return catalogue.List() }

// Partner is the example reference partner.
type Partner struct {
	faults faults.Set
	client *http.Client

	mu       sync.Mutex
	settings Settings
	bookings []Booking
}

var _ driver.Partner = (*Partner)(nil)

// New builds the partner with the named faults.
func New(names []string) (*Partner, error) {
	set, err := catalogue.Parse(names)
	if err != nil {
		return nil, err
	}
	return &Partner{faults: set, client: &http.Client{Timeout: 10 * time.Second}}, nil
}

// Handler serves the driver contract.
func (p *Partner) Handler() http.Handler { return driver.NewServer(p) }

func (p *Partner) Name() string                                       { return p.faults.Label("accord example partner") }
func (p *Partner) Platforms() []string                                { return []string{"example"} }
func (p *Partner) LoadFixture(context.Context, json.RawMessage) error { return nil }

func (p *Partner) ResetSession(_ context.Context, _ string, raw json.RawMessage) error {
	var s Settings
	if err := driver.Decode(raw, &s); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settings, p.bookings = s, nil
	return nil
}

var actions = map[string]driver.ActionFunc[*Partner]{
	"add-booking": func(ctx context.Context, p *Partner, raw json.RawMessage) (any, error) {
		var b Booking
		if err := driver.Decode(raw, &b); err != nil {
			return nil, err
		}
		return nil, p.book(ctx, b)
	},
}

func (p *Partner) Act(ctx context.Context, a driver.Action) (any, error) {
	return driver.Dispatch(ctx, p, a, actions)
}

var views = map[string]driver.ViewFunc[*Partner]{
	"bookings": func(_ context.Context, p *Partner) any {
		p.mu.Lock()
		defer p.mu.Unlock()
		return append([]Booking{}, p.bookings...)
	},
}

func (p *Partner) View(ctx context.Context, name string) (any, error) {
	return driver.Show(ctx, p, name, views)
}

// book keeps the booking and tells the platform; a refusal is the action's failure.
func (p *Partner) book(ctx context.Context, b Booking) error {
	p.mu.Lock()
	s := p.settings
	p.bookings = append(p.bookings, b)
	p.mu.Unlock()
	if p.faults["keeps-bookings-to-itself"] {
		return nil
	}
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+"/bookings", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("the platform did not answer: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return driver.Errorf(http.StatusBadGateway, "the platform refused the booking: %s", res.Status)
	}
	return nil
}
