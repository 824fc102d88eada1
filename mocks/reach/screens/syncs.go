package screens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accord-harness/accord/internal/redact"
	"github.com/accord-harness/accord/internal/webpage"
	reachmock "github.com/accord-harness/accord/mocks/reach"
)

// maxFindings bounds what one sync's page lists: a partner that breaks every answer would otherwise
// make a page of many megabytes.
const maxFindings = 500

// recentSyncs is how many syncs the connection's page lists.
const recentSyncs = 10

// connView is a connection as the customer reads it.
type connView struct {
	ID, BaseURL, How, Token string
	Connected, Expires      time.Time
	NextNightly             time.Time
	Companies               []reachmock.CompanyRef
	Syncs                   []syncView // newest first
}

// syncView is one sync as the customer reads it.
type syncView struct {
	N                 int
	Kind              reachmock.Kind
	Started, Finished time.Time
	Completed         bool
	Calls             int
	Findings          []finding
	More              int // findings left off
}

// finding is one thing a sync found wrong: Reach's problem with an answer, an answer's breach of
// the specification, a field it ignored, or a check of the pulled books that failed.
type finding struct {
	Kind, Where, What string
}

// scrub keeps the connection's secrets off the page, whatever the partner echoed.
func (c *connection) scrub() *redact.Redactor {
	return redact.New(append([]string{c.c.Token()}, c.secrets...)...)
}

// view is the connection with its last syncs, newest first, at most n.
func (c *connection) view(n int) connView {
	v := connView{ID: c.c.ID, BaseURL: c.c.BaseURL, How: c.how, Token: reachmock.Masked(c.c.Token()), Connected: c.at,
		Expires: c.c.TokenExpiry(), NextNightly: c.sched.NextNightly()}
	results := c.sched.Results()
	red := c.scrub()
	for i := len(results) - 1; i >= 0; i-- {
		res := results[i]
		if v.Companies == nil && res.Snapshot != nil {
			v.Companies = res.Snapshot.User.Companies
		}
		if len(v.Syncs) < n {
			v.Syncs = append(v.Syncs, describe(res, i+1, red))
		}
	}
	return v
}

// describe gathers a sync's findings from what the mock recorded: its problems, the violations and
// warnings of every exchange, and, for a sync that completed, the checks Reach runs on pulled books
// before it shows them.
func describe(res *reachmock.SyncResult, n int, red *redact.Redactor) syncView {
	v := syncView{N: n, Kind: res.Kind, Started: res.Started, Finished: res.Finished, Completed: res.Completed()}
	add := func(kind, where, what string) {
		if len(v.Findings) == maxFindings {
			v.More++
			return
		}
		v.Findings = append(v.Findings, finding{Kind: kind, Where: red.String(where), What: red.String(what)})
	}
	for _, p := range res.Problems {
		add("problem", p.Operation, p.Message)
	}
	if res.Trace != nil {
		entries := res.Trace.Entries()
		v.Calls = len(entries)
		for _, e := range entries {
			where := fmt.Sprintf("#%d %s (%d)", e.Seq, e.Operation, e.Status)
			for _, x := range e.ResponseViolations {
				add("violation", where, strings.TrimSpace(x.Field+" "+x.Message+" ("+x.Rule+")"))
			}
			for _, x := range e.Warnings {
				add("ignored", where, strings.TrimSpace(x.Field+" "+x.Message))
			}
		}
	}
	if res.Completed() && res.Snapshot != nil {
		for _, cd := range res.Snapshot.Companies {
			for _, check := range []func(*reachmock.CompanyData) []string{reachmock.CheckBalance, reachmock.CheckCashFlow, reachmock.CheckPLTotals, reachmock.CheckChart} {
				for _, f := range check(cd) {
					add("check", cd.Company.CompanyID, f)
				}
			}
		}
	}
	return v
}

func (s *Screens) connectionPage(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	c, ok := s.find(r.PathValue("id"))
	if !ok {
		s.render(w, http.StatusNotFound, "home", sess, page{Title: "Connections", Error: "No connection " + r.PathValue("id") + "."})
		return
	}
	q := r.URL.Query()
	s.render(w, http.StatusOK, "connection", sess, page{Title: "Connection " + c.c.ID, Data: c.view(recentSyncs), Notice: q.Get("notice"), Error: q.Get("error")})
}

// syncNow is the sync button: an on-demand sync within the daily limit, run to its end. It outlives
// a closed tab: a sync cut off halfway would only say it was stopped.
func (s *Screens) syncNow(w http.ResponseWriter, r *http.Request, _ webpage.SignIn) {
	c, ok := s.find(r.PathValue("id"))
	to := Prefix + "connections/" + r.PathValue("id")
	if !ok {
		back(w, r, Prefix, "", errors.New("no connection "+r.PathValue("id")))
		return
	}
	res, err := c.sched.SyncNow(context.WithoutCancel(r.Context()))
	if err != nil {
		back(w, r, to, "", err)
		return
	}
	n := len(c.sched.Results())
	if !res.Completed() {
		back(w, r, to, "", fmt.Errorf("sync %d did not complete: %d problem(s); see its findings", n, len(res.Problems)))
		return
	}
	back(w, r, to, fmt.Sprintf("Sync %d completed; companies read: %d.", n, len(res.Snapshot.Companies)), nil)
}

// result is sync n (1-based) of the connection in the path.
func (s *Screens) result(r *http.Request) (*connection, *reachmock.SyncResult, int, error) {
	c, ok := s.find(r.PathValue("id"))
	if !ok {
		return nil, nil, 0, errors.New("no connection " + r.PathValue("id"))
	}
	results := c.sched.Results()
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(results) {
		return nil, nil, 0, fmt.Errorf("connection %s has no sync %s", c.c.ID, r.PathValue("n"))
	}
	return c, results[n-1], n, nil
}

func (s *Screens) syncPage(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	c, res, n, err := s.result(r)
	if err != nil {
		s.render(w, http.StatusNotFound, "home", sess, page{Title: "Connections", Error: err.Error()})
		return
	}
	v := c.view(recentSyncs)
	s.render(w, http.StatusOK, "sync", sess, page{Title: fmt.Sprintf("Sync %d of %s", n, c.c.ID),
		Data: struct {
			Conn connView
			Sync syncView
		}{v, describe(res, n, c.scrub())}})
}

// dashboard is the mock's own dashboard of a completed sync's companies.
func (s *Screens) dashboard(w http.ResponseWriter, r *http.Request, sess webpage.SignIn) {
	_, res, n, err := s.result(r)
	if err == nil && (!res.Completed() || res.Snapshot == nil) {
		err = fmt.Errorf("sync %d did not complete: Reach shows no figures from it", n)
	}
	if err != nil {
		s.render(w, http.StatusNotFound, "home", sess, page{Title: "Connections", Error: err.Error()})
		return
	}
	var ds []*reachmock.Dashboard
	for _, cd := range res.Snapshot.Companies {
		ds = append(ds, reachmock.BuildDashboard(cd, res.Kind, res.Started))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := reachmock.RenderDashboards(w, ds); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
