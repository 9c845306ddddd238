package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/store"
)

func TestLettersListViewAndFile(t *testing.T) {
	e, b, p, a := newAmelia(t)
	l := e.addLetter(p, a, "Your Cardiology clinic appointment")
	leaflet := e.addLetter(p, store.Appointment{}, "Parking leaflet")

	list := b.get("/letters")
	mustContain(t, list, "Your letters", "Your Cardiology clinic appointment", "Parking leaflet", "New",
		fmt.Sprintf(`href="/letters/%d"`, l.ID))
	if n := len(e.audits("letters.view")); n != 1 {
		t.Errorf("%d letters.view audit events", n)
	}

	page := b.get(fmt.Sprintf("/letters/%d", l.ID))
	mustContain(t, page, "<h1>Your Cardiology clinic appointment</h1>", "Read the letter (PDF)", "Download the letter (PDF)",
		fmt.Sprintf(`href="/letters/%d/file?download=1"`, l.ID), fmt.Sprintf(`href="/appointments/%d"`, a.ID))
	got, _ := e.st.Letter(t.Context(), l.ID)
	if !got.FirstViewedAt.Valid || !got.FirstViewedAt.Time.Equal(e.clock.Now()) {
		t.Fatalf("the first view was not recorded: %+v", got.FirstViewedAt)
	}

	f := b.get(fmt.Sprintf("/letters/%d/file", leaflet.ID))
	if f.status != http.StatusOK || f.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(f.body, "%PDF") {
		t.Fatalf("file: %d %q", f.status, f.header.Get("Content-Type"))
	}
	if d := f.header.Get("Content-Disposition"); d != `inline; filename=letter-MRN-AmeliaClarke.pdf` {
		t.Errorf("Content-Disposition %q", d)
	}
	if f.header.Get("Cache-Control") != "no-store" || !strings.Contains(f.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("headers %v", f.header)
	}
	if got, _ := e.st.Letter(t.Context(), leaflet.ID); !got.FirstViewedAt.Valid {
		t.Fatal("opening the file did not record the first view")
	}
	d := b.get(fmt.Sprintf("/letters/%d/file?download=1", leaflet.ID))
	if disp := d.header.Get("Content-Disposition"); !strings.HasPrefix(disp, "attachment;") {
		t.Errorf("download Content-Disposition %q", disp)
	}
	mustLack(t, b.get("/letters"), "New")
	if n := len(e.audits("letter.open")); n != 2 {
		t.Errorf("%d letter.open audit events", n)
	}
}

func TestAnotherPatientsLetterIsNotFound(t *testing.T) {
	e, b, _, _ := newAmelia(t)
	tom := e.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	l := e.addLetter(tom, e.appointmentsOf(tom)[0], "Your Eye clinic appointment")
	for _, path := range []string{"/letters/%d", "/letters/%d/file", "/letters/%d/file?download=1"} {
		r := b.get(fmt.Sprintf(path, l.ID))
		if r.status != http.StatusNotFound {
			t.Fatalf("%s of another patient: %d", path, r.status)
		}
		mustLack(t, r, "Eye clinic", "%PDF")
	}
	mustLack(t, b.get("/letters"), "Eye clinic")
	if got, _ := e.st.Letter(t.Context(), l.ID); got.FirstViewedAt.Valid {
		t.Fatal("another patient's attempt marked the letter as read")
	}
	if n := len(e.audits("access.denied")); n != 3 {
		t.Fatalf("%d access.denied events, want 3", n)
	}
}

func TestMessagesListAndRead(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	m := e.addMessage(p, "Car park works", "Allow 20 more minutes.\n\nBus routes 16 and 42 stop outside.")
	mustContain(t, b.get("/messages"), "Your messages", "Car park works", "New")
	r := b.get(fmt.Sprintf("/messages/%d", m.ID))
	mustContain(t, r, "<h1>Car park works</h1>", "<p>Allow 20 more minutes.</p>", "<p>Bus routes 16 and 42 stop outside.</p>")
	if got, _ := e.st.Message(t.Context(), m.ID); !got.ReadAt.Valid {
		t.Fatal("reading did not mark the message read")
	}
	mustLack(t, b.get("/messages"), "New")
	if n := len(e.audits("message.view")) + len(e.audits("messages.view")); n != 3 {
		t.Errorf("%d message audit events, want 3", n)
	}

	tom := e.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	theirs := e.addMessage(tom, "Tom's news", "Private")
	if r := b.get(fmt.Sprintf("/messages/%d", theirs.ID)); r.status != http.StatusNotFound {
		t.Fatalf("another patient's message: %d", r.status)
	}
	if got, _ := e.st.Message(t.Context(), theirs.ID); got.ReadAt.Valid {
		t.Fatal("another patient's message was marked read")
	}
	if n := len(e.audits("access.denied")); n != 1 {
		t.Fatalf("%d access.denied events", n)
	}
	if r := b.get("/messages/not-a-number"); r.status != http.StatusNotFound {
		t.Fatalf("a bad id: %d", r.status)
	}
}
