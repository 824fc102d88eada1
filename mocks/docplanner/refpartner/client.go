package refpartner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

// apiError is a platform call that did not succeed.
type apiError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *apiError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Body)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// token gets an access token, reusing the cached one while it lives.
func (p *Partner) token(ctx context.Context, s *session, fresh bool) (string, error) {
	// The faulty build renews-token-late keeps its token until Docplanner refuses it.
	if !fresh && !p.faults["token-per-call"] && s.token != "" && (p.opts.Clock.Now().Before(s.tokenExpires) || p.faults["renews-token-late"]) {
		return s.token, nil
	}
	req, err := p.tokenRequest(ctx, s)
	if err != nil {
		return "", err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return "", &apiError{Method: "POST", Path: "/oauth/v2/token", Body: err.Error()}
	}
	defer resp.Body.Close()
	body, _ := boundedhttp.ReadLimited(resp.Body, 64<<10)
	if resp.StatusCode != http.StatusOK {
		return "", &apiError{Method: "POST", Path: "/oauth/v2/token", Status: resp.StatusCode, Body: strings.TrimSpace(string(body))}
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", &apiError{Method: "POST", Path: "/oauth/v2/token", Status: resp.StatusCode, Body: "no access_token in answer"}
	}
	s.token = tok.AccessToken
	// Renew a minute early so a token never dies mid-call.
	s.tokenExpires = p.opts.Clock.Now().Add(time.Duration(tok.ExpiresIn)*time.Second - time.Minute)
	return s.token, nil
}

// call makes one API call; path is relative to the integration base URL. A
// 401 gets one retry with a fresh token.
func (p *Partner) call(ctx context.Context, s *session, method, path string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if raw, isRaw := in.(json.RawMessage); isRaw {
			body = raw
		} else if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	reauthed := false
	for waits := 0; ; {
		tok, err := p.token(ctx, s, false)
		if err != nil {
			return err
		}
		u := strings.TrimRight(s.settings.BaseURL, "/") + path
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := p.http.Do(req)
		if err != nil {
			return &apiError{Method: method, Path: path, Body: err.Error()}
		}
		data, _ := boundedhttp.ReadLimited(resp.Body, boundedhttp.DefaultLimit)
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && !reauthed && !p.faults["no-reauth"] {
			// The token died early (revoked, clock skew): sign in again once.
			reauthed = true
			if _, err := p.token(ctx, s, true); err != nil {
				return err
			}
			continue
		}
		if resp.StatusCode == http.StatusTooManyRequests && waits < 4 {
			waits++
			// Over the rate limit: wait as long as the platform says, then again.
			if err := p.opts.Wait(ctx, p.rateWait(resp.Header)); err != nil {
				return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: "waiting out the rate limit: " + err.Error()}
			}
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(data))}
		}
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: "unreadable answer: " + err.Error()}
			}
		}
		return nil
	}
}

// rateWait is how long a 429 asks to wait. The document says calls are
// refused until X-RateLimit-Reset, so the partner waits until then on its
// own clock; the alt variant reads Retry-After instead.
func (p *Partner) rateWait(h http.Header) time.Duration {
	if reset, err := time.Parse(time.RFC3339, h.Get("X-Ratelimit-Reset")); err == nil && !p.alt {
		if d := reset.Sub(p.opts.Clock.Now()); d <= time.Hour {
			return max(d, 0)
		}
	}
	return retryAfter(h)
}

// retryAfter reads Retry-After (seconds), falling back to a minute: the
// platform's write window.
func retryAfter(h http.Header) time.Duration {
	if n, err := strconv.Atoi(h.Get("Retry-After")); err == nil && n > 0 && n <= 3600 {
		return time.Duration(n) * time.Second
	}
	return time.Minute
}

func isStatus(err error, status int) bool {
	e, ok := err.(*apiError)
	return ok && e.Status == status
}

// tokenRequest signs in with HTTP Basic and a url-encoded form, or, in the
// alt variant, the way the official PHP SDK does: a multipart form carrying
// the client id and secret.
func (p *Partner) tokenRequest(ctx context.Context, s *session) (*http.Request, error) {
	if !p.alt {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"integration"}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.settings.TokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(s.settings.ClientID, s.settings.ClientSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range [][2]string{{"grant_type", "client_credentials"}, {"scope", "integration"}, {"client_id", s.settings.ClientID}, {"client_secret", s.settings.ClientSecret}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.settings.TokenURL, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

// listOf is the platform's list answer.
type listOf[T any] struct {
	Items []T `json:"_items"`
}
