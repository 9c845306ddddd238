package hub

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// demoStaffPassword is the password of every demo staff account.
const demoStaffPassword = "patienthub-demo"

// demoStaff are the demo console accounts: username, name and role.
var demoStaff = [][3]string{
	{"agent", "Alex Agent", "agent"},
	{"postroom", "Pat Post", "postroom"},
	{"admin", "Ada Admin", "admin"},
}

// demoClinic is a clinic the demo appointments are booked into.
type demoClinic struct {
	name, specialty, clinician, site, kind string
	bring, instructions                    string
}

const demoBringMedicines = "Bring a list of your current medicines (or the medicines in their boxes), your glasses or " +
	"hearing aids if you use them, and this letter."

// demoClinics are the demo hospital's clinics, by key.
var demoClinics = map[string]demoClinic{
	"cardiology": {name: "Cardiology Outpatients", specialty: "Cardiology", clinician: "Dr Helen Marsh", site: "LGI",
		bring: demoBringMedicines,
		instructions: "Please arrive 15 minutes early: you may have an ECG (heart tracing) before you see the doctor, " +
			"so wear a top you can take off easily. Report to Cardiology reception, Jubilee Wing, Level 1."},
	"echo": {name: "Echocardiography (heart scan)", specialty: "Cardiology", clinician: "Cardiac physiology team", site: "LGI",
		bring:        demoBringMedicines,
		instructions: "The scan takes about 45 minutes. Wear a top you can take off easily; we will give you a gown. Report to Cardiology reception, Jubilee Wing, Level 1."},
	"dermatology": {name: "Dermatology Outpatients", specialty: "Dermatology", clinician: "Dr Samuel Osei", site: "SJUH",
		bring:        demoBringMedicines + " Bring any creams or ointments you use.",
		instructions: "Please do not wear make-up, nail varnish or fake tan on the skin we will look at. Report to Dermatology reception, Bexley Wing, Level 2."},
	"derm-video": {name: "Dermatology Video Clinic", specialty: "Dermatology", clinician: "Dr Samuel Osei", site: "SJUH", kind: "video",
		bring: "Have a list of your current medicines and any creams you use to hand.",
		instructions: "Use a phone, tablet or computer with a camera, in a quiet, well-lit room. Join 5 minutes early " +
			"with the link in Patient Hub. Wear clothes that make the affected skin easy to show."},
	"orthopaedics": {name: "Orthopaedic Knee Clinic", specialty: "Trauma and Orthopaedics", clinician: "Mr James Whitaker", site: "LGI",
		bring:        demoBringMedicines + " Wear shorts or loose trousers so we can examine your knee.",
		instructions: "You may need an X-ray before you see the surgeon, so allow up to 2 hours. Report to Orthopaedic reception, Jubilee Wing, Level 2."},
	"ortho-phone": {name: "Orthopaedic Telephone Review", specialty: "Trauma and Orthopaedics", clinician: "Mr James Whitaker", site: "LGI", kind: "phone",
		bring: "Have a list of your current medicines to hand.",
		instructions: "A member of the orthopaedic team will call you at around the time shown; the call may come from " +
			"a withheld number. Please keep your phone with you, somewhere quiet."},
	"paed-asthma": {name: "Children's Asthma Clinic", specialty: "Paediatric Respiratory", clinician: "Dr Fiona Grant", site: "LGI",
		bring: "Bring your child's inhalers and spacer, their red book (personal child health record) and a list of their medicines.",
		instructions: "Your child may have a breathing test, so they should not use their blue reliever inhaler for 4 hours " +
			"before, unless they need it. Report to the Children's Outpatients, Clarendon Wing, Level 1."},
	"orthoptics": {name: "Children's Eye Clinic (Orthoptics)", specialty: "Paediatric Ophthalmology", clinician: "Orthoptist team", site: "SJUH",
		bring: "Bring your child's glasses if they have them, and something to keep them busy while they wait.",
		instructions: "Your child may have eye drops that blur their vision for a few hours. Allow up to 2 hours. " +
			"Report to the Eye Clinic, Bexley Wing, Level 1."},
	"ophthalmology": {name: "Eye Clinic (Cataract)", specialty: "Ophthalmology", clinician: "Miss Anika Rao", site: "SJUH",
		bring: demoBringMedicines,
		instructions: "You will probably have eye drops that blur your vision for up to 6 hours: do not drive to this " +
			"appointment. Report to the Eye Clinic, Bexley Wing, Level 1."},
	"respiratory": {name: "Respiratory Outpatients", specialty: "Respiratory Medicine", clinician: "Dr Peter Lund", site: "SJUH",
		bring:        demoBringMedicines + " Bring your inhalers.",
		instructions: "Report to Respiratory reception, Bexley Wing, Level 3."},
	"lung-function": {name: "Lung Function Tests", specialty: "Respiratory Medicine", clinician: "Respiratory physiology team", site: "SJUH",
		bring: demoBringMedicines + " Bring your inhalers.",
		instructions: "Do not smoke for 24 hours before, do not eat a large meal in the 2 hours before, and wear loose, " +
			"comfortable clothes. Report to Respiratory reception, Bexley Wing, Level 3."},
	"diabetes": {name: "Diabetes and Endocrinology", specialty: "Diabetes", clinician: "Dr Ruth Adeyemi", site: "SJUH",
		bring:        demoBringMedicines + " Bring your blood glucose meter or your latest readings.",
		instructions: "Please have a blood test at your GP practice 1 to 2 weeks before this appointment. Report to Diabetes reception, Bexley Wing, Level 2."},
	"sexual-health": {name: "Sexual Health Clinic", specialty: "Genitourinary Medicine", clinician: "Sexual health team", site: "LGI",
		bring: "Bring a list of any medicines you take.",
		instructions: "Report to the Sexual Health reception, Brotherton Wing, Level 2. At reception, give your date of birth; " +
			"everything you tell us is confidential."},
}

// demoCodeAlphabet has no letters or digits that look alike (no I, O, 0 or 1). Its 32 symbols
// divide 256, so a random byte picks one without bias.
const demoCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// demoRandom returns n random symbols of demoCodeAlphabet.
func demoRandom(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = demoCodeAlphabet[int(b[i])%len(demoCodeAlphabet)]
	}
	return string(b), nil
}

// demoSlot is the time days from now's date in Europe/London at the local time hhmm, moved off a
// weekend (forwards for the future, backwards for the past), in UTC.
func demoSlot(now time.Time, days int, hhmm string) time.Time {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	today := now.In(letterZone)
	t := time.Date(today.Year(), today.Month(), today.Day()+days, h, m, 0, 0, letterZone)
	step := 1
	if days < 0 {
		step = -1
	}
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, step)
	}
	return t.UTC()
}

// demoSeed carries what the demo seed needs between its steps.
type demoSeed struct {
	now   time.Time
	sites map[string]store.Site
	codes map[string]bool
	pas   int
}

// SeedDemo fills an empty database with a believable demo hospital. It does nothing when patients already exist
// (so restarting `serve --demo` keeps what people did). The service clock anchors every appointment time.
func (s *Service) SeedDemo(ctx context.Context) error {
	if n, err := s.Store.CountPatients(ctx); err != nil || n > 0 {
		return err
	}
	hashes := make([]string, len(demoStaff))
	for i := range demoStaff {
		h, err := HashPassword(demoStaffPassword)
		if err != nil {
			return fmt.Errorf("hub: demo staff: %w", err)
		}
		hashes[i] = h
	}
	d := &demoSeed{now: s.now(), sites: map[string]store.Site{}, codes: map[string]bool{}, pas: 7204310}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if n, err := tx.CountPatients(ctx); err != nil || n > 0 {
			return err
		}
		if err := s.seedDemoSites(ctx, tx, d); err != nil {
			return err
		}
		for i, st := range demoStaff {
			if _, err := tx.StaffByUsername(ctx, st[0]); err == nil {
				continue // an administrator already made this account
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err := tx.CreateStaff(ctx, &store.Staff{Username: st[0], Name: st[1], Role: st[2], PasswordHash: hashes[i]}); err != nil {
				return err
			}
		}
		for _, dp := range demoPatients {
			if err := s.seedDemoPatient(ctx, tx, d, dp); err != nil {
				return fmt.Errorf("hub: demo patient %s %s: %w", dp.given, dp.family, err)
			}
		}
		return nil
	})
	return err
}

// seedDemoSites creates the demo sites with their maps, reusing any site with the same code.
func (s *Service) seedDemoSites(ctx context.Context, tx *store.Tx, d *demoSeed) error {
	existing, err := tx.Sites(ctx)
	if err != nil {
		return err
	}
	for _, e := range existing {
		d.sites[e.Code] = e
	}
	for _, site := range demoSites {
		if _, ok := d.sites[site.Code]; ok {
			continue
		}
		if err := tx.CreateSite(ctx, &site); err != nil {
			return err
		}
		d.sites[site.Code] = site
		plan := siteMapPlans[site.Code]
		printable, err := plan.pdf(site.Directions)
		if err != nil {
			return err
		}
		maps := []store.SiteMap{
			{Title: "Site map of " + site.Name, Filename: site.Code + "-site-map.svg", ContentType: "image/svg+xml", Data: plan.svg()},
			{Title: "Printable site map of " + site.Name, Filename: site.Code + "-site-map.pdf", ContentType: "application/pdf", Data: printable},
		}
		for _, m := range maps {
			m.SiteID = site.ID
			if err := tx.AddSiteMap(ctx, &m); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedDemoPatient creates one demo patient with their appointments, letters and messages. The
// letter for their next appointment is left unread and its invitation queued.
func (s *Service) seedDemoPatient(ctx context.Context, tx *store.Tx, d *demoSeed, dp demoPatient) error {
	if !ValidNHSNumber(dp.nhs) {
		return fmt.Errorf("NHS number %s is not valid", dp.nhs)
	}
	since := d.now.AddDate(-2, -3, 0)
	p := store.Patient{
		HospitalNumber: dp.mrn, NHSNumber: sql.NullString{String: dp.nhs, Valid: true},
		GivenName: dp.given, FamilyName: dp.family, DateOfBirth: dp.born, Address: dp.address, Postcode: dp.postcode,
		PreferredChannel: store.ChannelSMS, Discreet: dp.discreet, Language: "en", CreatedAt: since, UpdatedAt: since,
	}
	if dp.preferEmail {
		p.PreferredChannel = store.ChannelEmail
	}
	if dp.mobile != "" {
		m, err := NormalizeMobile(dp.mobile)
		if err != nil {
			return err
		}
		p.Mobile = sql.NullString{String: m, Valid: true}
	}
	if dp.email != "" {
		e, err := NormalizeEmail(dp.email)
		if err != nil {
			return err
		}
		p.Email = sql.NullString{String: e, Valid: true}
	}
	if dp.optedOutDaysAgo > 0 {
		p.OptedOutAt = sql.NullTime{Time: d.now.AddDate(0, 0, -dp.optedOutDaysAgo), Valid: true}
	}
	for p.VerificationCode == "" || d.codes[p.VerificationCode] {
		code, err := demoRandom(8)
		if err != nil {
			return err
		}
		p.VerificationCode = code
	}
	d.codes[p.VerificationCode] = true
	if err := tx.CreatePatient(ctx, &p); err != nil {
		return err
	}

	nextSite, unreadDone := "", false
	for _, v := range dp.visits {
		c, ok := demoClinics[v.clinic]
		if !ok {
			return fmt.Errorf("no demo clinic %q", v.clinic)
		}
		site := d.sites[c.site]
		d.pas += 7
		a := store.Appointment{
			PatientID: p.ID, ExternalID: fmt.Sprintf("PAS-%d", d.pas), Clinic: c.name, Specialty: c.specialty,
			Clinician: c.clinician, Kind: "in_person", Status: v.status, Bring: c.bring, Instructions: c.instructions,
		}
		a.StartsAt = demoSlot(d.now, v.days, v.at)
		a.EndsAt = a.StartsAt.Add(time.Duration(v.minutes) * time.Minute)
		past := a.EndsAt.Before(d.now)
		switch {
		case a.Status == "" && past:
			a.Status = store.StatusAttended
		case a.Status == "":
			a.Status = store.StatusBooked
		}
		switch c.kind {
		case "phone":
			a.Kind = "phone"
		case "video":
			token, err := demoRandom(6)
			if err != nil {
				return err
			}
			a.Kind, a.VideoLink = "video", "https://video.example.nhs.uk/join/"+strings.ToLower(token)
		default:
			a.SiteID = sql.NullInt64{Int64: site.ID, Valid: true}
		}

		// The next upcoming appointment's letter arrives now, unread. Others were sent weeks
		// before their appointment and read (or posted) the same day.
		unread := !past && !unreadDone && a.Status == store.StatusBooked
		sent := a.StartsAt.AddDate(0, 0, -28)
		if !past {
			sent = d.now.AddDate(0, 0, -6)
		}
		if unread {
			sent = d.now
		}
		a.CreatedAt, a.UpdatedAt = sent.Add(-time.Hour), sent.Add(-time.Hour)
		if a.Status == store.StatusConfirmed {
			answered := sent.Add(26 * time.Hour)
			a.RespondedAt = sql.NullTime{Time: answered, Valid: true}
			a.StatusChangedAt = a.RespondedAt
		}
		if err := tx.CreateAppointment(ctx, &a); err != nil {
			return err
		}

		data, err := LetterPDF(LetterHeader{HospitalName: s.Cfg.HospitalName, PublicURL: s.Cfg.PublicURL, Date: sent}, p, a, &site)
		if err != nil {
			return err
		}
		l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true},
			Title: appointmentLetterTitle(p, a), Source: store.LetterGenerated, CreatedAt: sent}
		switch {
		case unread:
		case dp.mobile == "" && dp.email == "":
			l.PostedAt = sql.NullTime{Time: sent.Add(20 * time.Hour), Valid: true}
		default:
			l.FirstViewedAt = sql.NullTime{Time: sent.Add(5 * time.Hour), Valid: true}
		}
		file := store.LetterFile{Filename: "appointment-letter-" + a.ExternalID + ".pdf", ContentType: "application/pdf", Data: data}
		if err := tx.CreateLetter(ctx, &l, file); err != nil {
			return err
		}
		if unread {
			unreadDone = true
			if a.Kind == "in_person" {
				nextSite = c.site
			}
			if err := s.QueueLetterInvite(ctx, tx, p, l); err != nil {
				return err
			}
		}
	}
	return s.seedDemoMessages(ctx, tx, d, p, nextSite)
}

// seedDemoMessages sends a patient the notices that fit their next visit.
func (s *Service) seedDemoMessages(ctx context.Context, tx *store.Tx, d *demoSeed, p store.Patient, nextSite string) error {
	var ms []store.Message
	if nextSite == "SJUH" {
		ms = append(ms, store.Message{Subject: "Car park works at St James's",
			Body: "We are resurfacing Levels 2 and 3 of the multi-storey car park on Beckett Street, so there are fewer " +
				"spaces until the work is finished. Please allow an extra 20 minutes to park, or come by bus: routes 16, 42, " +
				"49 and 50 stop outside. Blue badge spaces on Level 1 are not affected.",
			CreatedAt: d.now.AddDate(0, 0, -2)})
	}
	if p.DateOfBirth.AgeOn(d.now) >= 65 {
		ms = append(ms, store.Message{Subject: "Help finding your way",
			Body: "Volunteers in green tabards wait inside the main entrance of each hospital, Monday to Friday from 8am to " +
				"4pm. They can walk you to your clinic, find you a wheelchair, or show you where to buy a drink.",
			CreatedAt: d.now.AddDate(0, 0, -9)})
	}
	for _, m := range ms {
		m.PatientID = p.ID
		if err := tx.CreateMessage(ctx, &m); err != nil {
			return err
		}
	}
	return nil
}
