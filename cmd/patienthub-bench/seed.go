package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/patienthub/patienthub/store"
)

// The patient the benchmark signs in as.
const (
	knownMobile = "+447700900001"
	knownDay    = "14"
	knownMonth  = "3"
	knownYear   = "1985"
)

var knownBirth = store.NewDate(1985, time.March, 14)

var (
	givenNames  = []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Grace", "Leo", "Freya", "Arthur", "Lily", "Muhammad", "Sophia"}
	familyNames = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Khan"}
	streets     = []string{"Larchfield Grove", "Otley Road", "Harehills Lane", "Kirkstall Road", "Roundhay Road", "Chapel Allerton Lane", "Wetherby Road", "Beeston Hill"}
	uvcLetters  = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
)

// clinic is one outpatient clinic appointments are booked into.
type clinic struct{ name, specialty, clinician, bring, instructions string }

var clinics = []clinic{
	{"Cardiology outpatients", "Cardiology", "Dr Aisha Rahman", "A list of your medicines", ""},
	{"Diabetes and endocrinology", "Endocrinology", "Dr Owen Hughes", "Your blood glucose diary", "Do not eat for 8 hours before your appointment."},
	{"Fracture clinic", "Trauma and orthopaedics", "Mr Daniel Price", "", "Wear loose clothing so the nurse can see the injury."},
	{"Dermatology", "Dermatology", "Dr Hannah Lee", "", ""},
	{"Ear, nose and throat", "ENT", "Ms Priya Shah", "", ""},
	{"Respiratory medicine", "Respiratory", "Dr Thomas Green", "Your inhalers", "Do not use your inhaler for 4 hours before a breathing test."},
}

var benchSites = []store.Site{
	{Code: "BENCH-SJUH", Name: "St James's University Hospital", Department: "Outpatients B", Address: "Beckett Street, Leeds",
		Postcode: "LS9 7TF", Phone: "0113 243 3144", Directions: "Enter by the Bexley Wing. Outpatients B is on level 1."},
	{Code: "BENCH-LGI", Name: "Leeds General Infirmary", Department: "Jubilee Wing outpatients", Address: "Great George Street, Leeds",
		Postcode: "LS1 3EX", Phone: "0113 243 2799", Directions: "The Jubilee Wing is opposite the Clarendon Wing car park."},
}

// seeder makes up patients and their appointments.
type seeder struct {
	rng     *rand.Rand
	now     time.Time
	siteIDs []int64
	appts   int // appointments made, for unique PAS ids
}

// seed fills a fresh database with the known patient and n-1 others, each with 2 to 4
// appointments, in one transaction per tenth of the patients.
func seed(ctx context.Context, databaseURL, dataDir string, n int, log io.Writer) error {
	st, err := store.Open(ctx, databaseURL, dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Dialect() == store.SQLite {
		// One connection, with statement journals in memory and a page cache big enough that a
		// batch does not spill to the WAL mid-transaction: seeding is then mostly CPU.
		st.DB().SetMaxOpenConns(1)
		for _, pragma := range []string{"PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -262144"} {
			if _, err := st.DB().ExecContext(ctx, pragma); err != nil {
				return err
			}
		}
	}
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.Prepare(ctx); err != nil {
		return err
	}
	if have, err := st.CountPatients(ctx); err != nil {
		return err
	} else if have > 0 {
		return fmt.Errorf("the %s database already has %d patients: give the benchmark an empty one", st.Dialect(), have)
	}
	sd := &seeder{rng: rand.New(rand.NewPCG(1, 2)), now: time.Now().UTC().Truncate(time.Hour)}

	batch := max(n/10, 1)
	for done := 0; done < n; {
		end := min(done+batch, n)
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if done == 0 {
				if err := sd.sites(ctx, tx); err != nil {
					return err
				}
				if err := sd.known(ctx, tx); err != nil {
					return err
				}
			}
			for i := max(done, 1); i < end; i++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := sd.patient(ctx, tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done = end
		fmt.Fprintf(log, "seeding: %d/%d patients\n", done, n)
	}
	return nil
}

// sites adds the two hospital sites appointments are at.
func (sd *seeder) sites(ctx context.Context, tx *store.Tx) error {
	for i := range benchSites {
		site := benchSites[i]
		if err := tx.CreateSite(ctx, &site); err != nil {
			return err
		}
		sd.siteIDs = append(sd.siteIDs, site.ID)
	}
	return nil
}

// known adds the patient the benchmark signs in as: 5 upcoming and 5 past appointments.
func (sd *seeder) known(ctx context.Context, tx *store.Tx) error {
	p := store.Patient{HospitalNumber: "BK00000000", NHSNumber: sql.NullString{String: "9990000018", Valid: true},
		GivenName: "Amelia", FamilyName: "Clarke", DateOfBirth: knownBirth, Address: "27 Larchfield Grove, Roundhay, Leeds",
		Postcode: "LS8 2QX", Mobile: sql.NullString{String: knownMobile, Valid: true},
		Email: sql.NullString{String: "amelia.clarke@example.com", Valid: true}, VerificationCode: "AC7Q2XRP"}
	if err := tx.CreatePatient(ctx, &p); err != nil {
		return err
	}
	for _, days := range []int{3, 10, 24, 45, 90, -7, -40, -120, -250, -400} {
		if err := sd.appointment(ctx, tx, p.ID, days); err != nil {
			return err
		}
	}
	return nil
}

// patient adds patient number i with 2 to 4 appointments, past and upcoming.
func (sd *seeder) patient(ctx context.Context, tx *store.Tx, i int) error {
	r := sd.rng
	born := store.NewDate(1930, time.January, 1).AddDate(0, 0, r.IntN(90*365))
	dob := store.DateOf(born)
	if dob.Equal(knownBirth.Time) {
		dob = store.DateOf(dob.AddDate(0, 0, 1))
	}
	uvc := make([]byte, 8)
	for k := range uvc {
		uvc[k] = uvcLetters[r.IntN(len(uvcLetters))]
	}
	p := store.Patient{
		HospitalNumber: fmt.Sprintf("BN%08d", i),
		GivenName:      givenNames[r.IntN(len(givenNames))], FamilyName: familyNames[r.IntN(len(familyNames))],
		DateOfBirth: dob, Address: fmt.Sprintf("%d %s, Leeds", 1+r.IntN(200), streets[r.IntN(len(streets))]),
		Postcode: fmt.Sprintf("LS%d %d%c%c", 1+r.IntN(28), r.IntN(10), 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26))),
		Mobile:   sql.NullString{String: fmt.Sprintf("+4477009%05d", i%100000), Valid: true}, VerificationCode: string(uvc),
	}
	if i%3 == 0 {
		p.Email = sql.NullString{String: fmt.Sprintf("patient%d@example.com", i), Valid: true}
	}
	if err := tx.CreatePatient(ctx, &p); err != nil {
		return err
	}
	for range 2 + r.IntN(3) {
		days := 1 + r.IntN(180)
		if r.IntN(2) == 0 {
			days = -1 - r.IntN(700)
		}
		if err := sd.appointment(ctx, tx, p.ID, days); err != nil {
			return err
		}
	}
	return nil
}

// appointment books a clinic slot days from today at one of the two sites.
func (sd *seeder) appointment(ctx context.Context, tx *store.Tx, patientID int64, days int) error {
	r := sd.rng
	c := clinics[r.IntN(len(clinics))]
	day := time.Date(sd.now.Year(), sd.now.Month(), sd.now.Day(), 9, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	start := day.Add(time.Duration(r.IntN(28)) * 15 * time.Minute)
	sd.appts++
	a := store.Appointment{PatientID: patientID, ExternalID: fmt.Sprintf("BENCH-%09d", sd.appts), Clinic: c.name,
		Specialty: c.specialty, Clinician: c.clinician, SiteID: sql.NullInt64{Int64: sd.siteIDs[sd.appts%len(sd.siteIDs)], Valid: true},
		StartsAt: start, EndsAt: start.Add(30 * time.Minute), Status: store.StatusBooked, Bring: c.bring, Instructions: c.instructions}
	switch {
	case days < 0 && r.IntN(10) == 0:
		a.Status = store.StatusDidNotAttend
	case days < 0:
		a.Status = store.StatusAttended
	case r.IntN(3) == 0:
		a.Status = store.StatusConfirmed
	}
	if r.IntN(10) == 0 {
		a.Kind, a.SiteID = "phone", sql.NullInt64{}
	}
	return tx.CreateAppointment(ctx, &a)
}
