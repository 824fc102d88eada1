package dikidi

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/accord-harness/accord/internal/driver"
	"github.com/accord-harness/accord/internal/stepkit"

	"github.com/cucumber/godog"

	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

func registerPermissions(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^the business created an access key for the partner with these permissions:$`, w.keyWithPermissions)
	sc.Step(`^the partner refused that itself, (?:naming|saying it is) "([^"]*)"$`, w.refusedItself)
	sc.Step(`^the partner refused that, naming "([^"]*)"$`, w.refused)
	sc.Step(`^DIKIDI refused none of the partner's calls$`, func() error { return w.refusedCalls(0) })
	sc.Step(`^DIKIDI refused at most one of the partner's calls$`, func() error { return w.refusedCalls(1) })
	sc.Step(`^the partner shows (no surname|surnames) and (only masked phones|masked phones in the list, real ones on records|real phones) for the salon's clients$`, w.masked)
	sc.Step(`^DIKIDI still shows that record booked$`, w.platformStillBooked)
	sc.Step(`^the partner still shows that record booked$`, w.partnerStillBooked)
	sc.Step(`^DIKIDI has delivered every event of the key so far$`, w.eventsDelivered)
}

// eventsDelivered waits until DIKIDI has delivered every event of the key
// queued so far. The document leaves the order of deliveries open ("use
// sequence"), and what the partner reads of the key (GET /key) carries no
// sequence: until the events before a change have arrived, a correct partner
// may take an older event for news. A partner that takes no events has
// nothing to wait for.
func (w *world) eventsDelivered() error {
	if !w.s.withPath() || !w.hasKey {
		return nil
	}
	return w.Within(w.s.Budget, "events: DIKIDI's events of the key delivered", func() (bool, string) {
		ds, err := w.s.mock.Deliveries(w.company, w.key.ID)
		if err != nil {
			return w.CannotTell(err)
		}
		for _, d := range ds {
			if d.Status == dikidimock.DeliveryPending {
				return false, fmt.Sprintf("%s (sequence %d) is still to be delivered: %s", d.Event, d.Sequence, w.deliveries(w.activateMark))
			}
		}
		return true, ""
	})
}

// keyWithPermissions reads the panel's form from a table of label | value.
func (w *world) keyWithPermissions(table *godog.Table) error {
	var p dikidimock.Permissions
	var employee *int64
	yes := func(v string) (bool, error) {
		switch v {
		case "yes":
			return true, nil
		case "no":
			return false, nil
		}
		return false, fmt.Errorf("%q: want yes or no", v)
	}
	for _, row := range table.Rows {
		label, value := row.Cells[0].Value, row.Cells[1].Value
		var err error
		switch label {
		case "clients view":
			p.Clients.View = value
		case "show surnames":
			p.Clients.ShowSurnames, err = yes(value)
		case "show phones":
			p.Clients.ShowPhones = value
		case "add and edit records":
			p.Records.AddEdit, err = yes(value)
		case "cancel records":
			p.Records.Cancel, err = yes(value)
		case "occupy time":
			p.Records.OccupyTime, err = yes(value)
		case "edit schedule":
			p.Schedule.Edit = value
		case "employee":
			id, perr := strconv.ParseInt(value, 10, 64)
			err = perr
			employee = &id
		default:
			err = fmt.Errorf("unknown permission row %q", label)
		}
		if err != nil {
			return fmt.Errorf("permissions table, %s: %w", label, err)
		}
	}
	return w.createKey(dikidimock.KeySpec{AccessType: dikidimock.AccessAdministrator, Permissions: &p, EmployeeID: employee})
}

func flowOfRefusal(text string) string {
	switch text {
	case "paused":
		return "pause"
	case "deleted":
		return "deletion"
	}
	return "permissions"
}

// refused: the staff's last action was refused, and the refusal names text.
func (w *world) refused(text string) error {
	flow := flowOfRefusal(text)
	if w.actErr == nil {
		return fmt.Errorf("%s: the partner carried the action out although the key does not allow it (%s), instead of refusing it naming %s; %s", flow, w.keyNow(), text, w.evidence(w.actMark))
	}
	// The partner's own words, not accord's line around them: a driver URL
	// that happens to hold the word says nothing.
	said := w.actErr.Error()
	var de *driver.Error
	if errors.As(w.actErr, &de) {
		said = de.Message
	}
	if !strings.Contains(said, text) {
		return fmt.Errorf("%s: the partner refused, but its answer does not name %q: %v", flow, text, w.actErr)
	}
	return nil
}

// refusedItself: refused, and without asking DIKIDI to do it.
func (w *world) refusedItself(text string) error {
	if err := w.refused(text); err != nil {
		return err
	}
	var writes []string
	for _, e := range w.calls(w.actMark) {
		if e.Method != http.MethodGet {
			writes = append(writes, stepkit.Describe(e))
		}
	}
	if len(writes) > 0 {
		return fmt.Errorf("%s: the partner sent the change to DIKIDI although it knew the key does not allow it (%s): %s", flowOfRefusal(text), w.keyNow(), strings.Join(writes, "; "))
	}
	return nil
}

func (w *world) keyNow() string {
	k, err := w.s.mock.Key(w.company, w.key.ID)
	if err != nil {
		return err.Error()
	}
	p := k.Permissions
	return fmt.Sprintf("key %s; clients %s, surnames %v, phones %s; records add/edit %v, cancel %v, occupy %v; schedule %s",
		k.State, p.Clients.View, p.Clients.ShowSurnames, p.Clients.ShowPhones, p.Records.AddEdit, p.Records.Cancel, p.Records.OccupyTime, p.Schedule.Edit)
}

// refusedCalls: DIKIDI refused at most n of the partner's calls for the key or its permissions.
func (w *world) refusedCalls(n int) error {
	var refused []string
	for _, e := range w.calls(0) {
		if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
			refused = append(refused, stepkit.Describe(e))
		}
	}
	if len(refused) > n {
		return fmt.Errorf("permissions: the partner called what the key does not allow (%s); DIKIDI refused %d calls: %s", w.keyNow(), len(refused), strings.Join(stepkit.Tail(refused, 3), "; "))
	}
	return nil
}

var maskedPhone = regexp.MustCompile(`^\+[1-9]\*{7,12}[0-9]{2}$`)

// masked: the partner's clients, and the clients of its records, carry
// surnames and phones only as the key lets DIKIDI show them: with "only
// masked phones" never a real or stripped phone, with "real ones on records"
// a record's client has the real phone, with "real phones" every client does.
func (w *world) masked(surnames, phones string) error {
	real := map[string]bool{}
	hasSurname := map[int64]bool{}
	for _, c := range w.fx.Clients {
		real[c.Phone] = true
		hasSurname[c.ID] = c.Surname != nil && *c.Surname != ""
	}
	check := func(where string, c partnerClient, onRecord bool) string {
		switch got := c.surname(); {
		case surnames == "no surname" && got != "":
			return fmt.Sprintf("%s %d (%s) has the surname %q, which DIKIDI hides from this key", where, c.DikidiID, c.Name, got)
		case surnames == "surnames" && got == "" && hasSurname[c.DikidiID]:
			return fmt.Sprintf("%s %d (%s) has no surname, though DIKIDI shows it to this key", where, c.DikidiID, c.Name)
		}
		wantReal := phones == "real phones" || (onRecord && phones != "only masked phones")
		switch {
		case wantReal && !real[c.Phone]:
			return fmt.Sprintf("%s %d (%s) has the phone %q where DIKIDI shows the real one", where, c.DikidiID, c.Name, c.Phone)
		case !wantReal && phones == "only masked phones" && !maskedPhone.MatchString(c.Phone):
			kind := "an unmasked phone"
			if real[c.Phone] {
				kind = "the real phone"
			}
			return fmt.Sprintf("%s %d (%s) has %s %q where DIKIDI only ever showed a masked one", where, c.DikidiID, c.Name, kind, c.Phone)
		case !wantReal && !real[c.Phone] && !maskedPhone.MatchString(c.Phone):
			return fmt.Sprintf("%s %d (%s) has the phone %q, neither the real one nor DIKIDI's mask", where, c.DikidiID, c.Name, c.Phone)
		}
		return ""
	}
	clients, err := w.clients()
	if err != nil {
		return err
	}
	records, err := w.records()
	if err != nil {
		return err
	}
	var bad []string
	for _, c := range clients {
		if why := check("client", c, false); why != "" {
			bad = append(bad, why)
		}
	}
	for _, r := range records {
		if r.Client != nil {
			if why := check("the client of record "+r.ID+", client", *r.Client, true); why != "" {
				bad = append(bad, why)
			}
		}
	}
	if len(clients) == 0 && len(records) == 0 {
		bad = append(bad, "its clients and records views are empty, so there is nothing to judge")
	}
	if len(bad) > 0 {
		return fmt.Errorf("masking: the partner does not keep clients as DIKIDI shows them to this key: %s", strings.Join(stepkit.Tail(bad, 3), "; "))
	}
	return nil
}

func (w *world) platformStillBooked() error {
	if w.dikidiID == 0 {
		return fmt.Errorf("records (partner → DIKIDI): the partner's record %s never reached DIKIDI (its add-record action gave no DIKIDI id); %s", w.record, w.evidence(0))
	}
	r, err := w.s.mock.Record(w.company, w.dikidiID)
	if err != nil {
		return err
	}
	if r.Status == dikidimock.StatusCancelled {
		return fmt.Errorf("permissions: DIKIDI shows record %d cancelled (%s)", r.ID, w.evidence(w.actMark))
	}
	return nil
}

func (w *world) partnerStillBooked() error {
	r, err := w.thatRecord("permissions: the partner no longer has record " + w.record)
	if err == nil && !r.active() {
		err = fmt.Errorf("permissions: the partner shows record %s cancelled although DIKIDI refused the cancellation and still has it booked", r.ID)
	}
	return err
}
