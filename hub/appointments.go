package hub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Retention of past appointments shown to the patient (the seed: "held for 24 months").
const pastMonthsShown = 24

// AppointmentItem is one of a patient's appointments with its state in words, what the patient
// may do with it now, and the rebook chain around it.
type AppointmentItem struct {
	store.Appointment
	State   State
	Actions Actions
	// The appointment that replaced this one, when it was moved, and the one this one replaced.
	// Both may point into a list the server keeps for other requests: read them, never change them.
	MovedTo  *store.Appointment
	Replaces *store.Appointment
}

// PatientAppointments is what the appointments page shows.
type PatientAppointments struct {
	Upcoming []AppointmentItem
	Past     []AppointmentItem
}

// AppointmentsFor returns a patient's upcoming appointments and those of the last 24 months,
// and records the view in the audit trail. p must have been read in this request: its
// AppointmentsVersion says which kept list is new enough.
func (s *Service) AppointmentsFor(ctx context.Context, p store.Patient, by Actor) (PatientAppointments, error) {
	now := s.now()
	patientID, since := p.ID, now.AddDate(0, -pastMonthsShown, 0)
	all, ok := s.lists.get(patientID, p.AppointmentsVersion, since)
	if !ok {
		var err error
		if all, err = s.Store.AppointmentsSince(ctx, patientID, since); err != nil {
			return PatientAppointments{}, err
		}
		s.lists.put(patientID, p.AppointmentsVersion, since, all)
	}
	// A moved appointment and the one that replaced it are usually both in the list; the lookups
	// are built only when the list has a rebook.
	nPast := 0
	var byID, movedTo map[int64]*store.Appointment
	for i := range all {
		if all[i].EndsAt.Before(now) {
			nPast++
		}
		if prev := all[i].PreviousAppointmentID; prev.Valid {
			if byID == nil {
				byID, movedTo = make(map[int64]*store.Appointment, len(all)), make(map[int64]*store.Appointment)
			}
			if m := movedTo[prev.Int64]; m == nil || all[i].ID > m.ID { // the newest, as AppointmentReplacing
				movedTo[prev.Int64] = &all[i]
			}
		}
	}
	if byID != nil {
		for i := range all {
			byID[all[i].ID] = &all[i]
		}
	}
	up, past := make([]AppointmentItem, 0, len(all)-nPast), make([]AppointmentItem, 0, nPast)
	for i := range all {
		a := &all[i]
		var replaces *store.Appointment
		if a.PreviousAppointmentID.Valid {
			replaces = byID[a.PreviousAppointmentID.Int64]
		}
		it := itemOf(*a, movedTo[a.ID], replaces, now)
		if a.EndsAt.Before(now) {
			past = append(past, it)
		} else {
			up = append(up, it)
		}
	}
	// Upcoming soonest first, then the past latest first.
	slices.Reverse(past)
	s.audit(ctx, by.event("appointments.view", patientID, "appointments", strconv.Itoa(len(up))+" upcoming"))
	return PatientAppointments{Upcoming: up, Past: past}, nil
}

// itemOf describes one appointment as the patient sees it at now.
func itemOf(a store.Appointment, movedTo, replaces *store.Appointment, now time.Time) AppointmentItem {
	return AppointmentItem{Appointment: a, State: StateOf(a, movedTo, now), Actions: ActionsFor(a, now),
		MovedTo: movedTo, Replaces: replaces}
}

// Describe gives one appointment's state in words and what its patient may do with it now.
func (s *Service) Describe(a store.Appointment) AppointmentItem { return itemOf(a, nil, nil, s.now()) }

// Patient returns a patient's record for display.
func (s *Service) Patient(ctx context.Context, id int64) (store.Patient, error) {
	return s.Store.Patient(ctx, id)
}

// AppointmentDetail is everything the page of one appointment shows: what its letter says, where
// to go, its letters, and the progress of the patient's latest request about it.
type AppointmentDetail struct {
	AppointmentItem
	Site    *store.Site
	Maps    []store.SiteMap
	Letters []store.Letter
	Task    *store.Task
}

// AppointmentFor returns one of a patient's appointments with everything its page shows, and
// records the view. Another patient's appointment is not found, exactly like a missing one.
func (s *Service) AppointmentFor(ctx context.Context, patientID, id int64, by Actor) (AppointmentDetail, error) {
	a, err := s.ownAppointment(ctx, patientID, id, by)
	if err != nil {
		return AppointmentDetail{}, err
	}
	now := s.now()
	var d AppointmentDetail
	var movedTo, replaces *store.Appointment
	if next, err := s.Store.AppointmentReplacing(ctx, patientID, a.ID); err == nil {
		movedTo = &next
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	if a.PreviousAppointmentID.Valid {
		if prev, err := s.Store.Appointment(ctx, a.PreviousAppointmentID.Int64); err == nil && prev.PatientID == patientID {
			replaces = &prev
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return d, err
		}
	}
	d.AppointmentItem = itemOf(a, movedTo, replaces, now)
	if a.SiteID.Valid {
		site, err := s.Store.Site(ctx, a.SiteID.Int64)
		if err != nil {
			return d, err
		}
		d.Site = &site
		if d.Maps, err = s.Store.SiteMaps(ctx, site.ID); err != nil {
			return d, err
		}
	}
	if d.Letters, err = s.Store.LettersForAppointment(ctx, patientID, a.ID); err != nil {
		return d, err
	}
	if t, err := s.Store.LatestAppointmentTask(ctx, patientID, a.ID); err == nil {
		d.Task = &t
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	s.audit(ctx, by.event("appointment.view", patientID, appointmentObject(a.ID), ""))
	return d, nil
}

// ownAppointment returns the appointment when it is the patient's own. Any other id is audited
// and answers not found, the same as an id that does not exist.
func (s *Service) ownAppointment(ctx context.Context, patientID, id int64, by Actor) (store.Appointment, error) {
	a, err := s.Store.Appointment(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	if err == nil && a.PatientID == patientID {
		return a, nil
	}
	return store.Appointment{}, s.denied(ctx, appointmentObject(id), a.PatientID, by)
}

// denied audits a patient's attempt to reach a record that is missing or not theirs, and returns
// the not-found error every such attempt gets. owner is the record's patient (0 when missing).
func (s *Service) denied(ctx context.Context, object string, owner int64, by Actor) error {
	detail := "no such record"
	if owner != 0 {
		detail = "belongs to another patient"
	}
	s.audit(ctx, by.event("access.denied", owner, object, detail))
	return fmt.Errorf("hub: %s: %w", object, store.ErrNotFound)
}

func appointmentObject(id int64) string { return "appointment:" + strconv.FormatInt(id, 10) }
