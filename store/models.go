package store

import (
	"database/sql"
	"time"
)

// Channel is how a notification reaches a patient.
type Channel string

// The notification channels.
const (
	ChannelSMS   Channel = "sms"
	ChannelEmail Channel = "email"
	ChannelPush  Channel = "push"
	ChannelPost  Channel = "post"
)

// Patient is one hospital record. Mobile and email are empty when the hospital has none.
type Patient struct {
	ID               int64          `db:"id"`
	HospitalNumber   string         `db:"hospital_number"`
	NHSNumber        sql.NullString `db:"nhs_number"`
	GivenName        string         `db:"given_name"`
	FamilyName       string         `db:"family_name"`
	DateOfBirth      Date           `db:"date_of_birth"`
	Address          string         `db:"address"`
	Postcode         string         `db:"postcode"`
	Mobile           sql.NullString `db:"mobile"`
	Email            sql.NullString `db:"email"`
	PreferredChannel Channel        `db:"preferred_channel"`
	OptedOutAt       sql.NullTime   `db:"opted_out_at"`
	Discreet         bool           `db:"discreet"`
	VerificationCode string         `db:"verification_code"`
	Language         string         `db:"language"`
	CreatedAt        time.Time      `db:"created_at"`
	UpdatedAt        time.Time      `db:"updated_at"`
	// AppointmentsVersion takes a new random value whenever anything the patient's appointment
	// list shows changes (the database's triggers draw it); a list read after it was read is at
	// least that new.
	AppointmentsVersion int64 `db:"appointments_version"`
}

// FullName is the patient's given and family name.
func (p Patient) FullName() string { return p.GivenName + " " + p.FamilyName }

// OptedOut reports whether the patient chose paper only.
func (p Patient) OptedOut() bool { return p.OptedOutAt.Valid }

// Site is a hospital site or department that patients travel to.
type Site struct {
	ID         int64     `db:"id"`
	Code       string    `db:"code"`
	Name       string    `db:"name"`
	Department string    `db:"department"`
	Address    string    `db:"address"`
	Postcode   string    `db:"postcode"`
	Phone      string    `db:"phone"`
	Directions string    `db:"directions"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// SiteMap is a downloadable map of a site.
type SiteMap struct {
	ID          int64     `db:"id"`
	SiteID      int64     `db:"site_id"`
	Title       string    `db:"title"`
	Filename    string    `db:"filename"`
	ContentType string    `db:"content_type"`
	Data        []byte    `db:"data"`
	CreatedAt   time.Time `db:"created_at"`
}

// AppointmentStatus is where an appointment is in its life.
type AppointmentStatus string

// The appointment states (see DESIGN.md).
const (
	StatusBooked              AppointmentStatus = "booked"
	StatusConfirmed           AppointmentStatus = "confirmed"
	StatusRebookRequested     AppointmentStatus = "rebook_requested"
	StatusRebooked            AppointmentStatus = "rebooked"
	StatusCancelRequested     AppointmentStatus = "cancel_requested"
	StatusCancelled           AppointmentStatus = "cancelled"
	StatusCancelledByHospital AppointmentStatus = "cancelled_by_hospital"
	StatusAttended            AppointmentStatus = "attended"
	StatusDidNotAttend        AppointmentStatus = "did_not_attend"
)

// Appointment is one booked slot, with its site when it has one.
type Appointment struct {
	ID                    int64             `db:"id"`
	PatientID             int64             `db:"patient_id"`
	ExternalID            string            `db:"external_id"`
	Clinic                string            `db:"clinic"`
	Specialty             string            `db:"specialty"`
	Clinician             string            `db:"clinician"`
	SiteID                sql.NullInt64     `db:"site_id"`
	StartsAt              time.Time         `db:"starts_at"`
	EndsAt                time.Time         `db:"ends_at"`
	Kind                  string            `db:"kind"`
	VideoLink             string            `db:"video_link"`
	Status                AppointmentStatus `db:"status"`
	Bring                 string            `db:"bring"`
	Instructions          string            `db:"instructions"`
	PreviousAppointmentID sql.NullInt64     `db:"previous_appointment_id"`
	Sequence              int               `db:"sequence"`
	RespondedAt           sql.NullTime      `db:"responded_at"`
	StatusChangedAt       sql.NullTime      `db:"status_changed_at"`
	CreatedAt             time.Time         `db:"created_at"`
	UpdatedAt             time.Time         `db:"updated_at"`

	SiteName     sql.NullString `db:"site_name"`
	SiteAddress  sql.NullString `db:"site_address"`
	SitePostcode sql.NullString `db:"site_postcode"`
}

// Where a letter's PDF came from.
const (
	LetterGenerated = "generated" // drawn by the hub from its appointment, so it can be drawn again
	LetterUploaded  = "uploaded"  // a file staff or the hospital supplied: only the stored file is the letter
)

// Letter is a letter to a patient; its PDF lives in letter_files.
type Letter struct {
	ID            int64         `db:"id"`
	PatientID     int64         `db:"patient_id"`
	AppointmentID sql.NullInt64 `db:"appointment_id"`
	Title         string        `db:"title"`
	Source        string        `db:"source"` // LetterGenerated or LetterUploaded
	CreatedAt     time.Time     `db:"created_at"`
	FirstViewedAt sql.NullTime  `db:"first_viewed_at"`
	PostedAt      sql.NullTime  `db:"posted_at"`
}

// LetterFile is the document of a letter.
type LetterFile struct {
	LetterID    int64  `db:"letter_id"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Data        []byte `db:"data"`
}

// Message is a short message to a patient.
type Message struct {
	ID        int64        `db:"id"`
	PatientID int64        `db:"patient_id"`
	Subject   string       `db:"subject"`
	Body      string       `db:"body"`
	CreatedAt time.Time    `db:"created_at"`
	ReadAt    sql.NullTime `db:"read_at"`
}

// Staff is a member of hospital staff who signs in to the console.
type Staff struct {
	ID           int64        `db:"id"`
	Username     string       `db:"username"`
	Name         string       `db:"name"`
	Role         string       `db:"role"`
	PasswordHash string       `db:"password_hash"`
	Disabled     bool         `db:"disabled"`
	FailedLogins int          `db:"failed_logins"`
	LockedUntil  sql.NullTime `db:"locked_until"`
	CreatedAt    time.Time    `db:"created_at"`
	UpdatedAt    time.Time    `db:"updated_at"`
}

// AuditEvent is one append-only line of the audit trail.
type AuditEvent struct {
	ID        int64         `db:"id"`
	At        time.Time     `db:"at"`
	ActorKind string        `db:"actor_kind"`
	ActorID   string        `db:"actor_id"`
	PatientID sql.NullInt64 `db:"patient_id"`
	Action    string        `db:"action"`
	Object    string        `db:"object"`
	Detail    string        `db:"detail"`
	RequestID string        `db:"request_id"`
	IP        string        `db:"ip"`
}
