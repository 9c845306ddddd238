package handlers_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
)

const (
	ameliaDOBDay, ameliaDOBMonth, ameliaDOBYear = "14", "3", "1985"
)

// newAmelia adds Amelia with her booked appointment (in 3 days) and signs her in.
func newAmelia(t *testing.T) (*testEnv, *browser, store.Patient, store.Appointment) {
	t.Helper()
	e := newEnv(t)
	p := e.addPatient("Amelia", "Clarke", ameliaMobile, "amelia.clarke@example.com", store.NewDate(1985, 3, 14), "Cardiology clinic")
	a := e.appointmentsOf(p)[0]
	b := e.browser()
	b.signInAs(p)
	return e, b, p, a
}

func actionFields(csrf string, a store.Appointment, from string) url.Values {
	return url.Values{"_csrf": {csrf}, "sequence": {fmt.Sprint(a.Sequence)}, "from": {from}}
}

func TestAppointmentsListAndPage(t *testing.T) {
	e, b, p, a := newAmelia(t)
	eye := e.addAppointment(p, "Eye clinic", 24*time.Hour, store.StatusConfirmed)
	e.addAppointment(p, "Dermatology", 10*24*time.Hour, store.StatusCancelledByHospital)
	e.addAppointment(p, "Physiotherapy", 20*24*time.Hour, store.StatusCancelRequested)
	e.addAppointment(p, "Old clinic", -30*24*time.Hour, store.StatusAttended)
	e.addAppointment(p, "Ancient clinic", -25*30*24*time.Hour, store.StatusAttended)
	e.addLetter(p, a, "Your Cardiology clinic appointment")

	list := b.get("/appointments")
	mustContain(t, list, "Your appointments", "Upcoming", "Past appointments", "Eye clinic", "Cardiology clinic",
		"Confirmed", "Not confirmed yet", "Cancelled by the hospital on ", "You asked to cancel — the booking team will call you to confirm",
		"Old clinic", "Attended", `action="/appointments/`+fmt.Sprint(a.ID)+`/confirm"`, "Request to rebook", "Cancel appointment")
	mustLack(t, list, "Ancient clinic", "For Amelia Clarke")
	if i, j := strings.Index(list.body, "Eye clinic"), strings.Index(list.body, "Old clinic"); i < 0 || j < i {
		t.Error("upcoming appointments must come before past ones")
	}
	if i, j := strings.Index(list.body, "Eye clinic"), strings.Index(list.body, "Cardiology clinic"); j < i {
		t.Error("upcoming appointments must be soonest first")
	}
	if got := list.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}

	page := b.get(fmt.Sprintf("/appointments/%d", a.ID))
	mustContain(t, b.get(fmt.Sprintf("/appointments/%d", eye.ID)), "<h1>Eye clinic</h1>", "What to bring", "Bring your medicines.",
		"Before your appointment", "Report to reception.", "Confirmed")
	mustContain(t, page, "<h1>Cardiology clinic</h1>", "Appointment details", "In person",
		"Your letter", "Your Cardiology clinic appointment", "Getting there", "Beckett Street, Leeds, LS9 7TF",
		fmt.Sprintf(`href="/sites/%d"`, a.SiteID.Int64), "Confirm")
	if n := len(e.audits("appointment.view")); n != 2 {
		t.Errorf("%d appointment.view audit events, want 2", n)
	}
	if n := len(e.audits("appointments.view")); n != 2 { // after signing in, and now
		t.Errorf("%d appointments.view audit events, want 2", n)
	}
}

func TestPhoneAndVideoAppointments(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	ctx := t.Context()
	start := e.clock.Now().Add(48 * time.Hour)
	video := store.Appointment{PatientID: p.ID, ExternalID: "PAS-VIDEO", Clinic: "Video clinic", Kind: "video",
		VideoLink: "https://video.example.nhs.uk/join/abc123", StartsAt: start, EndsAt: start.Add(15 * time.Minute)}
	phone := store.Appointment{PatientID: p.ID, ExternalID: "PAS-PHONE", Clinic: "Phone clinic", Kind: "phone",
		StartsAt: start.Add(time.Hour), EndsAt: start.Add(75 * time.Minute)}
	for _, a := range []*store.Appointment{&video, &phone} {
		if err := e.st.CreateAppointment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, b.get("/appointments"), "Video call", `href="https://video.example.nhs.uk/join/abc123"`, "Phone call: we will call you")
	mustContain(t, b.get(fmt.Sprintf("/appointments/%d", video.ID)), "Join the video call", "Video call")
}

func TestConfirmWithoutJavaScript(t *testing.T) {
	e, b, _, a := newAmelia(t)
	list := b.get("/appointments")
	csrf := b.csrfOf(list)

	p := b.post(fmt.Sprintf("/appointments/%d/confirm", a.ID), actionFields(csrf, a, "list"))
	if p.url != "/appointments" || p.status != http.StatusOK {
		t.Fatalf("after confirming: %s %d", p.url, p.status)
	}
	mustContain(t, p, "You have confirmed your Cardiology clinic appointment", "Confirmed")
	got := e.appointmentNow(a.ID)
	if got.Status != store.StatusConfirmed || got.Sequence != 1 || !got.RespondedAt.Valid {
		t.Fatalf("after confirming: %+v", got)
	}
	if n := len(e.audits("appointment.confirm")); n != 1 {
		t.Fatalf("%d appointment.confirm audit events", n)
	}

	// The same form again (a double click, the back button): a clear message, nothing changes twice.
	p = b.post(fmt.Sprintf("/appointments/%d/confirm", a.ID), actionFields(csrf, a, "list"))
	if p.url != fmt.Sprintf("/appointments/%d", a.ID) {
		t.Fatalf("after confirming twice: at %s", p.url)
	}
	mustContain(t, p, "Important", "You have already confirmed this appointment")
	if got := e.appointmentNow(a.ID); got.Sequence != 1 {
		t.Fatalf("confirming twice bumped the sequence to %d", got.Sequence)
	}
	// The message is shown once.
	mustLack(t, b.get(fmt.Sprintf("/appointments/%d", a.ID)), "already confirmed")
}

func TestConfirmRedirectsWithSeeOther(t *testing.T) {
	_, b, _, a := newAmelia(t)
	csrf := b.csrfOf(b.get("/appointments"))
	p := b.noRedirects().post(fmt.Sprintf("/appointments/%d/confirm", a.ID), actionFields(csrf, a, "page"))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != fmt.Sprintf("/appointments/%d", a.ID) {
		t.Fatalf("status %d, Location %q", p.status, p.header.Get("Location"))
	}
}

func TestConfirmWithHTMX(t *testing.T) {
	e, b, _, a := newAmelia(t)
	csrf := b.csrfOf(b.get("/appointments"))
	form := url.Values{"sequence": {"0"}, "from": {"list"}}

	p := b.htmxPost(fmt.Sprintf("/appointments/%d/confirm", a.ID), csrf, form)
	if p.status != http.StatusOK {
		t.Fatalf("status %d: %s", p.status, p.body)
	}
	mustContain(t, p, fmt.Sprintf(`id="appointment-%d-status"`, a.ID), "Confirmed", "You have confirmed", "data-app-focus",
		fmt.Sprintf(`href="/appointments/%d/rebook"`, a.ID))
	mustLack(t, p, "<html", "<header", fmt.Sprintf("/appointments/%d/confirm", a.ID))
	if !strings.Contains(strings.Join(p.header.Values("Vary"), ","), "HX-Request") {
		t.Errorf("Vary %q", p.header.Values("Vary"))
	}
	if got := e.appointmentNow(a.ID); got.Status != store.StatusConfirmed {
		t.Fatalf("status %s", got.Status)
	}

	// A second click: 409 with the reason, in place; still one change.
	p = b.htmxPost(fmt.Sprintf("/appointments/%d/confirm", a.ID), csrf, form)
	if p.status != http.StatusConflict {
		t.Fatalf("second confirm: status %d", p.status)
	}
	mustContain(t, p, fmt.Sprintf(`id="appointment-%d-status"`, a.ID), "You have already confirmed this appointment", "app-appointment__message--failed")
	if got := e.appointmentNow(a.ID); got.Sequence != 1 {
		t.Fatalf("sequence %d", got.Sequence)
	}
}

func TestRebookRequest(t *testing.T) {
	e, b, _, a := newAmelia(t)
	formPath := fmt.Sprintf("/appointments/%d/rebook", a.ID)
	form := b.get(formPath)
	mustContain(t, form, "Request to rebook your appointment", "Why do you need to rebook? (optional)",
		"When is the best time to call you? (optional)", "Mornings (8am to midday)", "07700 900001", `name="sequence" value="0"`)
	csrf := b.csrfOf(form)

	// Problems with the form: shown again with the NHS error summary, nothing changed.
	bad := url.Values{"_csrf": {csrf}, "sequence": {"0"}, "reason": {strings.Repeat("x", 501)}, "callback-times": {"morning", "midnight"}}
	p := b.post(formPath, bad)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: status %d", p.status)
	}
	mustContain(t, p, "There is a problem", "Your reason must be 500 characters or fewer", `href="#reason"`,
		"Select the times we can call you from the list", `href="#callback-times"`, "<title>Error: ", "checked")
	if got := e.appointmentNow(a.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
		t.Fatalf("an invalid request changed the appointment: %+v", got)
	}

	good := url.Values{"_csrf": {csrf}, "sequence": {"0"}, "reason": {"I am on holiday that week"}, "callback-times": {"afternoon", "morning"}}
	p = b.post(formPath, good)
	if p.url != fmt.Sprintf("/appointments/%d", a.ID) {
		t.Fatalf("after the request: at %s (%d)", p.url, p.status)
	}
	mustContain(t, p, "We have sent your request to rebook", "You asked to rebook — the booking team will call you",
		"What happens next", "Received", "I am on holiday that week", "Mornings (8am to midday); Afternoons (midday to 5pm)")
	mustLack(t, p, fmt.Sprintf("/appointments/%d/confirm", a.ID), "Cancel appointment")
	task, err := e.st.LatestAppointmentTask(t.Context(), a.PatientID, a.ID)
	if err != nil || task.Kind != store.TaskRebook || task.Status != store.TaskOpen || task.PatientNote != "I am on holiday that week" {
		t.Fatalf("task: %v %+v", err, task)
	}

	// Sent again: a clear message, no second task.
	p = b.post(formPath, good)
	mustContain(t, p, "You have already asked to rebook this appointment")
	if ts, _ := e.st.TasksForPatient(t.Context(), a.PatientID); len(ts) != 1 {
		t.Fatalf("%d tasks", len(ts))
	}
	// The form page itself now says why it cannot be used.
	p = b.get(formPath)
	if p.url != fmt.Sprintf("/appointments/%d", a.ID) {
		t.Fatalf("the rebook form after a rebook request: at %s", p.url)
	}
	mustContain(t, p, "You have already asked to rebook")
}

func TestCancelRequestAfterConfirming(t *testing.T) {
	e, b, _, a := newAmelia(t)
	csrf := b.csrfOf(b.get("/appointments"))
	b.post(fmt.Sprintf("/appointments/%d/confirm", a.ID), actionFields(csrf, a, "page"))

	formPath := fmt.Sprintf("/appointments/%d/cancel", a.ID)
	form := b.get(formPath)
	mustContain(t, form, "Are you sure you want to cancel this appointment?", "Yes, cancel this appointment", "No, keep this appointment",
		"Why are you cancelling? (optional)", `name="sequence" value="1"`)

	// A page from before the confirm (sequence 0) is stale: nothing changes.
	p := b.post(formPath, url.Values{"_csrf": {csrf}, "sequence": {"0"}})
	mustContain(t, p, "This appointment changed since you opened the page")
	if got := e.appointmentNow(a.ID); got.Status != store.StatusConfirmed {
		t.Fatalf("a stale cancel changed the appointment: %s", got.Status)
	}

	p = b.post(formPath, url.Values{"_csrf": {csrf}, "sequence": {"1"}, "reason": {"Feeling better"}})
	mustContain(t, p, "We have sent your request to cancel", "You asked to cancel — the booking team will call you to confirm",
		"What happens next", "Feeling better")
	got := e.appointmentNow(a.ID)
	if got.Status != store.StatusCancelRequested || got.Sequence != 2 {
		t.Fatalf("after cancelling: %+v", got)
	}
	if task, _ := e.st.LatestAppointmentTask(t.Context(), a.PatientID, a.ID); task.Kind != store.TaskCancel {
		t.Fatalf("task %+v", task)
	}
	if n := len(e.audits("appointment.cancel")); n != 1 {
		t.Errorf("%d appointment.cancel audit events", n)
	}
	if n := len(e.audits("appointment.cancel.refused")); n != 1 {
		t.Errorf("%d appointment.cancel.refused audit events", n)
	}
}

func TestPastAppointmentCannotChange(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	past := e.addAppointment(p, "Old clinic", -48*time.Hour, store.StatusBooked)
	page := b.get(fmt.Sprintf("/appointments/%d", past.ID))
	mustContain(t, page, "Old clinic", "Booked")
	mustLack(t, page, "Request to rebook", fmt.Sprintf("/appointments/%d/confirm", past.ID))
	csrf := b.csrfOf(b.get("/appointments"))

	r := b.post(fmt.Sprintf("/appointments/%d/confirm", past.ID), actionFields(csrf, past, "list"))
	mustContain(t, r, "This appointment has already started or happened")
	r = b.get(fmt.Sprintf("/appointments/%d/cancel", past.ID))
	if r.url != fmt.Sprintf("/appointments/%d", past.ID) {
		t.Fatalf("the cancel page of a past appointment: at %s", r.url)
	}
	mustContain(t, r, "This appointment has already started or happened")
	r = b.post(fmt.Sprintf("/appointments/%d/rebook", past.ID), actionFields(csrf, past, ""))
	mustContain(t, r, "This appointment has already started or happened")
	if got := e.appointmentNow(past.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
		t.Fatalf("a past appointment changed: %+v", got)
	}
}

func TestAnotherPatientsAppointmentIsNotFound(t *testing.T) {
	e, b, _, mine := newAmelia(t)
	other := e.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	theirs := e.appointmentsOf(other)[0]
	csrf := b.csrfOf(b.get("/appointments"))

	missing := b.get("/appointments/999999")
	strip := func(s string) string { return volatileRE.ReplaceAllString(s, "") }
	for _, path := range []string{"/appointments/%d", "/appointments/%d/rebook", "/appointments/%d/cancel"} {
		r := b.get(fmt.Sprintf(path, theirs.ID))
		if r.status != http.StatusNotFound {
			t.Fatalf("GET %s of another patient: status %d", path, r.status)
		}
		mustLack(t, r, "Eye clinic", "Tom")
		if path == "/appointments/%d" && strip(r.body) != strip(missing.body) {
			t.Error("another patient's appointment must look exactly like a missing one")
		}
	}
	for _, action := range []string{"confirm", "rebook", "cancel"} {
		r := b.post(fmt.Sprintf("/appointments/%d/%s", theirs.ID, action), actionFields(csrf, theirs, "page"))
		if r.status != http.StatusNotFound {
			t.Fatalf("%s another patient's appointment: status %d", action, r.status)
		}
	}
	r := b.htmxPost(fmt.Sprintf("/appointments/%d/confirm", theirs.ID), csrf, url.Values{"sequence": {"0"}})
	if r.status != http.StatusNotFound || r.header.Get("HX-Retarget") != "#maincontent" {
		t.Fatalf("htmx confirm of another patient's appointment: %d %q", r.status, r.header.Get("HX-Retarget"))
	}
	if got := e.appointmentNow(theirs.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
		t.Fatalf("another patient's appointment changed: %+v", got)
	}
	if ts, _ := e.st.TasksForPatient(t.Context(), other.ID); len(ts) != 0 {
		t.Fatal("a task was made for another patient's appointment")
	}
	denied := e.audits("access.denied")
	if len(denied) != 8 {
		t.Fatalf("%d access.denied events, want 8 (a missing id, 3 views, 3 actions, 1 htmx)", len(denied))
	}
	var aboutTom int
	for _, d := range denied {
		if d.PatientID.Int64 == other.ID && d.ActorKind == "patient" && d.Object == fmt.Sprintf("appointment:%d", theirs.ID) {
			aboutTom++
		}
	}
	if aboutTom != 7 {
		t.Errorf("%d denials name Tom's appointment", aboutTom)
	}
	if got := e.appointmentNow(mine.ID); got.Sequence != 0 {
		t.Fatal("Amelia's own appointment changed")
	}
}

func TestActionsNeedTheFormsToken(t *testing.T) {
	e, b, _, a := newAmelia(t)
	for _, action := range []string{"confirm", "rebook", "cancel"} {
		r := b.post(fmt.Sprintf("/appointments/%d/%s", a.ID, action), url.Values{"sequence": {"0"}})
		if r.status != http.StatusForbidden {
			t.Fatalf("%s without the CSRF token: status %d", action, r.status)
		}
		mustContain(t, r, "This form has expired")
	}
	if got := e.appointmentNow(a.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
		t.Fatalf("a request without the token changed the appointment: %+v", got)
	}
}

func TestActionsNeedSignIn(t *testing.T) {
	e := newEnv(t)
	p := e.addPatient("Amelia", "Clarke", ameliaMobile, "", store.NewDate(1985, 3, 14), "Cardiology clinic")
	a := e.appointmentsOf(p)[0]
	b := e.browser()
	for _, path := range []string{"/appointments/%d", "/appointments/%d/rebook", "/letters", "/messages", "/preferences"} {
		if r := b.get(strings.ReplaceAll(path, "%d", fmt.Sprint(a.ID))); r.url != "/signin" {
			t.Errorf("%s signed out: at %s", path, r.url)
		}
	}
	csrf := b.csrfOf(b.get("/signin"))
	r := b.post(fmt.Sprintf("/appointments/%d/confirm", a.ID), actionFields(csrf, a, "page"))
	if r.url != "/signin" {
		t.Fatalf("confirm signed out: at %s", r.url)
	}
	if got := e.appointmentNow(a.ID); got.Status != store.StatusBooked {
		t.Fatal("a signed-out request changed the appointment")
	}
}

func TestChildsNameOnEveryPatientPage(t *testing.T) {
	e := newEnv(t)
	leo := e.addPatient("Leo", "Patel", patelMobile, "", store.NewDate(2016, 9, 2), "Children's Asthma Clinic")
	a := e.appointmentsOf(leo)[0]
	l := e.addLetter(leo, a, "Your Children's Asthma Clinic appointment")
	m := e.addMessage(leo, "Car park works", "Allow extra time to park.")
	b := e.browser()
	b.signInAs(leo)
	for _, path := range []string{"/appointments", fmt.Sprintf("/appointments/%d", a.ID), fmt.Sprintf("/appointments/%d/rebook", a.ID),
		fmt.Sprintf("/appointments/%d/cancel", a.ID), "/letters", fmt.Sprintf("/letters/%d", l.ID), "/messages",
		fmt.Sprintf("/messages/%d", m.ID), "/preferences", "/preferences/opt-out"} {
		r := b.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, r.status)
		}
		mustContain(t, r, "For Leo Patel, born 2 September 2016", "Signed in as Leo Patel")
	}
}

func TestAppointmentsPageStaysSmall(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	for i := 1; i < 10; i++ {
		after := time.Duration(i*5*24) * time.Hour
		status := store.AppointmentStatus("")
		if i > 5 {
			after, status = -after, store.StatusAttended
		}
		e.addAppointment(p, fmt.Sprintf("Clinic number %d with a longer name", i), after, status)
	}
	r := b.get("/appointments")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(r.body))
	w.Close()
	t.Logf("/appointments with 10 appointments: %d bytes, %d gzipped", len(r.body), gz.Len())
	if gz.Len() >= 14*1024 {
		t.Fatalf("the appointments page is %d bytes gzipped, over 14 KB", gz.Len())
	}
}

func TestRequestProgressAsTheBookingTeamWorks(t *testing.T) {
	e, b, _, a := newAmelia(t)
	csrf := b.csrfOf(b.get("/appointments"))
	b.post(fmt.Sprintf("/appointments/%d/rebook", a.ID), url.Values{"_csrf": {csrf}, "sequence": {"0"}})
	task, err := e.st.LatestAppointmentTask(t.Context(), a.PatientID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/appointments/%d", a.ID)
	mustContain(t, b.get(page), "What happens next", `<li aria-current="step"><strong>Received</strong></li>`)

	setTask := func(status, outcome string) {
		t.Helper()
		if _, err := e.st.DB().Exec(e.st.DB().Rebind(`UPDATE tasks SET status = ?, outcome = ? WHERE id = ?`), status, outcome, task.ID); err != nil {
			t.Fatal(err)
		}
	}
	setTask(store.TaskInProgress, "")
	mustContain(t, b.get(page), `<li aria-current="step"><strong>Being handled</strong></li>`, "a member of the booking team is working on your request")
	setTask(store.TaskDone, "Rebooked to a new time on the phone")
	r := b.get(page)
	mustContain(t, r, "Your request", "The booking team has dealt with your request", `<li aria-current="step"><strong>Done</strong></li>`,
		"Rebooked to a new time on the phone")
	mustLack(t, r, "What happens next")
}
