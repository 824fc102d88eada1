package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

const minimal = `
smtp:
  host: 127.0.0.1
  from: monitor@platform.test
  starttls: false
endpoints:
  - name: acme
    url: http://127.0.0.1:8080/health
    alert_to: [ops@acme.test]
`

func TestDefaults(t *testing.T) {
	c, err := Parse("/etc/accord/monitor.yaml", []byte(minimal), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Interval != 5*time.Minute || c.Timeout != 10*time.Second || c.Threshold != 3 || c.Reminder != 0 ||
		!c.SendRecovery || c.Concurrency != 5000 || c.Listen != "127.0.0.1:9110" {
		t.Errorf("defaults: %+v", c)
	}
	if c.State != "/etc/accord/monitor.db" {
		t.Errorf("state %q", c.State)
	}
	if c.SMTP.Port != 25 || c.SMTP.StartTLS || c.SMTP.Timeout != 30*time.Second {
		t.Errorf("smtp defaults: %+v", c.SMTP)
	}
	if ep := c.Endpoints[0]; ep.Method != "GET" || len(ep.AlertTo) != 1 {
		t.Errorf("endpoint: %+v", ep)
	}
}

func TestExampleFixture(t *testing.T) {
	path := filepath.Join("..", "..", "..", "fixtures", "monitor", "monitor.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(path, data, env(map[string]string{"SMTP_PASSWORD": "pw"}))
	if err != nil {
		t.Fatalf("the documented example does not load:\n%v", err)
	}
	if c.SMTP.Password != "pw" || !c.SMTP.StartTLS || c.SMTP.Port != 587 || len(c.Endpoints) != 2 {
		t.Errorf("%+v", c)
	}
	if got := c.Endpoints[1].AlertTo; len(got) != 1 || got[0] != "integrations@platform.example" {
		t.Errorf("default recipients not applied: %v", got)
	}
	if c.Endpoints[1].BearerToken != "" || c.Endpoints[1].Method != "HEAD" {
		t.Errorf("%+v", c.Endpoints[1])
	}
}

func TestEnvironment(t *testing.T) {
	src := strings.Replace(minimal, "host: 127.0.0.1", "host: ${SMTP_HOST}\n  port: ${SMTP_PORT}\n  username: u\n  password: \"${SMTP_PASSWORD}\"", 1)
	c, err := Parse("m.yaml", []byte(src), env(map[string]string{"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "2525", "SMTP_PASSWORD": "p$w:rd"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "127.0.0.1" || c.SMTP.Port != 2525 || c.SMTP.Password != "p$w:rd" {
		t.Errorf("%+v", c.SMTP)
	}
}

func TestErrorsNameFileLineFieldAndProblem(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		env  map[string]string
		want []string
	}{
		{"unset secret", func(s string) string {
			return strings.Replace(s, "starttls: false", "starttls: false\n  username: u\n  password: ${SMTP_PASSWORD}", 1)
		}, nil, []string{"m.yaml:7: smtp.password: environment variable SMTP_PASSWORD is not set"}},
		{"unknown field", func(s string) string { return strings.Replace(s, "    url:", "    urll: x\n    url:", 1) },
			nil, []string{"m.yaml:8: endpoints[0].urll: unknown field (known here: name, url, method, headers, bearer_token, alert_to)"}},
		{"bad duration", func(s string) string { return "interval: fast\n" + s }, nil,
			[]string{`m.yaml:1: interval: "fast" is not a duration (use e.g. 30s, 5m, 1h)`}},
		{"bad int", func(s string) string { return "threshold: three\n" + s }, nil,
			[]string{`m.yaml:1: threshold: "three" is not a whole number`}},
		{"timeout not below interval", func(s string) string { return "interval: 1m\ntimeout: 1m\n" + s }, nil,
			[]string{"m.yaml:2: timeout: must be shorter than the interval (1m0s), got 1m0s"}},
		{"threshold range", func(s string) string { return "threshold: 0\n" + s }, nil,
			[]string{"m.yaml:1: threshold: must be between 1 and 100, got 0"}},
		{"bad url", func(s string) string { return strings.Replace(s, "http://127.0.0.1:8080/health", "ftp://x", 1) }, nil,
			[]string{`m.yaml:8: endpoints[0].url: must be an absolute http:// or https:// URL, got "ftp://x"`}},
		{"duplicate names", func(s string) string {
			return s + "  - name: acme\n    url: http://127.0.0.1:9/\n    alert_to: [a@b.test]\n"
		}, nil, []string{`m.yaml:10: endpoints[1].name: "acme" is already the name of endpoints[0]`}},
		{"no recipients", func(s string) string { return strings.Replace(s, "    alert_to: [ops@acme.test]\n", "", 1) }, nil,
			[]string{"endpoints[0].alert_to: no recipients"}},
		{"bad recipient", func(s string) string { return strings.Replace(s, "ops@acme.test", "not an address", 1) }, nil,
			[]string{`m.yaml:9: endpoints[0].alert_to[0]: "not an address" is not an e-mail address`}},
		{"auth in clear to a remote relay", func(s string) string {
			return strings.Replace(s, "host: 127.0.0.1", "host: smtp.example.com\n  username: u\n  password: p", 1)
		}, nil, []string{"smtp.starttls: is false but smtp.username is set"}},
		{"missing smtp", func(s string) string { return s[strings.Index(s, "endpoints:"):] }, nil,
			[]string{"m.yaml: smtp.host: is required", "m.yaml: smtp.from: is required"}},
		{"no endpoints", func(s string) string { return s[:strings.Index(s, "endpoints:")] }, nil,
			[]string{"m.yaml: endpoints: at least one endpoint is needed"}},
		{"not yaml", func(string) string { return "endpoints: [\n" }, nil, []string{"m.yaml:"}},
		{"empty", func(string) string { return "" }, nil, []string{"m.yaml: file is empty"}},
		{"list expected", func(s string) string { return strings.Replace(s, "[ops@acme.test]", "{a: b}", 1) }, nil,
			[]string{"m.yaml:9: endpoints[0].alert_to: must be a list"}},
		{"header injection", func(s string) string {
			return strings.Replace(s, "    alert_to:", "    headers: {X-A: \"a\\r\\nEvil: 1\"}\n    alert_to:", 1)
		}, nil, []string{"endpoints[0].headers.X-A: must be one line"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tc.edit(minimal)), env(tc.env))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml: cannot read: no such file or directory") {
		t.Errorf("got %v", err)
	}
}

// FuzzParse: whatever the file holds, Parse answers with a config or an
// *Error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("interval: ${X:-5m}\nendpoints: [{name: a, url: 'http://h/', headers: {A: b}}]"))
	f.Add([]byte("smtp: [1, 2]\nendpoints: {a: b}\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("reminder: 0\nthreshold: 1e9\nlisten: ':'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data, env(map[string]string{"X": "1m"}))
		if (c == nil) == (err == nil) {
			t.Fatalf("config %v and error %v", c, err)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}
