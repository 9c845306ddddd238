package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// mailServer is a real SMTP server in the test process that keeps what it receives.
type mailServer struct {
	mu       sync.Mutex
	received []received
	refuse   map[string]*smtp.SMTPError // recipient → answer to RCPT TO
	user     string
	password string
	addr     string
}

type received struct {
	from string
	to   []string
	data []byte
	auth string
}

type mailSession struct {
	srv  *mailServer
	cur  received
	tls  bool
	conn *smtp.Conn
}

func (s *mailServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailSession{srv: s, conn: c}, nil
}

func (m *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (m *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != m.srv.user || password != m.srv.password {
			return errors.New("invalid credentials")
		}
		m.cur.auth = username
		return nil
	}), nil
}
func (m *mailSession) Mail(from string, opts *smtp.MailOptions) error {
	if m.srv.user != "" && m.cur.auth == "" {
		return smtp.ErrAuthRequired
	}
	m.cur.from = from
	return nil
}
func (m *mailSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if e := m.srv.refuse[to]; e != nil {
		return e
	}
	m.cur.to = append(m.cur.to, to)
	return nil
}
func (m *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.cur.data = b
	m.srv.mu.Lock()
	m.srv.received = append(m.srv.received, m.cur)
	m.srv.mu.Unlock()
	return nil
}
func (m *mailSession) Reset()        { m.cur = received{auth: m.cur.auth} }
func (m *mailSession) Logout() error { return nil }

// startMailServer listens on a free local port; tlsConfig enables STARTTLS.
func startMailServer(t *testing.T, ms *mailServer, tlsConfig *tls.Config) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(ms)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.TLSConfig = tlsConfig
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ms.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
}

// selfSigned returns a server certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

func TestSMTPSendsMultipartTextAndHTML(t *testing.T) {
	// Credentials only ever travel inside STARTTLS.
	serverTLS, pool := selfSigned(t)
	ms := &mailServer{user: "hub", password: "s3cret pass"}
	startMailServer(t, ms, serverTLS)
	p, err := notify.NewSMTP("smtp://hub:s3cret%20pass@"+ms.addr, "", "", "required", "Patient Hub <no-reply@hub.example.nhs.uk>")
	if err != nil {
		t.Fatal(err)
	}
	p.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	m := notify.Message{Channel: store.ChannelEmail, To: "amelia.clarke@example.com", Subject: "Test Hospital: you have a new letter",
		Text: "You have a new letter. Read it at https://hub.example/\n\nUser Verification Code: K7Q2XRPA",
		HTML: `<p>You have a new letter. Read it at <a href="https://hub.example/">https://hub.example/</a></p>`, Ref: "letter:5:invite"}
	ref, err := p.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.received) != 1 {
		t.Fatalf("%d messages received", len(ms.received))
	}
	got := ms.received[0]
	if got.auth != "hub" || got.from != "no-reply@hub.example.nhs.uk" || len(got.to) != 1 || got.to[0] != "amelia.clarke@example.com" {
		t.Fatalf("envelope: %+v", got)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got.data)))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Subject") != m.Subject || msg.Header.Get("Message-Id") != "<"+ref+">" || !strings.HasSuffix(ref, "@hub.example.nhs.uk") {
		t.Fatalf("headers: %v (ref %s)", msg.Header, ref)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body, _ := io.ReadAll(part) // multipart.Reader undoes quoted-printable
		parts[ct] = string(body)
	}
	if !strings.Contains(parts["text/plain"], "User Verification Code: K7Q2XRPA") || !strings.Contains(parts["text/html"], `<a href="https://hub.example/">`) {
		t.Fatalf("parts: %v", parts)
	}
	// The same notification sent again carries the same Message-ID.
	if again, _ := p.Send(context.Background(), m); again != ref {
		t.Errorf("Message-ID changed on resend: %s then %s", ref, again)
	}
}

func TestSMTPRefusals(t *testing.T) {
	ms := &mailServer{refuse: map[string]*smtp.SMTPError{
		"gone@example.com": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		"full@example.com": {Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"},
	}}
	startMailServer(t, ms, nil)
	p, err := notify.NewSMTP("smtp://"+ms.addr, "", "", "opportunistic", "no-reply@hub.example.nhs.uk")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Send(context.Background(), notify.Message{To: "gone@example.com", Subject: "s", Text: "t"})
	if !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("550 on RCPT TO: %v, want a permanent failure", err)
	}
	_, err = p.Send(context.Background(), notify.Message{To: "full@example.com", Subject: "s", Text: "t"})
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("452 on RCPT TO: %v, want a failure worth retrying", err)
	}
	down, _ := notify.NewSMTP("smtp://127.0.0.1:1", "", "", "off", "no-reply@hub.example.nhs.uk")
	if _, err := down.Send(context.Background(), notify.Message{To: "a@example.com", Text: "t"}); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("server down: %v, want a failure worth retrying", err)
	}
}

func TestSMTPStartTLS(t *testing.T) {
	serverTLS, pool := selfSigned(t)
	withTLS, plain := &mailServer{}, &mailServer{}
	startMailServer(t, withTLS, serverTLS)
	startMailServer(t, plain, nil)
	p, _ := notify.NewSMTP("smtp://"+withTLS.addr, "", "", "required", "no-reply@hub.example.nhs.uk")
	p.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if _, err := p.Send(context.Background(), notify.Message{To: "a@example.com", Subject: "s", Text: "t"}); err != nil || len(withTLS.received) != 1 {
		t.Fatalf("STARTTLS: %v", err)
	}
	q, _ := notify.NewSMTP("smtp://"+plain.addr, "", "", "required", "no-reply@hub.example.nhs.uk")
	if _, err := q.Send(context.Background(), notify.Message{To: "a@example.com", Subject: "s", Text: "t"}); err == nil || len(plain.received) != 0 {
		t.Fatalf("STARTTLS required against a server without it: %v, %d received", err, len(plain.received))
	}
	sep, err := notify.NewSMTP("smtp://url-user:url-pass@mail.example.com", "hub", "separate pass", "required", "a@example.com")
	if err != nil || sep.Username != "hub" || sep.Password != "separate pass" || sep.Port != 587 || sep.ImplicitTLS {
		t.Errorf("separate user and password: %+v %v", sep, err)
	}
	if tlsFirst, err := notify.NewSMTP("smtps://mail.example.com", "", "", "required", "a@example.com"); err != nil || !tlsFirst.ImplicitTLS || tlsFirst.Port != 465 {
		t.Errorf("smtps: %+v %v", tlsFirst, err)
	}
	for _, bad := range []string{"mail.example.com:25", "http://mail.example.com", "smtp://"} {
		if _, err := notify.NewSMTP(bad, "", "", "required", "a@example.com"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
