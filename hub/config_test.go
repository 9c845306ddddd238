package hub

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

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
	env := envOf(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("x", 32), "PATIENTHUB_OTP_TTL": "60s", "PATIENTHUB_LISTEN": ":9000"})
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
	env := envOf(map[string]string{"PATIENTHUB_SECRET_KEY": "topsecret-topsecret-topsecret-topsecret",
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
