package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func noEnv(string) string { return "" }

func TestServeDemoStartsAndStopsGracefully(t *testing.T) {
	addr, data := freePort(t), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--listen", addr, "--data", data, "--log-level", "warn"}, noEnv, nil, &logs, &logs)
	}()
	ready := false
	for i := 0; i < 100 && !ready; i++ {
		time.Sleep(100 * time.Millisecond)
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			ready = resp.StatusCode == http.StatusOK
			resp.Body.Close()
		}
	}
	if !ready {
		cancel()
		t.Fatalf("server never became ready: %v\n%s", <-done, logs.String())
	}
	resp, err := http.Get("http://" + addr + "/dev/outbox.json")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("demo outbox: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v\n%s", err, logs.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("server did not stop")
	}
}

func TestServeRefusesWithoutSecretOutsideDemo(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--data", t.TempDir()}, noEnv, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "PATIENTHUB_SECRET_KEY") {
		t.Fatalf("got %v, want an error naming PATIENTHUB_SECRET_KEY", err)
	}
}

func TestServeRefusesWithoutProvidersOutsideDemo(t *testing.T) {
	key := strings.Repeat("s", 32)
	env := map[string]string{"PATIENTHUB_SECRET_KEY": key}
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), []string{"serve", "--data", t.TempDir()}, getenv, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "PATIENTHUB_SMS_PROVIDER") || !strings.Contains(err.Error(), "twilio") {
		t.Fatalf("got %v, want an error naming PATIENTHUB_SMS_PROVIDER and the providers to choose", err)
	}
	env["PATIENTHUB_SMS_PROVIDER"], env["PATIENTHUB_EMAIL_PROVIDER"], env["PATIENTHUB_POST_PROVIDER"] = "outbox", "outbox", "outbox"
	err = run(context.Background(), []string{"serve", "--data", t.TempDir()}, getenv, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "PATIENTHUB_ALLOW_OUTBOX") {
		t.Fatalf("got %v, want the outbox refused outside demo mode, naming PATIENTHUB_ALLOW_OUTBOX", err)
	}
}

func TestMaintenanceCommandsNeedNoProviders(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"PATIENTHUB_DATA": data, "PATIENTHUB_NEW_PASSWORD": "correct horse battery"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("migrate without providers: %v", err)
	}
	if err := run(context.Background(), []string{"create-staff", "carol", "Carol Example", "postroom"}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("create-staff without providers: %v", err)
	}
	env["PATIENTHUB_SECRET_KEY"] = strings.Repeat("s", 32)
	out.Reset()
	if err := run(context.Background(), []string{"config"}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("config without providers: %v", err)
	}
	if !strings.Contains(out.String(), "PATIENTHUB_SMS_PROVIDER=\n") {
		t.Fatalf("config said %q", out.String())
	}
}

func TestMigrateConfigVersion(t *testing.T) {
	var out bytes.Buffer
	data := t.TempDir()
	if err := run(context.Background(), []string{"migrate", "--data", data}, noEnv, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate said %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"config", "--demo"}, noEnv, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "PATIENTHUB_DEMO=true") {
		t.Fatalf("config said %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, noEnv, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "patienthub ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, noEnv, nil, &out, &out); err == nil {
		t.Fatal("an unknown command succeeded")
	}
}

func TestCreateStaff(t *testing.T) {
	data := t.TempDir()
	env := func(k string) string {
		switch k {
		case "PATIENTHUB_DATA":
			return data
		case "PATIENTHUB_NEW_PASSWORD":
			return "correct horse battery"
		}
		return ""
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"create-staff", "alice", "Alice Example", "admin"}, env, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"create-staff", "alice", "Alice Again", "admin"}, env, nil, &out, &out); err == nil {
		t.Fatal("a second account with the same username was created")
	}
	if err := run(context.Background(), []string{"create-staff", "bob", "Bob", "wizard"}, env, nil, &out, &out); err == nil {
		t.Fatal("an unknown role was accepted")
	}
}
