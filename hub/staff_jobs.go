package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Long-running console work (a post-room batch, a report export) runs in the background of the
// server that started it and writes its progress to its job row, so the status page works from
// any server and any number of times.
const (
	jobTimeout       = 15 * time.Minute
	jobProgressEvery = 250 * time.Millisecond
	// jobStaleAfter: a running job with no progress for this long belongs to a server that stopped.
	jobStaleAfter = 5 * time.Minute
)

// jobWork does a job's work, calling progress as items are done, and returns its file.
type jobWork func(ctx context.Context, progress func(done, total int)) (filename, contentType string, data []byte, err error)

// jobAudit writes a new job's audit events inside the transaction that records the job.
type jobAudit func(ctx context.Context, tx *store.Tx, j store.Job, now time.Time) error

// startJob records a running job and its audit events in one transaction, then does its work in
// the background.
func (s *Service) startJob(ctx context.Context, kind string, staffID int64, params string, total int, audit jobAudit, work jobWork) (store.Job, error) {
	now := s.now()
	j := store.Job{Kind: kind, Params: params, TotalItems: total, CreatedAt: now}
	if staffID != 0 {
		j.StaffID = sql.NullInt64{Int64: staffID, Valid: true}
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateJob(ctx, &j); err != nil {
			return err
		}
		return audit(ctx, tx, j, now)
	})
	if err != nil {
		return j, err
	}
	s.sends.Add(1)
	go func() {
		defer s.sends.Done()
		s.runJob(j, work)
	}()
	return j, nil
}

func (s *Service) runJob(j store.Job, work jobWork) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	var last time.Time
	progress := func(done, total int) {
		if time.Since(last) < jobProgressEvery && done < total {
			return
		}
		last = time.Now()
		if err := s.Store.JobProgress(ctx, j.ID, done, total, s.now()); err != nil {
			s.Log.Error("job progress", "job", j.ID, "err", err)
		}
	}
	name, ctype, data, err := func() (name, ctype string, data []byte, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return work(ctx, progress)
	}()
	if err != nil {
		s.Log.Error("job failed", "job", j.ID, "kind", j.Kind, "err", err)
		if ferr := s.Store.FailJob(ctx, j.ID, "Something went wrong while preparing this. Try again.", s.now()); ferr != nil {
			s.Log.Error("recording a failed job", "job", j.ID, "err", ferr)
		}
		return
	}
	if err := s.Store.FinishJob(ctx, j.ID, name, ctype, data, s.now()); err != nil {
		s.Log.Error("recording a finished job", "job", j.ID, "err", err)
	}
}

// Job returns a job of kind (any other id is not found). A job whose server stopped part-way is
// reported failed.
func (s *Service) Job(ctx context.Context, id int64, kind string) (store.Job, error) {
	now := s.now()
	if _, err := s.Store.FailStaleJobs(ctx, now.Add(-jobStaleAfter), "This stopped part-way (the server restarted). Start it again.", now); err != nil {
		return store.Job{}, err
	}
	j, err := s.Store.Job(ctx, id)
	if err != nil {
		return j, err
	}
	if j.Kind != kind {
		return store.Job{}, fmt.Errorf("hub: job %d: %w", id, store.ErrNotFound)
	}
	return j, nil
}

// JobFile returns a finished job's file with its name and type. The download is audited first,
// in the trail of each patient whose letters the file holds.
func (s *Service) JobFile(ctx context.Context, id int64, kind string, by Actor) (store.Job, []byte, error) {
	j, err := s.Job(ctx, id, kind)
	if err != nil {
		return j, nil, err
	}
	data, err := s.Store.JobResult(ctx, id)
	if err != nil {
		return j, nil, err
	}
	patients, err := s.jobPatients(ctx, j)
	if err != nil {
		return j, nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.auditPatients(ctx, tx, by, "staff.job.download", patients, jobObject(id), j.Kind, s.now())
	})
	if err != nil {
		return j, nil, err
	}
	return j, data, nil
}

// jobPatients lists the patients a job's file is about: those whose letters are in a post-room
// batch (a letter since forgotten is skipped).
func (s *Service) jobPatients(ctx context.Context, j store.Job) ([]int64, error) {
	if j.Kind != store.JobPostroomBatch {
		return nil, nil
	}
	var patients []int64
	for _, id := range jobIDs(j.Params) {
		n, err := s.Store.Notification(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n.PatientID.Valid {
			patients = append(patients, n.PatientID.Int64)
		}
	}
	return patients, nil
}

// auditPatients writes one event in the trail of each of patients (once each), or a single event
// about no patient when there are none.
func (s *Service) auditPatients(ctx context.Context, tx *store.Tx, by Actor, action string, patients []int64, object, detail string, now time.Time) error {
	if len(patients) == 0 {
		return s.auditTx(ctx, tx, by.event(action, 0, object, detail), now)
	}
	seen := make(map[int64]bool, len(patients))
	for _, id := range patients {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := s.auditTx(ctx, tx, by.event(action, id, object, detail), now); err != nil {
			return err
		}
	}
	return nil
}

func jobObject(id int64) string { return "job:" + strconv.FormatInt(id, 10) }

// JobItems is how many things a job is about: the letters of a post-room batch.
func JobItems(j store.Job) int { return len(jobIDs(j.Params)) }

// jobIDs reads the ids kept in a job's params.
func jobIDs(params string) []int64 {
	var ids []int64
	for _, f := range strings.Split(params, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// RecentJobs lists the newest jobs of a kind, for their part of the console.
func (s *Service) RecentJobs(ctx context.Context, kind string) ([]store.Job, error) {
	return s.Store.RecentJobs(ctx, kind, 5)
}
