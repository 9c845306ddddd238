package hub

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// AppointmentKinds are the kinds of appointment, with their names in the console.
var AppointmentKinds = []struct{ Value, Label string }{
	{"in_person", "In person"},
	{"phone", "Phone call"},
	{"video", "Video call"},
}

// AppointmentForm is an appointment as staff type it; Appointment checks it.
type AppointmentForm struct {
	Clinic, Specialty, Clinician string
	SiteID                       string
	Kind                         string
	VideoLink                    string
	Day, Month, Year, Time       string
	Which                        string // FirstOccurrence or SecondOccurrence, when the time happens twice
	Minutes                      string
	Bring, Instructions          string
}

// FormOf fills a form from an appointment, for editing it or booking its replacement.
func FormOf(a store.Appointment) AppointmentForm {
	f := AppointmentForm{Clinic: a.Clinic, Specialty: a.Specialty, Clinician: a.Clinician, Kind: a.Kind,
		VideoLink: a.VideoLink, Bring: a.Bring, Instructions: a.Instructions,
		Minutes: strconv.Itoa(int(a.EndsAt.Sub(a.StartsAt) / time.Minute))}
	if a.SiteID.Valid {
		f.SiteID = strconv.FormatInt(a.SiteID.Int64, 10)
	}
	if !a.StartsAt.IsZero() {
		l := a.StartsAt.In(London)
		f.Day, f.Month, f.Year = strconv.Itoa(l.Day()), strconv.Itoa(int(l.Month())), strconv.Itoa(l.Year())
		f.Time = formatClock(l.Hour(), l.Minute())
		if _, err := ParseLondonStart(f.Day, f.Month, f.Year, f.Time, ""); err != nil {
			f.Which = FirstOccurrence
			if _, off := l.Zone(); off == 0 {
				f.Which = SecondOccurrence
			}
		}
	}
	return f
}

// Limits on what staff type into an appointment.
const (
	maxAppointmentText = 2000
	minAppointmentMins = 5
	maxAppointmentMins = 8 * 60
)

// Appointment checks the form and returns the appointment it describes (without patient, PAS id
// or status), or a *RequestError listing every problem. The start must be in the future.
func (f AppointmentForm) Appointment(ctx context.Context, q store.Queries, now time.Time) (store.Appointment, error) {
	var a store.Appointment
	var ps []RequestProblem
	add := func(field, msg string) { ps = append(ps, RequestProblem{field, msg}) }
	a.Clinic, a.Specialty, a.Clinician = strings.TrimSpace(f.Clinic), strings.TrimSpace(f.Specialty), strings.TrimSpace(f.Clinician)
	a.Bring, a.Instructions, a.Kind = strings.TrimSpace(f.Bring), strings.TrimSpace(f.Instructions), f.Kind
	if a.Clinic == "" {
		add("clinic", "Enter the clinic")
	}
	for _, v := range []struct{ field, value string }{{"clinic", a.Clinic}, {"specialty", a.Specialty}, {"clinician", a.Clinician}} {
		if utf8.RuneCountInString(v.value) > 200 {
			add(v.field, "This must be 200 characters or fewer")
		}
	}
	for _, v := range []struct{ field, value string }{{"bring", a.Bring}, {"instructions", a.Instructions}} {
		if utf8.RuneCountInString(v.value) > maxAppointmentText {
			add(v.field, fmt.Sprintf("This must be %d characters or fewer", maxAppointmentText))
		}
	}
	switch a.Kind {
	case "in_person":
		id, err := strconv.ParseInt(f.SiteID, 10, 64)
		if err == nil {
			_, err = q.Site(ctx, id)
		}
		if errors.Is(err, store.ErrNotFound) || id <= 0 {
			add("site", "Select the site the patient should go to")
		} else if err != nil {
			return a, err
		} else {
			a.SiteID.Int64, a.SiteID.Valid = id, true
		}
	case "phone":
	case "video":
		a.VideoLink = strings.TrimSpace(f.VideoLink)
		if u, err := url.Parse(a.VideoLink); err != nil || u.Scheme != "https" || u.Host == "" {
			add("video-link", "Enter the video call link, starting https://")
		}
	default:
		add("kind", "Select in person, phone call or video call")
	}
	start, err := ParseLondonStart(f.Day, f.Month, f.Year, f.Time, f.Which)
	var se *SlotError
	switch {
	case errors.As(err, &se):
		field := map[string]string{"date": "start-day", "time": "start-time", "which": "which"}[se.Field]
		add(field, se.Message)
	case err != nil:
		return a, err
	case !start.After(now):
		add("start-day", "The appointment must be in the future")
	}
	mins, err := strconv.Atoi(strings.TrimSpace(f.Minutes))
	if err != nil || mins < minAppointmentMins || mins > maxAppointmentMins {
		add("minutes", fmt.Sprintf("Enter how long the appointment is, in minutes, from %d to %d", minAppointmentMins, maxAppointmentMins))
	}
	if len(ps) > 0 {
		return a, &RequestError{Problems: ps}
	}
	a.StartsAt, a.EndsAt = start, start.Add(time.Duration(mins)*time.Minute)
	return a, nil
}

// newExternalID makes the PAS-style reference of an appointment booked in Patient Hub.
func newExternalID() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = demoCodeAlphabet[int(b[i])%len(demoCodeAlphabet)]
	}
	return "HUB-" + string(b), nil
}
