package hub

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// uploadedPDF stands for a letter staff uploaded: the post room can only print this file.
var uploadedPDF = []byte("%PDF-1.4\n% a pre-operative leaflet only this file holds\n%%EOF\n")

// pdfText is the text of a PDF, by pdftotext, with runs of white space made one space.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found: install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils to read the batch")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestAnUploadedLetterIsPrintedFromItsFileNotRedrawn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		f.disp.Router = notify.NewRouter(recProvider{f.rec, store.ChannelSMS}, recProvider{f.rec, store.ChannelEmail},
			recProvider{f.rec, store.ChannelPush}, notify.PostRoom{})
		ctx := context.Background()
		staff := Actor{Kind: "staff", ID: "7"}
		p := f.patient(false, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		l, err := f.svc.AttachLetter(ctx, a.ID, "Pre-op leaflet", "leaflet.pdf", uploadedPDF, staff)
		if err != nil {
			t.Fatal(err)
		}
		f.tick()
		items, err := f.svc.PostQueue(ctx)
		if err != nil || len(items) != 1 {
			t.Fatalf("post queue: %d items, %v", len(items), err)
		}
		want := fmt.Sprintf("Pre-op leaflet (letter %d)", l.ID)
		if items[0].Enclosure != want {
			t.Fatalf("enclosure %q, want %q", items[0].Enclosure, want)
		}
		batch, err := f.svc.RenderPostBatch(ctx, []int64{items[0].Notification.ID})
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, batch)
		for _, w := range []string{"Print and enclose: " + want, `Your letter "Pre-op leaflet" is enclosed`, "27 Larchfield Grove"} {
			if !strings.Contains(text, w) {
				t.Errorf("the batch lacks %q:\n%s", w, text)
			}
		}
		if strings.Contains(text, "We have booked") {
			t.Errorf("the batch redrew the appointment letter instead of enclosing the upload:\n%s", text)
		}

		// The post room opens the upload to print it, and that is in the patient's audit trail.
		file, err := f.svc.PostRoomLetterFile(ctx, l.ID, staff)
		if err != nil || !bytes.Equal(file.Data, uploadedPDF) {
			t.Fatalf("the post room's copy of the upload: %q %v", file.Data, err)
		}
		events, err := st.AuditByAction(ctx, "postroom.letter.open")
		if err != nil || len(events) != 1 || events[0].PatientID.Int64 != p.ID {
			t.Fatalf("audit of the opened letter: %+v %v", events, err)
		}
		if _, err := f.svc.MarkPosted(ctx, []int64{items[0].Notification.ID}, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.PostRoomLetterFile(ctx, l.ID, staff); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a letter no longer waiting to be posted is open to the post room: %v", err)
		}

		// A letter the hub drew from the appointment is still drawn into the batch.
		drawn, err := f.svc.RegenerateLetter(ctx, a.ID, staff)
		if err != nil {
			t.Fatal(err)
		}
		f.tick()
		if items, err = f.svc.PostQueue(ctx); err != nil || len(items) != 1 || items[0].Enclosure != "" || items[0].Letter.ID != drawn.ID {
			t.Fatalf("a generated letter in the post room: %+v %v", items, err)
		}
		if _, err := f.svc.PostRoomLetterFile(ctx, l.ID, staff); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another letter of the patient opened the upload to the post room: %v", err)
		}
		batch, _ = f.svc.RenderPostBatch(ctx, []int64{items[0].Notification.ID})
		if text := pdfText(t, batch); !strings.Contains(text, "We have booked") || strings.Contains(text, "Print and enclose") {
			t.Errorf("the generated letter's batch:\n%s", text)
		}
	})
}

// notifyLetters is a GOV.UK Notify stand-in that keeps the content of each precompiled letter.
type notifyLetters struct {
	mu       sync.Mutex
	contents [][]byte
}

func (n *notifyLetters) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ Content string }
	if r.URL.Path != "/v2/notifications/letter" || json.NewDecoder(r.Body).Decode(&body) != nil {
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	pdf, _ := base64.StdEncoding.DecodeString(body.Content)
	n.mu.Lock()
	n.contents = append(n.contents, pdf)
	id := fmt.Sprintf("6d1b0a0e-0000-4000-8000-%012d", len(n.contents))
	n.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"id": id, "reference": "r"})
}

func TestNotifyGetsAnUploadedLetterAsItWasStored(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		fake := &notifyLetters{}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		g, err := notify.NewGovNotify("live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0", srv.URL, "s", "e")
		if err != nil {
			t.Fatal(err)
		}
		f.disp.Router = notify.NewRouter(recProvider{f.rec, store.ChannelSMS}, recProvider{f.rec, store.ChannelEmail},
			recProvider{f.rec, store.ChannelPush}, g.Letters())
		p := f.patient(false, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		if _, err := f.svc.AttachLetter(context.Background(), a.ID, "Pre-op leaflet", "leaflet.pdf", uploadedPDF, Actor{Kind: "staff", ID: "7"}); err != nil {
			t.Fatal(err)
		}
		f.tick()
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.contents) != 1 || !bytes.Equal(fake.contents[0], uploadedPDF) {
			t.Fatalf("Notify was sent %d letters; the first: %q", len(fake.contents), fake.contents)
		}
	})
}
