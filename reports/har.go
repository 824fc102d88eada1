package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/har"

	"github.com/accord-harness/accord/internal/journal"
)

// HARFile is the traffic file's name in a report directory.
const HARFile = "traffic.har"

// WriteHAR writes every exchange as HAR 1.2 (using cdproto's HAR types).
// Bodies are base64 with "encoding": "base64", which HAR allows and which
// keeps any byte a partner sent intact.
func WriteHAR(path string, r Run) error {
	head, err := json.Marshal(&har.HAR{Log: &har.Log{
		Version: "1.2",
		Creator: &har.Creator{Name: "accord", Version: r.Version},
		Comment: r.Platform + " acceptance against " + r.Partner,
		Entries: []*har.Entry{},
	}})
	if err != nil {
		return err
	}
	// The entries go in one by one where the empty list stands (no string of the head can
	// hold its unescaped quotes): encoding a run's megabytes in one buffer spent most of the
	// time growing it.
	before, after, ok := bytes.Cut(head, []byte(`"entries":[]`))
	if !ok {
		return errors.New("HAR: the log has no entries field")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(w)
	w.Write(before)
	w.WriteString(`"entries":[`)
	for i, e := range r.Exchanges {
		if i > 0 {
			w.WriteByte(',')
		}
		if err = enc.Encode(harEntry(e, r.labelOf(e.Tenant))); err != nil {
			break
		}
	}
	w.WriteByte(']')
	w.Write(after)
	if err == nil {
		err = w.Flush() // a write error sticks in w: Flush returns it
	}
	return errors.Join(err, f.Close())
}

func harEntry(e journal.Entry, scenario string) *har.Entry {
	ms := float64(e.Duration) / float64(time.Millisecond)
	req := &har.Request{
		Method: e.Method, URL: e.URL, HTTPVersion: "HTTP/1.1",
		Cookies: []*har.Cookie{}, Headers: pairs(e.RequestHeader), QueryString: query(e.URL),
		HeadersSize: -1, BodySize: int64(len(e.RequestBody)),
	}
	if len(e.RequestBody) > 0 {
		req.PostData = &har.PostData{MimeType: e.RequestHeader.Get("Content-Type"), Params: []*har.Param{}, Text: string(e.RequestBody)}
	}
	resp := &har.Response{
		Status: int64(e.Status), StatusText: http.StatusText(e.Status), HTTPVersion: "HTTP/1.1",
		Cookies: []*har.Cookie{}, Headers: pairs(e.ResponseHeader),
		Content: &har.Content{
			Size: int64(len(e.ResponseBody)), MimeType: e.ResponseHeader.Get("Content-Type"),
			Text: e.ResponseBody, Encoding: "base64",
		},
		RedirectURL: e.ResponseHeader.Get("Location"), HeadersSize: -1, BodySize: int64(len(e.ResponseBody)),
	}
	if e.Error != "" {
		resp.StatusText = "no response: " + e.Error
	}
	var comment []string
	if scenario != "" {
		comment = append(comment, "scenario: "+scenario)
	}
	if e.Operation != "" {
		comment = append(comment, "operation: "+e.Operation+" ("+string(e.Direction)+")")
	}
	for _, v := range append(append([]journal.Violation{}, e.RequestViolations...), e.ResponseViolations...) {
		comment = append(comment, "violation: "+v.In+" "+v.Field+" "+v.Rule+" "+v.Message)
	}
	for _, v := range e.Warnings {
		comment = append(comment, "warning: "+v.In+" "+v.Field+" "+v.Rule+" "+v.Message)
	}
	return &har.Entry{
		StartedDateTime: e.Time.Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms,
		Request:         req,
		Response:        resp,
		Cache:           &har.Cache{},
		Timings:         &har.Timings{Send: 0, Wait: ms, Receive: 0},
		Comment:         strings.Join(comment, "; "),
	}
}

func pairs(h http.Header) []*har.NameValuePair {
	out := []*har.NameValuePair{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, &har.NameValuePair{Name: k, Value: v})
		}
	}
	return out
}

func query(raw string) []*har.NameValuePair {
	out := []*har.NameValuePair{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			out = append(out, &har.NameValuePair{Name: k, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
