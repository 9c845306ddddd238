package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// The hand-scanned queries must read exactly what the ordinary ones read.
func TestHandScannedQueriesReadEverything(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		p := newPatient(t, s, "FS1", "+447700900011", "fs@example.com", store.NewDate(1961, time.February, 28))
		if _, err := s.SetOptedOut(ctx, p.ID, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		sess := store.Session{ID: "fast", Kind: "patient", Data: `{"a":1}`, CreatedAt: now.Add(-time.Minute),
			LastSeenAt: now, ExpiresAt: now.Add(15 * time.Minute), PatientID: sql.NullInt64{Int64: p.ID, Valid: true}}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		gotSess, gotPatient, err := s.SessionWithPatient(ctx, "fast")
		if err != nil {
			t.Fatal(err)
		}
		wantSess, _ := s.Session(ctx, "fast")
		wantPatient, _ := s.Patient(ctx, p.ID)
		if !reflect.DeepEqual(gotSess, wantSess) || !gotSess.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Errorf("session:\n got %+v\nwant %+v", gotSess, wantSess)
		}
		if !reflect.DeepEqual(*gotPatient, wantPatient) || !gotPatient.OptedOutAt.Valid {
			t.Errorf("patient:\n got %+v\nwant %+v", *gotPatient, wantPatient)
		}

		site := store.Site{Code: "FS", Name: "Seacroft Hospital", Address: "York Road, Leeds", Postcode: "LS14 6UH"}
		if err := s.CreateSite(ctx, &site); err != nil {
			t.Fatal(err)
		}
		start := now.Add(48 * time.Hour).Truncate(time.Minute)
		first := store.Appointment{PatientID: p.ID, ExternalID: "FS-1", Clinic: "Eye clinic", StartsAt: start, EndsAt: start.Add(20 * time.Minute),
			SiteID: sql.NullInt64{Int64: site.ID, Valid: true}, StatusChangedAt: sql.NullTime{Time: now, Valid: true}, Kind: "in_person"}
		second := store.Appointment{PatientID: p.ID, ExternalID: "FS-2", Clinic: "Phone clinic", StartsAt: start.Add(time.Hour),
			EndsAt: start.Add(90 * time.Minute), Kind: "phone", Sequence: 3,
			PreviousAppointmentID: sql.NullInt64{Valid: true}}
		if err := s.CreateAppointment(ctx, &first); err != nil {
			t.Fatal(err)
		}
		second.PreviousAppointmentID.Int64 = first.ID
		if err := s.CreateAppointment(ctx, &second); err != nil {
			t.Fatal(err)
		}
		list, err := s.AppointmentsSince(ctx, p.ID, now)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %v %+v", err, list)
		}
		for i, id := range []int64{first.ID, second.ID} {
			full, err := s.Appointment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			// The list leaves out what only an appointment's own page shows.
			full.ExternalID, full.Specialty, full.Clinician, full.Bring, full.Instructions = "", "", "", "", ""
			full.RespondedAt, full.CreatedAt, full.SitePostcode = sql.NullTime{}, time.Time{}, sql.NullString{}
			if !reflect.DeepEqual(list[i], full) {
				t.Errorf("listed appointment %d:\n got %+v\nwant %+v", i, list[i], full)
			}
		}
	})
}

func TestParseStoredTime(t *testing.T) {
	want := time.Date(2027, 3, 14, 13, 30, 5, 120000000, time.UTC)
	for _, s := range []string{
		"2027-03-14 13:30:05.12+00:00",
		"2027-03-14T13:30:05.120000000Z",
		"2027-03-14 14:30:05.12+01:00",
		"2027-03-14 12:00:05.12-01:30",
		"2027-03-14 13:30:05.12",
	} {
		got, err := store.ParseStoredTime(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%q: got %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := store.ParseStoredTime("2027-03-14 13:30:05"); err != nil || !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("CURRENT_TIMESTAMP form: %v %v", got, err)
	}
	if got, err := store.ParseStoredTime("2027-03-14"); err != nil || !got.Equal(time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", got, err)
	}
	for _, bad := range []string{"", "yesterday", "2027-02-30 10:00:00", "2027-13-01 10:00:00", "2027-03-14 25:00:00", "2027-03-14 10:00:00+0100x"} {
		if got, err := store.ParseStoredTime(bad); err == nil {
			t.Errorf("%q was read as %v", bad, got)
		}
	}
}
