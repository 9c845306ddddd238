package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
)

func TestAdminManagesStaffAccounts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	boss := e.addStaff("boss", hub.RoleAdmin)
	b := e.browser()
	b.staffSignIn("boss")
	p := b.staffPost("/staff/admin/staff/new", "/staff/admin/staff", map[string]string{"username": "No Spaces", "name": "", "role": "", "password": "short"})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: %d", p.status)
	}
	mustContain(t, p, "Enter a username of 2 to 40", "Enter the person&#39;s name", "Select the account&#39;s role", "at least 12 characters")
	p = b.staffPost("/staff/admin/staff/new", "/staff/admin/staff", map[string]string{"username": "Jo.Smith", "name": "Jo Smith", "role": hub.RoleAgent, "password": "a long enough password"})
	mustContain(t, p, "Jo Smith can now sign in as jo.smith", "Booking centre agent")
	p = b.staffPost("/staff/admin/staff/new", "/staff/admin/staff", map[string]string{"username": "jo.smith", "name": "Jo Again", "role": hub.RoleAgent, "password": "a long enough password"})
	mustContain(t, p, "That username is already used")
	jo, err := e.st.StaffByUsername(ctx, "jo.smith")
	if err != nil || !hub.CheckPassword(jo.PasswordHash, "a long enough password") || !strings.HasPrefix(jo.PasswordHash, "$argon2id$") {
		t.Fatalf("new account: %v %+v", err, jo)
	}
	// Jo signs in, an administrator switches the account off, and Jo's next page is the sign-in.
	jb := e.browser()
	p = jb.submit("/staff", "/staff", map[string]string{"username": "jo.smith", "password": "a long enough password"})
	if p.url != "/staff/queue" {
		t.Fatalf("Jo at %s", p.url)
	}
	acct := "/staff/admin/staff/" + strconv.FormatInt(jo.ID, 10)
	p = b.staffPost(acct, acct, map[string]string{"name": "Jo Smith", "role": hub.RolePostroom, "disabled": "yes"})
	mustContain(t, p, "The account of Jo Smith is saved", "Switched off")
	if p := jb.get("/staff/queue"); p.url != "/staff" {
		t.Fatalf("a switched-off account still reaches %s", p.url)
	}
	// An administrator cannot lock themselves out.
	me := "/staff/admin/staff/" + strconv.FormatInt(boss.ID, 10)
	p = b.staffPost(me, me, map[string]string{"name": "Boss", "role": hub.RoleAgent})
	mustContain(t, p, "You cannot switch off your own account")
	// Locked after wrong passwords; an administrator unlocks and sets a new password.
	p = b.staffPost(acct, acct, map[string]string{"name": "Jo Smith", "role": hub.RoleAgent})
	for i := 0; i < 5; i++ {
		jb.submit("/staff", "/staff", map[string]string{"username": "jo.smith", "password": "wrong"})
	}
	mustContain(t, b.get("/staff/admin/staff"), "Locked")
	p = b.staffPost(acct, acct+"/unlock", nil)
	mustContain(t, p, "The account is unlocked")
	p = b.staffPost(acct, acct+"/password", map[string]string{"password": "another long password"})
	mustContain(t, p, "The new password is set")
	p = jb.submit("/staff", "/staff", map[string]string{"username": "jo.smith", "password": "another long password"})
	if p.url != "/staff/queue" {
		t.Fatalf("with the new password: at %s", p.url)
	}
	for _, action := range []string{"staff.account.created", "staff.account.changed", "staff.account.unlocked", "staff.account.password"} {
		if es, _ := e.st.AuditByAction(ctx, action); len(es) == 0 {
			t.Errorf("%s not audited", action)
		}
	}
}

// upload posts a multipart form with one file to action, with the CSRF token of page.
func (b *browser) upload(page, action string, fields map[string]string, fileField, fileName string, data []byte) pageResult {
	b.e.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(page).body)
	if m == nil {
		b.e.t.Fatalf("no CSRF field on %s", page)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", m[1])
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(fileField, fileName)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+action, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestAdminAddsASiteWithAMap(t *testing.T) {
	e := newEnv(t)
	e.addStaff("boss", hub.RoleAdmin)
	b := e.browser()
	b.staffSignIn("boss")
	p := b.staffPost("/staff/admin/sites/new", "/staff/admin/sites", map[string]string{"code": "", "name": ""})
	mustContain(t, p, "Enter a short code", "Enter the site&#39;s name")
	p = b.staffPost("/staff/admin/sites/new", "/staff/admin/sites", map[string]string{"code": "chap", "name": "Chapel Allerton Hospital",
		"address": "Chapeltown Road, Leeds", "postcode": "ls7 4sa", "directions": "Bus 2, 3 or 3A to Chapeltown Road."})
	mustContain(t, p, "Chapel Allerton Hospital is added", "This site has no maps yet", `value="CHAP"`, `value="LS7 4SA"`)
	site := p.url
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Map</title><rect width="10" height="10"/></svg>`)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"map.txt", []byte("just text"), "The file must be an SVG, PNG or PDF"},
		{"map.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "The SVG contains scripts"},
		{"map.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="x()"></svg>`), "The SVG contains scripts"},
		{"big.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, hub.MaxMapBytes)...), "smaller than 5 MB"},
	} {
		p = b.upload(site, site+"/maps", map[string]string{"map-title": "Site map"}, "map-file", c.name, c.data)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.name, p.status)
		}
		mustContain(t, p, c.want)
	}
	p = b.upload(site, site+"/maps", map[string]string{"map-title": "Site map of Chapel Allerton"}, "map-file", "chapel allerton.svg", svg)
	mustContain(t, p, "The map is uploaded", "Site map of Chapel Allerton", "chapel-allerton.svg")
	// Patients see the site and can download the map.
	sites, _ := e.st.Sites(context.Background())
	var id int64
	for _, s := range sites {
		if s.Code == "CHAP" {
			id = s.ID
		}
	}
	maps, _ := e.st.SiteMaps(context.Background(), id)
	if len(maps) != 1 || maps[0].ContentType != "image/svg+xml" {
		t.Fatalf("maps: %+v", maps)
	}
	pub := e.browser().get("/sites/" + strconv.FormatInt(id, 10) + "/maps/" + strconv.FormatInt(maps[0].ID, 10))
	if pub.status != http.StatusOK || !strings.Contains(pub.body, "<svg") {
		t.Fatalf("public map: %d", pub.status)
	}
	mustContain(t, e.browser().get("/sites/"+strconv.FormatInt(id, 10)), "Chapel Allerton Hospital", "Bus 2, 3 or 3A")
	p = b.staffPost(site, site+"/maps/"+strconv.FormatInt(maps[0].ID, 10)+"/delete", nil)
	mustContain(t, p, "The map is removed", "This site has no maps yet")
}

func TestAdminChangesMessageWording(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addStaff("boss", hub.RoleAdmin)
	b := e.browser()
	b.staffSignIn("boss")
	p := b.get("/staff/admin/wording")
	mustContain(t, p, "Appointment rebooked", "Standard")
	page := "/staff/admin/wording/" + hub.PurposeRebooked
	p = b.get(page)
	mustContain(t, p, "{hospital}", "{link}", "{when}", "Preview", "Test Hospital: Your Cardiology Outpatients appointment has been rebooked")

	p = b.staffPost(page, page, map[string]string{"action": "preview", "subject": "Moved", "text": "{hospital}: new time {when} {unknown}"})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad wording: %d", p.status)
	}
	mustContain(t, p, "{unknown} is not a placeholder", "must contain {link}")
	text := "{hospital}: we have moved your {what} to {when} at {where}. See it at {link}"
	p = b.staffPost(page, page, map[string]string{"action": "preview", "subject": "Your appointment has moved", "text": text})
	mustContain(t, p, "Test Hospital: we have moved your Cardiology Outpatients appointment to", "at St James&#39;s University Hospital. See it at http://localhost/",
		"A patient of a sensitive clinic", "we have moved your appointment to", "User Verification Code: ABCD2345")
	if _, err := e.st.Setting(ctx, "wording."+hub.PurposeRebooked); err == nil {
		t.Fatal("a preview saved the wording")
	}
	p = b.staffPost(page, page, map[string]string{"action": "save", "subject": "Your appointment has moved", "text": text})
	mustContain(t, p, "is saved", "Changed")

	// The next rebook message uses it, filled in for the patient, with their verification code.
	q := newQueueEnvOn(t, e, hub.ActionRebook)
	start := time.Date(e.clock.Now().Year()+1, time.January, 12, 10, 30, 0, 0, hub.London)
	q.agent.staffPost(q.taskPath(""), q.taskPath("rebook"), rebookFields(q.appt, start))
	ns, _ := e.st.NotificationsForPatient(ctx, q.patient.ID)
	var body string
	for _, n := range ns {
		if n.Purpose == hub.PurposeRebooked {
			body = n.Body
		}
	}
	want := "Test Hospital: we have moved your Cardiology Outpatients appointment to " + hub.LondonDateTime(start)
	if !strings.Contains(body, want[:60]) || !strings.Contains(body, "User Verification Code: "+q.patient.VerificationCode) {
		t.Fatalf("rebooked text:\n%s\nwant it to start %q", body, want)
	}
	p = b.staffPost(page, page+"/reset", nil)
	mustContain(t, p, "Back to the standard wording")
	if _, err := e.st.Setting(ctx, "wording."+hub.PurposeRebooked); err == nil {
		t.Fatal("reset kept the wording")
	}
}

func TestAdminSeesTheTimings(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) {
		c.LetterReminders, c.PostalFallbackAfter = []time.Duration{24 * time.Hour, 48 * time.Hour}, 72*time.Hour
		c.PostagePence, c.CarbonGramsPerLetter = 85, 20
	})
	e.addStaff("boss", hub.RoleAdmin)
	b := e.browser()
	b.staffSignIn("boss")
	mustContain(t, b.get("/staff/admin/timings"), "1 day and 2 days after the letter", "3 days after the letter",
		"PATIENTHUB_POSTAL_FALLBACK_AFTER", "£0.85", "20 g CO2e", "2 working days")
}
