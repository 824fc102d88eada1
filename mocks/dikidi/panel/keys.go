package panel

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	dikidifixture "github.com/accord-harness/accord/fixtures/dikidi"
	"github.com/accord-harness/accord/internal/redact"
	dikidimock "github.com/accord-harness/accord/mocks/dikidi"
)

// integrationPath is Settings → Integration → API access.
const integrationPath = Prefix + "settings/integration"

// keyForm is the add-access form and the edit-access screen, refilled with
// what was typed when the mock refuses it.
type keyForm struct {
	Key                                       dikidimock.KeyView // the key edited (zero when adding)
	Name, AccessType, PartnerKey, Path, Email string
	EmployeeID                                int64
	Permissions                               dikidimock.Permissions
	Masters                                   []dikidifixture.Master
	AccessTypes                               []string
	ShownPartnerKey                           string // masked, on the edit screen
}

var accessTypes = []string{dikidimock.AccessAdministrator, dikidimock.AccessEmployeeEditor, dikidimock.AccessEmployee}

// keyRow is one line of the API access list.
type keyRow struct {
	dikidimock.KeyView
	ShownPath string
}

// keys reads the company's keys and the redactor of their secrets; when the
// company is gone, it sends the person back to the start.
func (p *Panel) keys(w http.ResponseWriter, r *http.Request, c dikidimock.CompanyView) ([]dikidimock.KeyView, *redact.Redactor, bool) {
	keys, err := p.mock.Keys(c.ID)
	if err != nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return nil, nil, false
	}
	return keys, p.redactor(keys), true
}

func (p *Panel) integration(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	keys, red, ok := p.keys(w, r, c)
	if !ok {
		return
	}
	rows := make([]keyRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, keyRow{KeyView: k, ShownPath: red.URL(k.Path)})
	}
	p.show(w, r, http.StatusOK, "integration", "integration", s, c, rows)
}

func (p *Panel) newKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	f := keyForm{AccessType: dikidimock.AccessAdministrator, Masters: c.Masters, AccessTypes: accessTypes}
	p.show(w, r, http.StatusOK, "add-key", "integration", s, c, f)
}

// optional is a form field the business may leave empty: nil then.
func optional(r *http.Request, field string) *string {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return nil
	}
	return &v
}

// employee reads the employee select: nil for none.
func employee(r *http.Request) (*int64, error) {
	v := r.PostFormValue("employee_id")
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("employee %q is not an employee's id", v)
	}
	return &id, nil
}

func (p *Panel) addKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	spec := dikidimock.KeySpec{Name: r.PostFormValue("name"), AccessType: r.PostFormValue("access_type"),
		PartnerKey: optional(r, "partner_key"), Path: optional(r, "path"), Email: optional(r, "email")}
	emp, err := employee(r)
	if err == nil {
		spec.EmployeeID = emp
		var k dikidimock.KeyView
		if k, err = p.mock.CreateKey(c.ID, spec); err == nil {
			back(w, r, integrationPath, fmt.Sprintf("Access %q added: its key awaits activation by the partner.", k.Name), nil)
			return
		}
	}
	f := keyForm{Name: spec.Name, AccessType: spec.AccessType, PartnerKey: r.PostFormValue("partner_key"),
		Path: r.PostFormValue("path"), Email: r.PostFormValue("email"), Masters: c.Masters, AccessTypes: accessTypes}
	if emp != nil {
		f.EmployeeID = *emp
	}
	pg := page{Title: c.Name, Section: "integration", Token: s.token(p), Company: &c, Data: f, Error: err.Error()}
	p.render(w, http.StatusUnprocessableEntity, "add-key", pg)
}

// accessKey reads the key the address names; a wrong id goes back to the list.
func (p *Panel) accessKey(w http.ResponseWriter, r *http.Request, c dikidimock.CompanyView) (dikidimock.KeyView, bool) {
	id, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	var k dikidimock.KeyView
	if err == nil {
		k, err = p.mock.Key(c.ID, id)
	}
	if err != nil {
		back(w, r, integrationPath, "", fmt.Errorf("no API access %q in this company", r.PathValue("key")))
		return k, false
	}
	return k, true
}

func (p *Panel) editForm(k dikidimock.KeyView, c dikidimock.CompanyView) keyForm {
	f := keyForm{Key: k, Name: k.Name, AccessType: k.AccessType, Path: p.shownPath(k), Email: k.Email, EmployeeID: k.EmployeeID,
		Permissions: k.Permissions, Masters: c.Masters, AccessTypes: accessTypes}
	if k.PartnerKey != "" {
		f.ShownPartnerKey = maskKey(k.PartnerKey)
	}
	return f
}

// shownPath is the key's Path with its secrets masked: a Path may carry the
// partner's secret in its query, and the edit screen is shared on screens.
// Saved unchanged, the Path stays as it was.
func (p *Panel) shownPath(k dikidimock.KeyView) string {
	return p.redactor([]dikidimock.KeyView{k}).URL(k.Path)
}

func (p *Panel) editKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	k, ok := p.accessKey(w, r, c)
	if !ok {
		return
	}
	p.show(w, r, http.StatusOK, "edit-key", "integration", s, c, p.editForm(k, c))
}

// scope reads a group's "show"/"edit" checkbox and its radio of whose.
func scope(r *http.Request, on, whose string) (string, error) {
	if r.PostFormValue(on) == "" {
		return dikidimock.ScopeNone, nil
	}
	switch v := r.PostFormValue(whose); v {
	case dikidimock.ScopeOwn, dikidimock.ScopeAll:
		return v, nil
	default:
		return "", fmt.Errorf("%s: choose only own or all employees", whose)
	}
}

// permissions reads the edit screen's three groups into the mock's model.
func permissions(r *http.Request) (dikidimock.Permissions, error) {
	var perms dikidimock.Permissions
	var err error
	if perms.Clients.View, err = scope(r, "clients_view_on", "clients_view"); err != nil {
		return perms, err
	}
	perms.Clients.ShowSurnames = r.PostFormValue("show_surnames") != ""
	perms.Clients.ShowPhones = dikidimock.PhonesNone
	if r.PostFormValue("show_phones_on") != "" {
		switch v := r.PostFormValue("show_phones"); v {
		case dikidimock.PhonesEverywhere, dikidimock.PhonesExceptList:
			perms.Clients.ShowPhones = v
		default:
			return perms, fmt.Errorf("show_phones: choose everywhere or everywhere except the client list")
		}
	}
	perms.Records.AddEdit = r.PostFormValue("add_edit") != ""
	perms.Records.Cancel = r.PostFormValue("cancel") != ""
	perms.Records.OccupyTime = r.PostFormValue("occupy_time") != ""
	perms.Schedule.Edit, err = scope(r, "schedule_edit_on", "schedule_edit")
	return perms, err
}

func (p *Panel) saveKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	k, ok := p.accessKey(w, r, c)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	change := dikidimock.KeyChange{Name: &name}
	if _, sent := r.PostForm["path"]; sent {
		change.Path = optional(r, "path")
		change.ClearPath = change.Path == nil
		if change.Path != nil && *change.Path == p.shownPath(k) {
			change.Path = nil // the masked Path, untouched
		}
	}
	if _, sent := r.PostForm["email"]; sent {
		change.Email = optional(r, "email")
		change.ClearEmail = change.Email == nil
	}
	perms, err := permissions(r)
	var emp *int64
	if err == nil {
		emp, err = employee(r)
	}
	if err == nil {
		change.Permissions, change.EmployeeID, change.ClearEmployee = &perms, emp, emp == nil
		var saved dikidimock.KeyView
		if saved, err = p.mock.UpdateKey(c.ID, k.ID, change); err == nil {
			back(w, r, integrationPath, fmt.Sprintf("Access %q saved: %s.", saved.Name, stateLabel(saved.State)), nil)
			return
		}
	}
	f := p.editForm(k, c)
	f.Name, f.Path, f.Email, f.Permissions = name, r.PostFormValue("path"), r.PostFormValue("email"), perms
	if emp != nil {
		f.EmployeeID = *emp
	}
	pg := page{Title: c.Name, Section: "integration", Token: s.token(p), Company: &c, Data: f, Error: err.Error()}
	p.render(w, http.StatusUnprocessableEntity, "edit-key", pg)
}

func (p *Panel) copyKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	k, ok := p.accessKey(w, r, c)
	if !ok {
		return
	}
	if k.State == dikidimock.StateDeleted {
		back(w, r, integrationPath, "", fmt.Errorf("access %q was deleted: its key opens nothing any more", k.Name))
		return
	}
	p.show(w, r, http.StatusOK, "copy-key", "integration", s, c, k)
}

func (p *Panel) deleteKey(w http.ResponseWriter, r *http.Request, s signedIn, c dikidimock.CompanyView) {
	k, ok := p.accessKey(w, r, c)
	if !ok {
		return
	}
	_, err := p.mock.DeleteKey(c.ID, k.ID)
	back(w, r, integrationPath, fmt.Sprintf("Access %q deleted: the integration has ended.", k.Name), err)
}
