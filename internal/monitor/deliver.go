package monitor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"time"

	"github.com/accord-harness/accord/internal/monitor/alert"
)

// Back-off of the relay after a failed delivery: quick at first (a relay
// restart), then settling at a pace that does not hammer a relay that is down.
const (
	relayBackoffMin = 30 * time.Second
	relayBackoffMax = 10 * time.Minute
)

func tlsWithRoots(roots *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

func (m *Monitor) kickMail() {
	m.mu.Lock()
	m.mailKick = true
	m.mu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// deliverLoop drains the outbox in order. A message leaves the outbox only
// once the relay accepted it, so a relay that is down delays alerts but
// never loses them; a restart resumes from the file.
func (m *Monitor) deliverLoop(ctx context.Context) {
	for {
		m.mu.Lock()
		m.mailKick = false
		m.mu.Unlock()

		wake := m.deliverDue(ctx)
		if ctx.Err() != nil {
			return
		}

		tick, timer := m.alarm(wake) // before saying it sleeps, as in scheduleLoop
		m.mu.Lock()
		if m.mailKick {
			m.mu.Unlock()
			stop(timer)
			continue
		}
		m.mailSleep, m.mailWake = true, wake
		m.mu.Unlock()

		select {
		case <-m.kick:
		case <-tick:
		case <-ctx.Done():
		}
		stop(timer)
		m.mu.Lock()
		m.mailSleep = false
		m.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// deliverDue sends what the outbox holds, oldest first, and returns when to
// look again (zero: when something new is queued). It stops at the first
// failure that may be temporary, so an alert and its recovery keep their
// order and a relay that is down sees one attempt per back-off step.
func (m *Monitor) deliverDue(ctx context.Context) time.Time {
	m.mu.Lock()
	until := m.relayUntil
	m.mu.Unlock()
	if until.After(m.clock.Now()) {
		return until
	}
	entries, err := m.store.Pending()
	if err != nil {
		m.log.Error("cannot read the outbox", "err", err)
		return m.backoff()
	}
	for _, e := range entries {
		err := m.notifier.Send(ctx, e.Message)
		if ctx.Err() != nil {
			return time.Time{} // shutting down; the entry stays for the next run
		}
		now := m.clock.Now()
		var perm alert.PermanentError
		switch {
		case err == nil:
			m.met.delivered.WithLabelValues(string(e.Message.Kind)).Inc()
			m.log.Info("notification delivered", "endpoint", e.Message.Endpoint, "kind", e.Message.Kind, "to", e.Message.To)
			if err := m.store.Delivered(e.Seq, now); err != nil {
				// The relay has it; failing to forget it means a possible
				// duplicate later (same Message-ID), never a lost alert.
				m.log.Error("delivered but cannot remove from outbox", "seq", e.Seq, "err", err)
				return m.backoff()
			}
		case errors.As(err, &perm):
			m.met.deliveryFailures.Inc()
			m.log.Error("notification rejected for good; parked", "endpoint", e.Message.Endpoint, "kind", e.Message.Kind, "err", err)
			if err := m.store.Park(e.Seq, err.Error()); err != nil {
				m.log.Error("cannot park", "seq", e.Seq, "err", err)
				return m.backoff()
			}
		default:
			m.met.deliveryFailures.Inc()
			wake := m.backoff()
			m.log.Warn("notification not delivered; will retry", "endpoint", e.Message.Endpoint,
				"kind", e.Message.Kind, "retry_at", wake, "err", err)
			if err := m.store.Retry(e.Seq, wake, err.Error()); err != nil {
				m.log.Error("cannot record retry", "seq", e.Seq, "err", err)
			}
			return wake
		}
	}
	m.mu.Lock()
	m.relayFails, m.relayUntil = 0, time.Time{}
	m.mu.Unlock()
	return time.Time{}
}

func (m *Monitor) backoff() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := relayBackoffMin << min(m.relayFails, 10)
	m.relayFails++
	m.relayUntil = m.clock.Now().Add(min(d, relayBackoffMax))
	return m.relayUntil
}
