package hub

import (
	"strconv"
	"strings"
	"time"
)

// Timing is one timing of the service as the console shows it, with the variable that sets it.
type Timing struct {
	What, Value, Variable string
}

// Timings lists the notification policy's timings and the other timings people notice. They are
// configuration, set by environment variable (or flag) and read at start, so every server of the
// hub uses the same ones; the console shows them and says where to change them.
func (s *Service) Timings() []Timing {
	c := s.Cfg
	list := func(ds []time.Duration, after string) string {
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = durationWords(d)
		}
		if len(parts) == 0 {
			return "None"
		}
		return strings.Join(parts, " and ") + " " + after
	}
	pounds := strconv.Itoa(c.PostagePence/100) + "." + strconv.Itoa(c.PostagePence%100/10) + strconv.Itoa(c.PostagePence%10)
	return []Timing{
		{"Reminders while a letter is unread", list(c.LetterReminders, "after the letter"), "PATIENTHUB_LETTER_REMINDERS"},
		{"A letter still unread goes by post", durationWords(c.PostalFallbackAfter) + " after the letter", "PATIENTHUB_POSTAL_FALLBACK_AFTER"},
		{"Appointment reminders", list(c.AppointmentReminders, "before the appointment"), "PATIENTHUB_APPOINTMENT_REMINDERS"},
		{"No texts or pushes at night (UK time)", c.QuietHours.String(), "PATIENTHUB_QUIET_HOURS"},
		{"A sign-in security code lasts", HumanDuration(c.OTPTTL), "PATIENTHUB_OTP_TTL"},
		{"Patients are signed out after, unused", durationWords(c.SessionIdle), "PATIENTHUB_SESSION_IDLE"},
		{"Patients are signed out after, however active", durationWords(c.SessionMax), "PATIENTHUB_SESSION_MAX"},
		{"Staff are signed out after, unused", durationWords(c.StaffSessionIdle), "PATIENTHUB_STAFF_SESSION_IDLE"},
		{"Call-back target for rebook and cancel requests", strconv.Itoa(CallbackTargetWorkingDays) + " working days", "(fixed)"},
		{"Staff accounts lock after wrong passwords", strconv.Itoa(staffLockAfter) + " in a row, for " + durationWords(staffLockFor), "(fixed)"},
		{"Cost of one posted letter (dashboard)", "£" + pounds, "PATIENTHUB_POSTAGE_PENCE"},
		{"Carbon of one posted letter (dashboard)", strconv.Itoa(c.CarbonGramsPerLetter) + " g CO2e", "PATIENTHUB_CARBON_GRAMS_PER_LETTER"},
	}
}
