package reach

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

// browser is the customer's web browser on the partner's sign-in and consent pages: it keeps the
// partner's cookies, follows the partner's redirects on its own host, and stops where the partner
// sends it off that host, which after consent is Reach's redirect URI. It presses what a customer
// presses without typing; a page that asks the customer to type (a sign-in) is the customer's, and
// the driver's authorize action stands for what happens there.
type browser struct {
	client *http.Client
	host   string // the partner's, where the authorization endpoint is
}

// maxPages bounds the pages the browser presses through: a consent page, perhaps a page choosing
// what to share, then Reach. A partner that keeps answering with forms never sends the customer back.
const maxPages = 3

func newBrowser(host string, timeout time.Duration) *browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	c := boundedhttp.NewClient(timeout)
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse } // followed by hand, to know each page's URL
	return &browser{client: c, host: host}
}

func (b *browser) close() { b.client.CloseIdleConnections() }

// page is where the browser is: a 2xx answer from the partner's host, or off the host (left).
type page struct {
	url  *url.URL
	body []byte
	html bool
	left string // the URL the partner sent the browser to, off its host
}

// open requests target and follows the partner's redirects on its host; a 4xx or 5xx is an error.
func (b *browser) open(ctx context.Context, method string, target *url.URL, form url.Values) (*page, error) {
	for hops := 0; ; hops++ {
		if !strings.EqualFold(target.Host, b.host) {
			return &page{url: target, left: target.String()}, nil
		}
		if hops > 5 {
			return nil, fmt.Errorf("stopped after %d redirects at %s", hops-1, target.Redacted())
		}
		header := http.Header{"Accept": {"text/html,application/xhtml+xml"}, "User-Agent": {"accord-customer-browser/1.0"}}
		var body []byte
		if method == http.MethodPost {
			body = []byte(form.Encode())
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := boundedhttp.Do(ctx, b.client, method, target.String(), header, body, 0)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", method, target.Redacted(), err)
		}
		switch {
		case res.Status >= 300 && res.Status < 400:
			loc, err := target.Parse(res.Header.Get("Location"))
			if err != nil || res.Header.Get("Location") == "" {
				return nil, fmt.Errorf("%s %s answers %d without a usable Location (%q)", method, target.Redacted(), res.Status, res.Header.Get("Location"))
			}
			if res.Status != http.StatusTemporaryRedirect && res.Status != http.StatusPermanentRedirect {
				method, form = http.MethodGet, nil
			}
			target = loc
		case res.Status >= 200 && res.Status < 300:
			mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
			return &page{url: target, body: res.Body, html: mt == "text/html" || mt == "application/xhtml+xml"}, nil
		default:
			return nil, fmt.Errorf("%s %s answers %d: %s", method, target.Redacted(), res.Status, excerpt(res.Body))
		}
	}
}

// consent opens the authorization URL and presses Allow on every page that asks for nothing typed,
// until the partner sends the browser off its host. It returns where: "" when a page asks the
// customer to type (a sign-in) or has nothing to press, and the customer takes over.
func (b *browser) consent(ctx context.Context, authorize *url.URL) (string, error) {
	p, err := b.open(ctx, http.MethodGet, authorize, nil)
	for n := 0; err == nil && p.left == "" && n < maxPages; n++ {
		f := pressable(p)
		if f == nil {
			return "", nil
		}
		p, err = b.open(ctx, f.method, f.action, f.values)
		if err != nil {
			err = fmt.Errorf("pressing %q: %w", f.pressed, err)
		}
	}
	switch {
	case err != nil:
		return "", err
	case p.left == "":
		return "", fmt.Errorf("after %d pages pressed the customer is still on the partner's pages (%s)", maxPages, p.url.Redacted())
	}
	return p.left, nil
}

// form is a form ready to send: its method, its action and the values a browser sends when its
// button labelled pressed is pressed.
type form struct {
	method   string
	action   *url.URL
	values   url.Values
	pressed  string
	labelled bool // the button pressed says Allow or the like
}

var (
	allowLabel = regexp.MustCompile(`(?i)\b(allow|authori[sz]e|approve|accept|grant|consent|continue|connect|yes)\b`)
	// denyLabel is a button a customer who allows never presses, whatever else it says ("Don't allow").
	denyLabel  = regexp.MustCompile(`(?i)\b(deny|decline|reject|refuse|cancel|don'?t|do not|not now|no|sign ?out|log ?out)\b`)
	typedInput = map[string]bool{"": true, "text": true, "email": true, "tel": true, "number": true, "search": true, "url": true}
)

// pressable is the form on p a customer presses to give consent without typing anything: its one
// submit button, or the one labelled Allow (or the like) beside Deny; of several forms (a consent
// and a sign-out, say), the one with such a button. nil when p is not HTML, has no such form, its
// form asks for a password or for text no field holds yet, or the page runs a script: a customer's
// browser runs it, and what it adds to the form (a token, the decision) this browser cannot know, so
// the consent is the customer's there.
func pressable(p *page) *form {
	if !p.html {
		return nil
	}
	doc, err := html.Parse(bytes.NewReader(p.body))
	if err != nil {
		return nil
	}
	var found []*form
	for f := range doc.Descendants() {
		if f.DataAtom == atom.Script {
			return nil
		}
		if f.DataAtom != atom.Form {
			continue
		}
		if fm := readForm(p.url, f); fm != nil {
			found = append(found, fm)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	var allow []*form
	for _, f := range found {
		if f.labelled {
			allow = append(allow, f)
		}
	}
	if len(allow) != 1 {
		return nil
	}
	return allow[0]
}

// readForm reads one form element; nil when it needs typing or has no button to press.
func readForm(base *url.URL, f *html.Node) *form {
	action, err := base.Parse(attr(f, "action"))
	if err != nil {
		return nil
	}
	method := strings.ToUpper(attr(f, "method"))
	if method != http.MethodPost {
		method = http.MethodGet
	}
	values := url.Values{}
	type button struct{ name, value, label string }
	var buttons []button
	for n := range f.Descendants() {
		name, value := attr(n, "name"), attr(n, "value")
		switch n.DataAtom {
		case atom.Input:
			switch typ := strings.ToLower(attr(n, "type")); {
			case typ == "password", typedInput[typ] && value == "" && !hasAttr(n, "readonly"):
				return nil // the customer types here: a sign-in, not a consent
			case typ == "submit" || typ == "image":
				buttons = append(buttons, button{name, value, value})
			case typ == "checkbox" || typ == "radio":
				if hasAttr(n, "checked") && name != "" {
					values.Add(name, or(value, "on"))
				}
			case typ != "button" && typ != "reset" && typ != "file" && name != "":
				values.Add(name, value)
			}
		case atom.Button:
			if t := strings.ToLower(attr(n, "type")); t == "" || t == "submit" {
				buttons = append(buttons, button{name, value, text(n)})
			}
		case atom.Textarea:
			if name != "" {
				values.Add(name, text(n))
			}
		}
	}
	chosen, labelled := -1, false
	for i, b := range buttons {
		if denyLabel.MatchString(b.label) {
			continue
		}
		if allowLabel.MatchString(b.label) || allowLabel.MatchString(b.value) {
			chosen, labelled = i, true
			break
		}
	}
	if chosen < 0 && len(buttons) == 1 && !denyLabel.MatchString(buttons[0].label) {
		chosen = 0
	}
	if chosen < 0 {
		return nil
	}
	b := buttons[chosen]
	if b.name != "" {
		values.Add(b.name, b.value)
	}
	if method == http.MethodGet {
		action.RawQuery = values.Encode()
	}
	return &form{method: method, action: action, values: values, pressed: b.label, labelled: labelled}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// excerpt is the start of a body, for a failure's reason.
func excerpt(body []byte) string {
	const most = 200
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > most {
		s = s[:most] + "…"
	}
	return fmt.Sprintf("%q", s)
}
