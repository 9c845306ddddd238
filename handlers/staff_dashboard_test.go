package handlers_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestDashboardFiguresChartsAndExport(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) { c.PostagePence, c.CarbonGramsPerLetter = 85, 20 })
	ctx := context.Background()
	now := e.clock.Now()
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	a := e.firstAppointment(p)
	letter := func(read, posted bool) {
		l := store.Letter{PatientID: p.ID, Title: "L", CreatedAt: now.Add(-48 * time.Hour)}
		if read {
			l.FirstViewedAt = sql.NullTime{Time: now, Valid: true}
		}
		if posted {
			l.PostedAt = sql.NullTime{Time: now, Valid: true}
		}
		if err := e.st.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		letter(true, false)
	}
	letter(false, true)
	letter(false, false)
	e.patientAsks(p, a, hub.ActionRebook, "")
	for _, st := range []store.AppointmentStatus{store.StatusConfirmed, store.StatusConfirmed, store.StatusBooked} {
		ap := store.Appointment{PatientID: p.ID, ExternalID: "D" + string(st) + time.Now().String(), Clinic: "C", StartsAt: now.Add(96 * time.Hour),
			EndsAt: now.Add(97 * time.Hour), Status: st}
		if st == store.StatusConfirmed {
			ap.RespondedAt = sql.NullTime{Time: now, Valid: true}
		}
		if err := e.st.CreateAppointment(ctx, &ap); err != nil {
			t.Fatal(err)
		}
	}
	failed := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, Purpose: hub.PurposeInvite, Channel: store.ChannelSMS,
		IdempotencyKey: "f1", Status: store.NotifyFailed, CreatedAt: now.Add(-time.Hour)}
	delivered := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, Purpose: hub.PurposeInvite, Channel: store.ChannelSMS,
		IdempotencyKey: "d1", Status: store.NotifyDelivered, CreatedAt: now.Add(-time.Hour)}
	e.st.EnqueueNotification(ctx, &failed)
	e.st.EnqueueNotification(ctx, &delivered)

	e.addStaff("boss", hub.RoleAdmin)
	b := e.browser()
	b.staffSignIn("boss")
	d := b.get("/staff/dashboard?days=7")
	mustContain(t, d, "3 of 5 letters (60%) were read online", "£2.55", "60 g",
		`role="img"`, `<title id="letters-chart-title">`, `<desc id="letters-chart-desc">Read online: 3; Posted: 1; Not read or posted yet: 1.</desc>`,
		"Asked to rebook", "50%", `<option value="7" selected>`)
	// An unknown period falls back to the default rather than reaching the query.
	mustContain(t, b.get("/staff/dashboard?days=1000000"), `<option value="30" selected>`)

	p2 := b.staffPost("/staff/dashboard?days=7", "/staff/dashboard/export", map[string]string{"days": "7"})
	if !strings.HasPrefix(p2.url, "/staff/dashboard/exports/") {
		t.Fatalf("after starting the export: at %s", p2.url)
	}
	e.svc.Wait()
	job := b.get(p2.url)
	mustContain(t, job, "Ready", "Download the report (CSV)")
	f := b.get(p2.url + "/file")
	if f.status != http.StatusOK || !strings.HasPrefix(f.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export file: %d %s", f.status, f.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(f.body)).ReadAll()
	if err != nil || len(rows) != 1+7+1 {
		t.Fatalf("export rows: %v %d\n%s", err, len(rows), f.body)
	}
	total := rows[len(rows)-1]
	if rows[0][0] != "date" || total[0] != "total" || total[1] != "5" || total[2] != "3" || total[5] != "255" || total[6] != "60" {
		t.Fatalf("export total row: %v (header %v)", total, rows[0])
	}
	if es, _ := e.st.AuditByAction(ctx, "staff.job.download"); len(es) != 1 {
		t.Errorf("export download audited %d times", len(es))
	}
}
