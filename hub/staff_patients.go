package hub

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// PatientSearch is what staff search by: a hospital number, an NHS number, or a family name and
// date of birth (optionally with the start of the given name).
type PatientSearch struct {
	HospitalNumber, NHSNumber       string
	FamilyName, GivenName           string
	BirthDay, BirthMonth, BirthYear string
}

// Empty reports whether nothing was entered.
func (q PatientSearch) Empty() bool {
	return strings.TrimSpace(q.HospitalNumber+q.NHSNumber+q.FamilyName+q.GivenName+q.BirthDay+q.BirthMonth+q.BirthYear) == ""
}

// SearchPatients finds records by one of the three ways, or returns a *RequestError saying what
// to enter. Each record found is audited as seen by the searcher.
func (s *Service) SearchPatients(ctx context.Context, q PatientSearch, by Actor) ([]store.Patient, error) {
	var ps []store.Patient
	var err error
	bad := func(field, msg string) ([]store.Patient, error) {
		return nil, &RequestError{Problems: []RequestProblem{{field, msg}}}
	}
	switch {
	case strings.TrimSpace(q.HospitalNumber) != "":
		ps, err = s.Store.PatientsByHospitalNumber(ctx, strings.TrimSpace(q.HospitalNumber))
	case strings.TrimSpace(q.NHSNumber) != "":
		nhs, nerr := NormalizeNHSNumber(q.NHSNumber)
		if nerr != nil {
			return bad("nhs-number", nerr.Error())
		}
		ps, err = s.Store.PatientsByNHSNumber(ctx, nhs)
	case strings.TrimSpace(q.FamilyName) != "" || q.BirthDay+q.BirthMonth+q.BirthYear != "":
		if strings.TrimSpace(q.FamilyName) == "" {
			return bad("family-name", "Enter the family name as well as the date of birth")
		}
		dob, derr := ParseDateOfBirth(q.BirthDay, q.BirthMonth, q.BirthYear, s.now().In(London))
		var de *DateError
		if errors.As(derr, &de) {
			field := "dob-day"
			if de.Field != "" {
				field = "dob-" + de.Field
			}
			return bad(field, strings.Replace(de.Message, "your date of birth", "the date of birth", 1))
		}
		ps, err = s.Store.PatientsByNameAndBirth(ctx, strings.TrimSpace(q.FamilyName), strings.TrimSpace(q.GivenName), store.DateOf(dob))
	default:
		return bad("hospital-number", "Enter a hospital number, an NHS number, or a family name and date of birth")
	}
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		s.audit(ctx, by.event("staff.patient.found", p.ID, patientObject(p.ID), "in a search"))
	}
	return ps, nil
}

// StaffPatient returns a patient's record for a console page about them (page says which, such
// as a booking form), and audits that the page showed it.
func (s *Service) StaffPatient(ctx context.Context, patientID int64, page string, by Actor) (store.Patient, error) {
	p, err := s.Store.Patient(ctx, patientID)
	if err != nil {
		return p, err
	}
	s.audit(ctx, by.event("staff.patient.view", p.ID, patientObject(p.ID), page))
	return p, nil
}

// AuditRow is one line of a patient's audit trail with who did it in words.
type AuditRow struct {
	store.AuditEvent
	Who string
}

// TaskRow is one of a patient's tasks with its progress as the patient sees it.
type TaskRow struct {
	store.Task
	KindText string
	Progress Progress
}

// RecordAppointment is one appointment on the record, with whether staff may change it now.
type RecordAppointment struct {
	AppointmentItem
	CanChange bool
}

// NotificationRow is one notification on the record with its purpose in words.
type NotificationRow struct {
	store.Notification
	PurposeText string
}

// PatientRecord is everything the console shows about one patient.
type PatientRecord struct {
	Patient       store.Patient
	Appointments  []RecordAppointment
	Letters       []store.Letter
	Messages      []store.Message
	Notifications []NotificationRow
	Tasks         []TaskRow
	Audit         []AuditRow
}

// StaffCanChange reports whether staff may change an appointment's details now: one that has
// not started and is booked or confirmed (a request waiting for a call back is worked from the
// queue instead).
func StaffCanChange(a store.Appointment, now time.Time) bool {
	return now.Before(a.StartsAt) && (a.Status == store.StatusBooked || a.Status == store.StatusConfirmed)
}

// auditShown is how many of the newest audit events the record shows.
const auditShown = 200

// PatientRecordFor returns a patient's whole record for staff. Viewing it is itself an audit
// event, written first, so the trail shown includes this view.
func (s *Service) PatientRecordFor(ctx context.Context, patientID int64, by Actor) (PatientRecord, error) {
	var r PatientRecord
	p, err := s.Store.Patient(ctx, patientID)
	if err != nil {
		return r, err
	}
	if err := s.Store.AddAudit(ctx, by.event("staff.patient.record", p.ID, patientObject(p.ID), "")); err != nil {
		return r, err
	}
	r.Patient = p
	now := s.now()
	all, err := s.Store.AppointmentsOfPatient(ctx, p.ID)
	if err != nil {
		return r, err
	}
	byID := make(map[int64]*store.Appointment, len(all))
	movedTo := make(map[int64]*store.Appointment)
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	for i := range all {
		if prev := all[i].PreviousAppointmentID; prev.Valid {
			movedTo[prev.Int64] = &all[i]
		}
	}
	for _, a := range all {
		var replaces *store.Appointment
		if a.PreviousAppointmentID.Valid {
			replaces = byID[a.PreviousAppointmentID.Int64]
		}
		r.Appointments = append(r.Appointments, RecordAppointment{AppointmentItem: itemOf(a, movedTo[a.ID], replaces, now),
			CanChange: StaffCanChange(a, now)})
	}
	if r.Letters, err = s.Store.LettersForPatient(ctx, p.ID); err != nil {
		return r, err
	}
	if r.Messages, err = s.Store.MessagesForPatient(ctx, p.ID); err != nil {
		return r, err
	}
	ns, err := s.Store.NotificationsForPatient(ctx, p.ID)
	if err != nil {
		return r, err
	}
	for _, n := range ns {
		r.Notifications = append(r.Notifications, NotificationRow{Notification: n, PurposeText: NotificationPurposeText(n.Purpose)})
	}
	tasks, err := s.Store.TasksForPatient(ctx, p.ID)
	if err != nil {
		return r, err
	}
	for _, t := range tasks {
		r.Tasks = append(r.Tasks, TaskRow{Task: t, KindText: TaskKindText(t.Kind), Progress: TaskProgress(t)})
	}
	events, err := s.Store.AuditForPatient(ctx, p.ID, auditShown)
	if err != nil {
		return r, err
	}
	names, err := s.staffNames(ctx)
	if err != nil {
		return r, err
	}
	for _, e := range events {
		r.Audit = append(r.Audit, AuditRow{AuditEvent: e, Who: actorText(e, names)})
	}
	return r, nil
}

// staffNames maps staff ids (as the audit trail writes them) to names.
func (s *Service) staffNames(ctx context.Context) (map[string]string, error) {
	list, err := s.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(list))
	for _, st := range list {
		names[strconv.FormatInt(st.ID, 10)] = st.Name + " (" + st.Username + ")"
	}
	return names, nil
}

// actorText says who did something in the audit trail.
func actorText(e store.AuditEvent, staff map[string]string) string {
	switch e.ActorKind {
	case "staff":
		if n, ok := staff[e.ActorID]; ok {
			return "Staff: " + n
		}
		return "Staff " + e.ActorID
	case "patient":
		return "The patient (or someone signed in as them)"
	case "system":
		return "Patient Hub"
	}
	return "Someone not signed in"
}

func patientObject(id int64) string { return "patient:" + strconv.FormatInt(id, 10) }

// Ways a patient asked to opt out, as staff record it.
const (
	OptOutByForm  = "form"
	OptOutByPhone = "phone"
)

// StaffOptOut opts a patient out of digital contact for them, recording how they asked; an
// opt-out form received is also kept as a done task on the record, in the same transaction.
func (s *Service) StaffOptOut(ctx context.Context, patientID int64, how string, by Actor) error {
	if how != OptOutByForm && how != OptOutByPhone {
		return &RequestError{Problems: []RequestProblem{{"how", "Select how the patient asked to opt out"}}}
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.optOutTx(ctx, tx, patientID, by, now); err != nil {
			return err
		}
		detail := "asked by phone or in person"
		if how == OptOutByForm {
			detail = "opt-out form received"
			t := store.Task{PatientID: patientID, Kind: store.TaskOptOutForm, CreatedAt: now,
				Outcome: "Opt-out form received; the patient was opted out of Patient Hub"}
			if err := tx.CreateTask(ctx, &t); err != nil {
				return err
			}
			if _, err := tx.FinishTask(ctx, t.ID, t.Outcome, now); err != nil {
				return err
			}
		}
		return s.auditTx(ctx, tx, by.event("staff.opt_out", patientID, patientObject(patientID), detail), now)
	})
}

// StaffOptIn brings an opted-out patient back to Patient Hub for them.
func (s *Service) StaffOptIn(ctx context.Context, patientID int64, by Actor) error {
	return s.OptIn(ctx, patientID, by)
}

// NotificationPurposeText says what a notification was for, in the console's words.
func NotificationPurposeText(purpose string) string {
	switch {
	case purpose == PurposeInvite:
		return "Invitation to read a letter"
	case purpose == PurposeSignInCode:
		return "Sign-in security code"
	case isLetterReminder(purpose):
		return "Reminder to read a letter (" + strings.TrimPrefix(purpose, "reminder_") + ")"
	case strings.HasPrefix(purpose, PurposeAppointmentReminder):
		return "Appointment reminder"
	}
	return PostPurposeText(purpose)
}
