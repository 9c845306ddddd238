package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/patienthub/patienthub/assets"
	"github.com/patienthub/patienthub/store"
)

// BenchmarkAppointmentsPage measures the signed-in appointments page against a static asset
// served by the same server (go test -bench Page ./handlers/), for a patient with ten appointments.
func BenchmarkAppointmentsPage(b *testing.B) {
	e := newEnv(b)
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	// Ten appointments in all, five upcoming and five past, like the patient make bench signs in as.
	for i, days := range []int{10, 24, 45, 90, -7, -40, -120, -250, -400} {
		start := e.clock.Now().AddDate(0, 0, days)
		a := store.Appointment{PatientID: p.ID, ExternalID: fmt.Sprintf("PAS-B%d", i), Clinic: "Eye clinic",
			StartsAt: start, EndsAt: start.Add(20 * time.Minute)}
		if err := e.st.CreateAppointment(context.Background(), &a); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.svc.RunAuditWriter(ctx) // as serve does
	br := e.browser()
	br.signIn("07700900001", "14", "3", "1985", "+447700900001")
	get := func(b *testing.B, path string) {
		b.SetParallelism(8) // 16 clients on 2 cores, as make bench drives it
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := br.client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("%s: %v %v", path, err, resp)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	b.Run("appointments", func(b *testing.B) { get(b, "/appointments") })
	b.Run("static", func(b *testing.B) { get(b, assets.Path("app.css")) })
}
