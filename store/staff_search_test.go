package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestPatientSearchFoldsCaseInEveryAlphabet(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dob := store.NewDate(1950, time.June, 1)
		add := func(mrn, given, family string, dob store.Date) store.Patient {
			p := store.Patient{HospitalNumber: mrn, GivenName: given, FamilyName: family, DateOfBirth: dob, VerificationCode: "V" + mrn}
			if err := s.CreatePatient(ctx, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		muller := add("U1", "Émile", "MÜLLER", dob)
		nowak := add("U2", "Łucja", "Nowak", dob)
		greek := add("U3", "Σοφία", "ΠΑΠΑΔΟΠΟΎΛΟΥ", dob)
		add("U4", "Émile", "Müller", store.NewDate(1950, time.June, 2)) // another date of birth
		decomposed := add("U5", "Zoë", "Bronte\u0308", dob)             // ë typed as e and a combining diaeresis
		for _, c := range []struct {
			family, given string
			want          []int64
		}{
			{"müller", "", []int64{muller.ID}},
			{"Müller", "émile", []int64{muller.ID}},
			{"MULLER", "", nil},
			{"nowak", "ŁU", []int64{nowak.ID}},
			{"nowak", "lu", nil},
			{"παπαδοπούλου", "σο", []int64{greek.ID}},
			{" BRONTË ", "zo", []int64{decomposed.ID}},
		} {
			ps, err := s.PatientsByNameAndBirth(ctx, c.family, c.given, dob)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if len(got) != len(c.want) || (len(got) == 1 && got[0] != c.want[0]) {
				t.Errorf("%q %q: found %v, want %v", c.family, c.given, got, c.want)
			}
		}
	})
}
