-- +goose Up
-- Staff find a patient by family name and date of birth. The date of birth picks the candidates
-- by this index and the names are compared in Go, where case is folded for every alphabet the
-- same way on both databases (SQLite's lower() knows only ASCII), so the index on the lower-cased
-- family name is no longer used.
CREATE INDEX patients_date_of_birth ON patients(date_of_birth);
DROP INDEX patients_name_dob;

-- +goose Down
CREATE INDEX patients_name_dob ON patients(lower(family_name), date_of_birth);
DROP INDEX patients_date_of_birth;
