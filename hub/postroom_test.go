package hub

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestPostRoomQueueBatchAndPosting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		f.disp.Router = notify.NewRouter(recProvider{f.rec, store.ChannelSMS}, recProvider{f.rec, store.ChannelEmail},
			recProvider{f.rec, store.ChannelPush}, notify.PostRoom{})
		ctx := context.Background()
		paper := f.patient(false, false)
		child := f.patient(false, false, func(p *store.Patient) { p.DateOfBirth = store.NewDate(2018, 5, 5) })
		digital := f.patient(true, false)
		readsLate := f.patient(true, false)
		ap, ac := f.appointment(paper, 20*24*time.Hour, 0), f.appointment(child, 20*24*time.Hour, 0)
		ad, ar := f.appointment(digital, 20*24*time.Hour, 0), f.appointment(readsLate, 20*24*time.Hour, 0)
		lp, lc := f.letter(paper, &ap), f.letter(child, &ac)
		ld, lr := f.letter(digital, &ad), f.letter(readsLate, &ar)
		loose := f.letter(paper, nil) // a letter the hospital supplied as a file, about no appointment
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return f.svc.QueueAppointmentChanged(ctx, tx, paper, ap, PurposeChanged)
		}); err != nil {
			t.Fatal(err)
		}
		f.at(start, 0)
		f.at(start, 72*time.Hour)
		items, err := f.svc.PostQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 6 {
			t.Fatalf("%d items in the post room, want 6", len(items))
		}
		// The patient reads their letter online before the post room prints it: it leaves the queue.
		f.markRead(lr)
		if items, err = f.svc.PostQueue(ctx); err != nil || len(items) != 5 {
			t.Fatalf("after a letter was read online: %d items, %v", len(items), err)
		}
		if n := f.row(letterKey(lr.ID, PurposePostalCopy)); n.Status != store.NotifyCancelled || !strings.Contains(n.LastError, "read") {
			t.Fatalf("the read letter's paper copy: %s %q", n.Status, n.LastError)
		}
		var ids []int64
		enclosures := 0
		for _, it := range items {
			ids = append(ids, it.Notification.ID)
			if it.Enclosure != "" {
				enclosures++
			}
		}
		if enclosures != 1 {
			t.Errorf("%d items need an enclosure, want 1 (the supplied letter)", enclosures)
		}
		pdf, err := f.svc.RenderPostBatch(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page "))
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || pages < 1+len(items) {
			t.Fatalf("batch: %d pages for %d letters and the batch sheet", pages, len(items))
		}
		doc, err := f.svc.PostDocument(ctx, f.row(letterKey(loose.ID, "postal_copy")))
		if err != nil || string(doc) != "%PDF-1.4" {
			t.Fatalf("a supplied letter is posted as supplied: %q %v", doc, err)
		}
		posted, err := f.svc.MarkPosted(ctx, ids, Actor{Kind: "staff", ID: "7"})
		if err != nil || posted != len(ids) {
			t.Fatalf("posted %d of %d: %v", posted, len(ids), err)
		}
		if again, _ := f.svc.MarkPosted(ctx, ids, Actor{Kind: "staff", ID: "7"}); again != 0 {
			t.Fatalf("posted twice: %d", again)
		}
		for _, l := range []store.Letter{lp, lc, ld, loose} {
			got, _ := st.Letter(ctx, l.ID)
			if !got.PostedAt.Valid || !got.PostedAt.Time.Equal(start.Add(72*time.Hour)) {
				t.Errorf("letter %d posted_at %v", l.ID, got.PostedAt)
			}
		}
		if n := f.row(letterKey(lp.ID, PurposePostalCopy)); n.Status != store.NotifyDelivered {
			t.Errorf("posted item: %s", n.Status)
		}
		if items, _ := f.svc.PostQueue(ctx); len(items) != 0 {
			t.Errorf("%d items left after posting", len(items))
		}
	})
}
