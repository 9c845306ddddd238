package store

import (
	"context"
	"fmt"
	"strings"
)

// maxSearchResults bounds a patient search; a wider search asks for more detail.
const maxSearchResults = 50

var (
	qPatientsByHospitalNumber = q(`SELECT ` + patientColumns + ` FROM patients WHERE hospital_number = ? OR hospital_number = ?
		ORDER BY id LIMIT ?`)
	qPatientsByNHSNumber = q(`SELECT ` + patientColumns + ` FROM patients WHERE nhs_number = ? ORDER BY id LIMIT ?`)
	qPatientsByNameBirth = q(`SELECT ` + patientColumns + ` FROM patients
		WHERE lower(family_name) = lower(?) AND date_of_birth = ? AND lower(given_name) LIKE lower(?) ESCAPE '\'
		ORDER BY family_name, given_name, id LIMIT ?`)
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

// PatientsByNameAndBirth finds records with this family name (any case) and date of birth,
// narrowed to given names starting with givenPrefix when it is not empty.
func (q Queries) PatientsByNameAndBirth(ctx context.Context, family, givenPrefix string, dob Date) ([]Patient, error) {
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(givenPrefix) + "%"
	var ps []Patient
	if err := q.sel(ctx, &ps, qPatientsByNameBirth, family, dob, like, maxSearchResults); err != nil {
		return nil, fmt.Errorf("store: patients by name and birth: %w", err)
	}
	return ps, nil
}
