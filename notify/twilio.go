package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// TwilioProviderName is the provider name Twilio's messages are recorded under.
const TwilioProviderName = "twilio"

// DefaultTwilioBaseURL is Twilio's REST API.
const DefaultTwilioBaseURL = "https://api.twilio.com"

// Twilio sends texts through Twilio's Messages API: a form POST with basic auth.
type Twilio struct {
	AccountSID     string
	AuthToken      string
	From           string // a number in E.164, or a messaging service SID (MG...)
	BaseURL        string
	StatusCallback string // where Twilio posts delivery statuses; empty for none
	HTTP           *http.Client
}

// NewTwilio returns the provider; baseURL empty means the real service.
func NewTwilio(accountSID, authToken, from, baseURL, statusCallback string) *Twilio {
	if baseURL == "" {
		baseURL = DefaultTwilioBaseURL
	}
	return &Twilio{AccountSID: accountSID, AuthToken: authToken, From: from, BaseURL: strings.TrimRight(baseURL, "/"),
		StatusCallback: statusCallback, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Name is "twilio".
func (t *Twilio) Name() string { return TwilioProviderName }

// twilioAnswer is the part of Twilio's answer the hub reads, for a message or an error.
type twilioAnswer struct {
	SID     string `json:"sid"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Send posts the text and returns Twilio's message SID. A 4xx answer (an invalid or unreachable
// number, a number that texted STOP) is permanent, except auth failures and rate limits.
func (t *Twilio) Send(ctx context.Context, m Message) (string, error) {
	form := url.Values{"To": {m.To}, "Body": {m.Text}}
	if strings.HasPrefix(t.From, "MG") {
		form.Set("MessagingServiceSid", t.From)
	} else {
		form.Set("From", t.From)
	}
	if t.StatusCallback != "" {
		form.Set("StatusCallback", t.StatusCallback)
	}
	endpoint := t.BaseURL + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(t.AccountSID, t.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("twilio: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var ans twilioAnswer
	json.Unmarshal(data, &ans)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 && ans.SID != "" {
		return ans.SID, nil
	}
	err = fmt.Errorf("twilio: %s: error %d: %s", resp.Status, ans.Code, ans.Message)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode < 400 || resp.StatusCode >= 500:
		return "", err
	}
	return "", Permanent(err)
}

// TwilioSignature computes X-Twilio-Signature for a form POST to fullURL: the URL followed by
// every parameter name and value in name order, HMAC-SHA1 with the auth token, in base64.
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidTwilioSignature reports whether signature is Twilio's for this request.
func ValidTwilioSignature(authToken, fullURL string, form url.Values, signature string) bool {
	want := TwilioSignature(authToken, fullURL, form)
	return signature != "" && hmac.Equal([]byte(want), []byte(signature))
}
