package handlers_test

import (
	"bytes"
	"context"
	"database/sql"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestPatientSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	e.st.DB().Exec(e.st.DB().Rebind(`UPDATE patients SET nhs_number = ? WHERE id = ?`), "9992345616", p.ID)
	e.addPatient("Adam", "Clarke", "+447700900002", "", store.NewDate(1985, time.March, 14), "Cardiology")
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")

	p1 := b.get("/staff/patients?search=1&hospital-number=+" + p.HospitalNumber + "+")
	if p1.url != "/staff/patients/"+strconv.FormatInt(p.ID, 10) {
		t.Fatalf("one hospital number match goes straight to the record: at %s", p1.url)
	}
	mustContain(t, b.get("/staff/patients?search=1&nhs-number=999+234+5616"), "1 record found", "Clarke, Amelia")
	r := b.get("/staff/patients?search=1&family-name=CLARKE&dob-day=14&dob-month=3&dob-year=1985")
	mustContain(t, r, "2 records found", "Clarke, Amelia", "Clarke, Adam")
	r = b.get("/staff/patients?search=1&family-name=clarke&given-name=am&dob-day=14&dob-month=3&dob-year=1985")
	mustContain(t, r, "1 record found", "Clarke, Amelia")
	mustContain(t, b.get("/staff/patients?search=1&family-name=Nobody&dob-day=1&dob-month=1&dob-year=1990"), "0 records found")

	for query, want := range map[string]string{
		"search=1":                                      "Enter a hospital number, an NHS number, or a family name and date of birth",
		"search=1&nhs-number=12345":                     "NHS number must be 10 numbers",
		"search=1&nhs-number=9992345617":                "Enter a valid NHS number",
		"search=1&family-name=Clarke":                   "Enter",
		"search=1&dob-day=14&dob-month=3&dob-year=1985": "Enter the family name as well as the date of birth",
	} {
		r := b.get("/staff/patients?" + query)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", query, r.status)
		}
		mustContain(t, r, "There is a problem", want)
	}
	found, _ := e.st.AuditByAction(ctx, "staff.patient.found")
	if len(found) == 0 {
		t.Error("records found in a search are not audited")
	}
}

func TestPatientRecordShowsEverythingAndIsAudited(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "amelia@example.com", store.NewDate(1985, time.March, 14), "Cardiology Outpatients")
	a := e.firstAppointment(p)
	l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: "Your Cardiology Outpatients appointment"}
	if err := e.st.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")}); err != nil {
		t.Fatal(err)
	}
	n := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, Purpose: hub.PurposeInvite, Channel: store.ChannelSMS,
		Recipient: "+447700900001", IdempotencyKey: "k1", Status: store.NotifyFailed, LastError: "invalid number"}
	e.st.EnqueueNotification(ctx, &n)
	e.patientAsks(p, a, hub.ActionRebook, "Away")
	agent := e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")

	r := b.get("/staff/patients/" + strconv.FormatInt(p.ID, 10))
	mustContain(t, r, "Amelia Clarke", "07700 900001", "amelia@example.com", "Using Patient Hub",
		"Cardiology Outpatients", "You asked to rebook", "Your Cardiology Outpatients appointment (PDF)", "Not yet",
		"Invitation to read a letter", "Text", "Failed", "invalid number", "Rebook", "Received", "Away",
		"staff.patient.record", "Staff: Agent Tester (agent)")
	views, _ := e.st.AuditByAction(ctx, "staff.patient.record")
	if len(views) != 1 || views[0].PatientID.Int64 != p.ID || views[0].ActorKind != "staff" || views[0].ActorID != strconv.FormatInt(agent.ID, 10) {
		t.Fatalf("record view audit: %+v", views)
	}
	f := b.get("/staff/letters/" + strconv.FormatInt(l.ID, 10) + "/file")
	if f.status != http.StatusOK || f.body != "%PDF-1.4 test" {
		t.Fatalf("letter file: %d %q", f.status, f.body)
	}
	if !hasString(e.auditActions(p.ID), "staff.letter.open") {
		t.Error("opening a letter is not audited")
	}
	r = b.get("/staff/patients/999999")
	if r.status != http.StatusNotFound {
		t.Errorf("missing record: %d", r.status)
	}
	// The console's own words, and the way back to the console rather than the patients' home.
	mustContain(t, r, "Search for the patient again")
	mustContain(t, r, `href="/staff"`)
	if strings.Contains(r.body, "Patient Hub home page") {
		t.Error("a console error page sends staff to the patients' home page")
	}
}

func TestStaffOptsAPatientOutWithTheirFormAndBackIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Priya", "Shah", "+447700900004", "", store.NewDate(1979, time.October, 9), "Diabetes")
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")
	rec := "/staff/patients/" + strconv.FormatInt(p.ID, 10)
	r := b.staffPost(rec, rec+"/opt-out", nil)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("opt out without saying how: %d", r.status)
	}
	mustContain(t, r, "Select how the patient asked to opt out")
	r = b.staffPost(rec, rec+"/opt-out", map[string]string{"how": hub.OptOutByForm})
	mustContain(t, r, "The patient is opted out", "Opted out", "Opt-out form", "Opt-out form received")
	got, _ := e.st.Patient(ctx, p.ID)
	if !got.OptedOut() {
		t.Fatal("not opted out")
	}
	trail := e.auditActions(p.ID)
	if !hasString(trail, "staff.opt_out") || !hasString(trail, "preferences.opt_out") {
		t.Fatalf("opt-out audit: %v", trail)
	}
	r = b.staffPost(rec, rec+"/opt-in", nil)
	mustContain(t, r, "The patient is back on Patient Hub", "Using Patient Hub")
	if got, _ := e.st.Patient(ctx, p.ID); got.OptedOut() {
		t.Fatal("still opted out")
	}
}

func TestStaffBooksAndChangesAnAppointment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Tom", "Baker", "", "tom@example.com", store.NewDate(1950, time.November, 23), "Eye Clinic")
	existing := e.firstAppointment(p)
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")
	rec := "/staff/patients/" + strconv.FormatInt(p.ID, 10)
	start := time.Date(e.clock.Now().Year()+1, time.February, 3, 9, 15, 0, 0, hub.London)
	fields := rebookFields(existing, start)
	fields["clinic"] = "Respiratory Outpatients"
	r := b.staffPost(rec+"/appointments/new", rec+"/appointments", fields)
	mustContain(t, r, "Booked for "+hub.LondonDateTime(start), "Respiratory Outpatients")
	all, _ := e.st.AppointmentsOfPatient(ctx, p.ID)
	var booked store.Appointment
	for _, a := range all {
		if a.Clinic == "Respiratory Outpatients" {
			booked = a
		}
	}
	if !booked.StartsAt.Equal(start) || !strings.HasPrefix(booked.ExternalID, "HUB-") {
		t.Fatalf("booked: %+v", booked)
	}
	if ls, _ := e.st.LettersForAppointment(ctx, p.ID, booked.ID); len(ls) != 1 {
		t.Fatalf("letters of the new appointment: %d", len(ls))
	}
	if ns := e.notificationsOf(p.ID); !hasString(ns, hub.PurposeInvite+":email") {
		t.Fatalf("no invitation: %v", ns)
	}

	edit := "/staff/appointments/" + strconv.FormatInt(booked.ID, 10)
	later := start.Add(2 * time.Hour)
	fields = rebookFields(booked, later)
	fields["sequence"] = strconv.Itoa(booked.Sequence)
	r = b.staffPost(edit+"/edit", edit, fields)
	mustContain(t, r, "Changed to "+hub.LondonDateTime(later))
	changed, _ := e.st.Appointment(ctx, booked.ID)
	if changed.Sequence != booked.Sequence+1 || !changed.StartsAt.Equal(later) {
		t.Fatalf("changed: seq %d start %v", changed.Sequence, changed.StartsAt)
	}
	if ns := e.notificationsOf(p.ID); !hasString(ns, hub.PurposeChanged+":email") {
		t.Fatalf("no change message: %v", ns)
	}
	// The same form again (now stale) changes nothing.
	r = b.post(edit, formWithToken(b, edit+"/edit", fields))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a stale change: %d", r.status)
	}
	mustContain(t, r, "Someone changed this appointment while you were editing it")
	if !hasString(e.auditActions(p.ID), "staff.appointment.changed") {
		t.Error("change not audited")
	}
}

// formWithToken is fields with the CSRF token of page.
func formWithToken(b *browser, page string, fields map[string]string) map[string][]string {
	b.e.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(page).body)
	v := map[string][]string{"_csrf": {m[1]}}
	for k, val := range fields {
		v[k] = []string{val}
	}
	return v
}

func TestStaffLettersAndMessages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Margaret", "Hughes", "", "", store.NewDate(1940, time.January, 1), "Cardiology")
	a := e.firstAppointment(p)
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")
	page := "/staff/appointments/" + strconv.FormatInt(a.ID, 10) + "/letter"
	r := b.staffPost(page, page+"/generate", nil)
	mustContain(t, r, "is on its way to the patient", "Your Cardiology appointment (PDF)")

	upload := func(title, name string, data []byte) pageResult {
		m := csrfField.FindStringSubmatch(b.get(page).body)
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", m[1])
		w.WriteField("title", title)
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+page+"/upload", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return b.do(req)
	}
	r = upload("Test results", "results.png", []byte("\x89PNG\r\n"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a PNG as a letter: %d", r.status)
	}
	mustContain(t, r, "The file must be a PDF")
	r = upload("Test results", "results.pdf", []byte("%PDF-1.7 results"))
	mustContain(t, r, "The letter is attached", "Test results (PDF)")
	ls, _ := e.st.LettersForAppointment(ctx, p.ID, a.ID)
	if len(ls) != 2 {
		t.Fatalf("letters: %d", len(ls))
	}
	rec := "/staff/patients/" + strconv.FormatInt(p.ID, 10)
	r = b.staffPost(rec+"/messages/new", rec+"/messages", map[string]string{"subject": "", "body": ""})
	mustContain(t, r, "Enter a subject", "Enter the message")
	r = b.staffPost(rec+"/messages/new", rec+"/messages", map[string]string{"subject": "Parking", "body": "Use the Beckett Street car park."})
	mustContain(t, r, "Message sent", "Parking", "Use the Beckett Street car park.")
	// A post-only patient gets the message, and the new letters, by post.
	ns := e.notificationsOf(p.ID)
	if !hasString(ns, hub.PurposeNewMessage+":post") || !hasString(ns, hub.PurposePostalCopy+":post") {
		t.Fatalf("notifications of a post-only patient: %v", ns)
	}
}
