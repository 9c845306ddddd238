package hub

import (
	"context"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/store"
)

// ErrNothingToPost refuses a batch when the post queue is empty.
var ErrNothingToPost = &Refusal{"nothing_to_post", "There is nothing to post: the queue is empty."}

// PostPurposeText says what a letter in the post room is, in the post room's words.
func PostPurposeText(purpose string) string {
	switch purpose {
	case PurposeInvite:
		return "Appointment letter"
	case PurposePostalCopy:
		return "Letter not read online"
	case PurposeNewLetter:
		return "New letter"
	case PurposeNewMessage:
		return "Message"
	case PurposeRebooked:
		return "Notice: appointment rebooked"
	case PurposeCancelled, PurposeCancelledByHospital:
		return "Notice: appointment cancelled"
	case PurposeChanged:
		return "Notice: appointment changed"
	case PurposeAppointmentReminder:
		return "Appointment reminder"
	}
	return purpose
}

// PostRoom lists what waits to be printed and posted. Each patient whose name and address are
// shown is audited as seen in the post room.
func (s *Service) PostRoom(ctx context.Context, by Actor) ([]PostItem, error) {
	items, err := s.PostQueue(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, it := range items {
		if !seen[it.Patient.ID] {
			seen[it.Patient.ID] = true
			s.audit(ctx, by.event("postroom.view", it.Patient.ID, "notification:"+strconv.FormatInt(it.Notification.ID, 10), "seen in the post room"))
		}
	}
	return items, nil
}

// StartPostBatch starts rendering everything now in the post queue as one printable PDF, in the
// background. The job keeps which items it holds, so exactly those are marked posted afterwards;
// each patient in it has the batch in their audit trail.
func (s *Service) StartPostBatch(ctx context.Context, staffID int64, by Actor) (store.Job, error) {
	items, err := s.PostQueue(ctx)
	if err != nil {
		return store.Job{}, err
	}
	if len(items) == 0 {
		return store.Job{}, ErrNothingToPost
	}
	ids := make([]int64, len(items))
	patients := make([]int64, len(items))
	for i, it := range items {
		ids[i], patients[i] = it.Notification.ID, it.Patient.ID
	}
	detail := strconv.Itoa(len(ids)) + " letters"
	audit := func(ctx context.Context, tx *store.Tx, j store.Job, now time.Time) error {
		return s.auditPatients(ctx, tx, by, "postroom.batch", patients, jobObject(j.ID), detail, now)
	}
	return s.startJob(ctx, store.JobPostroomBatch, staffID, joinIDs(ids), len(ids), audit, func(ctx context.Context, progress func(done, total int)) (string, string, []byte, error) {
		return s.renderBatch(ctx, ids, progress)
	})
}

// renderBatch loads each item, reporting progress, then draws them into one PDF.
func (s *Service) renderBatch(ctx context.Context, ids []int64, progress func(done, total int)) (string, string, []byte, error) {
	items := make([]PostItem, 0, len(ids))
	for i, id := range ids {
		n, err := s.Store.Notification(ctx, id)
		if err != nil {
			return "", "", nil, err
		}
		it, err := s.postItem(ctx, n)
		if err != nil {
			return "", "", nil, err
		}
		items = append(items, it)
		progress(i+1, len(ids)+1)
	}
	data, err := s.renderPost(ctx, items, true)
	if err != nil {
		return "", "", nil, err
	}
	name := "post-batch-" + s.now().In(London).Format("2006-01-02-1504") + ".pdf"
	return name, "application/pdf", data, nil
}

// MarkBatchPosted records that the letters of a printed batch were posted: they leave the queue
// and each letter records when it was posted. Items no longer waiting are skipped.
func (s *Service) MarkBatchPosted(ctx context.Context, jobID int64, by Actor) (int, error) {
	j, err := s.Job(ctx, jobID, store.JobPostroomBatch)
	if err != nil {
		return 0, err
	}
	if j.Status != store.JobDone {
		return 0, &Refusal{"batch_not_ready", "Print the batch before marking it as posted."}
	}
	return s.MarkPosted(ctx, jobIDs(j.Params), by)
}
