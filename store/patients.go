package store

import (
	"context"
	"fmt"
	"time"
)

const patientColumns = `id, hospital_number, nhs_number, given_name, family_name, date_of_birth, address, postcode,
	mobile, email, preferred_channel, opted_out_at, discreet, verification_code, language, created_at, updated_at,
	appointments_version`

var (
	qCreatePatient = q(`INSERT INTO patients (hospital_number, nhs_number, given_name, family_name, date_of_birth,
		address, postcode, mobile, email, preferred_channel, opted_out_at, discreet, verification_code, language,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qPatient               = q(`SELECT ` + patientColumns + ` FROM patients WHERE id = ?`)
	qPatientByHospitalNum  = q(`SELECT ` + patientColumns + ` FROM patients WHERE hospital_number = ?`)
	qPatientsByMobileBirth = q(`SELECT ` + patientColumns + ` FROM patients WHERE mobile = ? AND date_of_birth = ? ORDER BY id`)
	qPatientsByEmailBirth  = q(`SELECT ` + patientColumns + ` FROM patients WHERE email = ? AND date_of_birth = ? ORDER BY id`)
	qCountPatients         = q(`SELECT COUNT(*) FROM patients`)
	qSetPreferredChannel   = q(`UPDATE patients SET preferred_channel = ?, updated_at = ? WHERE id = ?`)
	qOptOut                = q(`UPDATE patients SET opted_out_at = ?, updated_at = ? WHERE id = ? AND opted_out_at IS NULL`)
	qOptIn                 = q(`UPDATE patients SET opted_out_at = NULL, updated_at = ? WHERE id = ? AND opted_out_at IS NOT NULL`)
	qCancelPendingDigital  = q(`UPDATE notifications SET status = 'cancelled', updated_at = ?
		WHERE patient_id = ? AND status = 'pending' AND channel IN ('sms', 'email', 'push')`)
)

// CreatePatient inserts p and sets its ID. A hospital number already in use gives ErrConflict.
func (q Queries) CreatePatient(ctx context.Context, p *Patient) error {
	now := time.Now().UTC()
	if p.CreatedAt.IsZero() {
		p.CreatedAt, p.UpdatedAt = now, now
	}
	if p.PreferredChannel == "" {
		p.PreferredChannel = ChannelSMS
	}
	if p.Language == "" {
		p.Language = "en"
	}
	err := q.get(ctx, &p.ID, qCreatePatient, p.HospitalNumber, p.NHSNumber, p.GivenName, p.FamilyName, p.DateOfBirth,
		p.Address, p.Postcode, p.Mobile, p.Email, p.PreferredChannel, p.OptedOutAt, p.Discreet, p.VerificationCode,
		p.Language, p.CreatedAt, p.UpdatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: patient %s: %w", p.HospitalNumber, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create patient: %w", err)
	}
	return nil
}

// Patient returns the patient with this id.
func (q Queries) Patient(ctx context.Context, id int64) (Patient, error) {
	var p Patient
	if err := q.get(ctx, &p, qPatient, id); err != nil {
		return p, notFound(err, "patient", id)
	}
	return p, nil
}

// PatientByHospitalNumber returns the patient with this hospital number (MRN).
func (q Queries) PatientByHospitalNumber(ctx context.Context, mrn string) (Patient, error) {
	var p Patient
	if err := q.get(ctx, &p, qPatientByHospitalNum, mrn); err != nil {
		return p, notFound(err, "patient", mrn)
	}
	return p, nil
}

// PatientsByMobileAndBirth returns every record with this E.164 mobile and date of birth.
func (q Queries) PatientsByMobileAndBirth(ctx context.Context, mobile string, dob Date) ([]Patient, error) {
	var ps []Patient
	if err := q.sel(ctx, &ps, qPatientsByMobileBirth, mobile, dob); err != nil {
		return nil, fmt.Errorf("store: patients by mobile: %w", err)
	}
	return ps, nil
}

// PatientsByEmailAndBirth returns every record with this lower-case email and date of birth.
func (q Queries) PatientsByEmailAndBirth(ctx context.Context, email string, dob Date) ([]Patient, error) {
	var ps []Patient
	if err := q.sel(ctx, &ps, qPatientsByEmailBirth, email, dob); err != nil {
		return nil, fmt.Errorf("store: patients by email: %w", err)
	}
	return ps, nil
}

// CountPatients returns how many patient records there are.
func (q Queries) CountPatients(ctx context.Context) (int, error) {
	var n int
	if err := q.get(ctx, &n, qCountPatients); err != nil {
		return 0, fmt.Errorf("store: count patients: %w", err)
	}
	return n, nil
}

// SetPreferredChannel records whether the patient wants texts or emails.
func (q Queries) SetPreferredChannel(ctx context.Context, id int64, ch Channel, now time.Time) error {
	n, err := q.exec(ctx, qSetPreferredChannel, ch, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("store: patient %d channel: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: patient %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetOptedOut records that the patient opted out of digital contact at now. It reports false,
// changing nothing, when they had already opted out.
func (q Queries) SetOptedOut(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qOptOut, now.UTC(), now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: patient %d opt out: %w", id, err)
	}
	return n == 1, nil
}

// ClearOptedOut brings an opted-out patient back to digital contact. It reports false, changing
// nothing, when they had not opted out.
func (q Queries) ClearOptedOut(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qOptIn, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: patient %d opt in: %w", id, err)
	}
	return n == 1, nil
}

// CancelPendingDigitalNotifications cancels a patient's texts, emails and pushes still waiting to
// be sent and returns how many there were. Letters for the post are kept.
func (q Queries) CancelPendingDigitalNotifications(ctx context.Context, patientID int64, now time.Time) (int64, error) {
	n, err := q.exec(ctx, qCancelPendingDigital, now.UTC(), patientID)
	if err != nil {
		return 0, fmt.Errorf("store: cancel notifications of %d: %w", patientID, err)
	}
	return n, nil
}
