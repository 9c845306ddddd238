package hub

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestSeedDemo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := New(st, Config{SecretKey: strings.Repeat("k", 32), PublicURL: "http://localhost:8080", HospitalName: "Demo Trust"}, nil, nil)
		now := time.Date(2026, time.March, 4, 9, 30, 0, 0, time.UTC)
		svc.Now = func() time.Time { return now }

		if err := svc.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		count, err := st.CountPatients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if count != len(DemoPeople()) || count < 12 {
			t.Fatalf("seeded %d patients; DemoPeople lists %d", count, len(DemoPeople()))
		}
		if err := svc.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.CountPatients(ctx); again != count {
			t.Fatalf("second seed changed the patient count from %d to %d", count, again)
		}

		byMobile := func(mobile string, dob store.Date) []store.Patient {
			t.Helper()
			ps, err := st.PatientsByMobileAndBirth(ctx, mobile, dob)
			if err != nil {
				t.Fatal(err)
			}
			return ps
		}
		if ps := byMobile("+447700900001", store.NewDate(1985, time.March, 14)); len(ps) != 1 || ps[0].FullName() != "Amelia Clarke" {
			t.Fatalf("Amelia's mobile and birth date found %v", ps)
		}
		if ps := byMobile("+447700900002", store.NewDate(2016, time.September, 2)); len(ps) != 1 || ps[0].FullName() != "Leo Patel" {
			t.Fatalf("Sam's mobile and Leo's birth date found %v", ps)
		}
		twins := byMobile("+447700900003", store.NewDate(2019, time.May, 5))
		if len(twins) != 2 || twins[0].VerificationCode == twins[1].VerificationCode {
			t.Fatalf("the twins' mobile and birth date found %v", twins)
		}
		if ps, _ := st.PatientsByEmailAndBirth(ctx, "tom.baker@example.com", store.NewDate(1950, time.November, 23)); len(ps) != 1 || ps[0].Mobile.Valid {
			t.Fatalf("Tom's email and birth date found %v", ps)
		}

		patients := map[string]store.Patient{}
		for _, dp := range demoPatients {
			p, err := st.PatientByHospitalNumber(ctx, dp.mrn)
			if err != nil {
				t.Fatal(err)
			}
			patients[p.FullName()] = p
			if !ValidNHSNumber(p.NHSNumber.String) || !strings.HasPrefix(p.NHSNumber.String, "999") {
				t.Errorf("%s: NHS number %q", p.FullName(), p.NHSNumber.String)
			}
			if len(p.VerificationCode) != 8 || strings.Trim(p.VerificationCode, demoCodeAlphabet) != "" {
				t.Errorf("%s: verification code %q", p.FullName(), p.VerificationCode)
			}
			checkDemoPatient(t, st, p, now)
		}

		margaret := patients["Margaret Hughes"]
		if margaret.Mobile.Valid || margaret.Email.Valid {
			t.Errorf("Margaret has contacts: %+v", margaret)
		}
		for _, name := range []string{"Margaret Hughes", "Priya Shah"} {
			if ch := inviteChannel(t, st, patients[name]); ch != store.ChannelPost {
				t.Errorf("%s's letter goes by %q, want post", name, ch)
			}
		}
		if !patients["Priya Shah"].OptedOut() {
			t.Error("Priya has not opted out")
		}
		if ch := inviteChannel(t, st, patients["Amelia Clarke"]); ch != store.ChannelSMS {
			t.Errorf("Amelia's invite goes by %q, want sms", ch)
		}
		if ch := inviteChannel(t, st, patients["Tom Baker"]); ch != store.ChannelEmail {
			t.Errorf("Tom's invite goes by %q, want email", ch)
		}

		daniel := patients["Daniel Okafor"]
		letters, _ := st.LettersForPatient(ctx, daniel.ID)
		for _, l := range letters {
			if l.Title != "Your appointment" {
				t.Errorf("Daniel's letter is titled %q", l.Title)
			}
		}
		amelia, _ := st.UpcomingAppointments(ctx, patients["Amelia Clarke"].ID, now)
		if len(amelia) != 2 || amelia[0].Status != store.StatusBooked || amelia[1].Status != store.StatusConfirmed || !amelia[1].RespondedAt.Valid {
			t.Errorf("Amelia's upcoming appointments: %+v", amelia)
		}

		kinds := map[string]int{}
		for _, p := range patients {
			as, _ := st.UpcomingAppointments(ctx, p.ID, now)
			for _, a := range as {
				kinds[a.Kind]++
				if a.Kind == "video" && !strings.HasPrefix(a.VideoLink, "https://video.example.nhs.uk/join/") {
					t.Errorf("video link %q", a.VideoLink)
				}
			}
		}
		if kinds["phone"] < 1 || kinds["video"] < 1 || kinds["in_person"] < 8 {
			t.Errorf("upcoming appointment kinds %v", kinds)
		}

		staff, err := st.StaffByUsername(ctx, "agent")
		if err != nil || !CheckPassword(staff.PasswordHash, "patienthub-demo") || staff.Role != "agent" {
			t.Fatalf("agent account %+v, %v", staff, err)
		}

		sites, err := st.Sites(ctx)
		if err != nil || len(sites) != 2 {
			t.Fatalf("sites %v, %v", sites, err)
		}
		for _, site := range sites {
			checkDemoSiteMaps(t, st, site)
		}
	})
}

// checkDemoPatient checks a demo patient has an upcoming appointment whose letter is unread and a
// PDF, and that every other letter was read or posted.
func checkDemoPatient(t *testing.T, st *store.Store, p store.Patient, now time.Time) {
	t.Helper()
	ctx := context.Background()
	upcoming, err := st.UpcomingAppointments(ctx, p.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(upcoming) == 0 {
		t.Fatalf("%s has no upcoming appointment", p.FullName())
	}
	next := upcoming[0]
	if d := next.StartsAt.Sub(now); d < 48*time.Hour || d > 42*24*time.Hour {
		t.Errorf("%s: next appointment is %v away", p.FullName(), d)
	}
	local := next.StartsAt.In(letterZone)
	if h := local.Hour()*60 + local.Minute(); h < 8*60+30 || h > 17*60 {
		t.Errorf("%s: next appointment at %v", p.FullName(), local)
	}
	if next.Sequence != 0 || !strings.HasPrefix(next.ExternalID, "PAS-") {
		t.Errorf("%s: next appointment %+v", p.FullName(), next)
	}
	letters, err := st.LettersForPatient(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	unread := 0
	for _, l := range letters {
		if l.FirstViewedAt.Valid || l.PostedAt.Valid {
			continue
		}
		unread++
		if l.AppointmentID.Int64 != next.ID {
			t.Errorf("%s: unread letter %q is not for the next appointment", p.FullName(), l.Title)
		}
		f, err := st.LetterFile(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(f.Data, []byte("%PDF")) || f.ContentType != "application/pdf" {
			t.Errorf("%s: letter file %s is not a PDF", p.FullName(), f.Filename)
		}
	}
	if unread != 1 {
		t.Errorf("%s has %d unread letters, want 1", p.FullName(), unread)
	}
	past, _ := st.PastAppointments(ctx, p.ID, now, now.AddDate(-2, 0, 0))
	for _, a := range past {
		if a.Status != store.StatusAttended {
			t.Errorf("%s: past appointment %s is %s", p.FullName(), a.ExternalID, a.Status)
		}
	}
}

// inviteChannel is the channel of the notification about a patient's new letter.
func inviteChannel(t *testing.T, st *store.Store, p store.Patient) store.Channel {
	t.Helper()
	ns, err := st.NotificationsForPatient(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 {
		t.Fatalf("%s has %d notifications, want 1", p.FullName(), len(ns))
	}
	if !strings.Contains(ns[0].Body, p.VerificationCode) && ns[0].Channel != store.ChannelPost {
		t.Errorf("%s's invite has no verification code: %q", p.FullName(), ns[0].Body)
	}
	return ns[0].Channel
}

// checkDemoSiteMaps checks a site has an SVG map that parses as XML and a printable PDF map.
func checkDemoSiteMaps(t *testing.T, st *store.Store, site store.Site) {
	t.Helper()
	ctx := context.Background()
	maps, err := st.SiteMaps(ctx, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, m := range maps {
		full, err := st.SiteMap(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		types[m.ContentType] = true
		switch m.ContentType {
		case "image/svg+xml":
			dec := xml.NewDecoder(bytes.NewReader(full.Data))
			for {
				if _, err := dec.Token(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatalf("%s: SVG map does not parse: %v", site.Code, err)
				}
			}
			if !bytes.Contains(full.Data, []byte("<title")) || !bytes.Contains(full.Data, []byte("You are here")) {
				t.Errorf("%s: SVG map lacks a title or a you-are-here mark", site.Code)
			}
		case "application/pdf":
			if !bytes.HasPrefix(full.Data, []byte("%PDF")) {
				t.Errorf("%s: PDF map is not a PDF", site.Code)
			}
		}
	}
	if !types["image/svg+xml"] || !types["application/pdf"] {
		t.Errorf("%s: maps %v", site.Code, types)
	}
}

func TestDemoPeople(t *testing.T) {
	people := DemoPeople()
	if len(people) != len(demoPatients) {
		t.Fatalf("%d people for %d patients", len(people), len(demoPatients))
	}
	for _, p := range people {
		if p.Name == "" || p.Born == "" || p.Note == "" {
			t.Errorf("incomplete %+v", p)
		}
		if p.Email != "" && p.Email != strings.ToLower(p.Email) {
			t.Errorf("%s: email %q", p.Name, p.Email)
		}
	}
}
