package driver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a driver that only counts what reaches it.
type recorder struct {
	Driver
	calls []string
}

func (r *recorder) Reset(context.Context, string, any) error {
	r.calls = append(r.calls, "reset")
	return nil
}
func (r *recorder) LoadFixture(context.Context, any) error {
	r.calls = append(r.calls, "fixture")
	return nil
}
func (r *recorder) Act(_ context.Context, action string, _, _ any) error {
	r.calls = append(r.calls, action)
	return nil
}

func TestAccordsOwnRequestsAreHeldToTheContract(t *testing.T) {
	settings := map[string]any{"base_url": "http://127.0.0.1:1/api/v3/integration", "token_url": "http://127.0.0.1:1/oauth/v2/token",
		"client_id": "c", "client_secret": "s", "notification_model": "push"}
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	patient := map[string]any{"name": "Ewa", "surname": "Testowa", "phone": "+48600700800"}
	tests := []struct {
		name   string
		do     func(ctx context.Context, d Driver) error
		reason string // "" when the call must go through
	}{
		{"a booking as the contract says", func(ctx context.Context, d Driver) error {
			return d.Act(ctx, "book-visit", map[string]any{"location_id": "anna-centrum", "service_id": "svc-consult", "start": start, "patient": patient}, nil)
		}, ""},
		{"a booking without its start", func(ctx context.Context, d Driver) error {
			return d.Act(ctx, "book-visit", map[string]any{"location_id": "anna-centrum", "service_id": "svc-consult", "patient": patient}, nil)
		}, "DocplannerBookVisitParams"},
		{"a start without its offset", func(ctx context.Context, d Driver) error {
			return d.Act(ctx, "add-break", map[string]any{"location_id": "anna-centrum", "since": "2026-12-07T10:00:00", "till": start, "description": "x"}, nil)
		}, "since"},
		{"an action without parameters", func(ctx context.Context, d Driver) error {
			return d.Act(ctx, "activate", map[string]any{}, nil)
		}, ""},
		{"parameters the contract has no schema for", func(ctx context.Context, d Driver) error {
			return d.Act(ctx, "sync", map[string]any{"full": true}, nil)
		}, "no schema DocplannerSyncParams"},
		{"a fixture off its schema", func(ctx context.Context, d Driver) error {
			return d.LoadFixture(ctx, map[string]any{"time_zone": "Europe/Warsaw"})
		}, "DocplannerFixture"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rec := &recorder{}
			d := Checked(rec)
			require.NoError(t, d.Reset(ctx, "docplanner", settings))
			err := tt.do(ctx, d)
			if tt.reason == "" {
				require.NoError(t, err)
				assert.Len(t, rec.calls, 2, "the call reached the partner")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.reason)
			assert.Contains(t, err.Error(), "internal/driver/openapi.yaml")
			assert.Equal(t, []string{"reset"}, rec.calls, "a request off the contract never reaches the partner")
		})
	}
}

func TestSettingsOffTheContractAreRefused(t *testing.T) {
	rec := &recorder{}
	err := Checked(rec).Reset(context.Background(), "dikidi", map[string]any{"base_url": "http://127.0.0.1:1/api/partner"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "DikidiSettings")
	assert.Empty(t, rec.calls)
}
