package refpartner

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	reachfixture "github.com/accord-harness/accord/fixtures/reach"
)

// Variants of the correct partner. "alt" is correct too (the Reach document and
// docs/driver-reach.md allow everything it does), but differs in every incidental way a check
// might lean on: the API lives under another path and its OAuth server at the host's root; lists
// come in another stable order with an extra field on every record; statement lines come account
// by account with the zero lines the books skip, summaries newest month first; answers are
// indented, gzipped when asked, typed with a charset and carry ETag and Cache-Control; errors
// have no level; a foreign company is 404, not 403; a 503 has no Retry-After; access tokens live
// 20 minutes, look different, and the refresh token is kept, not rotated; its consent page has
// Deny beside Allow and a sign-out form; and every answer takes
// time on the run clock, within the budget. A scenario that fails it depends on the first
// partner's habits, not on the platform's rules.
const (
	VariantDefault = ""
	VariantAlt     = "alt"
)

const (
	// AltAPIBase is where the alt variant mounts the Reach API.
	AltAPIBase = "/lantern/api/v1"
	// altOAuthBase is the alt variant's authorization server, outside the API: the discovery
	// document is the only place Reach learns where it is.
	altOAuthBase = "/oauth"
	// altTokenLifetime is the alt variant's access token lifetime (the default's is an hour).
	altTokenLifetime = 20 * time.Minute
	// altStatementTime and altAnswerTime are how long the alt variant takes to answer, on the run
	// clock: statements are computed on the fly, within the 2-second budget.
	altStatementTime = 1200 * time.Millisecond
	altAnswerTime    = 150 * time.Millisecond
)

// route maps a request path onto the specification's paths.
func (p *Partner) route(path string) string {
	if p.alt {
		if rest, ok := strings.CutPrefix(path, altOAuthBase+"/"); ok {
			return "/oauth2/" + rest
		}
	}
	return strings.TrimPrefix(path, p.base)
}

// oauthURL is where the authorization server's endpoint (authorize, token) is, as the caller
// reached the partner.
func (p *Partner) oauthURL(r *http.Request, endpoint string) string {
	if p.alt {
		return origin(r) + altOAuthBase + "/" + endpoint
	}
	return origin(r) + p.base + "/oauth2/" + endpoint
}

func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// newToken is an opaque token; the alt variant's are unprefixed base64url, longer.
func (p *Partner) newToken(kind string) string {
	if !p.alt {
		return randomToken(kind)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// dress gives an answer the alt variant's manners: indented JSON with a charset, validators and
// cache headers on successful reads, gzip when the client takes it, and time spent on the clock.
func (p *Partner) dress(r *http.Request, path string, rep *reply) {
	if !p.alt {
		return
	}
	if rep.header == nil {
		rep.header = http.Header{}
	}
	if mt, _, _ := mime.ParseMediaType(rep.ctype); mt == "application/json" {
		var buf bytes.Buffer
		if json.Indent(&buf, rep.body, "", "  ") == nil {
			buf.WriteByte('\n')
			rep.body = buf.Bytes()
		}
		rep.ctype = "application/json; charset=utf-8"
	}
	if rep.status == http.StatusOK && r.Method == http.MethodGet && rep.header.Get("Cache-Control") == "" {
		sum := sha256.Sum256(rep.body)
		rep.header.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		rep.header.Set("Cache-Control", "private, no-cache")
		rep.header.Set("Vary", "Authorization, Accept-Encoding")
	}
	if len(rep.body) > 512 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a level that is always valid
		_, _ = zw.Write(rep.body)
		if zw.Close() == nil {
			rep.body = buf.Bytes()
			rep.header.Set("Content-Encoding", "gzip")
		}
	}
	took := altAnswerTime
	statement := strings.HasSuffix(path, "/profit-and-loss") || strings.HasSuffix(path, "/balance-sheet") || strings.HasSuffix(path, "/cash-flow")
	if statement || (strings.HasSuffix(path, "/non-financial") && r.Method == http.MethodPost) {
		took = altStatementTime
	}
	rep.delay = max(rep.delay, took)
}

// listed is a reference list in the order this variant keeps it. The alt variant sorts by name
// (budgets newest first) and adds an Href to every record: Reach ignores fields it does not know.
func (p *Partner) listed(sub string, items []any) []any {
	if !p.alt {
		return items
	}
	type rec struct {
		key  string
		item map[string]any
	}
	recs := make([]rec, 0, len(items))
	for _, it := range items {
		b, _ := json.Marshal(it)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		key := ""
		for _, k := range []string{"AccountName", "ClassName", "DepartmentName", "NonFinancialName"} {
			if s, ok := m[k].(string); ok {
				key = strings.ToLower(s)
			}
		}
		if s, ok := m["StartDate"].(string); ok && sub == "budgets" {
			key = invert(s) // newest first
		}
		for _, k := range []string{"AccountId", "BudgetId", "ClassId", "DepartmentId", "NonFinancialId"} {
			if s, ok := m[k].(string); ok {
				key += "\x00" + s
				m["Href"] = p.base + "/companies/{CompanyId}/" + sub + "#" + s
			}
		}
		recs = append(recs, rec{key, m})
	}
	slices.SortStableFunc(recs, func(a, b rec) int { return strings.Compare(a.key, b.key) })
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.item)
	}
	return out
}

// invert turns a date's digits around so that sorting ascending puts the latest first.
func invert(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '9' - c + '0'
		}
	}
	return string(b)
}

// altLines lists a statement's lines account by account, with an explicit zero line in every month
// with figures for each account the statement shows in some month of the period (the document lets
// a partner leave zero lines out, not that it must).
func (p *Partner) altLines(kind string, accounts []reachfixture.Account, lines []reachfixture.Line) []reachfixture.Line {
	if !p.alt {
		return lines
	}
	months := map[reachfixture.Month]bool{}
	have := map[string]bool{}
	shown := map[string]bool{}
	for _, l := range lines {
		months[l.Month] = true
		have[l.AccountID+"|"+l.Month.String()] = true
		shown[l.AccountID] = true
	}
	out := slices.Clone(lines)
	for m := range months {
		for _, a := range accounts {
			if !shown[a.AccountID] || !a.IsPosting || !onStatement(kind, a) || have[a.AccountID+"|"+m.String()] {
				continue
			}
			out = append(out, reachfixture.Line{AccountID: a.AccountID, Month: m})
		}
	}
	slices.SortFunc(out, func(a, b reachfixture.Line) int {
		if c := strings.Compare(a.AccountID, b.AccountID); c != 0 {
			return c
		}
		switch {
		case a.Month.Before(b.Month):
			return -1
		case b.Month.Before(a.Month):
			return 1
		}
		return 0
	})
	return out
}

// onStatement reports whether an account's lines belong on a statement.
func onStatement(kind string, a reachfixture.Account) bool {
	switch kind {
	case "profit-and-loss":
		return !a.AccountType.BalanceSheet()
	case "balance-sheet":
		return a.AccountType.BalanceSheet()
	}
	switch a.CashFlowCategory {
	case reachfixture.CFOperating, reachfixture.CFInvesting, reachfixture.CFFinancing:
		return true
	}
	return false
}
