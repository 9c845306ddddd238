package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/patienthub/patienthub/migrations"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	names := func(dir string) []string {
		es, err := fs.ReadDir(migrations.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	pg, lite := names("postgres"), names("sqlite")
	if len(pg) == 0 {
		t.Fatal("no migrations")
	}
	if len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d: %v vs %v", len(pg), len(lite), pg, lite)
	}
	for i := range pg {
		if pg[i] != lite[i] {
			t.Errorf("migration %d: postgres %s, sqlite %s", i, pg[i], lite[i])
		}
	}
}

func newPatient(t *testing.T, s *store.Store, mrn, mobile, email string, dob store.Date) store.Patient {
	t.Helper()
	p := store.Patient{HospitalNumber: mrn, GivenName: "Test", FamilyName: mrn, DateOfBirth: dob, VerificationCode: "VC" + mrn}
	if mobile != "" {
		p.Mobile = sql.NullString{String: mobile, Valid: true}
	}
	if email != "" {
		p.Email = sql.NullString{String: email, Valid: true}
	}
	if err := s.CreatePatient(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPatientsAndAppointments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dob := store.NewDate(1985, time.March, 14)
		a := newPatient(t, s, "RR1", "+447700900001", "a@example.com", dob)
		newPatient(t, s, "RR2", "+447700900001", "", store.NewDate(2016, time.September, 2))
		dup := store.Patient{HospitalNumber: "RR1", GivenName: "X", FamilyName: "Y", DateOfBirth: dob, VerificationCode: "Z"}
		if err := s.CreatePatient(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate hospital number: got %v, want ErrConflict", err)
		}
		got, err := s.PatientsByMobileAndBirth(ctx, "+447700900001", dob)
		if err != nil || len(got) != 1 || got[0].ID != a.ID {
			t.Fatalf("by mobile: %v %+v", err, got)
		}
		if !got[0].DateOfBirth.Equal(dob.Time) {
			t.Errorf("date of birth read back as %v", got[0].DateOfBirth)
		}
		got, _ = s.PatientsByEmailAndBirth(ctx, "a@example.com", dob)
		if len(got) != 1 {
			t.Fatalf("by email: %+v", got)
		}
		if _, err := s.Patient(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing patient: %v", err)
		}

		site := store.Site{Code: "SJUH", Name: "St James's University Hospital", Address: "Beckett Street, Leeds", Postcode: "LS9 7TF"}
		if err := s.CreateSite(ctx, &site); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		mk := func(ext string, start time.Time) {
			ap := store.Appointment{PatientID: a.ID, ExternalID: ext, Clinic: "Cardiology", SiteID: sql.NullInt64{Int64: site.ID, Valid: true},
				StartsAt: start, EndsAt: start.Add(30 * time.Minute)}
			if err := s.CreateAppointment(ctx, &ap); err != nil {
				t.Fatal(err)
			}
		}
		mk("A3", now.Add(72*time.Hour))
		mk("A1", now.Add(24*time.Hour))
		mk("P1", now.Add(-24*time.Hour))
		mk("OLD", now.AddDate(-3, 0, 0))
		up, err := s.UpcomingAppointments(ctx, a.ID, now)
		if err != nil || len(up) != 2 || up[0].ExternalID != "A1" || up[1].ExternalID != "A3" {
			t.Fatalf("upcoming: %v %+v", err, up)
		}
		if up[0].SiteName.String != site.Name || !up[0].StartsAt.Equal(now.Add(24*time.Hour)) {
			t.Errorf("appointment read back wrong: %+v", up[0])
		}
		past, _ := s.PastAppointments(ctx, a.ID, now, now.AddDate(-2, 0, 0))
		if len(past) != 1 || past[0].ExternalID != "P1" {
			t.Fatalf("past: %+v", past)
		}
		dupAp := store.Appointment{PatientID: a.ID, ExternalID: "A1", Clinic: "X", StartsAt: now, EndsAt: now}
		if err := s.CreateAppointment(ctx, &dupAp); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate PAS id: %v", err)
		}

		l := store.Letter{PatientID: a.ID, Title: "Your appointment"}
		if err := s.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}); err != nil {
			t.Fatal(err)
		}
		f, err := s.LetterFile(ctx, l.ID)
		if err != nil || string(f.Data) != "%PDF-1.4" {
			t.Fatalf("letter file: %v %q", err, f.Data)
		}
	})
}

func TestSignInCodesAndLocks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		c := store.SignInCode{Contact: "+447700900001", DateOfBirth: store.NewDate(1985, 3, 14), CodeHMAC: "h", ExpiresAt: now.Add(150 * time.Second), CreatedAt: now}
		if err := s.CreateSignInCode(ctx, &c); err != nil {
			t.Fatal(err)
		}
		for want := 1; want <= 3; want++ {
			if n, err := s.ReserveGuess(ctx, c.ID, 3, false); err != nil || n != want {
				t.Fatalf("guess %d: %d %v", want, n, err)
			}
		}
		if _, err := s.ReserveGuess(ctx, c.ID, 3, false); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a guess past the limit: %v", err)
		}
		if n, _ := s.CountSignInCodesSince(ctx, c.Contact, now.Add(-time.Minute)); n != 1 {
			t.Fatalf("count since: %d", n)
		}
		if n, _ := s.CountSignInCodesSince(ctx, c.Contact, now.Add(time.Minute)); n != 0 {
			t.Fatalf("count since later: %d", n)
		}
		if err := s.UseSignInCode(ctx, c.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := s.UseSignInCode(ctx, c.ID, now); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second use: %v", err)
		}
		got, _ := s.SignInCode(ctx, c.ID)
		if !got.ExpiresAt.Equal(c.ExpiresAt) || !got.UsedAt.Valid {
			t.Fatalf("code read back: %+v", got)
		}
		for want := 1; want <= 3; want++ {
			if n, err := s.BumpFailedStreak(ctx, c.Contact, now); err != nil || n != want {
				t.Fatalf("streak %d: %d %v", want, n, err)
			}
		}
		if err := s.LockContact(ctx, c.Contact, now.Add(2*time.Hour), now); err != nil {
			t.Fatal(err)
		}
		l, _ := s.SignInLockFor(ctx, c.Contact)
		if l.FailedStreak != 3 || !l.LockedUntil.Valid || !l.LockedUntil.Time.Equal(now.Add(2*time.Hour)) {
			t.Fatalf("lock: %+v", l)
		}
		s.ResetFailedStreak(ctx, c.Contact)
		if l, _ := s.SignInLockFor(ctx, c.Contact); l.FailedStreak != 0 || l.LockedUntil.Valid {
			t.Fatalf("after reset: %+v", l)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		sess := store.Session{ID: "abc", Kind: "patient", Data: "{}", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		sess.Data = `{"k":"v"}`
		sess.ExpiresAt = now.Add(-time.Second)
		if err := s.UpdateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, "abc")
		if err != nil || got.Data != `{"k":"v"}` {
			t.Fatalf("session: %v %+v", err, got)
		}
		if n, _ := s.DeleteExpiredSessions(ctx, now); n != 1 {
			t.Fatalf("expired sessions deleted: %d", n)
		}
		if _, err := s.Session(ctx, "abc"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
	})
}

func TestNotificationQueue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		n := store.Notification{Purpose: "invite", Channel: store.ChannelSMS, Recipient: "+447700900001", Body: "hello", IdempotencyKey: "k1", CreatedAt: now}
		created, err := s.EnqueueNotification(ctx, &n)
		if err != nil || !created || n.ID == 0 {
			t.Fatalf("enqueue: %v %v", created, err)
		}
		again := store.Notification{Purpose: "invite", Channel: store.ChannelSMS, Body: "hello", IdempotencyKey: "k1", CreatedAt: now}
		if created, err := s.EnqueueNotification(ctx, &again); err != nil || created {
			t.Fatalf("second enqueue with the same key: created=%v err=%v", created, err)
		}
		claimed, err := s.ClaimNotifications(ctx, now, now.Add(time.Minute), 10)
		if err != nil || len(claimed) != 1 || claimed[0].Attempts != 1 || claimed[0].Status != store.NotifySending {
			t.Fatalf("claim: %v %+v", err, claimed)
		}
		if again, _ := s.ClaimNotifications(ctx, now, now.Add(time.Minute), 10); len(again) != 0 {
			t.Fatalf("claimed twice within the lease: %+v", again)
		}
		later, _ := s.ClaimNotifications(ctx, now.Add(2*time.Minute), now.Add(3*time.Minute), 10)
		if len(later) != 1 || later[0].Attempts != 2 {
			t.Fatalf("not reclaimed after the lease ran out: %+v", later)
		}
		if ok, err := s.RecordSent(ctx, store.ClaimOf(claimed[0]), "outbox", "ref-1", now); err != nil || ok {
			t.Fatalf("a claim whose lease ran out recorded a result: %v %v", ok, err)
		}
		if ok, err := s.RecordSent(ctx, store.ClaimOf(later[0]), "outbox", "ref-1", now); err != nil || !ok {
			t.Fatalf("sent: %v %v", ok, err)
		}
		got, _ := s.Notification(ctx, n.ID)
		if got.Status != store.NotifySent || got.ProviderRef != "ref-1" || !got.SentAt.Valid {
			t.Fatalf("after sent: %+v", got)
		}
		m := store.OutboxMessage{Channel: "sms", Recipient: "+447700900001", Purpose: "invite", Body: "hi"}
		if err := s.AddOutboxMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		ms, _ := s.OutboxMessages(ctx, 10)
		if len(ms) != 1 || ms[0].Body != "hi" {
			t.Fatalf("outbox: %+v", ms)
		}
		v, err := s.SettingOnce(ctx, "vapid", "one")
		if err != nil || v != "one" {
			t.Fatal(v, err)
		}
		if v, _ := s.SettingOnce(ctx, "vapid", "two"); v != "one" {
			t.Fatalf("setting replaced: %s", v)
		}
	})
}

func TestSessionWithPatient(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		p := newPatient(t, s, "RR9", "+447700900009", "nine@example.com", store.NewDate(1990, 1, 2))
		signedIn := store.Session{ID: "with", Kind: "patient", Data: "{}", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		signedIn.PatientID.Int64, signedIn.PatientID.Valid = p.ID, true
		anon := store.Session{ID: "without", Kind: "patient", Data: "{}", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		for _, sess := range []store.Session{signedIn, anon} {
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		sess, got, err := s.SessionWithPatient(ctx, "with")
		if err != nil || got == nil || got.ID != p.ID || got.Email.String != "nine@example.com" || sess.ID != "with" || !got.DateOfBirth.Equal(p.DateOfBirth.Time) {
			t.Fatalf("signed-in session: %v %+v %+v", err, sess, got)
		}
		sess, got, err = s.SessionWithPatient(ctx, "without")
		if err != nil || got != nil || sess.ID != "without" {
			t.Fatalf("session without a patient: %v %+v %+v", err, sess, got)
		}
		if _, _, err := s.SessionWithPatient(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing session: %v", err)
		}
	})
}

func TestDataFolderWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/ward #3?a"
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + "/patienthub.db"); err != nil {
		t.Fatalf("the database is not in the data folder: %v", err)
	}
}
