package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP sends messages over one SMTP conversation each: connect, EHLO,
// STARTTLS and AUTH when configured, MAIL/RCPT/DATA, QUIT.
type SMTP struct {
	Addr     string // host:port
	From     string // envelope sender and From header; "Name <addr>" allowed
	Username string // AUTH PLAIN when set
	Password string
	StartTLS bool        // require STARTTLS before anything else is said
	TLS      *tls.Config // nil: verify against system roots for the host
	Timeout  time.Duration
}

// Send implements Notifier.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return PermanentError{fmt.Errorf("smtp from %q: %w", s.From, err)}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// SMTP is real network I/O with a real server, so its deadline is real
	// time; closing the connection is the one way to interrupt go-smtp at any
	// stage of the conversation.
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp connect %s: %w", s.Addr, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	var c *smtp.Client
	if s.StartTLS {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg = cfg.Clone()
			cfg.ServerName, _, _ = net.SplitHostPort(s.Addr)
		}
		if c, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			_ = conn.Close()
			return s.wrap("STARTTLS", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("smtp %s: server does not offer AUTH", s.Addr)
		}
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return s.wrap("AUTH", err)
		}
	}
	raw, err := Render(m, s.From)
	if err != nil {
		return PermanentError{err}
	}
	if err := c.SendMail(from.Address, m.To, bytes.NewReader(raw)); err != nil {
		return s.wrap("send", err)
	}
	// The message is accepted once DATA is acknowledged; a failed QUIT does
	// not make it undelivered, so its error is ignored on purpose.
	_ = c.Quit()
	return nil
}

// wrap keeps 5xx replies permanent (except auth failures, which an operator
// fixes by editing the config and restarting: the message must survive that).
func (s *SMTP) wrap(stage string, err error) error {
	err = fmt.Errorf("smtp %s %s: %w", s.Addr, stage, err)
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && stage == "send" {
		return PermanentError{err}
	}
	return err
}

// Render produces the RFC 5322 text of m: headers encoded so that partner
// names cannot inject header lines, body in quoted-printable so long excerpt
// lines and non-ASCII survive any relay.
func Render(m Message, from string) ([]byte, error) {
	if len(m.To) == 0 {
		return nil, errors.New("message has no recipients")
	}
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	hdr("From", fromAddr.String())
	to := make([]string, 0, len(m.To))
	for _, t := range m.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("recipient %q: %w", t, err)
		}
		to = append(to, a.String())
	}
	hdr("To", strings.Join(to, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	hdr("Date", m.Created.UTC().Format(time.RFC1123Z))
	domain := "accord.invalid"
	if i := strings.LastIndexByte(fromAddr.Address, '@'); i >= 0 {
		domain = fromAddr.Address[i+1:]
	}
	hdr("Message-ID", "<"+oneLine(m.ID)+"@"+domain+">")
	hdr("X-Accord-Endpoint", mime.QEncoding.Encode("utf-8", oneLine(m.Endpoint)))
	hdr("X-Accord-Event", string(m.Kind))
	hdr("Auto-Submitted", "auto-generated")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r < 0x20 {
			return ' '
		}
		return r
	}, s)
}

// Addr joins host and port for Dial.
func Addr(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
