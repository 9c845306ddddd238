package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestEndStaffSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		var staff []store.Staff
		for _, name := range []string{"alex", "sam"} {
			st := store.Staff{Username: name, Name: name, Role: "agent", PasswordHash: "h"}
			if err := s.CreateStaff(ctx, &st); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, st)
		}
		for i, id := range []string{"a1", "a2", "s1"} {
			owner := staff[0].ID
			if i == 2 {
				owner = staff[1].ID
			}
			sess := store.Session{ID: id, Kind: "staff", StaffID: sql.NullInt64{Int64: owner, Valid: true}, Data: "{}",
				CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.EndStaffSessions(ctx, staff[0].ID); err != nil || n != 2 {
			t.Fatalf("ended %d sessions: %v", n, err)
		}
		if _, err := s.Session(ctx, "a1"); err == nil {
			t.Fatal("a session of the signed-out member is still there")
		}
		if _, err := s.Session(ctx, "s1"); err != nil {
			t.Fatalf("another member's session ended too: %v", err)
		}
	})
}
