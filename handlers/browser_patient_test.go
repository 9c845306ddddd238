package handlers_test

// The signed-in patient's journeys in a real browser, each with JavaScript on
// ("js", where htmx swaps the Confirm answer in place) and off ("nojs", plain
// forms and redirects), and axe-core on every page on the way.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// clickLink follows the first visible link whose text (including any visually
// hidden part) is exactly text, and waits for the new page.
func clickLink(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	const findLinkJS = `(text) => {
		const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
		const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
		return Array.from(document.querySelectorAll("a[href]")).filter(visible).find((a) => norm(a.textContent) === norm(text)) || null;
	}`
	type linkReport struct {
		Found bool     `json:"found"`
		Links []string `json:"links"`
	}
	report, err := pollReport(ctx, `(() => { const a = `+jsCall(findLinkJS, text)+`;
		return { found: !!a, links: Array.from(document.querySelectorAll("a[href]")).map((l) => l.textContent.replace(/\s+/g, " ").trim()) }; })()`,
		func(r linkReport) bool { return r.Found })
	if !report.Found {
		t.Fatalf("clickLink(%q): no visible link has this text (err=%v); links: %q", text, err, report.Links)
	}
	before := currentURL(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(jsCall(findLinkJS, text)))); err != nil {
		t.Fatalf("clickLink(%q): %v", text, err)
	}
	if _, err := pollReport(ctx, `({ url: location.href, ready: document.readyState })`, func(r struct {
		URL   string `json:"url"`
		Ready string `json:"ready"`
	}) bool {
		return r.URL != before && r.Ready == "complete"
	}); err != nil {
		t.Fatalf("clickLink(%q): the page did not change from %s: %v", text, before, err)
	}
}

// signInInBrowser signs p in through the sign-in pages, landing on their appointments.
func signInInBrowser(t testing.TB, ctx context.Context, e *testEnv, p store.Patient) {
	t.Helper()
	d := p.DateOfBirth
	contact := p.Mobile.String
	if contact == "" {
		contact = p.Email.String
	}
	enterContactAndBirthDate(t, ctx, e, contact, fmt.Sprint(d.Day()), fmt.Sprint(int(d.Month())), fmt.Sprint(d.Year()))
	enterSecurityCode(t, ctx, e, contact, "")
	waitForText(t, ctx, "Your appointments")
	wantPath(t, ctx, "/appointments")
}

// onDate is the visually hidden end of an appointment's action names: " Clinic on Monday 14 March 2027".
func onDate(a store.Appointment) string {
	return " " + a.Clinic + " on " + a.StartsAt.In(hub.London).Format("Monday 2 January 2006")
}

func browserAmelia(e *testEnv) (store.Patient, store.Appointment) {
	p := e.addPatient("Amelia", "Clarke", ameliaMobile, "amelia.clarke@example.com", store.NewDate(1985, 3, 14), "Cardiology clinic")
	return p, e.appointmentsOf(p)[0]
}

func TestBrowserConfirmAppointment(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		e.addAppointment(p, "Old clinic", -30*24*time.Hour, store.StatusAttended)
		signInInBrowser(t, ctx, e, p)
		waitForText(t, ctx, "Not confirmed yet")
		waitForText(t, ctx, "Past appointments")
		checkAxe(t, ctx)

		clickButton(t, ctx, "Confirm"+onDate(a))
		waitForText(t, ctx, "You have confirmed your Cardiology clinic appointment")
		waitForText(t, ctx, "Confirmed")
		wantNoText(t, ctx, "Not confirmed yet")
		wantPath(t, ctx, "/appointments")
		if js {
			// Swapped in place: the message has the focus, and the page did not reload.
			focused, err := pollReport(ctx, `!!(document.activeElement && document.activeElement.hasAttribute("data-app-focus"))`,
				func(ok bool) bool { return ok })
			if err != nil || !focused {
				t.Errorf("the confirmation message does not have the focus (err=%v)", err)
			}
			wantNoText(t, ctx, "Success")
		} else {
			waitForText(t, ctx, "Success")
		}
		checkAxe(t, ctx)
		if got := e.appointmentNow(a.ID); got.Status != store.StatusConfirmed || got.Sequence != 1 {
			t.Fatalf("after confirming: %s, sequence %d", got.Status, got.Sequence)
		}

		clickLink(t, ctx, "Cardiology clinic")
		wantPath(t, ctx, fmt.Sprintf("/appointments/%d", a.ID))
		waitForText(t, ctx, "Appointment details")
		waitForText(t, ctx, "Getting there")
		checkAxe(t, ctx)
	})
}

func TestBrowserRebookAppointment(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		signInInBrowser(t, ctx, e, p)
		clickLink(t, ctx, "Cardiology clinic")
		waitForText(t, ctx, "Appointment details")
		checkAxe(t, ctx)

		clickLink(t, ctx, "Request to rebook"+onDate(a))
		waitForText(t, ctx, "Request to rebook your appointment")
		waitForText(t, ctx, "07700 900001")
		checkAxe(t, ctx)

		fillByLabel(t, ctx, "Why do you need to rebook? (optional)", strings.Repeat("x", 501))
		clickButton(t, ctx, "Send request to rebook")
		waitForText(t, ctx, "There is a problem")
		waitForText(t, ctx, "Your reason must be 500 characters or fewer")
		checkAxe(t, ctx)
		if got := e.appointmentNow(a.ID); got.Status != store.StatusBooked {
			t.Fatalf("an invalid request changed the appointment to %s", got.Status)
		}

		fillByLabel(t, ctx, "Why do you need to rebook? (optional)", "I am on holiday that week")
		setCheckedByLabel(t, ctx, "Mornings (8am to midday)", true)
		clickButton(t, ctx, "Send request to rebook")
		waitForText(t, ctx, "We have sent your request to rebook")
		waitForText(t, ctx, "You asked to rebook — the booking team will call you")
		waitForText(t, ctx, "What happens next")
		waitForText(t, ctx, "Received")
		wantPath(t, ctx, fmt.Sprintf("/appointments/%d", a.ID))
		checkAxe(t, ctx)

		task, err := e.st.LatestAppointmentTask(ctx, p.ID, a.ID)
		if err != nil || task.Kind != store.TaskRebook || task.PatientNote != "I am on holiday that week" || task.CallbackTimes != "Mornings (8am to midday)" {
			t.Fatalf("the booking centre's task: %v %+v", err, task)
		}
	})
}

func TestBrowserCancelAppointment(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		signInInBrowser(t, ctx, e, p)

		clickLink(t, ctx, "Cancel appointment"+onDate(a))
		waitForText(t, ctx, "Are you sure you want to cancel this appointment?")
		checkAxe(t, ctx)
		if got := e.appointmentNow(a.ID); got.Status != store.StatusBooked {
			t.Fatal("the confirmation page changed the appointment")
		}

		fillByLabel(t, ctx, "Why are you cancelling? (optional)", "I feel better")
		clickButton(t, ctx, "Yes, cancel this appointment")
		waitForText(t, ctx, "We have sent your request to cancel")
		waitForText(t, ctx, "You asked to cancel — the booking team will call you to confirm")
		waitForText(t, ctx, "Received")
		wantNoText(t, ctx, "Cancel appointment")
		checkAxe(t, ctx)

		if got := e.appointmentNow(a.ID); got.Status != store.StatusCancelRequested {
			t.Fatalf("after cancelling: %s", got.Status)
		}
		if task, err := e.st.LatestAppointmentTask(ctx, p.ID, a.ID); err != nil || task.Kind != store.TaskCancel || task.PatientNote != "I feel better" {
			t.Fatalf("the booking centre's task: %v %+v", err, task)
		}
	})
}

func TestBrowserOpenLetter(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		l := e.addLetter(p, a, "Your Cardiology clinic appointment")
		signInInBrowser(t, ctx, e, p)

		clickLink(t, ctx, "Letters")
		waitForText(t, ctx, "Your letters")
		waitForText(t, ctx, "New")
		checkAxe(t, ctx)

		clickLink(t, ctx, "Your Cardiology clinic appointment")
		waitForText(t, ctx, "Read the letter (PDF)")
		waitForText(t, ctx, "Download the letter (PDF)")
		wantPath(t, ctx, fmt.Sprintf("/letters/%d", l.ID))
		checkAxe(t, ctx)
		if got, _ := e.st.Letter(ctx, l.ID); !got.FirstViewedAt.Valid {
			t.Fatal("opening the letter did not record its first view")
		}
		if js {
			type fileReport struct {
				Type        string `json:"type"`
				Disposition string `json:"disposition"`
			}
			r, err := chromedp.Run(ctx, chromedp.Evaluate[fileReport](fmt.Sprintf(`fetch("/letters/%d/file?download=1").then((r) => ({
				type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition") }))`, l.ID),
				chromedp.EvalAwaitPromise))
			if err != nil || r.Type != "application/pdf" || !strings.HasPrefix(r.Disposition, "attachment") {
				t.Fatalf("the letter's file: %v %+v", err, r)
			}
		}

		clickLink(t, ctx, "Letters")
		waitForText(t, ctx, "Your letters")
		wantNoText(t, ctx, "New")
	})
}

func TestBrowserPreferencesAndOptOut(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, _ := browserAmelia(e)
		signInInBrowser(t, ctx, e, p)

		clickLink(t, ctx, "Preferences")
		waitForText(t, ctx, "How should we contact you?")
		waitForText(t, ctx, "These details come from your hospital record")
		checkAxe(t, ctx)

		setCheckedByLabel(t, ctx, "Email", true)
		clickButton(t, ctx, "Save your choice")
		waitForText(t, ctx, "We will send your notifications by email.")
		checkAxe(t, ctx)
		if got, _ := e.st.Patient(ctx, p.ID); got.PreferredChannel != store.ChannelEmail {
			t.Fatalf("channel %s", got.PreferredChannel)
		}

		clickLink(t, ctx, "Opt out of Patient Hub")
		waitForText(t, ctx, "Are you sure you want to opt out of Patient Hub?")
		waitForText(t, ctx, "we will send your appointment letters by post")
		checkAxe(t, ctx)
		clickButton(t, ctx, "Yes, opt me out")
		waitForText(t, ctx, "You have opted out of Patient Hub")
		waitForText(t, ctx, "Opt back in to Patient Hub")
		wantPath(t, ctx, "/preferences")
		checkAxe(t, ctx)
		if got, _ := e.st.Patient(ctx, p.ID); !got.OptedOut() {
			t.Fatal("not opted out")
		}

		clickButton(t, ctx, "Opt back in to Patient Hub")
		waitForText(t, ctx, "You are using Patient Hub again")
		waitForText(t, ctx, "How should we contact you?")
		if got, _ := e.st.Patient(ctx, p.ID); got.OptedOut() {
			t.Fatal("still opted out")
		}
	})
}

func TestBrowserChildsMessagesAndSitePage(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		leo := e.addPatient("Leo", "Patel", patelMobile, "", store.NewDate(2016, 9, 2), "Children's Asthma Clinic")
		e.addMessage(leo, "Car park works", "Allow 20 more minutes to park.\n\nBus routes 16 and 42 stop outside.")
		site, _, _ := addSiteWithMaps(t, e)
		signInInBrowser(t, ctx, e, leo)
		waitForText(t, ctx, "For Leo Patel, born 2 September 2016")

		clickLink(t, ctx, "Messages")
		waitForText(t, ctx, "Your messages")
		waitForText(t, ctx, "For Leo Patel, born 2 September 2016")
		checkAxe(t, ctx)
		clickLink(t, ctx, "Car park works")
		waitForText(t, ctx, "Bus routes 16 and 42 stop outside.")
		waitForText(t, ctx, "For Leo Patel, born 2 September 2016")
		checkAxe(t, ctx)

		clickLink(t, ctx, "Maps")
		waitForText(t, ctx, "Maps and directions")
		checkAxe(t, ctx)
		clickLink(t, ctx, "Leeds General Infirmary")
		wantPath(t, ctx, fmt.Sprintf("/sites/%d", site.ID))
		waitForText(t, ctx, "Getting there")
		waitForText(t, ctx, "Printable site map of Leeds General Infirmary (PDF)")
		checkAxe(t, ctx)
	})
}
