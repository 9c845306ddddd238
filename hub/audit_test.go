package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestViewEventsAreBufferedAndNeverLost(t *testing.T) {
	st := storetest.OpenDefault(t)
	s := New(st, Config{SecretKey: strings.Repeat("k", 32)}, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunAuditWriter(ctx); close(done) }()
	for !s.writerRunning() {
		time.Sleep(time.Millisecond)
	}
	by := Actor{Kind: "patient", ID: "1"}
	s.audit(context.Background(), by.event("appointments.view", 0, "appointments", ""))
	s.audit(context.Background(), by.event("signin.success", 0, "", ""))
	if ev, _ := st.AuditByAction(context.Background(), "signin.success"); len(ev) != 1 {
		t.Fatal("a change event was not stored at once")
	}
	for i := 0; i < 50; i++ {
		s.audit(context.Background(), by.event("appointments.view", 0, "appointments", ""))
	}
	cancel()
	<-done
	ev, err := st.AuditByAction(context.Background(), "appointments.view")
	if err != nil || len(ev) != 51 {
		t.Fatalf("view events stored after shutdown: %d (%v), want 51", len(ev), err)
	}
	// With no writer running, views are stored at once.
	s.audit(context.Background(), store.AuditEvent{ActorKind: "patient", Action: "letters.view"})
	if ev, _ := st.AuditByAction(context.Background(), "letters.view"); len(ev) != 1 {
		t.Fatal("a view event was not stored without a writer")
	}
}

func (s *Service) writerRunning() bool {
	s.views.mu.Lock()
	defer s.views.mu.Unlock()
	return s.views.running
}
