package hub

import (
	"testing"

	"github.com/patienthub/patienthub/store"
)

func TestPushOpensThePageItIsAbout(t *testing.T) {
	for _, tc := range []struct {
		n    store.Notification
		want string
	}{
		{store.Notification{Purpose: PurposeInvite, LetterID: store.NullID(7), AppointmentID: store.NullID(3)}, "/letters/7"},
		{store.Notification{Purpose: PurposeCancelledByHospital, AppointmentID: store.NullID(3)}, "/appointments/3"},
		{store.Notification{Purpose: PurposeAppointmentReminder, AppointmentID: store.NullID(4)}, "/appointments/4"},
		{store.Notification{Purpose: PurposeNewMessage}, "/messages"},
		{store.Notification{Purpose: "something_else"}, "/appointments"},
	} {
		if got := pushPath(tc.n); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.n.Purpose, got, tc.want)
		}
	}
}
