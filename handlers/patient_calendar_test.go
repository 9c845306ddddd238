package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/patienthub/patienthub/calendar"
	"github.com/patienthub/patienthub/store"
)

// decodeICS checks a calendar file's lines (CRLF, at most 75 octets, some folded when long) and
// decodes it with go-ical, as a calendar app would read it.
func decodeICS(t *testing.T, body string) *ical.Calendar {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("the file does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("line %d has a bare LF", i+1)
		}
	}
	cal, err := ical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the file: %v\n%s", err, body)
	}
	return cal
}

// eventsByUID returns the calendar's events by UID, and checks the Europe/London VTIMEZONE.
func eventsByUID(t *testing.T, cal *ical.Calendar) map[string]ical.Event {
	t.Helper()
	tz := false
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			id, _ := c.Props.Text(ical.PropTimezoneID)
			tz = tz || id == "Europe/London"
		}
	}
	if !tz {
		t.Error("no Europe/London VTIMEZONE")
	}
	out := map[string]ical.Event{}
	for _, ev := range cal.Events() {
		uid, err := ev.Props.Text(ical.PropUID)
		if err != nil {
			t.Fatal(err)
		}
		out[uid] = ev
	}
	return out
}

func sequenceOf(t *testing.T, ev ical.Event) int {
	t.Helper()
	n, err := ev.Props.Get(ical.PropSequence).Int()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func statusOf(ev ical.Event) ical.EventStatus {
	st, _ := ev.Status()
	return st
}

// rebook moves a to a new time the way the booking centre does: the old appointment becomes
// "rebooked" (its sequence bumped) and a new one replaces it.
func (e *testEnv) rebook(a store.Appointment, after time.Duration) store.Appointment {
	e.t.Helper()
	ctx := context.Background()
	start := e.clock.Now().Add(after)
	next := store.Appointment{PatientID: a.PatientID, ExternalID: a.ExternalID + "-R", Clinic: a.Clinic, SiteID: a.SiteID,
		StartsAt: start, EndsAt: start.Add(30 * time.Minute), PreviousAppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}}
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.SetAppointmentStatus(ctx, a.ID, a.Status, a.Sequence, store.StatusRebooked, e.clock.Now())
		if err != nil || !ok {
			return fmt.Errorf("moving the old appointment: %v %w", ok, err)
		}
		return tx.CreateAppointment(ctx, &next)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return next
}

func TestAppointmentCalendarFileAcrossARebook(t *testing.T) {
	e := newEnv(t)
	p, _ := browserAmelia(e)
	a := e.addAppointment(p, "Cardiology clinic", 10*24*time.Hour, "")
	b := e.browser()
	b.signInAs(p)
	path := fmt.Sprintf("/appointments/%d/calendar.ics", a.ID)

	mustContain(t, b.get(fmt.Sprintf("/appointments/%d", a.ID)), `href="`+path+`"`, "Add to your calendar")
	r := b.get(path)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("download: %d %q", r.status, r.header.Get("Content-Type"))
	}
	wantName := "hospital-appointment-" + a.StartsAt.In(london()).Format("2006-01-02") + ".ics"
	if got := r.header.Get("Content-Disposition"); got != "attachment; filename="+wantName {
		t.Errorf("Content-Disposition %q", got)
	}
	if !regexp.MustCompile(`\r\n [^\r]`).MatchString(r.body) {
		t.Errorf("no line is folded, though the description is long:\n%s", r.body)
	}
	uid := calendar.UID(a.ID, e.svc.Cfg.PublicURL)
	ev, ok := eventsByUID(t, decodeICS(t, r.body))[uid]
	if !ok || sequenceOf(t, ev) != 0 || statusOf(ev) != ical.EventConfirmed || len(ev.Children) != 1 || ev.Children[0].Name != ical.CompAlarm {
		t.Fatalf("event %s: %+v", uid, ev.Props)
	}
	start := ev.Props.Get(ical.PropDateTimeStart)
	if start.Params.Get(ical.ParamTimezoneID) != "Europe/London" {
		t.Errorf("DTSTART %s is not in Europe/London", start.Value)
	}
	if when, err := ev.DateTimeStart(london()); err != nil || !when.Equal(a.StartsAt) {
		t.Errorf("DTSTART %v (%v), want %v", when, err, a.StartsAt)
	}
	if desc, _ := ev.Props.Text(ical.PropDescription); !strings.Contains(desc, calendar.AppointmentURL(a.ID, e.svc.Cfg.PublicURL)) {
		t.Errorf("the description has no link to the hub: %q", desc)
	}
	if got := e.audits("appointment.calendar.view"); len(got) != 1 || got[0].Object != fmt.Sprintf("appointment:%d", a.ID) {
		t.Errorf("audit of the download: %+v", got)
	}

	next := e.rebook(a, 20*24*time.Hour)
	again := eventsByUID(t, decodeICS(t, b.get(path).body))[uid]
	if sequenceOf(t, again) != 1 || statusOf(again) != ical.EventCancelled {
		t.Fatalf("after the rebook: SEQUENCE %d, STATUS %s", sequenceOf(t, again), statusOf(again))
	}
	if summary, _ := again.Props.Text(ical.PropSummary); !strings.HasPrefix(summary, "Moved: ") {
		t.Errorf("SUMMARY after the rebook: %q", summary)
	}
	moved := eventsByUID(t, decodeICS(t, b.get(fmt.Sprintf("/appointments/%d/calendar.ics", next.ID)).body))
	if ev, ok := moved[calendar.UID(next.ID, e.svc.Cfg.PublicURL)]; !ok || sequenceOf(t, ev) != 0 || statusOf(ev) != ical.EventConfirmed {
		t.Fatalf("the new appointment's file: %v", moved)
	}

	// Another patient's appointment, and anyone signed out, get nothing.
	leo := e.addPatient("Leo", "Patel", patelMobile, "", store.NewDate(2016, 9, 2), "Children's clinic")
	other := e.appointmentsOf(leo)[0]
	if r := b.get(fmt.Sprintf("/appointments/%d/calendar.ics", other.ID)); r.status != http.StatusNotFound {
		t.Errorf("another patient's appointment: %d", r.status)
	}
	if r := e.browser().get(path); r.url != "/signin" {
		t.Errorf("signed out: %d at %s", r.status, r.url)
	}
}

var calendarLink = regexp.MustCompile(`id="calendar-link" name="calendar-link" type="text" value="([^"]+)"`)

// feedLink reads the patient's calendar link from the preferences page.
func (b *browser) feedLink() string {
	b.e.t.Helper()
	p := b.get("/preferences")
	m := calendarLink.FindStringSubmatch(p.body)
	if m == nil {
		b.e.t.Fatalf("no calendar link on the preferences page:\n%s", p.body)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// fetchFeed gets a feed the way a calendar app does: no cookies, no session.
func (e *testEnv) fetchFeed(link string) (int, string) {
	e.t.Helper()
	path := link[strings.Index(link, "/calendar.ics"):]
	resp, err := http.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		e.t.Errorf("feed Content-Type %q", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, string(body)
}

func TestCalendarFeedFollowsChangesAndCanBeStopped(t *testing.T) {
	e := newEnv(t)
	p, first := browserAmelia(e)
	b := e.browser()
	b.signInAs(p)
	prefs := b.get("/preferences")
	mustContain(t, prefs, "Get a calendar link")
	mustLack(t, prefs, "/calendar.ics?key=")

	r := b.submit("/preferences", "/preferences/calendar-feed", nil)
	mustContain(t, r, "Your calendar link is ready.", "webcal://")
	link := b.feedLink()
	if !strings.HasPrefix(link, e.svc.Cfg.PublicURL+"/calendar.ics?key=") || len(link) < len(e.svc.Cfg.PublicURL)+50 {
		t.Fatalf("calendar link %q", link)
	}
	if stored, err := e.st.CalendarFeedOf(context.Background(), p.ID); err != nil || strings.Contains(link, stored.TokenHash) ||
		strings.Contains(stored.TokenSealed, link[strings.Index(link, "key=")+4:]) {
		t.Fatalf("the token is stored as it is: %+v %v", stored, err)
	}

	status, body := e.fetchFeed(link)
	if status != http.StatusOK {
		t.Fatalf("feed: %d", status)
	}
	uid := calendar.UID(first.ID, e.svc.Cfg.PublicURL)
	if ev, ok := eventsByUID(t, decodeICS(t, body))[uid]; !ok || statusOf(ev) != ical.EventConfirmed {
		t.Fatalf("the feed lacks the appointment %s:\n%s", uid, body)
	}

	// A rebook: the old time is cancelled in the phone's calendar, the new one appears; then the
	// hospital cancels the new one.
	next := e.rebook(first, 9*24*time.Hour)
	events := eventsByUID(t, decodeICS(t, second(e.fetchFeed(link))))
	nextUID := calendar.UID(next.ID, e.svc.Cfg.PublicURL)
	if ev := events[uid]; statusOf(ev) != ical.EventCancelled || sequenceOf(t, ev) != 1 {
		t.Errorf("the moved appointment in the feed: %s, sequence %d", statusOf(ev), sequenceOf(t, ev))
	}
	if ev, ok := events[nextUID]; !ok || statusOf(ev) != ical.EventConfirmed {
		t.Errorf("the new appointment is not in the feed")
	}
	if ok, err := e.st.SetAppointmentStatus(context.Background(), next.ID, store.StatusBooked, 0, store.StatusCancelledByHospital, e.clock.Now()); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ev := eventsByUID(t, decodeICS(t, second(e.fetchFeed(link))))[nextUID]; statusOf(ev) != ical.EventCancelled || sequenceOf(t, ev) != 1 {
		t.Errorf("the cancelled appointment in the feed: %s, sequence %d", statusOf(ev), sequenceOf(t, ev))
	}
	if got := e.audits("calendar_feed.view"); len(got) != 3 || got[0].ActorKind != "patient" || !strings.HasPrefix(got[0].Detail, "by calendar link") || !got[0].PatientID.Valid || got[0].PatientID.Int64 != p.ID {
		t.Errorf("audit of the feed: %+v", got)
	}

	// Wrong keys, a renewed link and a stopped one.
	for _, wrong := range []string{"", "nope", strings.Repeat("A", 43), link[strings.Index(link, "key=")+4:] + "x"} {
		if status, _ := e.fetchFeed("/calendar.ics?key=" + wrong); status != http.StatusNotFound {
			t.Errorf("key %q: %d", wrong, status)
		}
	}
	r = b.submit("/preferences", "/preferences/calendar-feed", nil)
	mustContain(t, r, "You have a new calendar link.")
	renewed := b.feedLink()
	if status, _ := e.fetchFeed(link); status != http.StatusNotFound {
		t.Errorf("the old link after renewing: %d", status)
	}
	if status, _ := e.fetchFeed(renewed); status != http.StatusOK {
		t.Errorf("the new link: %d", status)
	}
	r = b.submit("/preferences", "/preferences/calendar-feed/stop", nil)
	mustContain(t, r, "Your calendar link no longer works.", "Get a calendar link")
	if status, _ := e.fetchFeed(renewed); status != http.StatusNotFound {
		t.Errorf("the link after stopping it: %d", status)
	}
	for _, action := range []string{"calendar_feed.create", "calendar_feed.renew", "calendar_feed.stop"} {
		if got := e.audits(action); len(got) != 1 || got[0].ActorKind != "patient" {
			t.Errorf("audit %s: %+v", action, got)
		}
	}
	if r := e.browser().post("/preferences/calendar-feed", nil); r.status != http.StatusForbidden {
		t.Errorf("making a link without the form's token: %d", r.status)
	}
}

func TestCalendarFeedIsRateLimited(t *testing.T) {
	e := newEnv(t)
	limited := 0
	for range 40 {
		if status, _ := e.fetchFeed("/calendar.ics?key=x"); status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("40 feed requests in a moment from one address were all answered")
	}
}

func TestDiscreetRecordInTheFeed(t *testing.T) {
	e := newEnv(t)
	p := e.addPatient("Daniel", "Okafor", "+447700900005", "", store.NewDate(1992, 6, 30), "Sexual Health Clinic")
	if _, err := e.st.DB().Exec(e.st.DB().Rebind(`UPDATE patients SET discreet = ? WHERE id = ?`), true, p.ID); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signInAs(p)
	b.submit("/preferences", "/preferences/calendar-feed", nil)
	_, body := e.fetchFeed(b.feedLink())
	decodeICS(t, body)
	if strings.Contains(body, "Sexual") || !strings.Contains(body, "SUMMARY:Hospital appointment") {
		t.Fatalf("a discreet record's feed:\n%s", body)
	}
}

func second(_ int, body string) string { return body }

func london() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}
