package handlers

import (
	"testing"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/views"
)

func TestMemoKeyTellsPagesApart(t *testing.T) {
	base := func() AppointmentsPage {
		return AppointmentsPage{Page: views.Page{Title: "Your appointments", CSRF: "tok"}, ForPatient: "Leo Patel",
			Upcoming: []AppointmentCard{{ID: 1, Clinic: "Eye clinic", When: "Monday 1 March 2027 at 9am",
				State: hub.State{Text: "Booked", Tone: "blue"}, Actions: hub.Actions{Confirm: true}}}}
	}
	key := func(p AppointmentsPage) [32]byte {
		t.Helper()
		k, err := memoKey("appointments", p)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	same := key(base())
	if key(base()) != same {
		t.Fatal("the same data gave two keys")
	}
	changes := map[string]func(*AppointmentsPage){
		"title":          func(p *AppointmentsPage) { p.Title = "Your appointment" },
		"csrf":           func(p *AppointmentsPage) { p.CSRF = "other" },
		"child's name":   func(p *AppointmentsPage) { p.ForPatient = "" },
		"notice":         func(p *AppointmentsPage) { p.Notice = "Saved" },
		"flash":          func(p *AppointmentsPage) { p.Flash = "Done" },
		"errors":         func(p *AppointmentsPage) { p.Errors = views.FieldErrors{{Field: "x", Message: "y"}} },
		"card id":        func(p *AppointmentsPage) { p.Upcoming[0].ID = 2 },
		"state":          func(p *AppointmentsPage) { p.Upcoming[0].State.Text = "Confirmed" },
		"action":         func(p *AppointmentsPage) { p.Upcoming[0].Actions.Cancel = true },
		"moved to past":  func(p *AppointmentsPage) { p.Past, p.Upcoming = p.Upcoming, nil },
		"one more card":  func(p *AppointmentsPage) { p.Upcoming = append(p.Upcoming, AppointmentCard{}) },
		"strings joined": func(p *AppointmentsPage) { p.Title, p.CSRF = "Your appointmentstok", "" },
	}
	for name, change := range changes {
		p := base()
		change(&p)
		if key(p) == same {
			t.Errorf("changing the %s kept the key", name)
		}
	}
	if k, _ := memoKey("appointment", base()); k == same {
		t.Error("another page with the same data had the same key")
	}
	if _, err := memoKey("x", map[string]int{"a": 1}); err == nil {
		t.Error("a map was accepted in a memo key")
	}
}
