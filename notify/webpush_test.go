package notify_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/notify/pushtest"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestWebPushIsEncryptedForTheDeviceAndSigned(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		public, private, err := notify.VAPIDKeys(ctx, st, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if again, _, _ := notify.VAPIDKeys(ctx, st, "", ""); again != public {
			t.Fatal("VAPID keys were generated twice instead of kept")
		}
		ps := pushtest.NewService(t, public)
		ps.Answer("/gone", http.StatusGone)
		dev := pushtest.NewDevice(t)
		ps.Subscribe("/push/abc", dev)
		p := store.Patient{HospitalNumber: "MRN1", GivenName: "A", FamilyName: "B", VerificationCode: "X", DateOfBirth: store.NewDate(1980, 1, 1)}
		if err := st.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		for _, endpoint := range []string{ps.URL() + "/push/abc", ps.URL() + "/gone"} {
			sub := store.PushSubscription{PatientID: p.ID, Endpoint: endpoint, P256dh: dev.P256dh(), Auth: dev.Auth()}
			if err := st.SavePushSubscription(ctx, &sub); err != nil {
				t.Fatal(err)
			}
		}
		wp := &notify.WebPush{Store: st, PublicKey: public, PrivateKey: private, Subject: "mailto:patienthub@hub.example.nhs.uk"}
		msg := notify.Message{Channel: store.ChannelPush, To: ps.URL() + "/push/abc", Subject: "Patient Hub",
			Text: "You have an update in Patient Hub", URL: "https://hub.example/"}
		ref, err := wp.Send(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		delivered := ps.Messages()
		if len(delivered) != 1 || delivered[0].Body != "You have an update in Patient Hub" || delivered[0].URL != "https://hub.example/" || ref == "" {
			t.Fatalf("delivered %+v (ref %q)", delivered, ref)
		}
		if sub, _ := st.PushSubscriptionByEndpoint(ctx, msg.To); !sub.LastSuccessAt.Valid {
			t.Error("last success not recorded")
		}
		msg.To = ps.URL() + "/gone"
		if _, err := wp.Send(ctx, msg); !errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("410: %v, want permanent", err)
		}
		if _, err := st.PushSubscriptionByEndpoint(ctx, msg.To); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a subscription the push service forgot is kept: %v", err)
		}
		if _, err := wp.Send(ctx, msg); !errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("a removed subscription: %v, want permanent", err)
		}
		other, _, _ := notify.NewVAPIDKeys()
		wrong := &notify.WebPush{Store: st, PublicKey: other, PrivateKey: private, Subject: "patienthub@hub.example.nhs.uk"}
		msg.To = ps.URL() + "/push/abc"
		if _, err := wrong.Send(ctx, msg); err == nil {
			t.Fatal("a push signed with keys the push service does not know was accepted")
		}
	})
}
