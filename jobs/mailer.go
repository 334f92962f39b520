package jobs

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"
)

// Mailer sends one e-mail: a plain-text body and, when html is not empty,
// an HTML alternative. The e-mail worker is its consumer; SMTPMailer is the
// implementation Kamrat runs with.
//
// Send returns nil only when the server has accepted the message. An error
// wrapping ErrRecipientRefused means sending it again cannot succeed.
type Mailer interface {
	Send(ctx context.Context, to, subject, text, html string) error
}

// ErrRecipientRefused means the recipient address is malformed or the SMTP
// server refused it permanently (a 5xx reply to RCPT TO).
var ErrRecipientRefused = errors.New("recipient address refused")

// SMTPTLSPolicy says how a connection to the SMTP server is encrypted.
type SMTPTLSPolicy string

const (
	// SMTPStartTLS upgrades the connection with STARTTLS and refuses to send
	// when the server does not offer it. The default.
	SMTPStartTLS SMTPTLSPolicy = "starttls"
	// SMTPOpportunisticTLS uses STARTTLS when the server offers it and sends
	// in clear otherwise; authentication then uses no clear-text password.
	SMTPOpportunisticTLS SMTPTLSPolicy = "opportunistic"
	// SMTPImplicitTLS connects with TLS from the first byte (SMTPS, port 465).
	SMTPImplicitTLS SMTPTLSPolicy = "tls"
	// SMTPNoTLS never encrypts: only for a relay on the same host or a
	// trusted network, and never with a password.
	SMTPNoTLS SMTPTLSPolicy = "none"
)

// ParseSMTPTLSPolicy reads a policy from configuration; "" is SMTPStartTLS.
func ParseSMTPTLSPolicy(s string) (SMTPTLSPolicy, error) {
	switch p := SMTPTLSPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return SMTPStartTLS, nil
	case SMTPStartTLS, SMTPOpportunisticTLS, SMTPImplicitTLS, SMTPNoTLS:
		return p, nil
	}
	return "", fmt.Errorf("smtp: unknown TLS policy %q; use starttls, opportunistic, tls or none", s)
}

// DefaultSMTPTimeout bounds connecting to the server and each SMTP command.
const DefaultSMTPTimeout = 15 * time.Second

// SMTPConfig says how to reach the SMTP server that relays Kamrat's e-mail.
type SMTPConfig struct {
	Host string
	// Port 0 means 465 with SMTPImplicitTLS, 25 with SMTPNoTLS, else 587.
	Port int
	// Username and Password authenticate (both or neither); the strongest
	// mechanism the server offers is chosen.
	Username string
	Password string
	// From is the sender, e.g. "Kamrat <noreply@kamrat.example>".
	From string
	// TLS is the encryption policy; "" means SMTPStartTLS.
	TLS SMTPTLSPolicy
	// TLSConfig overrides the TLS settings, e.g. to trust a private CA;
	// nil means the system roots. ServerName defaults to Host, and the
	// minimum version is never below TLS 1.2.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each command; 0 means
	// DefaultSMTPTimeout.
	Timeout time.Duration
}

// String describes the configuration without the password, for logs.
func (c SMTPConfig) String() string {
	auth := "no auth"
	if c.Username != "" {
		auth = "user " + c.Username
	}
	return fmt.Sprintf("smtp %s:%d (%s, %s) from %s", c.Host, c.port(), c.tlsPolicy(), auth, c.From)
}

func (c SMTPConfig) tlsPolicy() SMTPTLSPolicy {
	p, err := ParseSMTPTLSPolicy(string(c.TLS))
	if err != nil {
		return c.TLS // reported by Validate
	}
	return p
}

func (c SMTPConfig) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.tlsPolicy() == SMTPImplicitTLS:
		return 465
	case c.tlsPolicy() == SMTPNoTLS:
		return 25
	}
	return 587
}

// Validate reports every problem with the configuration at once.
func (c SMTPConfig) Validate() error {
	var errs []error
	switch host := strings.TrimSpace(c.Host); {
	case host == "":
		errs = append(errs, errors.New("smtp: host is required"))
	case strings.ContainsAny(host, ":/ ") && !strings.HasPrefix(host, "["):
		errs = append(errs, fmt.Errorf("smtp: host %q must be a bare host name or address; give the port separately", c.Host))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp: port %d is outside 1–65535", c.Port))
	}
	if strings.TrimSpace(c.From) == "" {
		errs = append(errs, errors.New("smtp: the sender (from) address is required"))
	} else if _, err := netmail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("smtp: sender %q is not an e-mail address: %v", c.From, err))
	}
	if _, err := ParseSMTPTLSPolicy(string(c.TLS)); err != nil {
		errs = append(errs, err)
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, errors.New("smtp: give both a username and a password, or neither"))
	}
	if c.Username != "" && c.tlsPolicy() == SMTPNoTLS {
		errs = append(errs, errors.New("smtp: a password must not travel unencrypted; use TLS policy starttls or tls"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("smtp: timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}

// SMTPMailer sends e-mail through an SMTP server, one connection per
// message. It is safe for concurrent use.
type SMTPMailer struct {
	client      *mail.Client
	from        *netmail.Address
	fromDomain  string
	implicitTLS bool
	tlsConfig   *tls.Config
}

// NewSMTPMailer checks cfg and returns a mailer for it. It does not connect:
// an unreachable server shows up when the first message is sent.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, _ := netmail.ParseAddress(cfg.From) // checked by Validate
	// go-mail joins host and port itself, so an IPv6 literal keeps its
	// brackets here and loses them only as the TLS server name.
	host := strings.TrimSpace(cfg.Host)
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultSMTPTimeout
	}
	tlsCfg := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsCfg = cfg.TLSConfig.Clone()
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = strings.Trim(host, "[]")
	}
	if tlsCfg.MinVersion < tls.VersionTLS12 {
		tlsCfg.MinVersion = tls.VersionTLS12
	}
	m := &SMTPMailer{from: from, implicitTLS: cfg.tlsPolicy() == SMTPImplicitTLS, tlsConfig: tlsCfg}
	_, m.fromDomain, _ = strings.Cut(from.Address, "@")
	opts := []mail.Option{
		mail.WithPort(cfg.port()),
		mail.WithTimeout(timeout),
		mail.WithTLSConfig(tlsCfg),
		mail.WithDialContextFunc(m.dial),
		// One message per connection: no RSET between messages needed.
		mail.WithoutRset(),
	}
	switch cfg.tlsPolicy() {
	case SMTPStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case SMTPOpportunisticTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case SMTPImplicitTLS:
		// m.dial speaks TLS from the start; with the opportunistic policy
		// go-mail sees the connection is encrypted (which it must know to
		// allow PLAIN or LOGIN) and, as no server offers STARTTLS inside
		// TLS, does not try to upgrade it.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case SMTPNoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		// Auto-discovery picks the strongest mechanism the server offers,
		// and uses PLAIN or LOGIN only over an encrypted connection.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	client, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	m.client = client
	return m, nil
}

// dial opens the connection for one Send and records it there, so that
// Send can close it: go-mail leaves a connection open when the greeting,
// STARTTLS or authentication fails.
func (m *SMTPMailer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if m.implicitTLS {
		tc := tls.Client(conn, m.tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	if opened, ok := ctx.Value(openedConnsKey{}).(*openedConns); ok {
		opened.add(conn)
	}
	return conn, nil
}

type openedConnsKey struct{}

// openedConns are the connections one Send opened.
type openedConns struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (o *openedConns) add(c net.Conn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.conns = append(o.conns, c)
}

func (o *openedConns) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range o.conns {
		c.Close() // after QUIT already closed; the error says so
	}
}

// Send delivers one message. It returns nil once the server has accepted
// it, an error wrapping ErrRecipientRefused when the address is malformed
// or permanently refused, and another error (temporary or not) otherwise.
func (m *SMTPMailer) Send(ctx context.Context, to, subject, text, html string) error {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(m.from)
	if err := msg.To(to); err != nil {
		return fmt.Errorf("%w: %w", ErrRecipientRefused, err)
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(randomToken() + "@" + m.fromDomain)
	// RFC 3834: machine-sent; auto-responders should not answer.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, text)
	if html != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, html)
	}

	opened := &openedConns{}
	defer opened.close()
	// go-mail does not watch ctx once connected: a server that stops
	// answering would hold the job past its timeout and a shutdown's grace
	// period. Closing the connection ends the exchange when ctx ends.
	defer context.AfterFunc(ctx, opened.close)()
	err := m.client.DialAndSendWithContext(context.WithValue(ctx, openedConnsKey{}, opened), msg)
	if err == nil || msg.IsDelivered() {
		// Accepted; a failure after that (closing the connection) must
		// not make the caller send the message again.
		return nil
	}
	var sendErr *mail.SendError
	if errors.As(err, &sendErr) && sendErr.Reason == mail.ErrSMTPRcptTo && sendErr.ErrorCode() >= 500 {
		return fmt.Errorf("%w: %w", ErrRecipientRefused, err)
	}
	return err
}

// smtpFailureSummary describes a send error without the server's text,
// which may repeat the recipient's address: fit for job queues and logs
// that must hold no personal data.
func smtpFailureSummary(err error) string {
	var sendErr *mail.SendError
	if errors.As(err, &sendErr) {
		kind := "permanent"
		if sendErr.IsTemp() {
			kind = "temporary"
		}
		s := "SMTP " + kind + " failure " + sendErr.Reason.String()
		if code := sendErr.ErrorCode(); code != 0 {
			s += " (reply " + strconv.Itoa(code)
			if esc := sendErr.EnhancedStatusCode(); esc != "" {
				s += " " + esc
			}
			s += ")"
		}
		return s
	}
	switch {
	case errors.Is(err, ErrRecipientRefused):
		return "recipient address refused"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "sending failed (connection, TLS or authentication)"
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
