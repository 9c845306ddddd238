package calendar

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/patienthub/patienthub/store"
)

// DiscreetTitle is the title of every appointment of a discreet record.
const DiscreetTitle = "Hospital appointment"

// UID is the stable calendar UID of appointment id at the hub at publicURL.
func UID(id int64, publicURL string) string {
	host := "patienthub"
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "appointment-" + strconv.FormatInt(id, 10) + "@" + host
}

// AppointmentURL is the hub's page of appointment id.
func AppointmentURL(id int64, publicURL string) string {
	return strings.TrimRight(publicURL, "/") + "/appointments/" + strconv.FormatInt(id, 10)
}

// FromAppointment builds the event for an appointment of a patient; publicURL is the hub's address.
//
// site is the appointment's site, or nil to use the site fields joined onto the appointment. A
// cancelled or moved appointment is a cancelled event. A discreet record names no clinic,
// specialty or clinician and gives no instructions: only where and when, and the hub link.
func FromAppointment(a store.Appointment, p store.Patient, site *store.Site, publicURL string) Event {
	link := AppointmentURL(a.ID, publicURL)
	e := Event{
		UID:      UID(a.ID, publicURL),
		Sequence: a.Sequence,
		Start:    a.StartsAt,
		End:      a.EndsAt,
		Title:    title(a, p),
		Location: location(a, p, site),
		URL:      link,
		Updated:  a.UpdatedAt,
	}
	var lines []string
	switch a.Status {
	case store.StatusCancelled, store.StatusCancelledByHospital:
		e.Cancelled = true
		e.Title = "Cancelled: " + e.Title
		lines = append(lines, "This appointment has been cancelled.")
	case store.StatusRebooked:
		e.Cancelled = true
		e.Title = "Moved: " + e.Title
		lines = append(lines, "This appointment has been moved to a new time. Patient Hub shows the new one.")
	}
	if !p.Discreet {
		who := a.Clinic
		if a.Clinician != "" {
			who = strings.TrimSpace(who + " with " + a.Clinician)
		}
		if who != "" {
			lines = append(lines, who+".")
		}
		if !e.Cancelled {
			if a.Kind == "video" && a.VideoLink != "" {
				lines = append(lines, "Join the video call: "+a.VideoLink)
			}
			if a.Bring != "" {
				lines = append(lines, "What to bring: "+a.Bring)
			}
			if a.Instructions != "" {
				lines = append(lines, a.Instructions)
			}
		}
	}
	lines = append(lines, "View or change it in Patient Hub: "+link)
	e.Description = strings.Join(lines, "\n\n")
	return e
}

// title names the appointment by its specialty, or clinic, unless the record is discreet.
func title(a store.Appointment, p store.Patient) string {
	name := strings.TrimSpace(a.Specialty)
	if name == "" {
		name = strings.TrimSpace(a.Clinic)
	}
	if p.Discreet || name == "" {
		return DiscreetTitle
	}
	return name + " appointment"
}

// location is where to go: the site's name (with its department unless the record is discreet),
// address and postcode; or how the appointment happens when it is by telephone or video.
func location(a store.Appointment, p store.Patient, site *store.Site) string {
	switch a.Kind {
	case "phone":
		return "Telephone appointment"
	case "video":
		if a.VideoLink != "" {
			return a.VideoLink
		}
		return "Video appointment"
	}
	var parts []string
	if site != nil {
		parts = []string{site.Name, site.Address, site.Postcode}
		if !p.Discreet && site.Department != "" {
			parts = []string{site.Name, site.Department, site.Address, site.Postcode}
		}
	} else {
		parts = []string{a.SiteName.String, a.SiteAddress.String, a.SitePostcode.String}
	}
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}
