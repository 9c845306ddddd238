package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// Two servers share one database: a change made through either shows on the other's next page,
// and a page with nothing changed is served from the kept list.
func TestAppointmentListsKeptPerServerFollowChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		other := New(st, Config{SecretKey: strings.Repeat("k", 32), PublicURL: "http://localhost", HospitalName: "Test"}, nil, nil)
		other.Now = func() time.Time { return f.now }
		clinics := func(svc *Service) []string {
			t.Helper()
			list, err := svc.AppointmentsFor(ctx, f.fresh(t, f.me.ID), f.by)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range list.Upcoming {
				out = append(out, it.Clinic+" "+it.State.Text)
			}
			return out
		}
		want := func(svc *Service, want ...string) {
			t.Helper()
			if got := clinics(svc); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got %q, want %q", got, want)
			}
		}
		want(f.svc, "Clinic ME1 Not confirmed yet")
		want(other, "Clinic ME1 Not confirmed yet")

		before := f.fresh(t, f.me.ID)
		// Kept: a change the triggers cannot see (made behind the store's back, for the test
		// only) is not read again while the version stays the same.
		if _, err := st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE appointments SET clinic = 'Hidden' WHERE id = ?`), f.mine.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE patients SET appointments_version = ? WHERE id = ?`),
			before.AppointmentsVersion, f.me.ID); err != nil {
			t.Fatal(err)
		}
		want(f.svc, "Clinic ME1 Not confirmed yet")

		// The patient confirms through one server; both show it.
		if _, err := f.svc.ConfirmAppointment(ctx, f.me.ID, f.mine.ID, 0, f.by); err != nil {
			t.Fatal(err)
		}
		want(f.svc, "Hidden Confirmed")
		want(other, "Hidden Confirmed")

		// A new appointment from the hospital shows at once.
		next := store.Appointment{PatientID: f.me.ID, ExternalID: "PAS-NEW", Clinic: "Later", StartsAt: f.now.Add(240 * time.Hour),
			EndsAt: f.now.Add(241 * time.Hour)}
		if err := st.CreateAppointment(ctx, &next); err != nil {
			t.Fatal(err)
		}
		want(f.svc, "Hidden Confirmed", "Later Not confirmed yet")

		// Time moving on moves an appointment to the past without a change to the database.
		f.now = f.now.Add(80 * time.Hour)
		want(f.svc, "Later Not confirmed yet")
	})
}

func TestListCacheStaysWithinItsRows(t *testing.T) {
	var c listCache
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	list := make([]store.Appointment, 1000)
	for i := range list {
		list[i].EndsAt = since.AddDate(1, 0, 0)
	}
	for id := range int64(200) {
		c.put(id, 1, since, list)
	}
	if c.rows > listCacheRows || c.rows != 1000*len(c.entries) {
		t.Fatalf("%d rows kept in %d entries", c.rows, len(c.entries))
	}
	if _, ok := c.get(199, 1, since); !ok {
		t.Error("the newest list was let go")
	}
	c.put(199, 2, since, list[:10])
	if got, ok := c.get(199, 2, since); !ok || len(got) != 10 {
		t.Error("a new version did not replace the list")
	}
	if _, ok := c.get(199, 1, since); ok {
		t.Error("a list was found under a version it is not kept under")
	}
	if _, ok := c.get(199, 2, since.Add(-time.Hour)); ok {
		t.Error("a list was used for a wider window than it was read for")
	}
	c.put(7, 1, since, make([]store.Appointment, listCacheRows))
	if _, ok := c.get(7, 1, since); ok {
		t.Error("a list too long to keep was kept")
	}
}
