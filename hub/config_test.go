package hub

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// devEnv is m with every provider the outbox, allowed outside demo mode as for development.
func devEnv(m map[string]string) func(string) string {
	all := map[string]string{"PATIENTHUB_SMS_PROVIDER": "outbox", "PATIENTHUB_EMAIL_PROVIDER": "outbox",
		"PATIENTHUB_POST_PROVIDER": "outbox", "PATIENTHUB_ALLOW_OUTBOX": "true"}
	for k, v := range m {
		all[k] = v
	}
	return envOf(all)
}

func TestConfigDefaultsInDemo(t *testing.T) {
	c, err := LoadConfig([]string{"--demo"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.OTPTTL != 150*time.Second || c.SessionIdle != 15*time.Minute || c.SessionMax != 12*time.Hour ||
		c.DataDir != "./data" || c.Listen != ":8080" || c.SMSProvider != "outbox" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestConfigFlagsOverrideEnvironment(t *testing.T) {
	env := devEnv(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("x", 32), "PATIENTHUB_OTP_TTL": "60s", "PATIENTHUB_LISTEN": ":9000"})
	c, err := LoadConfig([]string{"--listen", ":9100"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OTPTTL != time.Minute || c.Listen != ":9100" {
		t.Fatalf("got %+v", c)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	key := strings.Repeat("x", 32)
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, nil, "PATIENTHUB_SECRET_KEY"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": "short"}, nil, "PATIENTHUB_SECRET_KEY"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_OTP_TTL": "soon"}, nil, "PATIENTHUB_OTP_TTL"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_PUBLIC_URL": "hub.example"}, nil, "PATIENTHUB_PUBLIC_URL"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_DEMO": "perhaps"}, nil, "PATIENTHUB_DEMO"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_SMS_PROVIDER": "pigeon"}, nil, "PATIENTHUB_SMS_PROVIDER"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_ALLOW_OUTBOX": "maybe"}, nil, "PATIENTHUB_ALLOW_OUTBOX"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key}, []string{"--session-idle", "-5m"}, "--session-idle"},
		{map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_SESSION_IDLE": "13h"}, nil, "PATIENTHUB_SESSION_IDLE"},
	}
	for _, c := range cases {
		_, err := LoadConfig(c.args, envOf(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: error %v, want one naming %s", c.env, c.args, err, c.want)
		}
	}
}

func TestConfigPrintMasksSecrets(t *testing.T) {
	env := devEnv(map[string]string{"PATIENTHUB_SECRET_KEY": "topsecret-topsecret-topsecret-topsecret",
		"PATIENTHUB_DATABASE_URL": "postgres://hub:pa55word@db:5432/hub?sslmode=require"})
	c, err := LoadConfig(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c.Print(&out)
	s := out.String()
	if strings.Contains(s, "topsecret") || strings.Contains(s, "pa55word") {
		t.Fatalf("secrets printed:\n%s", s)
	}
	for _, want := range []string{"PATIENTHUB_SECRET_KEY=******** (set)", "postgres://hub:xxxxx@db:5432/hub", "PATIENTHUB_OTP_TTL=2m30s"} {
		if !strings.Contains(s, want) {
			t.Errorf("config print lacks %q:\n%s", want, s)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{150 * time.Second: "2 minutes 30 seconds", time.Minute: "1 minute", 45 * time.Second: "45 seconds", 61 * time.Second: "1 minute 1 second"} {
		if got := HumanDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

func TestNotifyConfigErrorsNameTheVariable(t *testing.T) {
	key := strings.Repeat("x", 32)
	notifyKey := "live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PATIENTHUB_LETTER_REMINDERS": "tomorrow"}, "PATIENTHUB_LETTER_REMINDERS"},
		{map[string]string{"PATIENTHUB_LETTER_REMINDERS": "24h,24h"}, "PATIENTHUB_LETTER_REMINDERS"},
		{map[string]string{"PATIENTHUB_LETTER_REMINDERS": "24h,96h"}, "PATIENTHUB_POSTAL_FALLBACK_AFTER"},
		{map[string]string{"PATIENTHUB_POSTAL_FALLBACK_AFTER": "-1h"}, "PATIENTHUB_POSTAL_FALLBACK_AFTER"},
		{map[string]string{"PATIENTHUB_APPOINTMENT_REMINDERS": "a week"}, "PATIENTHUB_APPOINTMENT_REMINDERS"},
		{map[string]string{"PATIENTHUB_QUIET_HOURS": "late"}, "PATIENTHUB_QUIET_HOURS"},
		{map[string]string{"PATIENTHUB_EMAIL_PROVIDER": "smtp"}, "PATIENTHUB_SMTP_URL"},
		{map[string]string{"PATIENTHUB_EMAIL_PROVIDER": "smtp", "PATIENTHUB_SMTP_URL": "smtp://mail:587"}, "PATIENTHUB_EMAIL_FROM"},
		{map[string]string{"PATIENTHUB_SMTP_URL": "mail.example.com:25"}, "PATIENTHUB_SMTP_URL"},
		{map[string]string{"PATIENTHUB_EMAIL_FROM": "not an address"}, "PATIENTHUB_EMAIL_FROM"},
		{map[string]string{"PATIENTHUB_SMS_PROVIDER": "notify"}, "PATIENTHUB_NOTIFY_API_KEY"},
		{map[string]string{"PATIENTHUB_SMS_PROVIDER": "notify", "PATIENTHUB_NOTIFY_API_KEY": notifyKey}, "PATIENTHUB_NOTIFY_SMS_TEMPLATE"},
		{map[string]string{"PATIENTHUB_SMS_PROVIDER": "notify", "PATIENTHUB_NOTIFY_API_KEY": notifyKey, "PATIENTHUB_NOTIFY_SMS_TEMPLATE": "t"}, "PATIENTHUB_NOTIFY_CALLBACK_TOKEN"},
		{map[string]string{"PATIENTHUB_POST_PROVIDER": "notify"}, "PATIENTHUB_NOTIFY_API_KEY"},
		{map[string]string{"PATIENTHUB_SMS_PROVIDER": "twilio", "PATIENTHUB_TWILIO_ACCOUNT_SID": "AC1"}, "PATIENTHUB_TWILIO_AUTH_TOKEN"},
		{map[string]string{"PATIENTHUB_NOTIFY_PER_MINUTE": "0"}, "PATIENTHUB_NOTIFY_PER_MINUTE"},
		{map[string]string{"PATIENTHUB_VAPID_PUBLIC_KEY": "BPub"}, "PATIENTHUB_VAPID_PRIVATE_KEY"},
		{map[string]string{"PATIENTHUB_PUSH_PROVIDER": "pigeon"}, "PATIENTHUB_PUSH_PROVIDER"},
	}
	for _, c := range cases {
		c.env["PATIENTHUB_SECRET_KEY"] = key
		_, err := LoadConfig(nil, envOf(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one naming %s", c.env, err, c.want)
		}
	}
	ok := map[string]string{"PATIENTHUB_SECRET_KEY": key, "PATIENTHUB_SMS_PROVIDER": "notify", "PATIENTHUB_EMAIL_PROVIDER": "smtp",
		"PATIENTHUB_POST_PROVIDER": "postroom", "PATIENTHUB_NOTIFY_API_KEY": notifyKey, "PATIENTHUB_NOTIFY_SMS_TEMPLATE": "t",
		"PATIENTHUB_NOTIFY_CALLBACK_TOKEN": strings.Repeat("c", 16), "PATIENTHUB_SMTP_URL": "smtp://mail:587",
		"PATIENTHUB_EMAIL_FROM": "Patient Hub <no-reply@hub.example.nhs.uk>", "PATIENTHUB_QUIET_HOURS": "off", "PATIENTHUB_LETTER_REMINDERS": "none"}
	c, err := LoadConfig(nil, envOf(ok), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.QuietHours.On || len(c.LetterReminders) != 0 || c.PushSubject() != "no-reply@hub.example.nhs.uk" {
		t.Fatalf("got %+v", c.NotifyConfig)
	}
}

func TestQuietHoursInDemoMode(t *testing.T) {
	c, err := LoadConfig([]string{"--demo"}, envOf(nil), io.Discard)
	if err != nil || c.QuietHours.On {
		t.Fatalf("demo quiet hours %v (%v): the demo shows the timeline at once", c.QuietHours, err)
	}
	c, err = LoadConfig([]string{"--demo", "--quiet-hours", "21:00-08:00"}, envOf(nil), io.Discard)
	if err != nil || !c.QuietHours.On {
		t.Fatalf("demo with quiet hours asked for: %v %v", c.QuietHours, err)
	}
	c, err = LoadConfig(nil, devEnv(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("x", 32)}), io.Discard)
	if err != nil || c.QuietHours.String() != "21:00-08:00" {
		t.Fatalf("default quiet hours %v %v", c.QuietHours, err)
	}
}

func TestNotifyConfigPrintMasksSecrets(t *testing.T) {
	env := devEnv(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("x", 32),
		"PATIENTHUB_SMTP_URL": "smtp://hub:mailpa55@mail.example:587", "PATIENTHUB_SMTP_PASSWORD": "smtppa55",
		"PATIENTHUB_NOTIFY_API_KEY": "notifykey55", "PATIENTHUB_NOTIFY_CALLBACK_TOKEN": "callback55callback55",
		"PATIENTHUB_TWILIO_AUTH_TOKEN": "twilio55", "PATIENTHUB_VAPID_PUBLIC_KEY": "BPUBLIC", "PATIENTHUB_VAPID_PRIVATE_KEY": "vapid55"})
	c, err := LoadConfig(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c.Print(&out)
	s := out.String()
	if strings.Contains(s, "55") {
		t.Fatalf("secrets printed:\n%s", s)
	}
	for _, want := range []string{"PATIENTHUB_SMTP_URL=smtp://hub:xxxxx@mail.example:587", "PATIENTHUB_LETTER_REMINDERS=24h,48h",
		"PATIENTHUB_POSTAL_FALLBACK_AFTER=72h", "PATIENTHUB_APPOINTMENT_REMINDERS=168h,24h", "PATIENTHUB_QUIET_HOURS=21:00-08:00",
		"PATIENTHUB_VAPID_PUBLIC_KEY=BPUBLIC", "PATIENTHUB_NOTIFY_PER_MINUTE=3000"} {
		if !strings.Contains(s, want) {
			t.Errorf("config print lacks %q:\n%s", want, s)
		}
	}
}
