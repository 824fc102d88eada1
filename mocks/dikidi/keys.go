package dikidi

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Key states.
const (
	StateAwaiting = "awaiting_activation"
	StateActive   = "active"
	StatePaused   = "paused"
	StateDeleted  = "deleted"
)

// Access types.
const (
	AccessAdministrator  = "administrator"
	AccessEmployeeEditor = "employee_editor"
	AccessEmployee       = "employee"
)

// Scopes of clients.view and schedule.edit, and values of clients.show_phones.
const (
	ScopeNone = "none"
	ScopeOwn  = "own"
	ScopeAll  = "all"

	PhonesNone       = "none"
	PhonesEverywhere = "everywhere"
	PhonesExceptList = "except_client_list"
)

// Permissions are a key's three permission groups.
type Permissions struct {
	Clients  ClientPermissions   `json:"clients"`
	Records  RecordPermissions   `json:"records"`
	Schedule SchedulePermissions `json:"schedule"`
}

// ClientPermissions: whose clients, and whether surnames and phones show.
type ClientPermissions struct {
	View         string `json:"view"`
	ShowSurnames bool   `json:"show_surnames"`
	ShowPhones   string `json:"show_phones"`
}

// RecordPermissions: the three record permissions; none of them pauses the key.
type RecordPermissions struct {
	AddEdit    bool `json:"add_edit"`
	Cancel     bool `json:"cancel"`
	OccupyTime bool `json:"occupy_time"`
}

// SchedulePermissions: whose working hours the key may edit.
type SchedulePermissions struct {
	Edit string `json:"edit"`
}

// Preset is what an access type grants when the business does not tick the boxes itself.
func Preset(accessType string) Permissions {
	switch accessType {
	case AccessEmployeeEditor:
		return Permissions{ClientPermissions{ScopeOwn, true, PhonesEverywhere}, RecordPermissions{true, true, true}, SchedulePermissions{ScopeOwn}}
	case AccessEmployee:
		return Permissions{ClientPermissions{ScopeOwn, false, PhonesNone}, RecordPermissions{}, SchedulePermissions{ScopeNone}}
	default:
		return Permissions{ClientPermissions{ScopeAll, true, PhonesEverywhere}, RecordPermissions{true, true, true}, SchedulePermissions{ScopeAll}}
	}
}

func (p Permissions) anyRecord() bool {
	return p.Records.AddEdit || p.Records.Cancel || p.Records.OccupyTime
}

func (p Permissions) needsEmployee() bool {
	return p.Clients.View == ScopeOwn || p.Schedule.Edit == ScopeOwn
}

// key is an API access key of a company; its company's lock guards it, except
// sendMu, which lets one delivery attempt at a time go to its Path.
type key struct {
	c          *company
	id         int64
	name       string
	accessType string
	token      string
	partnerKey *string
	path       *string
	email      *string
	employee   *int64
	perms      Permissions
	created    time.Time
	activated  *time.Time
	deleted    *time.Time
	boundTo    string // the partner key that activated it
	// stateSeq is the journal's last sequence number when the key's state
	// last changed: what the partner does afterwards can be told apart.
	stateSeq int64
	stateAt  time.Time

	seq        int64
	deliveries []*delivery
	ready      []*delivery // first attempts waiting for the worker
	working    bool
	incident   *incident
	dropNext   int    // events to lose before they reach the Path
	dropEvent  string // ... only events of this name ("" any)
	loseNext   int    // answers of the Path to lose on the way back
	loseEvent  string
	sendMu     sync.Mutex
}

// state derives the key's state: deleted, awaiting activation, paused (no
// record permission), active.
func (k *key) state() string {
	switch {
	case k.deleted != nil:
		return StateDeleted
	case k.activated == nil:
		return StateAwaiting
	case !k.perms.anyRecord():
		return StatePaused
	}
	return StateActive
}

func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func intOrNil(i *int64) any {
	if i == nil {
		return nil
	}
	return *i
}

// statusJSON is the key as the partner sees it.
func (c *company) statusJSON(k *key) map[string]any {
	return map[string]any{
		"key_id": k.id, "company_id": c.id, "name": k.name, "access_type": k.accessType, "state": k.state(),
		"employee_id": intOrNil(k.employee), "path": strOrNil(k.path), "activated_at": c.tsPtr(k.activated),
		"permissions": k.perms,
	}
}

// keyJSON is the key as the business panel shows it.
func (c *company) keyJSON(k *key) map[string]any {
	return map[string]any{
		"id": k.id, "company_id": c.id, "name": k.name, "access_type": k.accessType, "token": k.token,
		"partner_key": strOrNil(k.partnerKey), "path": strOrNil(k.path), "email": strOrNil(k.email),
		"employee_id": intOrNil(k.employee), "state": k.state(), "permissions": k.perms,
		"created_at": c.ts(k.created), "activated_at": c.tsPtr(k.activated), "deleted_at": c.tsPtr(k.deleted),
	}
}

func (c *company) keyByID(id int64) (*key, *Error) {
	for _, k := range c.keys {
		if k.id == id {
			return k, nil
		}
	}
	return nil, notFound("Access key %d not found in company %d.", id, c.id)
}

// KeySpec is what the business fills in when it adds a key.
type KeySpec struct {
	Name        string       `json:"name"`
	AccessType  string       `json:"access_type"`
	PartnerKey  *string      `json:"partner_key"`
	Path        *string      `json:"path"`
	Email       *string      `json:"email"`
	EmployeeID  *int64       `json:"employee_id"`
	Permissions *Permissions `json:"permissions"`
}

func checkPath(v *invalid, field string, p *string) {
	if p == nil {
		return
	}
	u, err := url.Parse(*p)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(field, "must be an absolute http(s) URL")
	}
}

func (c *company) checkEmployee(v *invalid, perms Permissions, employee *int64) {
	if perms.needsEmployee() && employee == nil {
		v.add("employee_id", "an \"own\" scope needs the employee whose clients and schedule the key acts on")
	}
	if employee != nil {
		if _, ok := c.master(*employee); !ok {
			v.add("employee_id", "no master %d in this company", *employee)
		}
	}
}

// createKey adds a key awaiting activation; no event is sent.
func (c *company) createKey(in KeySpec) (*key, *Error) {
	var v invalid
	if strings.TrimSpace(in.Name) == "" {
		v.add("name", "is required")
	}
	switch in.AccessType {
	case AccessAdministrator, AccessEmployeeEditor, AccessEmployee:
	default:
		v.add("access_type", "must be administrator, employee_editor or employee")
	}
	perms := Preset(in.AccessType)
	if in.Permissions != nil {
		perms = *in.Permissions
	}
	checkPath(&v, "path", in.Path)
	c.checkEmployee(&v, perms, in.EmployeeID)
	if err := v.err(); err != nil {
		return nil, err
	}
	k := &key{c: c, name: in.Name, accessType: in.AccessType, partnerKey: in.PartnerKey, path: in.Path,
		email: in.Email, employee: in.EmployeeID, perms: perms, created: c.now()}
	c.m.register(k)
	c.keys = append(c.keys, k)
	return k, nil
}

// KeyChange is an edit of a key in the panel; nil fields stay. Set* marks a
// field sent as null.
type KeyChange struct {
	Name          *string
	AccessType    *string
	Path          *string
	ClearPath     bool
	Email         *string
	ClearEmail    bool
	EmployeeID    *int64
	ClearEmployee bool
	Permissions   *Permissions
}

// updateKey edits a key; a change between active and paused sends key.state_changed.
func (c *company) updateKey(k *key, in KeyChange) *Error {
	if k.deleted != nil {
		return notFound("Access key %d not found in company %d.", k.id, c.id)
	}
	var v invalid
	perms := k.perms
	if in.Permissions != nil {
		perms = *in.Permissions
	}
	employee := k.employee
	if in.ClearEmployee {
		employee = nil
	} else if in.EmployeeID != nil {
		employee = in.EmployeeID
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		v.add("name", "must not be empty")
	}
	checkPath(&v, "path", in.Path)
	c.checkEmployee(&v, perms, employee)
	if err := v.err(); err != nil {
		return err
	}
	before := k.state()
	if in.Name != nil {
		k.name = *in.Name
	}
	if in.AccessType != nil {
		k.accessType = *in.AccessType
	}
	if in.ClearPath {
		k.path = nil
	} else if in.Path != nil {
		k.path = in.Path
	}
	if in.ClearEmail {
		k.email = nil
	} else if in.Email != nil {
		k.email = in.Email
	}
	k.employee, k.perms = employee, perms
	after := k.state()
	if before != after {
		k.stateSeq, k.stateAt = c.m.journal.LastSeq(), c.now()
		reason := "record_permissions_removed"
		if after == StateActive {
			reason = "record_permissions_restored"
		}
		c.keyEvent(k, before, reason)
	}
	return nil
}

// deleteKey ends a key: calls are refused, queued deliveries dropped, and one
// last key.state_changed is tried once.
func (c *company) deleteKey(k *key) *Error {
	if k.deleted != nil {
		return notFound("Access key %d not found in company %d.", k.id, c.id)
	}
	before := k.state()
	now := c.now()
	k.deleted = &now
	k.stateSeq, k.stateAt = c.m.journal.LastSeq(), now
	c.dropDeliveries(k)
	if k.activated != nil {
		c.keyEvent(k, before, "deleted")
	}
	return nil
}

// activate binds the key to the partner key in the Authorization header.
func (c *company) activate(k *key, partnerKey string) (changed bool, err *Error) {
	refuse := func(msg string) *Error {
		return &Error{Status: http.StatusForbidden, Code: codePartnerKeyInvalid, Message: msg}
	}
	switch {
	case strings.HasPrefix(strings.ToLower(partnerKey), "bearer "):
		return false, refuse("This partner key may not activate this access key: send the raw partner key in Authorization, without \"Bearer \".")
	case !c.m.knownPartnerKey(partnerKey):
		return false, refuse("This partner key may not activate this access key: DIKIDI issued no such partner key.")
	case k.partnerKey != nil && !sameSecret(*k.partnerKey, partnerKey):
		return false, refuse("This partner key may not activate this access key: the business entered another partner key on it.")
	case k.activated != nil && !sameSecret(k.boundTo, partnerKey):
		return false, refuse("This partner key may not activate this access key: another partner key already activated it.")
	case k.activated != nil:
		return false, nil
	}
	now := c.now()
	k.activated, k.boundTo = &now, partnerKey
	k.stateSeq, k.stateAt = c.m.journal.LastSeq(), now
	c.keyEvent(k, StateAwaiting, "activated")
	return true, nil
}

// sameSecret compares secrets in constant time, so timing tells nothing of
// how much of a guess was right.
func sameSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
