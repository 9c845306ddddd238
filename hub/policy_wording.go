package hub

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// pushText is all a push notification ever says: it can show on a locked screen.
const pushText = "You have an update in Patient Hub"

// about is what a message is about, loaded for its wording.
type about struct {
	Letter      *store.Letter
	Appointment *store.Appointment
	Message     *store.Message
	Reminder    int           // which letter reminder, from 1
	Before      time.Duration // how long before the appointment an appointment reminder goes
}

// wording is the subject and text of one message.
type wording struct{ Subject, Text string }

// compose words a message for a patient on a digital channel (texts and emails share the text).
// A discreet record's messages name no clinic, site or letter title. Every one ends with the
// record's User Verification Code.
func (c Config) compose(purpose string, p store.Patient, ab about) wording {
	hosp, link := c.HospitalName, c.PublicURL+"/"
	signIn := "Sign in with your mobile number or email address and date of birth."
	what, when := "appointment", ""
	if a := ab.Appointment; a != nil {
		when = appointmentWhen(*a)
		if !p.Discreet {
			what = a.Clinic + " appointment"
		}
	}
	var w wording
	switch {
	case purpose == PurposeInvite || purpose == PurposeNewLetter:
		news := "You have a new hospital appointment letter."
		if purpose == PurposeNewLetter {
			news = "You have a new letter from the hospital."
		}
		if p.Discreet {
			news = "You have a new message."
		}
		w = wording{hosp + ": you have a new letter in Patient Hub", fmt.Sprintf(
			"%s: %s Read it in Patient Hub: %s %s", hosp, news, link, signIn)}
		if c.PostalFallbackAfter > 0 {
			w.Text += fmt.Sprintf(" If you do not read it within %s, we will post it to you.", durationWords(c.PostalFallbackAfter))
		}
	case isLetterReminder(purpose):
		thing := "a letter"
		if p.Discreet {
			thing = "a message"
		}
		left := c.PostalFallbackAfter
		if k := ab.Reminder; k >= 1 && k <= len(c.LetterReminders) {
			left -= c.LetterReminders[k-1]
		}
		w = wording{hosp + ": reminder: " + thing + " is waiting for you in Patient Hub", fmt.Sprintf(
			"%s: Reminder: you have %s in Patient Hub that you have not read yet. Read it at %s %s If you do not read it within %s, we will post it to you.",
			hosp, thing, link, signIn, durationWords(left))}
	case purpose == PurposeAppointmentReminder:
		where := ""
		if a := ab.Appointment; a != nil && !p.Discreet {
			where = appointmentWhere(*a)
		}
		w = wording{hosp + ": appointment reminder", fmt.Sprintf(
			"%s: Reminder: your %s is on %s%s. See the details, or ask to rebook or cancel, in Patient Hub: %s",
			hosp, what, when, where, link)}
	case purpose == PurposeRebooked:
		w = wording{hosp + ": your appointment has been rebooked", fmt.Sprintf(
			"%s: Your %s has been rebooked. The new appointment is on %s. See it in Patient Hub: %s", hosp, what, when, link)}
	case purpose == PurposeCancelled:
		w = wording{hosp + ": your appointment is cancelled", fmt.Sprintf(
			"%s: As you asked, your %s on %s is cancelled. See your appointments in Patient Hub: %s", hosp, what, when, link)}
	case purpose == PurposeCancelledByHospital:
		w = wording{hosp + ": we have had to cancel your appointment", fmt.Sprintf(
			"%s: We are sorry: we have had to cancel your %s on %s. Patient Hub shows what happens next: %s", hosp, what, when, link)}
	case purpose == PurposeChanged:
		where := ""
		if a := ab.Appointment; a != nil && !p.Discreet {
			where = appointmentWhere(*a)
		}
		w = wording{hosp + ": your appointment has changed", fmt.Sprintf(
			"%s: Your %s has changed. It is now on %s%s. See the details in Patient Hub: %s", hosp, what, when, where, link)}
	case purpose == PurposeNewMessage:
		w = wording{hosp + ": you have a new message in Patient Hub", fmt.Sprintf(
			"%s: You have a new message in Patient Hub. Read it at %s %s", hosp, link, signIn)}
	default:
		w = wording{hosp + ": Patient Hub", fmt.Sprintf("%s: %s: %s", hosp, pushText, link)}
	}
	w.Text += verificationFooter(p)
	return w
}

// composePost words a message that goes on paper: a short letter the post room prints. A new
// message is printed in full, since paper is how this patient reads their messages.
func (c Config) composePost(purpose string, p store.Patient, ab about) wording {
	if purpose == PurposeInvite || purpose == PurposeNewLetter || purpose == PurposePostalCopy {
		title := "Your letter"
		if ab.Letter != nil {
			title = ab.Letter.Title
			return wording{title, fmt.Sprintf("Letter %d (%s) to be printed and posted.", ab.Letter.ID, title)}
		}
		return wording{title, "A letter to be printed and posted."}
	}
	if purpose == PurposeNewMessage && ab.Message != nil {
		return wording{ab.Message.Subject, ab.Message.Body + verificationFooter(p)}
	}
	w := c.compose(purpose, p, ab)
	// The digital wording starts with the hospital's name and points at Patient Hub; on paper the
	// letterhead says who it is from.
	w.Text = strings.TrimPrefix(w.Text, c.HospitalName+": ")
	w.Subject = strings.TrimPrefix(w.Subject, c.HospitalName+": ")
	if w.Subject != "" {
		w.Subject = strings.ToUpper(w.Subject[:1]) + w.Subject[1:]
	}
	return w
}

// appointmentWhen writes an appointment's start as people say it: "Monday 3 March 2026 at 10:30am".
func appointmentWhen(a store.Appointment) string {
	return a.StartsAt.In(letterZone).Format("Monday 2 January 2006 at 3:04pm")
}

// appointmentWhere says where, for a message: " at St James's University Hospital", ", by phone".
func appointmentWhere(a store.Appointment) string {
	switch a.Kind {
	case "phone":
		return ", by phone"
	case "video":
		return ", by video"
	}
	if a.SiteName.Valid && a.SiteName.String != "" {
		return " at " + a.SiteName.String
	}
	return ""
}

// durationWords writes a timing for patients: "3 days", "1 day", "12 hours", "6 seconds".
func durationWords(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return unit(int64(d.Round(time.Second)/time.Second), "second")
}

var linkRE = regexp.MustCompile(`https?://[^\s<]+[^\s<.,;:!?)]`)

// emailHTML renders an email's text as simple, accessible HTML: paragraphs, and links that can be
// followed. The text part carries the same words.
func emailHTML(subject, text string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`)
	b.WriteString("<title>" + html.EscapeString(subject) + "</title></head>")
	b.WriteString(`<body style="margin:0;padding:24px;font-family:Arial,sans-serif;font-size:19px;line-height:1.5;color:#212b32;background:#f0f4f5">`)
	b.WriteString(`<div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px;border-top:8px solid #005eb8">`)
	for _, para := range strings.Split(text, "\n\n") {
		escaped := html.EscapeString(strings.TrimSpace(para))
		escaped = linkRE.ReplaceAllStringFunc(escaped, func(u string) string {
			return `<a href="` + u + `" style="color:#005eb8">` + u + `</a>`
		})
		b.WriteString("<p>" + strings.ReplaceAll(escaped, "\n", "<br>") + "</p>")
	}
	b.WriteString("</div></body></html>")
	return b.String()
}
