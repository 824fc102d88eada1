// Package smtptest runs a real SMTP server in-process for tests: the monitor
// speaks the whole SMTP conversation to it (EHLO, optional STARTTLS and AUTH,
// MAIL, RCPT, DATA) and tests assert on what arrived.
package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message as received.
type Mail struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded text
	Raw     string
}

// Options configure the server.
type Options struct {
	TLS      *tls.Config // offer STARTTLS with this config
	Username string      // require AUTH PLAIN with these credentials
	Password string
	Reject   string // refuse this recipient with a permanent 550
}

// Server is a loopback SMTP server whose mail is kept in memory.
type Server struct {
	opts Options

	mu     sync.Mutex
	addr   string
	srv    *smtp.Server
	ln     net.Listener
	mails  []Mail
	authed int // successful AUTHs, to prove credentials were used
	tlsed  int // sessions that ran STARTTLS before MAIL
}

// Start listens on 127.0.0.1 on a free port.
func Start(opts Options) (*Server, error) {
	s := &Server{opts: opts}
	if err := s.listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *Server) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = s.opts.TLS
	srv.AllowInsecureAuth = s.opts.TLS == nil
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = nopLogger{}
	s.mu.Lock()
	s.addr, s.srv, s.ln = l.Addr().String(), srv, l
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
	return nil
}

// Stop closes the server: connections to it are then refused.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// The listener is closed by hand too: Serve may not have registered
		// it with the server yet, and then Close alone would leave it open.
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Restart listens again on the same address after Stop, as a relay coming
// back would.
func (s *Server) Restart() error {
	s.mu.Lock()
	addr := s.addr
	s.mu.Unlock()
	var err error
	// The port was ours a moment ago; retry briefly in case the kernel has
	// not released it yet.
	for range 50 {
		if err = s.listen(addr); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("smtptest: cannot listen on %s again: %w", addr, err)
}

// Mails returns what was received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Authenticated counts successful AUTH exchanges; TLSSessions counts
// messages that arrived over STARTTLS.
func (s *Server) Authenticated() int { s.mu.Lock(); defer s.mu.Unlock(); return s.authed }
func (s *Server) TLSSessions() int   { s.mu.Lock(); defer s.mu.Unlock(); return s.tlsed }

type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.opts.Username || pass != x.s.opts.Password {
			return errors.New("invalid credentials")
		}
		x.authed = true
		x.s.mu.Lock()
		x.s.authed++
		x.s.mu.Unlock()
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.opts.Username != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == x.s.opts.Reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: x.from, To: append([]string(nil), x.to...), Raw: string(raw)}
	if msg, err := mail.ReadMessage(strings.NewReader(string(raw))); err == nil {
		m.Header = msg.Header
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	_, tlsed := x.conn.TLSConnectionState()
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, m)
	if tlsed {
		x.s.tlsed++
	}
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

type nopLogger struct{}

func (nopLogger) Printf(string, ...interface{}) {}
func (nopLogger) Println(...interface{})        {}
