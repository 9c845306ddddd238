package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Kinds of long-running staff work.
const (
	JobPostroomBatch = "postroom_batch"
	JobReportExport  = "report_export"
)

// Job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is a piece of long-running console work and its progress; Result is read only by JobResult.
type Job struct {
	ID          int64         `db:"id"`
	Kind        string        `db:"kind"`
	StaffID     sql.NullInt64 `db:"staff_id"`
	Status      string        `db:"status"`
	Params      string        `db:"params"`
	DoneItems   int           `db:"done_items"`
	TotalItems  int           `db:"total_items"`
	Filename    string        `db:"filename"`
	ContentType string        `db:"content_type"`
	Error       string        `db:"error"`
	CreatedAt   time.Time     `db:"created_at"`
	UpdatedAt   time.Time     `db:"updated_at"`
	FinishedAt  sql.NullTime  `db:"finished_at"`
}

const jobColumns = `id, kind, staff_id, status, params, done_items, total_items, filename, content_type, error,
	created_at, updated_at, finished_at`

var (
	qCreateJob = q(`INSERT INTO staff_jobs (kind, staff_id, status, params, total_items, created_at, updated_at)
		VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING id`)
	qJob         = q(`SELECT ` + jobColumns + ` FROM staff_jobs WHERE id = ?`)
	qJobProgress = q(`UPDATE staff_jobs SET done_items = ?, total_items = ?, updated_at = ? WHERE id = ? AND status = 'running'`)
	qJobDone     = q(`UPDATE staff_jobs SET status = 'done', filename = ?, content_type = ?, result = ?, done_items = total_items,
		updated_at = ?, finished_at = ? WHERE id = ? AND status = 'running'`)
	qJobFailed = q(`UPDATE staff_jobs SET status = 'failed', error = ?, updated_at = ?, finished_at = ?
		WHERE id = ? AND status = 'running'`)
	qJobResult     = q(`SELECT result FROM staff_jobs WHERE id = ? AND status = 'done'`)
	qRecentJobs    = q(`SELECT ` + jobColumns + ` FROM staff_jobs WHERE kind = ? ORDER BY created_at DESC, id DESC LIMIT ?`)
	qStaleJobsFail = q(`UPDATE staff_jobs SET status = 'failed', error = ?, updated_at = ?, finished_at = ?
		WHERE status = 'running' AND updated_at < ?`)
)

// CreateJob starts a job row in the running state and sets its ID.
func (q Queries) CreateJob(ctx context.Context, j *Job) error {
	now := time.Now().UTC()
	if j.CreatedAt.IsZero() {
		j.CreatedAt = now
	}
	j.UpdatedAt, j.Status = j.CreatedAt, JobRunning
	if err := q.get(ctx, &j.ID, qCreateJob, j.Kind, j.StaffID, j.Params, j.TotalItems, j.CreatedAt.UTC(), j.UpdatedAt.UTC()); err != nil {
		return fmt.Errorf("store: create job: %w", err)
	}
	return nil
}

// Job returns a job without its result.
func (q Queries) Job(ctx context.Context, id int64) (Job, error) {
	var j Job
	if err := q.get(ctx, &j, qJob, id); err != nil {
		return j, notFound(err, "job", id)
	}
	return j, nil
}

// JobProgress records how far a running job has got.
func (q Queries) JobProgress(ctx context.Context, id int64, done, total int, now time.Time) error {
	if _, err := q.exec(ctx, qJobProgress, done, total, now.UTC(), id); err != nil {
		return fmt.Errorf("store: job %d progress: %w", id, err)
	}
	return nil
}

// FinishJob stores a job's result file and marks it done.
func (q Queries) FinishJob(ctx context.Context, id int64, filename, contentType string, data []byte, now time.Time) error {
	if _, err := q.exec(ctx, qJobDone, filename, contentType, data, now.UTC(), now.UTC(), id); err != nil {
		return fmt.Errorf("store: job %d done: %w", id, err)
	}
	return nil
}

// FailJob marks a running job failed with a message for staff.
func (q Queries) FailJob(ctx context.Context, id int64, message string, now time.Time) error {
	if _, err := q.exec(ctx, qJobFailed, message, now.UTC(), now.UTC(), id); err != nil {
		return fmt.Errorf("store: job %d failed: %w", id, err)
	}
	return nil
}

// JobResult returns the file a finished job made.
func (q Queries) JobResult(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	if err := q.get(ctx, &data, qJobResult, id); err != nil {
		return nil, notFound(err, "job result", id)
	}
	return data, nil
}

// RecentJobs lists the newest jobs of a kind.
func (q Queries) RecentJobs(ctx context.Context, kind string, limit int) ([]Job, error) {
	var js []Job
	if err := q.sel(ctx, &js, qRecentJobs, kind, limit); err != nil {
		return nil, fmt.Errorf("store: recent jobs: %w", err)
	}
	return js, nil
}

// FailStaleJobs fails running jobs with no progress since before: their server stopped.
func (q Queries) FailStaleJobs(ctx context.Context, before time.Time, message string, now time.Time) (int64, error) {
	n, err := q.exec(ctx, qStaleJobsFail, message, now.UTC(), now.UTC(), before.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: stale jobs: %w", err)
	}
	return n, nil
}
