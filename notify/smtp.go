package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends email through an SMTP server, as multipart text and HTML.
type SMTP struct {
	Host        string
	Port        int
	Username    string
	Password    string
	TLS         string // "required" (STARTTLS or fail), "opportunistic" or "off"; ignored with ImplicitTLS
	ImplicitTLS bool   // smtps://: TLS from the first byte
	From        string // "Name <address>" or a bare address
	TLSConfig   *tls.Config
	Timeout     time.Duration
}

// NewSMTP builds the provider from an smtp:// or smtps:// URL. A user and password in the URL
// are used unless user and password are given separately.
func NewSMTP(rawURL, user, password, startTLS, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("must be an address like smtp://mail.example.nhs.uk:587")
	}
	s := &SMTP{Host: u.Hostname(), Port: 587, TLS: startTLS, ImplicitTLS: u.Scheme == "smtps", From: from, Timeout: 30 * time.Second}
	if s.ImplicitTLS {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("port %q is not a number", p)
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if user != "" {
		s.Username = user
	}
	if password != "" {
		s.Password = password
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("the from address %q is not an email address", from)
	}
	return s, nil
}

// Name is "smtp".
func (s *SMTP) Name() string { return "smtp" }

// Send delivers m in one SMTP session and returns its Message-ID. A recipient the server refuses
// for good (a 5xx answer to RCPT TO) is a permanent failure.
func (s *SMTP) Send(ctx context.Context, m Message) (string, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return "", fmt.Errorf("smtp: from address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return "", Permanent(fmt.Errorf("smtp: recipient %q: %w", m.To, err))
	}
	id := s.messageID(m)
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	client, err := gomail.NewClient(s.Host, s.options()...)
	if err != nil {
		return "", fmt.Errorf("smtp: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() && se.ErrorCode() >= 500 {
			return "", Permanent(fmt.Errorf("smtp: %w", err))
		}
		return "", fmt.Errorf("smtp: %w", err)
	}
	return id, nil
}

func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.Timeout)}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	switch {
	case s.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.TLS == "off":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case s.TLS == "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.Username),
			gomail.WithPassword(s.Password))
	}
	return opts
}

// messageID derives a stable Message-ID from the hub's reference, so a message sent twice after a
// crash carries the same id and a bounce names the notification it belongs to.
func (s *SMTP) messageID(m Message) string {
	domain := "patienthub.invalid"
	if a, err := mail.ParseAddress(s.From); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			domain = a.Address[at+1:]
		}
	}
	ref := m.Ref
	if ref == "" {
		ref = m.To + "\x00" + m.Subject + "\x00" + m.Text
	}
	sum := sha256.Sum256([]byte(ref))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}
