package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestStaffFormsAboutAPatientAreInTheirTrail(t *testing.T) {
	e := newEnv(t)
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")
	record := "/staff/patients/" + strconv.FormatInt(p.ID, 10)
	for _, path := range []string{record + "/appointments/new", record + "/messages/new"} {
		mustContain(t, b.get(path), "Amelia Clarke")
	}
	es, _ := e.st.AuditByAction(context.Background(), "staff.patient.view")
	var pages []string
	for _, ev := range es {
		if ev.PatientID.Int64 == p.ID {
			pages = append(pages, ev.Detail)
		}
	}
	if !hasString(pages, "booking form") || !hasString(pages, "message form") {
		t.Fatalf("the forms showing the patient are not in their trail: %q", pages)
	}
}

func TestPostRoomBatchIsInEachPatientsTrail(t *testing.T) {
	e := newEnv(t)
	margaret := e.addPostOnlyPatient("Margaret", "Hughes", "12 Beech Grove\nLeeds", "LS6 2AB")
	george := e.addPostOnlyPatient("George", "Wilson", "3 Oak Road\nOtley", "LS21 3XY")
	e.addStaff("post", hub.RolePostroom)
	b := e.browser()
	b.staffSignIn("post")
	p := b.staffPost("/staff/post", "/staff/post/batch", nil)
	if !strings.HasPrefix(p.url, "/staff/post/batches/") {
		t.Fatalf("after starting a batch: at %s", p.url)
	}
	e.svc.Wait()
	if pdf := b.get(p.url + "/file"); pdf.status != http.StatusOK {
		t.Fatalf("batch file: %d", pdf.status)
	}
	for _, pt := range []store.Patient{margaret, george} {
		trail := e.auditActions(pt.ID)
		if !hasString(trail, "postroom.batch") || !hasString(trail, "staff.job.download") {
			t.Errorf("%s's trail lacks the batch or its download: %q", pt.FullName(), trail)
		}
	}
}
