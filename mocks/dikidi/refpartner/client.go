package refpartner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

// apiError is a DIKIDI call that did not succeed: a refusal in DIKIDI's
// envelope, or no answer at all (Transport).
type apiError struct {
	Method, Path string
	Status       int
	Code         string
	Message      string
	Permission   string
	Transport    bool
}

func (e *apiError) Error() string {
	if e.Transport {
		return fmt.Sprintf("%s %s: no answer from DIKIDI: %s", e.Method, e.Path, e.Message)
	}
	msg := fmt.Sprintf("%s %s: DIKIDI answered %d %s: %s", e.Method, e.Path, e.Status, e.Code, e.Message)
	if e.Permission != "" {
		msg += " (permission " + e.Permission + ")"
	}
	return msg
}

func code(err error) string {
	if e, ok := err.(*apiError); ok {
		return e.Code
	}
	return ""
}

func transport(err error) bool {
	e, ok := err.(*apiError)
	return ok && e.Transport
}

// call makes one API call with the access key; path is relative to the
// partner API base. It reads DIKIDI's envelope and keeps what refusals say
// about the key: deleted, paused, awaiting activation.
func (p *Partner) call(ctx context.Context, s *session, method, path string, query url.Values, in, out any, header http.Header) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("token", s.settings.Token)
	u := strings.TrimRight(s.settings.BaseURL, "/") + path + "?" + q.Encode()
	h := http.Header{"Accept": {"application/json"}}
	if in != nil {
		h.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		h[k] = v
	}
	res, err := boundedhttp.Do(ctx, p.http, method, u, h, body, boundedhttp.DefaultLimit)
	// An answer cut off after its status line is as lost as one that never
	// came: DIKIDI may have done the work, so an idempotent call is retried.
	if err != nil {
		return &apiError{Method: method, Path: path, Message: err.Error(), Transport: true}
	}
	var env struct {
		Error struct {
			Code       json.RawMessage `json:"code"`
			Message    string          `json:"message"`
			Permission string          `json:"permission"`
		} `json:"error"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(res.Body, &env); err != nil {
		return &apiError{Method: method, Path: path, Status: res.Status, Code: "UNREADABLE", Message: "answer is not DIKIDI's envelope: " + err.Error()}
	}
	if string(env.Error.Code) != "0" || res.Status >= 300 {
		var c string
		_ = json.Unmarshal(env.Error.Code, &c)
		e := &apiError{Method: method, Path: path, Status: res.Status, Code: c, Message: env.Error.Message, Permission: env.Error.Permission}
		p.learn(s, e)
		return e
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return &apiError{Method: method, Path: path, Status: res.Status, Code: "UNREADABLE", Message: "unreadable data: " + err.Error()}
		}
	}
	return nil
}

// learn keeps what a refusal says about the key.
func (p *Partner) learn(s *session, e *apiError) {
	switch e.Code {
	case "KEY_DELETED":
		if p.faults["keeps-working-after-deletion"] {
			s.lastError = "temporary DIKIDI error, will retry: " + e.Message
			return
		}
		s.keyState = stateDeleted
		s.lastError = "the company deleted the access key; the integration has ended"
	case "KEY_PAUSED":
		if !p.faults["learns-pause-from-events-only"] {
			s.keyState = statePaused
		}
	case "KEY_NOT_ACTIVATED":
		s.keyState = stateAwaiting
	}
}
