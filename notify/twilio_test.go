package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/patienthub/patienthub/notify"
)

func TestTwilioSignatureMatchesTwilioExamples(t *testing.T) {
	// Twilio's published examples of X-Twilio-Signature.
	base := "https://mycompany.com/myapp.php?foo=1&bar=2"
	for caller, want := range map[string]string{"+14158675309": "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "+14158675310": "GvWf1cFY/Q7PnoempGyD5oXAezc="} {
		form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {caller}, "Digits": {"1234"}, "From": {caller}, "To": {"+18005551212"}}
		if got := notify.TwilioSignature("12345", base, form); got != want {
			t.Errorf("signature %s, want %s", got, want)
		}
		if !notify.ValidTwilioSignature("12345", base, form, want) || notify.ValidTwilioSignature("12346", base, form, want) ||
			notify.ValidTwilioSignature("12345", base, form, "") {
			t.Error("validation")
		}
	}
}

// fakeTwilio checks each request as Twilio's Messages API does: basic auth with the account SID
// and auth token, a form with To, Body and From or MessagingServiceSid.
type fakeTwilio struct {
	mu    sync.Mutex
	forms []url.Values
}

func (f *fakeTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != "AC0123456789abcdef0123456789abcdef" || pass != "twilio-auth-token" {
		w.WriteHeader(401)
		json.NewEncoder(w).Encode(map[string]any{"code": 20003, "message": "Authenticate", "status": 401})
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+user+"/Messages.json" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		w.WriteHeader(404)
		return
	}
	r.ParseForm()
	if r.PostForm.Get("Body") == "" || (r.PostForm.Get("From") == "") == (r.PostForm.Get("MessagingServiceSid") == "") {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"code": 21603, "message": "A 'From' or 'MessagingServiceSid' parameter is required", "status": 400})
		return
	}
	if !strings.HasPrefix(r.PostForm.Get("To"), "+44") {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400})
		return
	}
	f.mu.Lock()
	f.forms = append(f.forms, r.PostForm)
	f.mu.Unlock()
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(map[string]any{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"})
}

func TestTwilioSendsTexts(t *testing.T) {
	f := &fakeTwilio{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	tw := notify.NewTwilio("AC0123456789abcdef0123456789abcdef", "twilio-auth-token", "+447700900999", srv.URL,
		"https://hub.example/callbacks/twilio")
	sid, err := tw.Send(context.Background(), notify.Message{To: "+447700900001", Text: "Hello from the hub"})
	if err != nil || sid != "SM0123456789abcdef0123456789abcdef" {
		t.Fatalf("send: %q %v", sid, err)
	}
	form := f.forms[0]
	if form.Get("To") != "+447700900001" || form.Get("From") != "+447700900999" || form.Get("Body") != "Hello from the hub" ||
		form.Get("StatusCallback") != "https://hub.example/callbacks/twilio" {
		t.Fatalf("form: %v", form)
	}
	tw.From = "MG0123456789abcdef0123456789abcdef"
	if _, err := tw.Send(context.Background(), notify.Message{To: "+447700900001", Text: "x"}); err != nil || f.forms[1].Get("MessagingServiceSid") != tw.From {
		t.Fatalf("messaging service: %v %v", err, f.forms[1])
	}
	if _, err := tw.Send(context.Background(), notify.Message{To: "+15005550001", Text: "x"}); !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "21211") {
		t.Errorf("invalid number: %v, want permanent", err)
	}
	tw.AuthToken = "wrong"
	if _, err := tw.Send(context.Background(), notify.Message{To: "+447700900001", Text: "x"}); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("bad credentials: %v, want a failure worth retrying", err)
	}
}
