package hub

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestStaffSessionsEndOnPasswordResetAndSwitchOff(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		f.svc.Cfg.StaffSessionIdle, f.svc.Cfg.SessionMax = 30*time.Minute, 12*time.Hour
		admin := addTestStaff(t, st, "boss", RoleAdmin)
		alex := addTestStaff(t, st, "alex", RoleAgent)
		by := StaffActor(admin, "r1", "")
		start := func(id int64) string {
			token, _, err := f.svc.StartSession(ctx, SessionStaff, 0, id, "")
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		live := func(token string) bool {
			_, err := f.svc.LoadSession(ctx, token)
			if err != nil && !errors.Is(err, ErrSessionEnded) {
				t.Fatal(err)
			}
			return err == nil
		}
		laptop, phone, boss := start(alex.ID), start(alex.ID), start(admin.ID)
		if err := f.svc.ResetStaffPassword(ctx, alex.ID, "a brand new password", by); err != nil {
			t.Fatal(err)
		}
		if live(laptop) || live(phone) {
			t.Fatal("a session signed in with the old password is still open")
		}
		if !live(boss) {
			t.Fatal("another member's session ended")
		}
		tablet := start(alex.ID)
		form := StaffAccountForm{Name: "Alex Tester", Role: RoleAgent}
		if err := f.svc.UpdateStaffAccount(ctx, alex.ID, admin.ID, form, by); err != nil {
			t.Fatal(err)
		}
		if !live(tablet) {
			t.Fatal("renaming an account signed it out")
		}
		form.Disabled = true
		if err := f.svc.UpdateStaffAccount(ctx, alex.ID, admin.ID, form, by); err != nil {
			t.Fatal(err)
		}
		if live(tablet) {
			t.Fatal("a switched-off account is still signed in")
		}
		if es := f.audits(t, "staff.account.password"); len(es) != 1 || es[0].Detail != "2 sessions ended" {
			t.Fatalf("password reset audit: %+v", es)
		}
	})
}
