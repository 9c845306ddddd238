package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// A patient's appointments_version must change with everything their appointment list shows,
// and only then: servers keep the list in memory under it.
func TestAppointmentsVersionFollowsEveryChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		p := newPatient(t, s, "AV1", "+447700900021", "", store.NewDate(1970, time.May, 1))
		other := newPatient(t, s, "AV2", "+447700900022", "", store.NewDate(1971, time.May, 1))
		version := func(id int64) int64 {
			t.Helper()
			got, err := s.Patient(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return got.AppointmentsVersion
		}
		last, lastOther := version(p.ID), version(other.ID)
		changed := func(what string) {
			t.Helper()
			v := version(p.ID)
			if v == last {
				t.Errorf("%s did not change the version (still %d)", what, v)
			}
			if o := version(other.ID); o != lastOther {
				t.Errorf("%s changed another patient's version", what)
			}
			last = v
		}

		site := store.Site{Code: "AV", Name: "Chapel Allerton Hospital", Address: "Chapeltown Road, Leeds", Postcode: "LS7 4SA"}
		if err := s.CreateSite(ctx, &site); err != nil {
			t.Fatal(err)
		}
		if v := version(p.ID); v != last {
			t.Errorf("a new site with no appointments changed the version")
		}
		start := now.Add(72 * time.Hour)
		a := store.Appointment{PatientID: p.ID, ExternalID: "AV-1", Clinic: "Hand clinic", StartsAt: start, EndsAt: start.Add(time.Hour),
			SiteID: sql.NullInt64{Int64: site.ID, Valid: true}}
		if err := s.CreateAppointment(ctx, &a); err != nil {
			t.Fatal(err)
		}
		changed("a new appointment")
		if ok, err := s.RecordAppointmentResponse(ctx, a.ID, store.StatusBooked, 0, store.StatusConfirmed, now); !ok || err != nil {
			t.Fatalf("confirm: %v %v", ok, err)
		}
		changed("the patient confirming")
		a.Sequence, a.Clinic = 1, "Hand therapy"
		if ok, err := s.UpdateAppointmentDetails(ctx, a, now); !ok || err != nil {
			t.Fatalf("details: %v %v", ok, err)
		}
		changed("staff changing the details")
		if ok, err := s.SetAppointmentStatus(ctx, a.ID, store.StatusConfirmed, 2, store.StatusCancelledByHospital, now); !ok || err != nil {
			t.Fatalf("status: %v %v", ok, err)
		}
		changed("staff cancelling")
		site.Phone, site.Directions = "0113 392 4000", "Park on Chapeltown Road."
		if err := s.UpdateSite(ctx, site, now); err != nil {
			t.Fatal(err)
		}
		if v := version(p.ID); v != last {
			t.Errorf("a change to what no list shows (the site's phone) changed the version")
		}
		site.Name = "Chapel Allerton Hospital, Leeds"
		if err := s.UpdateSite(ctx, site, now); err != nil {
			t.Fatal(err)
		}
		changed("renaming the site")
		site.Address = "Chapeltown Road, Leeds LS7"
		if err := s.UpdateSite(ctx, site, now); err != nil {
			t.Fatal(err)
		}
		changed("the site moving")

		old := store.Appointment{PatientID: p.ID, ExternalID: "AV-OLD", Clinic: "Hand clinic", StartsAt: now.AddDate(-3, 0, 0),
			EndsAt: now.AddDate(-3, 0, 0).Add(time.Hour)}
		if err := s.CreateAppointment(ctx, &old); err != nil {
			t.Fatal(err)
		}
		changed("an old appointment")
		if _, err := s.Forget(ctx, now, now.AddDate(-2, 0, 0), now, now); err != nil {
			t.Fatal(err)
		}
		changed("retention removing an appointment")
	})
}
