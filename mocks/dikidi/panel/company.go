package panel

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// shownDeliveries is how many of a key's events the events page lists, the
// newest: a long-lived mock sends thousands, a person reads the last ones.
const shownDeliveries = 50

// week is the week a page shows: ?week=YYYY-MM-DD (any day of it) in the
// company's zone, or the one of the company's today.
type week struct {
	Monday                   time.Time
	Week, PrevWeek, NextWeek string
	Days                     []time.Time
}

func weekOf(r *http.Request, c dikidimock.CompanyView) (week, error) {
	day := c.Now
	if v := r.URL.Query().Get("week"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, c.Zone)
		if err != nil {
			return week{}, fmt.Errorf("week %q is not a date (YYYY-MM-DD)", v)
		}
		day = t
	}
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, c.Zone)
	monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	w := week{Monday: monday, Week: monday.Format(time.DateOnly),
		PrevWeek: monday.AddDate(0, 0, -7).Format(time.DateOnly), NextWeek: monday.AddDate(0, 0, 7).Format(time.DateOnly)}
	for i := range 7 {
		w.Days = append(w.Days, monday.AddDate(0, 0, i))
	}
	return w, nil
}

// recordRow is a record with the names a person reads instead of ids.
type recordRow struct {
	dikidimock.RecordView
	Master, Source string
	Services       []string
}

type recordsView struct {
	week
	Rows []recordRow
}

func names(c dikidimock.CompanyView) (masters, services map[int64]string) {
	masters, services = map[int64]string{}, map[int64]string{}
	for _, m := range c.Masters {
		masters[m.ID] = m.Name
	}
	for _, s := range c.Services {
		services[s.ID] = s.Name
	}
	return masters, services
}

func (p *Panel) records(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	wk, err := weekOf(r, c)
	if err != nil {
		p.render(w, http.StatusBadRequest, "records", page{Title: c.Name, Section: "records", Token: s.token(p), Company: &c, Error: err.Error(), Data: recordsView{}})
		return
	}
	list, err := p.mock.Records(c.ID, wk.Monday, wk.Monday.AddDate(0, 0, 7))
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	keys, _ := p.mock.Keys(c.ID)
	keyNames := map[int64]string{}
	for _, k := range keys {
		keyNames[k.ID] = k.Name
	}
	masters, services := names(c)
	v := recordsView{week: wk}
	for _, rec := range list {
		rec.Start, rec.End = rec.Start.In(c.Zone), rec.End.In(c.Zone)
		row := recordRow{RecordView: rec, Master: masters[rec.MasterID]}
		for _, id := range rec.ServiceIDs {
			row.Services = append(row.Services, services[id])
		}
		switch rec.Source {
		case dikidimock.SourcePanel:
			row.Source = "panel"
		case dikidimock.SourceOnlineBooking:
			row.Source = "online booking"
		default:
			row.Source = fmt.Sprintf("API access %q", keyNames[rec.KeyID])
		}
		v.Rows = append(v.Rows, row)
	}
	p.show(w, r, http.StatusOK, "records", "records", s, c, v)
}

// masterWeek is one master's working days of a week.
type masterWeek struct {
	Master dikidifixture.Master
	Days   []dikidimock.Hours
}

type scheduleView struct {
	week
	Masters []masterWeek
}

func (p *Panel) schedule(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	wk, err := weekOf(r, c)
	if err != nil {
		p.render(w, http.StatusBadRequest, "schedule", page{Title: c.Name, Section: "schedule", Token: s.token(p), Company: &c, Error: err.Error(), Data: scheduleView{}})
		return
	}
	v := scheduleView{week: wk}
	for _, m := range c.Masters {
		mw := masterWeek{Master: m}
		for _, d := range wk.Days {
			h, err := p.mock.Day(c.ID, m.ID, d)
			if err != nil {
				http.Redirect(w, r, Prefix, http.StatusSeeOther)
				return
			}
			h.From, h.To = h.From.In(c.Zone), h.To.In(c.Zone)
			for i := range h.Breaks {
				h.Breaks[i] = [2]time.Time{h.Breaks[i][0].In(c.Zone), h.Breaks[i][1].In(c.Zone)}
			}
			mw.Days = append(mw.Days, h)
		}
		v.Masters = append(v.Masters, mw)
	}
	p.show(w, r, http.StatusOK, "schedule", "schedule", s, c, v)
}

// deliveryRow is one event sent to a Path, secrets masked.
type deliveryRow struct {
	dikidimock.DeliveryView
	ShownURL, ShownBody string
}

// keyEvents is what DIKIDI sent to one key's Path, newest first.
type keyEvents struct {
	Key        dikidimock.KeyView
	Deliveries []deliveryRow
	Older      int // events not listed
}

func (p *Panel) events(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	keys, red, ok := p.keys(w, r, c)
	if !ok {
		return
	}
	var out []keyEvents
	for _, k := range keys {
		ds, err := p.mock.Deliveries(c.ID, k.ID)
		if err != nil {
			continue
		}
		slices.Reverse(ds)
		ke := keyEvents{Key: k}
		if len(ds) > shownDeliveries {
			ke.Older, ds = len(ds)-shownDeliveries, ds[:shownDeliveries]
		}
		for _, d := range ds {
			for i := range d.Attempts {
				d.Attempts[i].At = d.Attempts[i].At.In(c.Zone)
			}
			if d.Next != nil {
				n := d.Next.In(c.Zone)
				d.Next = &n
			}
			ke.Deliveries = append(ke.Deliveries, deliveryRow{DeliveryView: d, ShownURL: red.URL(d.URL), ShownBody: red.String(string(d.Body))})
		}
		out = append(out, ke)
	}
	p.show(w, r, http.StatusOK, "events", "events", s, c, out)
}

// emailRow is a letter of the outbox, secrets masked.
type emailRow struct {
	dikidimock.EmailView
	KeyName, ShownBody string
}

func (p *Panel) emails(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	keys, red, ok := p.keys(w, r, c)
	if !ok {
		return
	}
	out, err := p.mock.Outbox(c.ID)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	keyNames := map[int64]string{}
	for _, k := range keys {
		keyNames[k.ID] = k.Name
	}
	rows := make([]emailRow, 0, len(out))
	for _, e := range slices.Backward(out) {
		e.SentAt = e.SentAt.In(c.Zone)
		rows = append(rows, emailRow{EmailView: e, KeyName: keyNames[e.KeyID], ShownBody: red.String(e.Body)})
	}
	p.show(w, r, http.StatusOK, "emails", "emails", s, c, rows)
}
