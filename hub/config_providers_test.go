package hub

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestProvidersAreRequiredOutsideDemoMode(t *testing.T) {
	key := strings.Repeat("x", 32)
	cases := []struct {
		name string
		env  map[string]string
		want []string // words the error must hold; none means the configuration loads
	}{
		{"none chosen", map[string]string{}, []string{"PATIENTHUB_SMS_PROVIDER", "notify", "twilio"}},
		{"no email provider", map[string]string{"PATIENTHUB_SMS_PROVIDER": "twilio", "PATIENTHUB_TWILIO_ACCOUNT_SID": "AC1",
			"PATIENTHUB_TWILIO_AUTH_TOKEN": "t", "PATIENTHUB_TWILIO_FROM": "+447700900999", "PATIENTHUB_POST_PROVIDER": "postroom"},
			[]string{"PATIENTHUB_EMAIL_PROVIDER", "smtp", "notify"}},
		{"no post provider", map[string]string{"PATIENTHUB_SMS_PROVIDER": "outbox", "PATIENTHUB_EMAIL_PROVIDER": "outbox", "PATIENTHUB_ALLOW_OUTBOX": "true"},
			[]string{"PATIENTHUB_POST_PROVIDER", "postroom", "notify"}},
		{"outbox texts", map[string]string{"PATIENTHUB_SMS_PROVIDER": "outbox", "PATIENTHUB_EMAIL_PROVIDER": "smtp",
			"PATIENTHUB_SMTP_URL": "smtp://mail:587", "PATIENTHUB_EMAIL_FROM": "no-reply@hub.example.nhs.uk", "PATIENTHUB_POST_PROVIDER": "postroom"},
			[]string{"PATIENTHUB_SMS_PROVIDER", "PATIENTHUB_ALLOW_OUTBOX", "sign-in codes", "notify (GOV.UK Notify) or twilio"}},
		{"outbox letters", map[string]string{"PATIENTHUB_SMS_PROVIDER": "twilio", "PATIENTHUB_TWILIO_ACCOUNT_SID": "AC1",
			"PATIENTHUB_TWILIO_AUTH_TOKEN": "t", "PATIENTHUB_TWILIO_FROM": "+447700900999", "PATIENTHUB_EMAIL_PROVIDER": "smtp",
			"PATIENTHUB_SMTP_URL": "smtp://mail:587", "PATIENTHUB_EMAIL_FROM": "no-reply@hub.example.nhs.uk", "PATIENTHUB_POST_PROVIDER": "outbox"},
			[]string{"PATIENTHUB_POST_PROVIDER", "PATIENTHUB_ALLOW_OUTBOX"}},
		{"outbox for development", map[string]string{"PATIENTHUB_SMS_PROVIDER": "outbox", "PATIENTHUB_EMAIL_PROVIDER": "outbox",
			"PATIENTHUB_POST_PROVIDER": "outbox", "PATIENTHUB_ALLOW_OUTBOX": "true"}, nil},
		{"real providers", map[string]string{"PATIENTHUB_SMS_PROVIDER": "twilio", "PATIENTHUB_TWILIO_ACCOUNT_SID": "AC1",
			"PATIENTHUB_TWILIO_AUTH_TOKEN": "t", "PATIENTHUB_TWILIO_FROM": "+447700900999", "PATIENTHUB_EMAIL_PROVIDER": "smtp",
			"PATIENTHUB_SMTP_URL": "smtp://mail:587", "PATIENTHUB_EMAIL_FROM": "no-reply@hub.example.nhs.uk", "PATIENTHUB_POST_PROVIDER": "postroom"}, nil},
	}
	for _, c := range cases {
		c.env["PATIENTHUB_SECRET_KEY"] = key
		_, err := LoadConfig(nil, envOf(c.env), io.Discard)
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one holding %q", c.name, err, w)
			}
		}
	}
}

func TestDemoModeDefaultsToTheOutbox(t *testing.T) {
	c, err := LoadConfig([]string{"--demo", "--post-provider", "postroom"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMSProvider != "outbox" || c.EmailProvider != "outbox" || c.PostProvider != "postroom" || c.AllowOutbox {
		t.Fatalf("demo providers: %s %s %s (allow %v)", c.SMSProvider, c.EmailProvider, c.PostProvider, c.AllowOutbox)
	}
}

func TestCommandsThatSendNothingNeedNoProviders(t *testing.T) {
	c, err := LoadConfigWithoutProviders(nil, envOf(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("x", 32)}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c.Print(&out)
	for _, want := range []string{"PATIENTHUB_SMS_PROVIDER=\n", "PATIENTHUB_POST_PROVIDER=\n", "PATIENTHUB_ALLOW_OUTBOX=false\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config print lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := LoadConfigWithoutProviders(nil, envOf(map[string]string{"PATIENTHUB_SECRET_KEY": "short"}), io.Discard); err == nil {
		t.Error("the other settings are no longer checked")
	}
}
