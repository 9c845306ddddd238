package hub

import (
	"context"
	"database/sql"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestRetentionSetting(t *testing.T) {
	for v, want := range map[string]int{"24 months": 24, "36mo": 36, " 6 month ": 6} {
		n, err := parseMonths(v)
		if err != nil || n != want {
			t.Errorf("%q: %d %v, want %d", v, n, err, want)
		}
	}
	for _, bad := range []string{"", "24", "2 years", "0 months", "-3 months"} {
		if _, err := parseMonths(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c, err := LoadConfig([]string{"--demo"}, func(string) string { return "" }, io.Discard)
	if err != nil || c.RetentionMonths != 24 {
		t.Fatalf("default retention: %d %v", c.RetentionMonths, err)
	}
}

func TestForgetOldKeepsTwentyFourMonths(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		s := New(st, Config{SecretKey: strings.Repeat("k", 32), RetentionConfig: RetentionConfig{RetentionMonths: 24}}, nil, nil)
		s.Now = func() time.Time { return now }
		p := store.Patient{HospitalNumber: "R1", GivenName: "A", FamilyName: "B", DateOfBirth: store.NewDate(1980, 1, 1), VerificationCode: "X"}
		if err := st.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		mk := func(ext string, start time.Time) store.Appointment {
			a := store.Appointment{PatientID: p.ID, ExternalID: ext, Clinic: "C", StartsAt: start, EndsAt: start.Add(time.Hour)}
			if err := st.CreateAppointment(ctx, &a); err != nil {
				t.Fatal(err)
			}
			l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: ext, CreatedAt: start.AddDate(0, -1, 0)}
			if err := st.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}); err != nil {
				t.Fatal(err)
			}
			n := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, LetterID: sql.NullInt64{Int64: l.ID, Valid: true},
				Purpose: "invite", Channel: store.ChannelSMS, IdempotencyKey: "k" + ext, Status: store.NotifySent, CreatedAt: l.CreatedAt}
			if _, err := st.EnqueueNotification(ctx, &n); err != nil {
				t.Fatal(err)
			}
			return a
		}
		old := mk("OLD", now.AddDate(-2, -1, 0))
		kept := mk("KEPT", now.AddDate(-1, -11, 0))
		code := store.SignInCode{Contact: "+447700900001", DateOfBirth: p.DateOfBirth, CodeHMAC: "h", ExpiresAt: now.Add(-47 * time.Hour), CreatedAt: now.Add(-48 * time.Hour)}
		if err := st.CreateSignInCode(ctx, &code); err != nil {
			t.Fatal(err)
		}
		f, err := s.ForgetOld(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Appointments != 1 || f.SignInCodes != 1 {
			t.Fatalf("forgotten %+v", f)
		}
		if _, err := st.Appointment(ctx, old.ID); err == nil {
			t.Fatal("an appointment older than 24 months is still there")
		}
		if _, err := st.Appointment(ctx, kept.ID); err != nil {
			t.Fatal("an appointment within 24 months was removed")
		}
		letters, _ := st.LettersForPatient(ctx, p.ID)
		ns, _ := st.NotificationsForPatient(ctx, p.ID)
		if len(letters) != 1 || letters[0].Title != "KEPT" || len(ns) != 1 {
			t.Fatalf("letters %+v, notifications %d: the old appointment's letter and messages must go with it", letters, len(ns))
		}
		again, err := s.ForgetOld(ctx)
		if err != nil || again.Appointments != 0 {
			t.Fatalf("second run: %+v %v", again, err)
		}
		if ev, _ := st.AuditByAction(ctx, "retention.run"); len(ev) != 2 {
			t.Fatalf("retention runs audited: %d", len(ev))
		}
	})
}
