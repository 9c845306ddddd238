package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// addPostOnlyPatient creates a patient with no mobile or email, an appointment and its letter,
// queued for the post room the way the hub does it, and dispatched to the post-room provider.
func (e *testEnv) addPostOnlyPatient(given, family, address, postcode string) store.Patient {
	e.t.Helper()
	ctx := context.Background()
	p := e.addPatient(given, family, "", "", store.NewDate(1940, time.January, 1), "Cardiology Outpatients")
	if _, err := e.st.DB().Exec(e.st.DB().Rebind(`UPDATE patients SET address = ?, postcode = ? WHERE id = ?`), address, postcode, p.ID); err != nil {
		e.t.Fatal(err)
	}
	p, _ = e.st.Patient(ctx, p.ID)
	a := e.firstAppointment(p)
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: "Your appointment",
			Source: store.LetterGenerated, CreatedAt: e.clock.Now()}
		if err := tx.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}); err != nil {
			return err
		}
		return e.svc.QueueLetterInvite(ctx, tx, p, l)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.dispatch()
	return p
}

// dispatch sends every due notification once, as the server's dispatcher would.
func (e *testEnv) dispatch() {
	e.t.Helper()
	d := &notify.Dispatcher{Store: e.st, Router: e.svc.Router, Policy: e.svc.DispatchPolicy(), Now: e.clock.Now}
	if _, err := d.RunOnce(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func TestPostRoomPrintsAndMarksABatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	margaret := e.addPostOnlyPatient("Margaret", "Hughes", "12 Beech Grove\nLeeds", "LS6 2AB")
	george := e.addPostOnlyPatient("George", "Wilson", "3 Oak Road\nOtley", "LS21 3XY")
	e.addStaff("post", hub.RolePostroom)
	b := e.browser()
	p := b.staffSignIn("post")
	if p.url != "/staff/post" {
		t.Fatalf("the post room's home: %s", p.url)
	}
	mustContain(t, p, "2 letters are waiting", "Margaret Hughes", "LS6 2AB", "George Wilson", "Letter not read online")

	p = b.staffPost("/staff/post", "/staff/post/batch", nil)
	if !strings.HasPrefix(p.url, "/staff/post/batches/") {
		t.Fatalf("after starting a batch: at %s", p.url)
	}
	batch := p.url
	e.svc.Wait()
	p = b.get(batch)
	mustContain(t, p, "Ready: 2 letters", "Download the batch (PDF)", "Mark this batch as posted")
	// htmx polls the same address for the status fragment alone.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+batch, nil)
	req.Header.Set("HX-Request", "true")
	frag := b.do(req)
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="job-status"`) {
		t.Fatalf("htmx status fragment: %d %s", frag.status, frag.body)
	}

	pdf := b.get(batch + "/file")
	if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF-") || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("batch file: %d %q", pdf.status, pdf.header.Get("Content-Type"))
	}
	checkAddressesInWindow(t, []byte(pdf.body), map[int][]string{
		2: {"Margaret Hughes", "12 Beech Grove", "LS6 2AB"},
		3: {"George Wilson", "3 Oak Road", "LS21 3XY"},
	})

	p = b.staffPost(batch, batch+"/posted", nil)
	if p.url != "/staff/post" {
		t.Fatalf("after marking posted: at %s", p.url)
	}
	mustContain(t, p, "2 letters marked as posted", "There are no letters waiting to be posted")
	for _, pt := range []store.Patient{margaret, george} {
		ls, _ := e.st.LettersForPatient(ctx, pt.ID)
		if len(ls) != 1 || !ls[0].PostedAt.Valid {
			t.Errorf("%s's letter not recorded as posted: %+v", pt.FullName(), ls)
		}
	}
	if !hasString(e.auditActions(margaret.ID), "postroom.view") {
		t.Error("seeing a patient's address in the post room is not in their audit trail")
	}
	if posted, _ := e.st.AuditByAction(ctx, "postroom.posted"); len(posted) != 2 {
		t.Errorf("posted letters audited: %d", len(posted))
	}
	p = b.staffPost("/staff/post", "/staff/post/batch", nil)
	mustContain(t, p, "There is nothing to post")
}

// checkAddressesInWindow reads the PDF with pdftotext, cropped to the window of a DL envelope
// (20 mm from the left, 47 mm from the top, 90 x 35 mm), and checks each page shows its lines there.
func checkAddressesInWindow(t *testing.T, pdf []byte, pages map[int][]string) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found: install poppler-utils (CI must check the batch PDF)")
		}
		t.Skip("pdftotext not found: install poppler-utils to check the addresses in the batch PDF")
	}
	file := filepath.Join(t.TempDir(), "batch.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	mm := func(v float64) string { return strconv.Itoa(int(v * 72 / 25.4)) } // points at 72 dpi
	for page, want := range pages {
		n := strconv.Itoa(page)
		out, err := exec.Command(bin, "-layout", "-r", "72", "-f", n, "-l", n,
			"-x", mm(20), "-y", mm(47), "-W", mm(90), "-H", mm(35), file, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext page %d: %v\n%s", page, err, out)
		}
		text := string(out)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("page %d: the envelope window lacks %q; it shows:\n%s", page, w, text)
			}
		}
	}
}
