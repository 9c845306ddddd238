package handlers_test

// Staff console journeys in a real browser, checked with axe-core on every page.

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// staffSignInInBrowser signs a staff member in through the console's sign-in page.
func staffSignInInBrowser(t testing.TB, ctx context.Context, e *testEnv, username, lands string) {
	t.Helper()
	navigate(t, ctx, e.srv.URL+"/staff")
	waitForText(t, ctx, "Staff console")
	fillByLabel(t, ctx, "Username", username)
	fillByLabel(t, ctx, "Password", staffPassword)
	clickButton(t, ctx, "Sign in")
	waitForText(t, ctx, lands)
}

func TestBrowserAgentWorksARebookUntilThePatientSeesTheNewTime(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		e.addStaff("agent", hub.RoleAgent)

		// The patient asks to rebook.
		signInInBrowser(t, ctx, e, p)
		clickLink(t, ctx, "Cardiology clinic")
		clickLink(t, ctx, "Request to rebook"+onDate(a))
		fillByLabel(t, ctx, "Why do you need to rebook? (optional)", "I am on holiday that week")
		setCheckedByLabel(t, ctx, "Mornings (8am to midday)", true)
		clickButton(t, ctx, "Send request to rebook")
		waitForText(t, ctx, "Received")

		// The agent finds it in the queue.
		staffSignInInBrowser(t, ctx, e, "agent", "Call-back queue")
		wantPath(t, ctx, "/staff/queue")
		waitForText(t, ctx, "I am on holiday that week")
		waitForText(t, ctx, "Mornings (8am to midday)")
		checkAxe(t, ctx)
		clickLink(t, ctx, "Amelia Clarke")
		waitForText(t, ctx, "Rebook request")
		checkAxe(t, ctx)
		clickButton(t, ctx, "Start working on this request")
		waitForText(t, ctx, "You are now working on this request")
		checkAxe(t, ctx)

		setCheckedByLabel(t, ctx, "Spoke to the patient", true)
		fillByLabel(t, ctx, "Note (optional)", "Agreed a morning in January")
		clickButton(t, ctx, "Record call")
		waitForText(t, ctx, "Call recorded: spoke to the patient.")
		waitForText(t, ctx, "Agreed a morning in January")

		newStart := time.Date(e.clock.Now().Year()+1, time.January, 12, 10, 30, 0, 0, hub.London)
		fillByLabel(t, ctx, "Day", "12")
		fillByLabel(t, ctx, "Month", "1")
		fillByLabel(t, ctx, "Year", strconv.Itoa(newStart.Year()))
		fillByLabel(t, ctx, "Start time (UK time)", "25:00")
		clickButton(t, ctx, "Book the new time and tell the patient")
		waitForText(t, ctx, "There is a problem")
		waitForText(t, ctx, "Enter the time like 14:30 or 2:30pm")
		checkAxe(t, ctx)
		fillByLabel(t, ctx, "Start time (UK time)", "10:30")
		clickButton(t, ctx, "Book the new time and tell the patient")
		waitForText(t, ctx, "Rebooked to "+hub.LondonDateTime(newStart))
		wantPath(t, ctx, "/staff/queue")
		checkAxe(t, ctx)

		// The patient sees the request done and the new time.
		navigate(t, ctx, e.srv.URL+fmt.Sprintf("/appointments/%d", a.ID))
		waitForText(t, ctx, "Done")
		waitForText(t, ctx, "Moved to")
		navigate(t, ctx, e.srv.URL+"/appointments")
		waitForText(t, ctx, newStart.Format("Monday 2 January 2006"))
		checkAxe(t, ctx)
		if got := e.appointmentNow(a.ID); got.Status != store.StatusRebooked {
			t.Fatalf("old appointment: %s", got.Status)
		}
		if ns := e.notificationsOf(p.ID); !hasString(ns, hub.PurposeRebooked+":sms") {
			t.Fatalf("the patient was not told: %v", ns)
		}
	})
}

func TestBrowserStaffPagesAreAccessible(t *testing.T) {
	ctx := newBrowser(t, browserOptions{Timeout: 4 * time.Minute})
	e := newEnv(t, func(c *hub.Config) { c.PostagePence, c.CarbonGramsPerLetter = 85, 20 })
	p, a := browserAmelia(e)
	e.patientAsks(p, a, hub.ActionCancel, "Feeling better")
	margaret := e.addPostOnlyPatient("Margaret", "Hughes", "12 Beech Grove\nLeeds", "LS6 2AB")
	e.addStaff("boss", hub.RoleAdmin)
	e.addStaff("agent", hub.RoleAgent)
	staffSignInInBrowser(t, ctx, e, "boss", "Call-back queue")
	checkAxe(t, ctx)
	task, _ := e.st.LatestAppointmentTask(ctx, p.ID, a.ID)
	sites, _ := e.st.Sites(ctx)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	pages := []struct{ path, text string }{
		{"/staff/tasks/" + id(task.ID), "Confirm the cancellation"},
		{"/staff/patients", "Find a patient"},
		{"/staff/patients?search=1&family-name=Clarke&dob-day=14&dob-month=3&dob-year=1985", "1 record found"},
		{"/staff/patients?search=1&nhs-number=123", "There is a problem"},
		{"/staff/patients/" + id(p.ID), "Audit trail"},
		{"/staff/patients/" + id(margaret.ID), "Post only"},
		{"/staff/patients/" + id(p.ID) + "/appointments/new", "Book an appointment"},
		{"/staff/appointments/" + id(a.ID) + "/letter", "Upload a letter"},
		{"/staff/patients/" + id(p.ID) + "/messages/new", "Send a message"},
		{"/staff/post", "Print these letters as one batch"},
		{"/staff/dashboard", "Delivery failures by channel"},
		{"/staff/admin/staff", "Staff accounts"},
		{"/staff/admin/staff/new", "Add a staff member"},
		{"/staff/admin/sites", "Sites and maps"},
		{"/staff/admin/sites/" + id(sites[0].ID), "Maps"},
		{"/staff/admin/wording", "Message wording"},
		{"/staff/admin/wording/" + hub.PurposeInvite, "Placeholders"},
		{"/staff/admin/timings", "Set by"},
	}
	for _, pg := range pages {
		navigate(t, ctx, e.srv.URL+pg.path)
		waitForText(t, ctx, pg.text)
		checkAxe(t, ctx)
	}
	navigate(t, ctx, e.srv.URL+"/staff/post")
	clickButton(t, ctx, "Print these letters as one batch")
	waitForText(t, ctx, "Mark this batch as posted")
	checkAxe(t, ctx)

	// The forbidden page an agent gets for administration.
	clickButton(t, ctx, "Sign out")
	waitForText(t, ctx, "You have signed out.")
	checkAxe(t, ctx)
	staffSignInInBrowser(t, ctx, e, "agent", "Call-back queue")
	navigate(t, ctx, e.srv.URL+"/staff/admin/staff")
	waitForText(t, ctx, "You cannot use this page")
	checkAxe(t, ctx)
}
