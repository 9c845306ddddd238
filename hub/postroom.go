package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/patienthub/patienthub/store"
)

// postQueueLimit is the most items the post room sees at once.
const postQueueLimit = 1000

// PostItem is one message waiting in the post room, with what it is about.
type PostItem struct {
	Notification store.Notification
	Patient      store.Patient
	Letter       *store.Letter
	Appointment  *store.Appointment
	// Enclosure names a document the batch cannot draw again (a letter staff uploaded or the
	// hospital supplied as a file), as "<title> (letter N)": the post room prints that letter's
	// own PDF (PostRoomLetterFile) and puts it in the envelope behind the batch's cover page.
	Enclosure string
}

// PostQueue lists what waits in the post room, oldest first. An item no longer wanted (the patient
// read the letter online meanwhile, the appointment was cancelled) leaves the queue here, with its
// reason, so it is never printed; one already in a printed batch (or one being drawn) stays, to be
// posted with that batch.
func (s *Service) PostQueue(ctx context.Context) ([]PostItem, error) {
	ns, err := s.Store.PostQueue(ctx, postQueueLimit)
	if err != nil {
		return nil, err
	}
	now := s.now()
	items := make([]PostItem, 0, len(ns))
	for _, n := range ns {
		it, err := s.postItem(ctx, n)
		if err != nil {
			return nil, err
		}
		reason, err := s.staleNow(ctx, s.Store.Queries, now, n, &it.Patient, about{Letter: it.Letter, Appointment: it.Appointment})
		if err != nil {
			return nil, err
		}
		if reason != "" {
			inBatch, err := s.Store.PostItemInBatch(ctx, n.ID)
			if err != nil {
				return nil, err
			}
			if !inBatch {
				if _, err := s.Store.CancelPostItem(ctx, n.ID, reason, now); err != nil {
					return nil, err
				}
				continue
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// postItem loads what one post notification is about.
func (s *Service) postItem(ctx context.Context, n store.Notification) (PostItem, error) {
	p, ab, err := s.loadAbout(ctx, s.Store.Queries, n)
	if err != nil {
		return PostItem{}, err
	}
	if p == nil {
		return PostItem{}, fmt.Errorf("hub: post item %d has no patient: %w", n.ID, store.ErrNotFound)
	}
	it := PostItem{Notification: n, Patient: *p, Letter: ab.Letter, Appointment: ab.Appointment}
	if it.Letter != nil && reprintsLetter(n.Purpose) && !redrawsLetter(it) {
		it.Enclosure = fmt.Sprintf("%s (letter %d)", it.Letter.Title, it.Letter.ID)
	}
	return it, nil
}

// redrawsLetter reports whether the post room draws the item's letter itself: only a letter the
// hub generated from its appointment can be drawn again; any other is its stored file.
func redrawsLetter(it PostItem) bool {
	return it.Letter != nil && it.Letter.Source == store.LetterGenerated && it.Appointment != nil && reprintsLetter(it.Notification.Purpose)
}

// reprintsLetter reports whether a post message of this purpose is the letter itself.
func reprintsLetter(purpose string) bool {
	return purpose == PurposePostalCopy || purpose == PurposeInvite || purpose == PurposeNewLetter
}

// RenderPostBatch renders the post items with these notification ids, in this order, as one A4
// PDF: a batch sheet for the post room (not for posting), then each letter starting on a new page
// with the patient's name and address in the window of a DL envelope.
func (s *Service) RenderPostBatch(ctx context.Context, ids []int64) ([]byte, error) {
	items := make([]PostItem, 0, len(ids))
	for _, id := range ids {
		n, err := s.Store.Notification(ctx, id)
		if err != nil {
			return nil, err
		}
		if n.Channel != store.ChannelPost {
			return nil, fmt.Errorf("hub: notification %d is not a letter: %w", id, store.ErrNotFound)
		}
		it, err := s.postItem(ctx, n)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return s.renderPost(ctx, items, true)
}

// PostDocument renders the printable letter of one post notification, for a provider that prints
// it (GOV.UK Notify's precompiled letters). A letter staff uploaded or the hospital supplied is
// its stored file, as it is.
func (s *Service) PostDocument(ctx context.Context, n store.Notification) ([]byte, error) {
	it, err := s.postItem(ctx, n)
	if err != nil {
		return nil, err
	}
	if it.Enclosure != "" {
		f, err := s.Store.LetterFile(ctx, it.Letter.ID)
		return f.Data, err
	}
	return s.renderPost(ctx, []PostItem{it}, false)
}

// PostRoomLetterFile returns the stored PDF of a letter waiting in the post queue, for the post
// room to print and enclose, and audits the opening in the patient's trail. A letter not waiting
// to be posted is store.ErrNotFound: the post room sees only what it has to post.
func (s *Service) PostRoomLetterFile(ctx context.Context, letterID int64, by Actor) (store.LetterFile, error) {
	waiting, err := s.Store.LetterInPostQueue(ctx, letterID)
	if err != nil {
		return store.LetterFile{}, err
	}
	if !waiting {
		return store.LetterFile{}, fmt.Errorf("hub: letter %d is not waiting to be posted: %w", letterID, store.ErrNotFound)
	}
	l, err := s.Store.Letter(ctx, letterID)
	if err != nil {
		return store.LetterFile{}, err
	}
	f, err := s.Store.LetterFile(ctx, letterID)
	if err != nil {
		return f, err
	}
	e := by.event("postroom.letter.open", l.PatientID, letterObject(letterID), "printed to enclose")
	e.At = s.now()
	if err := s.Store.AddAudit(ctx, e); err != nil {
		return store.LetterFile{}, err
	}
	return f, nil
}

// MarkPosted records that the post room posted these items: each leaves the queue as delivered
// and its letter is marked posted. It returns how many were waiting, and audits each.
func (s *Service) MarkPosted(ctx context.Context, ids []int64, by Actor) (int, error) {
	now := s.now()
	posted := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			n, err := tx.Notification(ctx, id)
			if err != nil {
				return err
			}
			changed, err := tx.MarkPostItemPosted(ctx, id, now)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			posted++
			if n.LetterID.Valid {
				if err := tx.MarkLetterPosted(ctx, n.LetterID.Int64, now); err != nil {
					return err
				}
			}
			e := by.event("postroom.posted", n.PatientID.Int64, "notification:"+strconv.FormatInt(id, 10), n.Purpose)
			e.At = now
			if err := tx.AddAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return posted, err
}

// renderPost draws the items into one document, with the batch sheet first when sheet is set.
func (s *Service) renderPost(ctx context.Context, items []PostItem, sheet bool) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle("Letters for posting", true)
	pdf.SetAuthor(s.Cfg.HospitalName, true)
	pdf.SetLang("en-GB")
	pdf.SetMargins(letterMargin, 15, letterMargin)
	pdf.SetAutoPageBreak(true, 22)
	now := s.now()
	var footer func()
	pdf.SetFooterFunc(func() {
		if footer != nil {
			footer()
		}
	})
	if sheet {
		pdf.AddPage()
		writeBatchSheet(pdf, tr, s.Cfg.HospitalName, now, items)
	}
	for _, it := range items {
		h := LetterHeader{HospitalName: s.Cfg.HospitalName, PublicURL: s.Cfg.PublicURL, Date: now}
		if it.Letter != nil && reprintsLetter(it.Notification.Purpose) {
			h.Date = it.Letter.CreatedAt
		}
		pdf.AddPage()
		first, p := pdf.PageNo(), it.Patient
		footer = func() { letterFooter(pdf, tr, h, p, pdf.PageNo()-first+1) }
		switch {
		case redrawsLetter(it):
			var site *store.Site
			if it.Appointment.SiteID.Valid {
				st, err := s.Store.Site(ctx, it.Appointment.SiteID.Int64)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, err
				}
				if err == nil {
					site = &st
				}
			}
			writeAppointmentLetter(pdf, tr, h, p, *it.Appointment, site)
		case it.Enclosure != "":
			writeNoticeLetter(pdf, tr, h, p, it.Letter.Title, fmt.Sprintf(
				"Your letter \"%s\" is enclosed. You can also read it in Patient Hub at %s.", it.Letter.Title, h.PublicURL))
		default:
			writeNoticeLetter(pdf, tr, h, p, it.Notification.Subject, it.Notification.Body)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("hub: post batch: %w", err)
	}
	return buf.Bytes(), nil
}

// writeNoticeLetter draws a short letter: letterhead, the address in the envelope window, the
// date, a title and the text.
func writeNoticeLetter(pdf *fpdf.Fpdf, tr func(string) string, h LetterHeader, p store.Patient, title, text string) {
	letterHeadBlock(pdf, tr, h, nil)
	letterAddressWindow(pdf, tr, p, h.Date)
	pdf.SetXY(letterRightX, letterWindowY)
	pdf.SetFont("Helvetica", "B", 9.5)
	pdf.CellFormat(30, 5, "Date", "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9.5)
	pdf.CellFormat(letterRightW-30, 5, tr(letterDate(h.Date)), "", 1, "L", false, 0, "")
	pdf.SetX(letterRightX)
	pdf.SetFont("Helvetica", "B", 9.5)
	pdf.CellFormat(30, 5, "Hospital number", "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9.5)
	pdf.CellFormat(letterRightW-30, 5, tr(p.HospitalNumber), "", 1, "L", false, 0, "")
	pdf.SetTextColor(33, 43, 50)
	pdf.SetXY(letterMargin, letterBodyY)
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(title), "", "L", false)
	pdf.Ln(3)
	letterPara(pdf, tr, "Dear "+letterSalutation(p, letterIsChild(p, h.Date))+",")
	for _, para := range strings.Split(text, "\n\n") {
		letterPara(pdf, tr, strings.TrimSpace(para))
	}
	pdf.Ln(2)
	letterPara(pdf, tr, "Yours sincerely,")
	pdf.Ln(4)
	letterPara(pdf, tr, "Outpatient Booking Centre\n"+h.HospitalName)
}

// writeBatchSheet draws the post room's list of what the batch holds, in order.
func writeBatchSheet(pdf *fpdf.Fpdf, tr func(string) string, hospital string, at time.Time, items []PostItem) {
	pdf.SetTextColor(33, 43, 50)
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr("Post room batch: "+strconv.Itoa(len(items))+" letters"), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5.5, tr(fmt.Sprintf("%s. Printed %s. This page is for the post room: do not post it. "+
		"Each letter starts on a new page with the address in the window of a DL envelope.",
		hospital, at.In(letterZone).Format("2 January 2006 at 3:04pm"))), "", "L", false)
	pdf.Ln(3)
	cols := []struct {
		head string
		w    float64
	}{{"No.", 10}, {"Name", 48}, {"Postcode", 22}, {"Letter", 70}, {"Ref", 20}}
	pdf.SetFont("Helvetica", "B", 9)
	for _, c := range cols {
		pdf.CellFormat(c.w, 6, c.head, "B", 0, "L", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for i, it := range items {
		what := it.Notification.Subject
		row := []string{strconv.Itoa(i + 1), it.Patient.FullName(), it.Patient.Postcode, what, strconv.FormatInt(it.Notification.ID, 10)}
		for j, c := range cols {
			text := tr(row[j])
			for pdf.GetStringWidth(text) > c.w-1 && len(text) > 1 {
				text = text[:len(text)-1]
			}
			pdf.CellFormat(c.w, 5.5, text, "", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
		if it.Enclosure != "" {
			pdf.SetX(letterMargin + 10)
			pdf.SetFont("Helvetica", "B", 9)
			pdf.MultiCell(160, 5, tr("Print and enclose: "+it.Enclosure), "", "L", false)
			pdf.SetFont("Helvetica", "", 9)
		}
	}
}
