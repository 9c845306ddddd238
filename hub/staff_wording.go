package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// WordingPurposes are the messages whose wording administrators may change, in the console's
// order. Sign-in codes keep their fixed wording; letters on paper keep the letter layout.
var WordingPurposes = []struct{ Purpose, Label string }{
	{PurposeInvite, "Invitation to read a new appointment letter"},
	{PurposeNewLetter, "A new letter (not an appointment's first)"},
	{"reminder", "Reminder to read a letter (every reminder)"},
	{PurposeAppointmentReminder, "Appointment reminder"},
	{PurposeRebooked, "Appointment rebooked"},
	{PurposeCancelled, "Appointment cancelled, as the patient asked"},
	{PurposeCancelledByHospital, "Appointment cancelled by the hospital"},
	{PurposeChanged, "Appointment changed"},
	{PurposeNewMessage, "A new message"},
}

// WordingPlaceholders are what a wording may contain, replaced for each patient.
var WordingPlaceholders = []struct{ Name, Meaning string }{
	{"{hospital}", "the hospital's name"},
	{"{link}", "the Patient Hub address (every message must have it)"},
	{"{what}", "what it is about, like \"Cardiology Outpatients appointment\"; just \"appointment\" for a discreet record"},
	{"{when}", "the appointment's date and time, like \"Monday 3 March 2027 at 10:30am\""},
	{"{where}", "where: the site's name, \"by phone\" or \"by video\"; empty for a discreet record"},
	{"{fallback}", "how long until an unread letter is posted, like \"3 days\""},
}

// Wording is the wording of one purpose: an administrator's, or the standard one when not Custom.
type Wording struct {
	Purpose, Label string
	Subject, Text  string
	Custom         bool
}

// WordingPreview is a wording as one kind of patient would get it.
type WordingPreview struct {
	Who, Subject, Text string
}

// Limits on a wording.
const (
	maxWordingSubject = 150
	maxWordingText    = 600
)

var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// wordingKey is the settings key of a purpose's wording; every letter reminder shares one.
func wordingKey(purpose string) string {
	if isLetterReminder(purpose) {
		purpose = "reminder"
	}
	return "wording." + purpose
}

func wordingLabel(purpose string) (string, bool) {
	for _, w := range WordingPurposes {
		if w.Purpose == purpose {
			return w.Label, true
		}
	}
	return "", false
}

// storedWording reads an administrator's wording of purpose, if there is one.
func storedWording(ctx context.Context, q store.Queries, purpose string) (wording, bool, error) {
	v, err := q.Setting(ctx, wordingKey(purpose))
	if errors.Is(err, store.ErrNotFound) {
		return wording{}, false, nil
	}
	if err != nil {
		return wording{}, false, err
	}
	var w wording
	if err := json.Unmarshal([]byte(v), &w); err != nil {
		return wording{}, false, fmt.Errorf("hub: wording %s: %w", purpose, err)
	}
	return w, true, nil
}

// customWording words a text or email with the administrator's wording of its purpose, when
// there is one; otherwise, or if it cannot be read, w (the standard wording) stands. The user
// verification code always ends the message.
func (s *Service) customWording(ctx context.Context, q store.Queries, purpose string, p store.Patient, ab about, w wording) wording {
	custom, ok, err := storedWording(ctx, q, purpose)
	if err != nil {
		s.Log.Error("reading a message wording; the standard wording is used", "purpose", purpose, "err", err)
	}
	if !ok || err != nil {
		return w
	}
	return s.Cfg.fillWording(custom, p, ab)
}

// fillWording replaces the placeholders of a wording for patient p.
func (c Config) fillWording(w wording, p store.Patient, ab about) wording {
	what, when, where := "appointment", "", ""
	if a := ab.Appointment; a != nil {
		when = appointmentWhen(*a)
		if !p.Discreet {
			what = a.Clinic + " appointment"
			where = strings.TrimPrefix(strings.TrimPrefix(appointmentWhere(*a), " at "), ", ")
		}
	}
	left := c.PostalFallbackAfter
	if k := ab.Reminder; k >= 1 && k <= len(c.LetterReminders) {
		left -= c.LetterReminders[k-1]
	}
	r := strings.NewReplacer("{hospital}", c.HospitalName, "{link}", c.PublicURL+"/", "{what}", what, "{when}", when,
		"{where}", where, "{fallback}", durationWords(left))
	return wording{Subject: r.Replace(w.Subject), Text: r.Replace(w.Text) + verificationFooter(p)}
}

// Wordings lists every purpose's wording, the administrator's or the standard one.
func (s *Service) Wordings(ctx context.Context) ([]Wording, error) {
	var out []Wording
	for _, wp := range WordingPurposes {
		w, err := s.WordingFor(ctx, wp.Purpose)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// WordingFor returns a purpose's wording: the administrator's, or the standard one as it reads
// for a sample patient.
func (s *Service) WordingFor(ctx context.Context, purpose string) (Wording, error) {
	label, ok := wordingLabel(purpose)
	if !ok {
		return Wording{}, fmt.Errorf("hub: wording %s: %w", purpose, store.ErrNotFound)
	}
	w := Wording{Purpose: purpose, Label: label}
	custom, found, err := storedWording(ctx, s.Store.Queries, purpose)
	if err != nil {
		return w, err
	}
	if found {
		w.Subject, w.Text, w.Custom = custom.Subject, custom.Text, true
		return w, nil
	}
	// The standard wording, written for a sample patient, turned back into placeholders.
	p, ab := samplePatient(false), s.sampleAbout(purpose)
	std := s.Cfg.compose(samplePurpose(purpose), p, ab)
	filled := s.Cfg.fillWording(wording{Subject: "{fallback}", Text: "{when}|{where}"}, p, ab)
	when, where, _ := strings.Cut(strings.TrimSuffix(filled.Text, verificationFooter(p)), "|")
	r := strings.NewReplacer(s.Cfg.PublicURL+"/", "{link}", s.Cfg.HospitalName, "{hospital}",
		ab.Appointment.Clinic+" appointment", "{what}", when, "{when}", where, "{where}", filled.Subject, "{fallback}")
	w.Subject, w.Text = r.Replace(std.Subject), r.Replace(strings.TrimSuffix(std.Text, verificationFooter(p)))
	return w, nil
}

// checkWording says what is wrong with a wording, if anything.
func checkWording(subject, text string) []RequestProblem {
	var ps []RequestProblem
	if n := utf8.RuneCountInString(strings.TrimSpace(subject)); n == 0 || n > maxWordingSubject {
		ps = append(ps, RequestProblem{"subject", fmt.Sprintf("Enter the email subject, in %d characters or fewer", maxWordingSubject)})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(text)); n == 0 || n > maxWordingText {
		ps = append(ps, RequestProblem{"text", fmt.Sprintf("Enter the message, in %d characters or fewer (a text message of about 4 parts)", maxWordingText)})
	} else if !strings.Contains(text, "{link}") {
		ps = append(ps, RequestProblem{"text", "The message must contain {link}, so patients can always find Patient Hub"})
	}
	known := map[string]bool{}
	for _, ph := range WordingPlaceholders {
		known[ph.Name] = true
	}
	for _, field := range []struct{ name, value string }{{"subject", subject}, {"text", text}} {
		for _, m := range placeholderRE.FindAllString(field.value, -1) {
			if !known[m] {
				ps = append(ps, RequestProblem{field.name, m + " is not a placeholder: use only those listed"})
				break
			}
		}
	}
	return ps
}

// PreviewWording checks a wording and shows it as a patient, and a patient of a sensitive
// clinic (discreet wording), would get it. Nothing is saved.
func (s *Service) PreviewWording(purpose, subject, text string) ([]WordingPreview, error) {
	if _, ok := wordingLabel(purpose); !ok {
		return nil, fmt.Errorf("hub: wording %s: %w", purpose, store.ErrNotFound)
	}
	if ps := checkWording(subject, text); len(ps) > 0 {
		return nil, &RequestError{Problems: ps}
	}
	var out []WordingPreview
	for _, discreet := range []bool{false, true} {
		p := samplePatient(discreet)
		w := s.Cfg.fillWording(wording{Subject: strings.TrimSpace(subject), Text: strings.TrimSpace(text)}, p, s.sampleAbout(purpose))
		who := "A patient"
		if discreet {
			who = "A patient of a sensitive clinic"
		}
		out = append(out, WordingPreview{Who: who, Subject: w.Subject, Text: w.Text})
	}
	return out, nil
}

// SaveWording stores an administrator's wording; texts and emails queued from now on use it.
func (s *Service) SaveWording(ctx context.Context, purpose, subject, text string, by Actor) error {
	if _, err := s.PreviewWording(purpose, subject, text); err != nil {
		return err
	}
	v, err := json.Marshal(wording{Subject: strings.TrimSpace(subject), Text: strings.TrimSpace(text)})
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutSetting(ctx, wordingKey(purpose), string(v)); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("wording.changed", 0, wordingKey(purpose), ""), now)
	})
}

// ResetWording goes back to the standard wording of a purpose.
func (s *Service) ResetWording(ctx context.Context, purpose string, by Actor) error {
	if _, ok := wordingLabel(purpose); !ok {
		return fmt.Errorf("hub: wording %s: %w", purpose, store.ErrNotFound)
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSetting(ctx, wordingKey(purpose)); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("wording.reset", 0, wordingKey(purpose), ""), now)
	})
}

// samplePurpose is the purpose a wording key stands for when showing the standard wording.
func samplePurpose(purpose string) string {
	if purpose == "reminder" {
		return ReminderPurpose(1)
	}
	return purpose
}

func samplePatient(discreet bool) store.Patient {
	return store.Patient{GivenName: "Sam", FamilyName: "Sample", Discreet: discreet, VerificationCode: "ABCD2345",
		Mobile: sql.NullString{String: "+447700900000", Valid: true}}
}

// sampleAbout is a sample appointment (next Monday at 10:30am, in person) and letter for previews.
func (s *Service) sampleAbout(purpose string) about {
	now := s.now().In(London)
	day := time.Date(now.Year(), now.Month(), now.Day()+7, 10, 30, 0, 0, London)
	for day.Weekday() != time.Monday {
		day = day.AddDate(0, 0, 1)
	}
	a := store.Appointment{Clinic: "Cardiology Outpatients", Kind: "in_person", StartsAt: day.UTC(), EndsAt: day.Add(30 * time.Minute).UTC(),
		SiteName: sql.NullString{String: "St James's University Hospital", Valid: true}}
	l := store.Letter{Title: "Your Cardiology Outpatients appointment"}
	ab := about{Appointment: &a, Letter: &l}
	if purpose == "reminder" {
		ab.Reminder = 1
	}
	return ab
}
