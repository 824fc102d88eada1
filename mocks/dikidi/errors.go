package dikidi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/accord-harness/accord/internal/mockserver"
)

// Error codes of the envelope.
const (
	codeKeyMissing        = "KEY_MISSING"
	codeKeyUnknown        = "KEY_UNKNOWN"
	codeKeyDeleted        = "KEY_DELETED"
	codePartnerKeyMissing = "PARTNER_KEY_MISSING"
	codePartnerKeyInvalid = "PARTNER_KEY_INVALID"
	codeNotActivated      = "KEY_NOT_ACTIVATED"
	codePaused            = "KEY_PAUSED"
	codeDenied            = "PERMISSION_DENIED"
	codeNotFound          = "NOT_FOUND"
	codeTimeOccupied      = "TIME_OCCUPIED"
	codeOutsideHours      = "OUTSIDE_WORKING_HOURS"
	codeRecordCancelled   = "RECORD_CANCELLED"
	codeValidation        = "VALIDATION_ERROR"
	codeOwnerToken        = "OWNER_TOKEN_INVALID"
)

// Permission names, as PERMISSION_DENIED names them.
const (
	PermClientsView  = "clients.view"
	PermAddEdit      = "records.add_edit"
	PermCancel       = "records.cancel"
	PermOccupyTime   = "records.occupy_time"
	PermScheduleEdit = "schedule.edit"
)

// FieldError is one invalid input.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a refusal in DIKIDI's terms; the Go API returns it too, so a
// scenario can tell TIME_OCCUPIED from NOT_FOUND.
type Error struct {
	Status     int
	Code       string
	Message    string
	Permission string
	Fields     []FieldError
}

func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message
	if len(e.Fields) > 0 {
		var fs []string
		for _, f := range e.Fields {
			fs = append(fs, f.Field+" "+f.Message)
		}
		msg += " (" + strings.Join(fs, "; ") + ")"
	}
	return msg
}

func (e *Error) response() mockserver.Response {
	inner := map[string]any{"code": e.Code, "message": e.Message}
	if e.Permission != "" {
		inner["permission"] = e.Permission
	}
	if len(e.Fields) > 0 {
		inner["fields"] = e.Fields
	}
	return mockserver.Response{Status: e.Status, Body: map[string]any{"error": inner, "data": nil}}
}

func failure(status int, code, message string) mockserver.Response {
	return (&Error{Status: status, Code: code, Message: message}).response()
}

var permissionText = map[string]string{
	PermClientsView:  "The key may not view clients.",
	PermAddEdit:      "The key may not add or edit records.",
	PermCancel:       "The key may not cancel records.",
	PermOccupyTime:   "The key may not occupy time.",
	PermScheduleEdit: "The key may not edit this master's schedule.",
}

func denied(perm string) mockserver.Response {
	return (&Error{Status: http.StatusForbidden, Code: codeDenied, Message: permissionText[perm], Permission: perm}).response()
}

func notFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: codeNotFound, Message: fmt.Sprintf(format, args...)}
}

func conflict(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid collects field errors.
type invalid []FieldError

func (v *invalid) add(field, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v invalid) err() *Error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: codeValidation, Message: "The request is invalid.", Fields: v}
}

func okStatus() map[string]any { return map[string]any{"code": 0, "message": ""} }

func ok(data any) mockserver.Response {
	return mockserver.Response{Status: http.StatusOK, Body: map[string]any{"error": okStatus(), "data": data}}
}

func created(data any) mockserver.Response {
	return mockserver.Response{Status: http.StatusCreated, Body: map[string]any{"error": okStatus(), "data": data}}
}

func list[T any](xs []T) map[string]any {
	if xs == nil {
		xs = []T{}
	}
	return map[string]any{"list": xs}
}
