package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestStaffSignInLandsOnTheRolesHome(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ user, role, home, heading string }{
		{"agent", "agent", "/staff/queue", "Call-back queue"},
		{"post", "postroom", "/staff/post", "Post room"},
		{"boss", "admin", "/staff/queue", "Call-back queue"},
	} {
		e.addStaff(c.user, c.role)
		b := e.browser()
		p := b.staffSignIn(c.user)
		if p.url != c.home {
			t.Errorf("%s landed on %s, want %s", c.user, p.url, c.home)
		}
		mustContain(t, p, "Signed in as", "Sign out")
		if b.cookie("patienthub_staff") == "" {
			t.Errorf("%s: no staff session cookie", c.user)
		}
		if b.cookie("patienthub_session") != "" {
			t.Errorf("%s: staff sign-in set a patient session cookie", c.user)
		}
	}
}

func TestStaffSignInRefusals(t *testing.T) {
	e := newEnv(t)
	st := e.addStaff("alex", "agent")
	b := e.browser()
	p := b.submit("/staff", "/staff", map[string]string{"username": "", "password": ""})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", p.status)
	}
	mustContain(t, p, "There is a problem", "Enter your username", "Enter your password")
	p = b.submit("/staff", "/staff", map[string]string{"username": "nobody", "password": "x"})
	mustContain(t, p, "The username or password is not right")
	p = b.submit("/staff", "/staff", map[string]string{"username": "alex", "password": "wrong"})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: %d", p.status)
	}
	mustContain(t, p, "The username or password is not right", `value="alex"`)
	mustLack(t, p, "wrong\"")

	ctx := context.Background()
	st.Disabled = true
	if err := e.st.UpdateStaff(ctx, st, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	p = b.submit("/staff", "/staff", map[string]string{"username": "alex", "password": staffPassword})
	mustContain(t, p, "This account has been switched off")
	failed, _ := e.st.AuditByAction(ctx, "staff.signin.failed")
	if len(failed) != 3 {
		t.Fatalf("failed sign-ins audited: %d, want 3", len(failed))
	}
}

func TestStaffLockoutAfterWrongPasswords(t *testing.T) {
	e := newEnv(t)
	e.addStaff("alex", "agent")
	b := e.browser()
	for i := 1; i <= 4; i++ {
		p := b.submit("/staff", "/staff", map[string]string{"username": "alex", "password": "guess"})
		mustContain(t, p, "The username or password is not right")
	}
	p := b.submit("/staff", "/staff", map[string]string{"username": "alex", "password": "guess"})
	mustContain(t, p, "This account is locked because of 5 wrong passwords in a row")
	// The right password does not get through while locked.
	p = b.submit("/staff", "/staff", map[string]string{"username": "alex", "password": staffPassword})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("right password while locked: %d at %s", p.status, p.url)
	}
	mustContain(t, p, "This account is locked")
	if locks, _ := e.st.AuditByAction(context.Background(), "staff.locked"); len(locks) != 1 {
		t.Fatalf("lock audited %d times", len(locks))
	}
	e.clock.Advance(16 * time.Minute)
	p = b.staffSignIn("alex")
	if p.url != "/staff/queue" {
		t.Fatalf("after the lock: at %s", p.url)
	}
	st, _ := e.st.StaffByUsername(context.Background(), "alex")
	if st.FailedLogins != 0 || st.LockedUntil.Valid {
		t.Fatalf("sign-in did not clear the count: %+v", st)
	}
}

func TestStaffSessionEndsAfterIdleAndSignOut(t *testing.T) {
	e := newEnv(t)
	e.addStaff("alex", "agent")
	b := e.browser()
	b.staffSignIn("alex")
	e.clock.Advance(29 * time.Minute)
	if p := b.get("/staff/queue"); p.url != "/staff/queue" {
		t.Fatalf("29 minutes idle: at %s", p.url)
	}
	e.clock.Advance(31 * time.Minute)
	p := b.get("/staff/queue")
	if p.url != "/staff" {
		t.Fatalf("31 minutes idle: at %s, want the sign-in page", p.url)
	}
	mustContain(t, p, "you were signed out because you had not used the console for a while")

	p = b.staffSignIn("alex")
	token := b.cookie("patienthub_staff")
	p = b.staffPost("/staff/queue", "/staff/signout", nil)
	if p.url != "/staff" {
		t.Fatalf("after sign-out: at %s", p.url)
	}
	mustContain(t, p, "You have signed out.")
	// The old cookie no longer opens a session anywhere.
	other := e.browser()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/staff/queue", nil)
	req.AddCookie(&http.Cookie{Name: "patienthub_staff", Value: token})
	if p := other.do(req); p.url != "/staff" {
		t.Fatalf("signed-out cookie reached %s", p.url)
	}
	if outs, _ := e.st.AuditByAction(context.Background(), "staff.signout"); len(outs) != 1 {
		t.Fatalf("sign-out audited %d times", len(outs))
	}
}

func TestStaffSignInNextPage(t *testing.T) {
	e := newEnv(t)
	e.addStaff("boss", "admin")
	b := e.browser()
	p := b.get("/staff/queue?x=1")
	if p.url != "/staff" {
		t.Fatalf("anonymous: at %s", p.url)
	}
	mustContain(t, p, `name="next" value="/staff/queue"`)
	p = b.submit("/staff?next=/staff/queue", "/staff", map[string]string{"username": "boss", "password": staffPassword, "next": "//evil.example/staff/"})
	if p.url != "/staff/queue" {
		t.Fatalf("an unsafe next page was followed: at %s", p.url)
	}
}
