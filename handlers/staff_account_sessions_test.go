package handlers_test

import (
	"strconv"
	"testing"

	"github.com/patienthub/patienthub/hub"
)

func TestResettingAPasswordSignsTheAccountOut(t *testing.T) {
	e := newEnv(t)
	boss := e.addStaff("boss", hub.RoleAdmin)
	jo := e.addStaff("jo", hub.RoleAgent)
	b, jb, otherDesk := e.browser(), e.browser(), e.browser()
	b.staffSignIn("boss")
	jb.staffSignIn("jo")
	otherDesk.staffSignIn("boss")
	acct := "/staff/admin/staff/" + strconv.FormatInt(jo.ID, 10)
	mustContain(t, b.staffPost(acct, acct+"/password", map[string]string{"password": "another long password"}), "The new password is set")
	if p := jb.get("/staff/queue"); p.url != "/staff" {
		t.Fatalf("signed in with the old password, still at %s", p.url)
	}
	// Resetting your own: your other sessions end, and you carry on in a new one here.
	me := "/staff/admin/staff/" + strconv.FormatInt(boss.ID, 10)
	p := b.staffPost(me, me+"/password", map[string]string{"password": "my own new password"})
	if p.url != me {
		t.Fatalf("after resetting your own password: at %s (%d)", p.url, p.status)
	}
	mustContain(t, p, "The new password is set")
	if p := otherDesk.get("/staff/queue"); p.url != "/staff" {
		t.Fatalf("another session of the account is still signed in, at %s", p.url)
	}
}
