package hub

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/store"
)

// exportColumns are the columns of the dashboard's CSV export, one row a day (Europe/London).
var exportColumns = []string{"date", "letters", "read_online", "posted", "waiting", "postage_avoided_pence", "carbon_avoided_grams",
	"appointments", "confirmed", "asked_to_rebook", "asked_to_cancel", "no_response",
	"requests", "requests_done", "requests_done_within_target", "median_turnaround_hours",
	"texts_failed", "emails_failed", "pushes_failed", "post_failed"}

// StartDashboardExport starts writing the figures of the last days, one row a day, as a CSV
// file in the background; its job shows the progress.
func (s *Service) StartDashboardExport(ctx context.Context, days int, staffID int64, by Actor) (store.Job, error) {
	days = PeriodDays(days)
	now := s.now().In(London)
	first := time.Date(now.Year(), now.Month(), now.Day()-days+1, 0, 0, 0, 0, London)
	audit := func(ctx context.Context, tx *store.Tx, j store.Job, now time.Time) error {
		return s.auditTx(ctx, tx, by.event("dashboard.export", 0, jobObject(j.ID), strconv.Itoa(days)+" days"), now)
	}
	return s.startJob(ctx, store.JobReportExport, staffID, strconv.Itoa(days), days, audit, func(ctx context.Context, progress func(done, total int)) (string, string, []byte, error) {
		return s.exportDays(ctx, first, days, progress)
	})
}

// exportDays writes one CSV row for each of days days from first, and a total row.
func (s *Service) exportDays(ctx context.Context, first time.Time, days int, progress func(done, total int)) (string, string, []byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(exportColumns); err != nil {
		return "", "", nil, err
	}
	row := func(label string, d Dashboard) []string {
		r := []string{label}
		n := func(v int) { r = append(r, strconv.Itoa(v)) }
		n(d.Letters.Total)
		n(d.Letters.ReadOnline)
		n(d.Letters.Posted)
		n(d.LettersWaiting)
		n(d.PostageAvoidedPence)
		n(d.CarbonAvoidedGrams)
		n(d.Appointments)
		for _, b := range d.Responses {
			n(b.Value)
		}
		n(d.Requests)
		n(d.RequestsDone)
		n(d.WithinTarget)
		r = append(r, strconv.FormatFloat(d.MedianTurnaround.Hours(), 'f', 1, 64))
		for _, c := range d.Deliveries {
			n(c.Failed)
		}
		return r
	}
	for i := 0; i < days; i++ {
		from := time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, London)
		to := time.Date(first.Year(), first.Month(), first.Day()+i+1, 0, 0, 0, 0, London)
		d, err := s.dashboardFor(ctx, from.UTC(), to.UTC(), 1)
		if err != nil {
			return "", "", nil, err
		}
		if err := w.Write(row(from.Format(time.DateOnly), d)); err != nil {
			return "", "", nil, err
		}
		progress(i+1, days+1)
	}
	end := time.Date(first.Year(), first.Month(), first.Day()+days, 0, 0, 0, 0, London)
	total, err := s.dashboardFor(ctx, first.UTC(), end.UTC(), days)
	if err != nil {
		return "", "", nil, err
	}
	if err := w.Write(row("total", total)); err != nil {
		return "", "", nil, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", "", nil, err
	}
	name := "patient-hub-report-" + first.Format(time.DateOnly) + "-to-" + end.AddDate(0, 0, -1).Format(time.DateOnly) + ".csv"
	return name, "text/csv; charset=utf-8", buf.Bytes(), nil
}
