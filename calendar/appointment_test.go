package calendar_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/patienthub/patienthub/calendar"
	"github.com/patienthub/patienthub/store"
)

const publicURL = "https://hub.example.nhs.uk/"

var lgi = &store.Site{ID: 2, Code: "LGI", Name: "Leeds General Infirmary", Department: "Outpatients, Jubilee Wing",
	Address: "Great George Street, Leeds", Postcode: "LS1 3QE"}

func appointment() store.Appointment {
	return store.Appointment{
		ID: 123, PatientID: 9, Clinic: "Sexual Health Clinic", Specialty: "Genitourinary Medicine",
		Clinician: "Sexual health team", SiteID: sql.NullInt64{Int64: 2, Valid: true},
		StartsAt: time.Date(2026, 7, 14, 13, 30, 0, 0, time.UTC), EndsAt: time.Date(2026, 7, 14, 14, 0, 0, 0, time.UTC),
		Kind: "in_person", Status: store.StatusBooked, Bring: "Bring a list of any medicines you take.",
		Instructions: "Report to the Sexual Health reception, Brotherton Wing, Level 2.",
		UpdatedAt:    time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC),
	}
}

func TestFromAppointment(t *testing.T) {
	a := appointment()
	e := calendar.FromAppointment(a, store.Patient{ID: 9}, lgi, publicURL)
	want := calendar.Event{
		UID: "appointment-123@hub.example.nhs.uk", Sequence: 0, Start: a.StartsAt, End: a.EndsAt,
		Title:    "Genitourinary Medicine appointment",
		Location: "Leeds General Infirmary, Outpatients, Jubilee Wing, Great George Street, Leeds, LS1 3QE",
		URL:      "https://hub.example.nhs.uk/appointments/123", Updated: a.UpdatedAt,
	}
	got := e
	got.Description = ""
	if got != want {
		t.Errorf("event\n %+v\nwant\n %+v", got, want)
	}
	for _, s := range []string{"Sexual Health Clinic with Sexual health team.", "What to bring: " + a.Bring, a.Instructions,
		"View or change it in Patient Hub: https://hub.example.nhs.uk/appointments/123"} {
		if !strings.Contains(e.Description, s) {
			t.Errorf("description lacks %q:\n%s", s, e.Description)
		}
	}
}

func TestFromAppointmentKinds(t *testing.T) {
	joined := appointment()
	joined.SiteName = sql.NullString{String: "St James's University Hospital", Valid: true}
	joined.SiteAddress = sql.NullString{String: "Beckett Street, Leeds", Valid: true}
	joined.SitePostcode = sql.NullString{String: "LS9 7QS", Valid: true}
	for _, tc := range []struct {
		name, kind, link string
		site             *store.Site
		want             string
	}{
		{"telephone", "phone", "", lgi, "Telephone appointment"},
		{"video", "video", "https://video.example.nhs.uk/join/ABC", lgi, "https://video.example.nhs.uk/join/ABC"},
		{"site joined onto the appointment", "in_person", "", nil, "St James's University Hospital, Beckett Street, Leeds, LS9 7QS"},
	} {
		a := joined
		a.Kind, a.VideoLink = tc.kind, tc.link
		if got := calendar.FromAppointment(a, store.Patient{}, tc.site, publicURL).Location; got != tc.want {
			t.Errorf("%s: LOCATION = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDiscreetRecord(t *testing.T) {
	a := appointment()
	e := calendar.FromAppointment(a, store.Patient{ID: 9, Discreet: true}, lgi, publicURL)
	if e.Title != "Hospital appointment" {
		t.Errorf("Title = %q", e.Title)
	}
	ev := only(t, decode(t, encode(t, e)))
	if got := text(t, ev.Component, "SUMMARY"); got != "Hospital appointment" {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := text(t, ev.Component, "LOCATION"); got != "Leeds General Infirmary, Great George Street, Leeds, LS1 3QE" {
		t.Errorf("LOCATION = %q", got)
	}
	if got := text(t, ev.Component, "DESCRIPTION"); got != "View or change it in Patient Hub: https://hub.example.nhs.uk/appointments/123" {
		t.Errorf("DESCRIPTION = %q", got)
	}
	var all strings.Builder
	for _, prop := range []string{"SUMMARY", "LOCATION", "DESCRIPTION"} {
		all.WriteString(text(t, ev.Component, prop))
	}
	for _, c := range ev.Children {
		all.WriteString(text(t, c, "DESCRIPTION"))
	}
	for _, secret := range []string{"Sexual", "Genitourinary", "Brotherton", "medicines", "Jubilee"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("discreet event mentions %q", secret)
		}
	}
}

func TestRebookSequence(t *testing.T) {
	booked := appointment()
	moved := booked
	moved.Sequence, moved.Status = 1, store.StatusRebooked
	moved.UpdatedAt = booked.UpdatedAt.Add(48 * time.Hour)
	for _, tc := range []struct {
		name   string
		a      store.Appointment
		seq    int
		status ical.EventStatus
		alarms int
	}{
		{"booked", booked, 0, ical.EventConfirmed, 1},
		{"rebooked", moved, 1, ical.EventCancelled, 0},
		{"cancelled by the hospital", func() store.Appointment {
			a := moved
			a.Sequence, a.Status = 2, store.StatusCancelledByHospital
			return a
		}(), 2, ical.EventCancelled, 0},
		{"cancelled", func() store.Appointment { a := moved; a.Sequence, a.Status = 2, store.StatusCancelled; return a }(), 2, ical.EventCancelled, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := only(t, decode(t, encode(t, calendar.FromAppointment(tc.a, store.Patient{}, lgi, publicURL))))
			if uid := text(t, ev.Component, "UID"); uid != "appointment-123@hub.example.nhs.uk" {
				t.Errorf("UID = %q", uid)
			}
			if seq, err := ev.Props.Get("SEQUENCE").Int(); err != nil || seq != tc.seq {
				t.Errorf("SEQUENCE = %d, %v; want %d", seq, err, tc.seq)
			}
			if st, _ := ev.Status(); st != tc.status {
				t.Errorf("STATUS = %q, want %q", st, tc.status)
			}
			if len(ev.Children) != tc.alarms {
				t.Errorf("%d alarms, want %d", len(ev.Children), tc.alarms)
			}
			if stamp, _ := ev.Props.DateTime("DTSTAMP", nil); !stamp.Equal(tc.a.UpdatedAt) {
				t.Errorf("DTSTAMP = %v, want %v", stamp, tc.a.UpdatedAt)
			}
		})
	}
}
