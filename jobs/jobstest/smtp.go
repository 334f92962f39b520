// Package jobstest gives tests of background work a real SMTP server,
// running in the test process on 127.0.0.1, that keeps what it receives
// and can be told to refuse.
package jobstest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configure an SMTPServer; the zero value is a plain server
// without TLS or authentication.
type SMTPOptions struct {
	// TLS, when set, makes the server offer STARTTLS with this
	// configuration, or with ImplicitTLS speak TLS from the first byte.
	TLS         *tls.Config
	ImplicitTLS bool
	// Username and Password, when set, require AUTH PLAIN (offered only
	// over TLS) with exactly these before MAIL FROM.
	Username, Password string
}

// SMTPServer is an SMTP server for one test, closed when the test ends.
type SMTPServer struct {
	opts SMTPOptions
	srv  *smtp.Server
	port int

	mu         sync.Mutex
	received   []ReceivedMail
	rejectRcpt rejection
	rejectData rejection
	rejected   int
	// gate, while set, holds each message after its data until closed;
	// held counts the messages waiting at it.
	gate chan struct{}
	held int
}

// rejection is a refusal for the next n commands (n < 0: all of them).
type rejection struct {
	n     int
	reply *smtp.SMTPError
}

func (r *rejection) take() error {
	if r.n == 0 {
		return nil
	}
	if r.n > 0 {
		r.n--
	}
	return r.reply
}

// ReceivedMail is one message the server accepted, as it came in.
type ReceivedMail struct {
	From string
	To   []string
	Data []byte
}

// NewSMTPServer starts a server on 127.0.0.1 with a free port.
func NewSMTPServer(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	if opts.ImplicitTLS && opts.TLS == nil {
		t.Fatal("jobstest: ImplicitTLS needs a TLS configuration")
	}
	s := &SMTPServer{opts: opts}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.MaxRecipients = 10
	srv.TLSConfig = opts.TLS
	logger := &testLogger{t: t}
	srv.ErrorLog = logger
	s.srv = srv

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("jobstest: listen: %v", err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	if opts.ImplicitTLS {
		ln = tls.NewListener(ln, opts.TLS)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns when closed
	}()
	t.Cleanup(func() {
		// Let connections end, then stop logging: a connection goroutine
		// must not log after the test is over.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
		<-done
		logger.stop()
	})
	return s
}

// Host is the address the server listens on.
func (s *SMTPServer) Host() string { return "127.0.0.1" }

// Port is the port the server listens on.
func (s *SMTPServer) Port() int { return s.port }

// RejectRcpt makes the server refuse the next n RCPT TO commands (n < 0:
// all) with the reply code and text, e.g. 451 or 550.
func (s *SMTPServer) RejectRcpt(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectRcpt = rejection{n: n, reply: &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: text}}
}

// RejectData makes the server refuse the next n messages after DATA (n < 0:
// all) with the reply code and text; a refused message is not kept.
func (s *SMTPServer) RejectData(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectData = rejection{n: n, reply: &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: text}}
}

// Hold makes every message that arrives from now on wait, its data read
// but not yet answered, until release is called: a send in flight for
// as long as a test needs. A message whose client hangs up while it waits
// is not kept, as the server never accepted it. Held tells how many wait.
func (s *SMTPServer) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gate := make(chan struct{})
	s.gate = gate
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}

// Held counts the messages waiting for Hold's release.
func (s *SMTPServer) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// Rejected counts the commands the server has refused on purpose.
func (s *SMTPServer) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Messages returns what the server has accepted so far.
func (s *SMTPServer) Messages() []ReceivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ReceivedMail(nil), s.received...)
}

// WaitForMessages waits until the server has accepted at least n messages
// and returns them all; it fails the test after timeout.
func (s *SMTPServer) WaitForMessages(t testing.TB, n int, timeout time.Duration) []ReceivedMail {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := s.Messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobstest: SMTP server received %d messages in %s, want %d", len(got), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type smtpSession struct {
	server *SMTPServer
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.server.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if ss.server.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != ss.server.opts.Username || password != ss.server.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.server.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := ss.server
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.rejectRcpt.take(); err != nil {
		s.rejected++
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.server
	s.mu.Lock()
	gate := s.gate
	if gate != nil {
		s.held++
	}
	s.mu.Unlock()
	gone := false
	if gate != nil {
		<-gate
		gone = ss.clientGone()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gate != nil {
		s.held-- // with the message kept or not: Held is 0 once decided
	}
	if gone {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "client gone before the message was accepted"}
	}
	if err := s.rejectData.take(); err != nil {
		s.rejected++
		return err
	}
	s.received = append(s.received, ReceivedMail{From: ss.from, To: append([]string(nil), ss.to...), Data: data})
	return nil
}

// clientGone reports whether the client has hung up: while it waits for
// the answer to its data it sends nothing, so a read ends at once with an
// error only when the connection is closed.
func (ss *smtpSession) clientGone() bool {
	c := ss.conn.Conn()
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	defer c.SetReadDeadline(time.Time{})
	var b [1]byte
	_, err := c.Read(b[:])
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }

// testLogger writes the server's errors to the test log until stopped.
type testLogger struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("smtp server: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) { l.Printf("%s", fmt.Sprintln(v...)) }

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

// ParsedMail is a received message taken apart.
type ParsedMail struct {
	Header mail.Header
	// Subject is decoded from its MIME encoded-words.
	Subject string
	// ContentType is the top-level media type, e.g. multipart/alternative.
	ContentType string
	// Text and HTML are the decoded text/plain and text/html parts.
	Text, HTML string
}

// Parse reads the message's headers and its text and HTML parts, decoding
// quoted-printable and base64 bodies.
func (m ReceivedMail) Parse() (ParsedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ParsedMail{}, fmt.Errorf("read message: %w", err)
	}
	p := ParsedMail{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return p, fmt.Errorf("subject: %w", err)
	}
	p.ContentType, _, _ = mime.ParseMediaType(msg.Header.Get("Content-Type"))
	err = p.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return p, err
}

// walk collects text parts, descending into nested multiparts.
func (p *ParsedMail) walk(contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			// NextPart already decodes quoted-printable and drops the header.
			if err := p.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineStripper{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s body: %w", mediaType, err)
	}
	switch mediaType {
	case "text/plain":
		p.Text = string(b)
	case "text/html":
		p.HTML = string(b)
	}
	return nil
}

// newlineStripper drops line breaks, which the base64 decoder rejects.
type newlineStripper struct{ r io.Reader }

func (n *newlineStripper) Read(b []byte) (int, error) {
	for {
		k, err := n.r.Read(b)
		j := 0
		for _, c := range b[:k] {
			if c != '\r' && c != '\n' {
				b[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// SelfSignedTLS returns a server configuration with a fresh certificate for
// 127.0.0.1 and localhost, and a pool that trusts it, for clients.
func SelfSignedTLS(t testing.TB) (server *tls.Config, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "jobstest SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}, roots
}
