package hub

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// subscribe turns on notifications for one device of p.
func (f *notifyFixture) subscribe(p store.Patient, endpoint string) {
	f.t.Helper()
	key, _ := ecdh.P256().GenerateKey(rand.Reader)
	auth := make([]byte, 16)
	rand.Read(auth)
	err := f.svc.SubscribePush(context.Background(), p.ID, endpoint, base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()),
		base64.RawURLEncoding.EncodeToString(auth), Actor{Kind: "patient"})
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestChangeMessagesAndPushes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, true, func(p *store.Patient) { p.PreferredChannel = store.ChannelEmail })
		paper := f.patient(false, false)
		f.subscribe(p, "https://push.example/device-1")
		f.subscribe(p, "https://push.example/device-2")
		a, b := f.appointment(p, 10*24*time.Hour, 0), f.appointment(paper, 10*24*time.Hour, 0)
		for _, purpose := range []string{PurposeCancelledByHospital, PurposeCancelledByHospital} { // twice: told once
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := f.svc.QueueAppointmentChanged(ctx, tx, p, a, purpose); err != nil {
					return err
				}
				return f.svc.QueueAppointmentChanged(ctx, tx, paper, b, purpose)
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return f.svc.QueueAppointmentChanged(ctx, tx, p, a, "moved") }); err == nil {
			t.Fatal("an unknown purpose was accepted")
		}
		f.tick()
		got := f.rec.sent()
		slices.Sort(got)
		want := []string{"email cancelled_by_hospital", "post cancelled_by_hospital", "push cancelled_by_hospital", "push cancelled_by_hospital"}
		if !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v", got, want)
		}
		for _, m := range f.rec.msgs {
			switch m.Channel {
			case store.ChannelPush:
				if m.Text != "You have an update in Patient Hub" || strings.Contains(m.Text+m.Subject, "Cardiology") {
					t.Errorf("a push says more than that there is an update: %+v", m)
				}
			case store.ChannelEmail:
				if !strings.Contains(m.HTML, "<a href=") || !strings.Contains(m.Text, "Cardiology Outpatients") || !strings.HasSuffix(m.Text, p.VerificationCode) {
					t.Errorf("email: %+v", m)
				}
			case store.ChannelPost:
				pdf, err := m.Document()
				if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
					t.Errorf("the post notice does not render: %v", err)
				}
			}
		}
		// A patient who turned a device off gets no more pushes on it.
		if err := f.svc.UnsubscribePush(ctx, p.ID, "https://push.example/device-2", Actor{Kind: "patient"}); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return f.svc.QueueNewMessage(ctx, tx, p, store.Message{ID: 5}) }); err != nil {
			t.Fatal(err)
		}
		f.tick()
		if got := f.rec.sent(); len(got) != 6 || !slices.Contains(got[4:], "push new_message") || !slices.Contains(got[4:], "email new_message") {
			t.Fatalf("after unsubscribing one device: %v", got)
		}
		for _, bad := range [][3]string{{"http://push.example/x", "", ""}, {"https://push.example/x", "bm90IGEga2V5", "AAAAAAAAAAAAAAAAAAAAAA"}} {
			if err := f.svc.SubscribePush(ctx, p.ID, bad[0], bad[1], bad[2], Actor{}); !errors.Is(err, ErrPushSubscription) {
				t.Errorf("subscription %v: %v", bad, err)
			}
		}
	})
}

func TestDeliveryReports(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, true)
		a := f.appointment(p, 20*24*time.Hour, 0)
		l := f.letter(p, &a)
		other := f.patient(true, false)
		if err := st.InTx(ctx, func(tx *store.Tx) error { return f.svc.QueueNewMessage(ctx, tx, other, store.Message{ID: 9}) }); err != nil {
			t.Fatal(err)
		}
		f.tick()
		invite, msg := f.row(letterKey(l.ID, "invite")), f.row("message:9:new_message")
		if invite.ProviderRef == "" || invite.Provider != "test" {
			t.Fatalf("invite: %+v", invite)
		}
		deliveredAt := start.Add(2 * time.Minute)
		if err := f.svc.RecordDelivery(ctx, notify.DeliveryReport{Provider: "test", Ref: invite.ProviderRef, Outcome: notify.OutcomeDelivered, At: deliveredAt}); err != nil {
			t.Fatal(err)
		}
		if n := f.row(invite.IdempotencyKey); n.Status != store.NotifyDelivered || !n.DeliveredAt.Time.Equal(deliveredAt) {
			t.Fatalf("after the receipt: %s %v", n.Status, n.DeliveredAt)
		}
		// A text that the network could not deliver falls back: this patient has no email, and a
		// new message goes on paper.
		if err := f.svc.RecordDelivery(ctx, notify.DeliveryReport{Provider: "test", Ref: msg.ProviderRef, Outcome: notify.OutcomeUndelivered,
			Detail: "sms permanent-failure"}); err != nil {
			t.Fatal(err)
		}
		if n := f.row(msg.IdempotencyKey); n.Status != store.NotifyFailed || n.LastError != "sms permanent-failure" {
			t.Fatalf("undelivered: %+v", n)
		}
		if n := f.row(msg.IdempotencyKey + ":after-sms"); n.Channel != store.ChannelPost || n.Status != store.NotifyPending {
			t.Fatalf("fallback: %+v", n)
		}
		// The same receipt twice changes nothing more.
		f.svc.RecordDelivery(ctx, notify.DeliveryReport{Provider: "test", Ref: msg.ProviderRef, Outcome: notify.OutcomeUndelivered})
		if err := f.svc.RecordDelivery(ctx, notify.DeliveryReport{Provider: "test", Ref: "no-such-ref", Outcome: notify.OutcomeDelivered}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown reference: %v", err)
		}
	})
}
