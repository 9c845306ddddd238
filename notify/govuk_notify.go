package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// NotifyProviderName is the provider name GOV.UK Notify's messages are recorded under.
const NotifyProviderName = "govuk_notify"

// DefaultNotifyBaseURL is GOV.UK Notify's API.
const DefaultNotifyBaseURL = "https://api.notifications.service.gov.uk"

// GovNotify is a small client of the GOV.UK Notify API: texts and emails through one template each
// whose content is ((subject)) and ((body)), and precompiled PDF letters.
type GovNotify struct {
	BaseURL       string
	ServiceID     string
	SMSTemplate   string
	EmailTemplate string
	Postage       string // "second" unless set
	HTTP          *http.Client
	Now           func() time.Time
	secret        []byte
}

// ParseNotifyKey splits an API key "name-serviceid-secret" into the service id and the secret.
// The key's name may itself contain hyphens, so the two UUIDs are taken from the end.
func ParseNotifyKey(key string) (serviceID, secret string, err error) {
	const uuidLen = 36
	if len(key) < 2*uuidLen+1 || key[len(key)-uuidLen-1] != '-' {
		return "", "", fmt.Errorf("a GOV.UK Notify API key looks like name-<service id>-<secret>")
	}
	secret = key[len(key)-uuidLen:]
	serviceID = key[len(key)-2*uuidLen-1 : len(key)-uuidLen-1]
	if strings.Count(secret, "-") != 4 || strings.Count(serviceID, "-") != 4 {
		return "", "", fmt.Errorf("a GOV.UK Notify API key ends with two UUIDs: the service id and the secret")
	}
	return serviceID, secret, nil
}

// NewGovNotify returns a client for the API key, at baseURL (empty for the real service).
func NewGovNotify(apiKey, baseURL, smsTemplate, emailTemplate string) (*GovNotify, error) {
	service, secret, err := ParseNotifyKey(apiKey)
	if err != nil {
		return nil, err
	}
	if baseURL == "" {
		baseURL = DefaultNotifyBaseURL
	}
	return &GovNotify{BaseURL: strings.TrimRight(baseURL, "/"), ServiceID: service, SMSTemplate: smsTemplate,
		EmailTemplate: emailTemplate, Postage: "second", HTTP: &http.Client{Timeout: 30 * time.Second},
		Now: time.Now, secret: []byte(secret)}, nil
}

// token is the bearer JWT of one request: HS256, iss the service id, iat now.
func (g *GovNotify) token() (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": g.ServiceID, "iat": g.Now().Unix()})
	return t.SignedString(g.secret)
}

// notifyError is Notify's error body.
type notifyError struct {
	StatusCode int `json:"status_code"`
	Errors     []struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	} `json:"errors"`
}

// do sends one request and decodes a 2xx answer into out. A 400 (the recipient or the content is
// refused) is permanent; auth failures, rate limits and server errors are worth retrying.
func (g *GovNotify) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.BaseURL+path, rd)
	if err != nil {
		return err
	}
	tok, err := g.token()
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "patienthub")
	resp, err := g.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("govuk notify: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("govuk notify: answer: %w", err)
		}
		return nil
	}
	var ne notifyError
	json.Unmarshal(data, &ne)
	msg := resp.Status
	for _, e := range ne.Errors {
		msg += "; " + e.Error + ": " + e.Message
	}
	err = fmt.Errorf("govuk notify: %s %s: %s", method, path, msg)
	if resp.StatusCode == http.StatusBadRequest {
		return Permanent(err)
	}
	return err
}

type notifyCreated struct {
	ID string `json:"id"`
}

// send posts a notification of kind (sms, email or letter) and returns Notify's id for it.
func (g *GovNotify) send(ctx context.Context, kind string, body map[string]any) (string, error) {
	if body["reference"] == "" {
		delete(body, "reference") // sign-in codes carry none
	}
	var out notifyCreated
	if err := g.do(ctx, http.MethodPost, "/v2/notifications/"+kind, body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("govuk notify: no id in the answer")
	}
	return out.ID, nil
}

// NotifyStatus is a notification as Notify reports it.
type NotifyStatus struct {
	ID          string     `json:"id"`
	Reference   string     `json:"reference"`
	Type        string     `json:"type"`
	Status      string     `json:"status"`
	CompletedAt *time.Time `json:"completed_at"`
}

// Status fetches one notification's status (letters are polled: Notify sends no callback for them).
func (g *GovNotify) Status(ctx context.Context, id string) (NotifyStatus, error) {
	var st NotifyStatus
	err := g.do(ctx, http.MethodGet, "/v2/notifications/"+url.PathEscape(id), nil, &st)
	return st, err
}

// SMS returns the provider for texts.
func (g *GovNotify) SMS() Provider { return notifySMS{g} }

// Email returns the provider for emails.
func (g *GovNotify) Email() Provider { return notifyEmail{g} }

// Letters returns the provider for precompiled letters.
func (g *GovNotify) Letters() Provider { return notifyLetters{g} }

type notifySMS struct{ g *GovNotify }

// Name is "govuk_notify".
func (p notifySMS) Name() string { return NotifyProviderName }

// Send posts a text and returns Notify's id for it.
func (p notifySMS) Send(ctx context.Context, m Message) (string, error) {
	return p.g.send(ctx, "sms", map[string]any{"phone_number": m.To, "template_id": p.g.SMSTemplate,
		"personalisation": map[string]string{"subject": m.Subject, "body": m.Text}, "reference": m.Ref})
}

type notifyEmail struct{ g *GovNotify }

// Name is "govuk_notify".
func (p notifyEmail) Name() string { return NotifyProviderName }

// Send posts an email and returns Notify's id for it.
func (p notifyEmail) Send(ctx context.Context, m Message) (string, error) {
	return p.g.send(ctx, "email", map[string]any{"email_address": m.To, "template_id": p.g.EmailTemplate,
		"personalisation": map[string]string{"subject": m.Subject, "body": m.Text}, "reference": m.Ref})
}

type notifyLetters struct{ g *GovNotify }

// Name is "govuk_notify".
func (p notifyLetters) Name() string { return NotifyProviderName }

// Send posts a precompiled letter and returns Notify's id for it.
func (p notifyLetters) Send(ctx context.Context, m Message) (string, error) {
	if m.Document == nil {
		return "", Permanent(fmt.Errorf("govuk notify: letter %s has no document", m.Ref))
	}
	pdf, err := m.Document()
	if err != nil {
		return "", fmt.Errorf("govuk notify: rendering letter %s: %w", m.Ref, err)
	}
	ref := m.Ref
	if ref == "" {
		ref = "patienthub"
	}
	return p.g.send(ctx, "letter", map[string]any{"reference": ref, "content": base64.StdEncoding.EncodeToString(pdf),
		"postage": p.g.Postage})
}
