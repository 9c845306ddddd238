package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestPostRoomOpensAnUploadedLetterToEnclose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.addPatient("Margaret", "Hughes", "", "", store.NewDate(1940, time.January, 1), "Cardiology Outpatients")
	a := e.firstAppointment(p)
	upload := "%PDF-1.4\n% the leaflet staff uploaded\n%%EOF\n"
	l, err := e.svc.AttachLetter(ctx, a.ID, "Pre-op leaflet", "leaflet.pdf", []byte(upload), hub.Actor{Kind: "staff", ID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	e.addStaff("post", hub.RolePostroom)
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	page := b.staffSignIn("post")
	link := "/staff/post/letters/" + strconv.FormatInt(l.ID, 10) + "/file"
	mustContain(t, page, "Print and enclose:", "Pre-op leaflet (letter "+strconv.FormatInt(l.ID, 10)+")", `href="`+link+`"`)
	pdf := b.get(link)
	if pdf.status != http.StatusOK || pdf.body != upload || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the uploaded letter for the post room: %d %q", pdf.status, pdf.body)
	}
	if !hasString(e.auditActions(p.ID), "postroom.letter.open") {
		t.Error("opening the letter is not in the patient's audit trail")
	}
	other := e.addLetter(p, a, "Not for the post room")
	if got := b.get("/staff/post/letters/" + strconv.FormatInt(other.ID, 10) + "/file"); got.status != http.StatusNotFound {
		t.Errorf("a letter not waiting to be posted: %d", got.status)
	}
	agent := e.browser()
	agent.staffSignIn("agent")
	if got := agent.get(link); got.status != http.StatusForbidden {
		t.Errorf("an agent opened the post room's letter: %d", got.status)
	}
}
