package store

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxSearchResults bounds a patient search; a wider search asks for more detail.
const maxSearchResults = 50

var (
	qPatientsByHospitalNumber = q(`SELECT ` + patientColumns + ` FROM patients WHERE hospital_number = ? OR hospital_number = ?
		ORDER BY id LIMIT ?`)
	qPatientsByNHSNumber = q(`SELECT ` + patientColumns + ` FROM patients WHERE nhs_number = ? ORDER BY id LIMIT ?`)
	qPatientsByBirth     = q(`SELECT ` + patientColumns + ` FROM patients WHERE date_of_birth = ?
		ORDER BY family_name, given_name, id`)
)

// PatientsByHospitalNumber finds the record with this hospital number, as typed or in capitals.
func (q Queries) PatientsByHospitalNumber(ctx context.Context, mrn string) ([]Patient, error) {
	var ps []Patient
	if err := q.sel(ctx, &ps, qPatientsByHospitalNumber, mrn, strings.ToUpper(mrn), maxSearchResults); err != nil {
		return nil, fmt.Errorf("store: patients by hospital number: %w", err)
	}
	return ps, nil
}

// PatientsByNHSNumber finds the records with this 10-digit NHS number.
func (q Queries) PatientsByNHSNumber(ctx context.Context, nhs string) ([]Patient, error) {
	var ps []Patient
	if err := q.sel(ctx, &ps, qPatientsByNHSNumber, nhs, maxSearchResults); err != nil {
		return nil, fmt.Errorf("store: patients by NHS number: %w", err)
	}
	return ps, nil
}

// PatientsByNameAndBirth finds records with this family name and date of birth, narrowed to
// given names starting with givenPrefix when it is not empty. Names match whatever their case
// or accents' composition, in any alphabet.
func (q Queries) PatientsByNameAndBirth(ctx context.Context, family, givenPrefix string, dob Date) ([]Patient, error) {
	family, givenPrefix = foldName(family), foldName(givenPrefix)
	rows, err := q.stmt(ctx, qPatientsByBirth).QueryxContext(ctx, dob)
	if err != nil {
		return nil, fmt.Errorf("store: patients by name and birth: %w", err)
	}
	defer rows.Close()
	var ps []Patient
	for len(ps) < maxSearchResults && rows.Next() {
		var p Patient
		if err := rows.StructScan(&p); err != nil {
			return nil, fmt.Errorf("store: patients by name and birth: %w", err)
		}
		if foldName(p.FamilyName) == family && strings.HasPrefix(foldName(p.GivenName), givenPrefix) {
			ps = append(ps, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: patients by name and birth: %w", err)
	}
	return ps, nil
}

// foldName is a name as search compares it: trimmed, composed (NFC) and case-folded.
func foldName(name string) string {
	return cases.Fold().String(norm.NFC.String(strings.TrimSpace(name)))
}
