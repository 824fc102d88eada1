package refpartner

// Breaks both ways: the clinic's breaks sent to Docplanner, and the
// doctor's Docplanner breaks taken into the clinic.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
)

// feedBreaks sends the clinic's breaks the platform lacks; once connected,
// also every move and removal of a break Docplanner does not have yet.
func (p *Partner) feedBreaks(ctx context.Context, s *session) error {
	for _, b := range s.pauses {
		var err error
		switch {
		case b.Source != "partner":
		case b.PlatformID == "":
			err = p.exportBreak(ctx, s, b)
		case s.connected && !p.faults["sync-sends-new-visits-only"]:
			err = p.reconcileBreak(ctx, s, b)
		}
		if err != nil {
			return err
		}
	}
	if !s.connected || p.faults["sync-sends-new-visits-only"] {
		return nil
	}
	for len(s.gone) > 0 {
		if err := p.reconcileBreak(ctx, s, s.gone[0]); err != nil {
			return err
		}
		s.gone = s.gone[1:]
	}
	return nil
}

func (p *Partner) exportBreak(ctx context.Context, s *session, b *pause) error {
	var created struct {
		ID string `json:"id"`
	}
	body := map[string]any{"since": s.fmt(b.Since), "till": s.fmt(b.Till)}
	if b.Description != "" && !(p.faults["breaks-without-description"] && s.connected) {
		body["description"] = b.Description
	}
	if err := p.call(ctx, s, http.MethodPost, s.prefix(b.LocationID)+"/breaks", nil, body, &created); err != nil {
		return err
	}
	b.PlatformID = created.ID
	b.on.since, b.on.till = b.Since, b.Till
	return nil
}

// importBreaks makes the clinic's copy of the doctor's Docplanner breaks
// match getCalendarBreaks, in case a notification was missed.
func (p *Partner) importBreaks(ctx context.Context, s *session) error {
	q := url.Values{"since": {s.fmt(s.day(0))}, "till": {s.fmt(s.day(p.syncEnd(s)))}}
	for _, l := range p.locations(s) {
		var list listOf[struct {
			ID    string `json:"id"`
			Since string `json:"since"`
			Till  string `json:"till"`
		}]
		if err := p.call(ctx, s, http.MethodGet, s.prefix(l.ID)+"/breaks", q, nil, &list); err != nil {
			if p.faults["sync-skips-unread-calendars"] {
				continue
			}
			return err
		}
		onPlatform := map[string]bool{}
		for _, b := range list.Items {
			onPlatform[b.ID] = true
			// A break the clinic knows takes Docplanner's times: the
			// doctor may have moved it while the notification was lost.
			event := "break-created"
			if slices.ContainsFunc(s.pauses, func(x *pause) bool { return x.PlatformID == b.ID && x.Source == "platform" }) && !p.faults["sync-doubles-moved-breaks"] {
				event = "break-moved"
			}
			p.applyBreak(s, l.ID, event, b.ID, b.Since, b.Till)
		}
		kept := s.pauses[:0]
		for _, b := range s.pauses {
			if b.LocationID == l.ID && b.Source == "platform" && !onPlatform[b.PlatformID] {
				continue
			}
			kept = append(kept, b)
		}
		if !p.faults["sync-keeps-removed-breaks"] {
			s.pauses = kept
		}
	}
	return nil
}
