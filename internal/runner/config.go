package runner

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/accord-harness/accord/internal/yamlkeys"
)

// PartnerConfig is the partner section of a config file: where the partner's
// driver listens, and how the mock platform is exposed to the partner.
type PartnerConfig struct {
	Name string `yaml:"name"`
	// DriverURL is the base URL of the partner driver contract.
	DriverURL string `yaml:"driver_url"`
	// Timeout bounds every driver call but actions.
	Timeout time.Duration `yaml:"timeout"`
	// ActionTimeout bounds an action (activate, sync, a staff action): under
	// the platform's rate limits a clinic's activation may take minutes.
	ActionTimeout time.Duration `yaml:"action_timeout"`
	// MockListen is where accord's mock platform listens (default 127.0.0.1:0).
	MockListen string `yaml:"mock_listen"`
	// MockURL is how the partner reaches the mock, when that differs from
	// the listen address (a container reaching the host).
	MockURL string `yaml:"mock_url"`
	// NotificationModel is push or pull: how the partner takes notifications.
	// It is the capability notification_model, kept as a key of its own for
	// the config files written before capabilities.
	NotificationModel string `yaml:"notification_model"`
	// Capabilities are the partner's choices where the platform leaves one
	// (name: value); the platform lists its own (accord capabilities).
	Capabilities map[string]string `yaml:"capabilities"`
}

// File is a whole config file.
type File struct {
	Platform string        `yaml:"platform"`
	Partner  PartnerConfig `yaml:"partner"`
	Checks   struct {
		LatencyBudget time.Duration `yaml:"latency_budget"`
	} `yaml:"checks"`
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// LoadFile reads and checks a config file. ${VAR} takes a value from the
// environment, so secrets stay out of the file; an unset variable is an
// error. Unknown keys are errors too: a typo must not pass silently.
func LoadFile(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return ParseFile(path, raw)
}

// ParseFile is LoadFile on bytes; path only names the file in errors.
func ParseFile(path string, raw []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("config %s%s", path, yamlMessage(err.Error()))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("config %s: empty file", path)
	}
	// Expand ${VAR} in values only, never in comments or keys, and name
	// every unknown key with its line and the keys known there.
	var missing []string
	unknown := yamlkeys.Walk(&doc, reflect.TypeOf(File{}), func(n *yaml.Node, _ string, _ reflect.Type) {
		if n.Kind == yaml.ScalarNode {
			expand(n, &missing)
		}
	})
	if len(unknown) > 0 {
		return nil, unknown[0].In("config " + path)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("config %s: environment variables not set: %s", path, strings.Join(missing, ", "))
	}
	var f File
	if err := doc.Decode(&f); err != nil {
		return nil, fmt.Errorf("config %s%s", path, yamlMessage(err.Error()))
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &f, nil
}

var yamlLine = regexp.MustCompile(`(?:yaml: )?(?:unmarshal errors:\s*)?line (\d+): (.*)$`)

// yamlWords put yaml.v3's type errors in the user's terms.
var yamlWords = []yamlkeys.Reword{
	yamlkeys.Duration,
	{Contains: "into map[string]string", Say: "must be a mapping of name: value"},
	{Contains: "into string", Say: "must be a single value"},
	{Contains: "cannot unmarshal", Say: "must be a mapping"},
}

// yamlMessage puts a yaml.v3 message in the user's terms, as ":LINE: what".
func yamlMessage(msg string) string {
	line, text, ok := yamlkeys.Line(yamlLine, msg, yamlWords)
	if !ok {
		return ": " + strings.TrimPrefix(msg, "yaml: ")
	}
	return ":" + strconv.Itoa(line) + ": " + text
}

// expand replaces ${VAR} in a scalar from the environment.
func expand(n *yaml.Node, missing *[]string) {
	n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
		name := envRef.FindStringSubmatch(m)[1]
		v, ok := os.LookupEnv(name)
		if !ok {
			*missing = append(*missing, name)
		}
		return v
	})
}

func (f *File) check() error {
	p := f.Partner
	if p.DriverURL == "" {
		return errors.New("partner.driver_url is required: the base URL of the partner's driver (see internal/driver/openapi.yaml)")
	}
	if err := httpURL(p.DriverURL); err != nil {
		return fmt.Errorf("partner.driver_url: %w", err)
	}
	if p.MockURL != "" {
		if err := httpURL(p.MockURL); err != nil {
			return fmt.Errorf("partner.mock_url: %w", err)
		}
	}
	switch p.NotificationModel {
	case "", "push", "pull":
	default:
		return fmt.Errorf("partner.notification_model %q: want push or pull", p.NotificationModel)
	}
	if p.NotificationModel != "" {
		if c, ok := p.Capabilities["notification_model"]; ok && c != p.NotificationModel {
			return fmt.Errorf("partner.notification_model %q and partner.capabilities.notification_model %q disagree", p.NotificationModel, c)
		}
		if f.Partner.Capabilities == nil {
			f.Partner.Capabilities = map[string]string{}
		}
		f.Partner.Capabilities["notification_model"] = p.NotificationModel
	}
	if p.Timeout < 0 || p.ActionTimeout < 0 || f.Checks.LatencyBudget < 0 {
		return errors.New("durations must not be negative")
	}
	return nil
}

func httpURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
