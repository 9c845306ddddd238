package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/handlers"
	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// staffRouteRoles is the role every staff route needs: "" for the sign-in pages anyone may use.
// A route missing from this table fails the test, so a new route's guard is always tested.
var staffRouteRoles = map[string]string{
	"GET /staff":          "",
	"POST /staff":         "",
	"POST /staff/signout": "",

	"GET /staff/queue":                             hub.RoleAgent,
	"GET /staff/tasks/:id":                         hub.RoleAgent,
	"POST /staff/tasks/:id/claim":                  hub.RoleAgent,
	"POST /staff/tasks/:id/release":                hub.RoleAgent,
	"POST /staff/tasks/:id/calls":                  hub.RoleAgent,
	"POST /staff/tasks/:id/rebook":                 hub.RoleAgent,
	"POST /staff/tasks/:id/cancel":                 hub.RoleAgent,
	"POST /staff/tasks/:id/keep":                   hub.RoleAgent,
	"POST /staff/tasks/:id/close":                  hub.RoleAgent,
	"GET /staff/patients":                          hub.RoleAgent,
	"GET /staff/patients/:id":                      hub.RoleAgent,
	"POST /staff/patients/:id/opt-out":             hub.RoleAgent,
	"POST /staff/patients/:id/opt-in":              hub.RoleAgent,
	"GET /staff/patients/:id/appointments/new":     hub.RoleAgent,
	"POST /staff/patients/:id/appointments":        hub.RoleAgent,
	"GET /staff/patients/:id/messages/new":         hub.RoleAgent,
	"POST /staff/patients/:id/messages":            hub.RoleAgent,
	"GET /staff/appointments/:id/edit":             hub.RoleAgent,
	"POST /staff/appointments/:id":                 hub.RoleAgent,
	"GET /staff/appointments/:id/letter":           hub.RoleAgent,
	"POST /staff/appointments/:id/letter/generate": hub.RoleAgent,
	"POST /staff/appointments/:id/letter/upload":   hub.RoleAgent,
	"GET /staff/letters/:id/file":                  hub.RoleAgent,

	"GET /staff/post":                     hub.RolePostroom,
	"POST /staff/post/batch":              hub.RolePostroom,
	"GET /staff/post/batches/:id":         hub.RolePostroom,
	"GET /staff/post/batches/:id/file":    hub.RolePostroom,
	"POST /staff/post/batches/:id/posted": hub.RolePostroom,
	"GET /staff/post/letters/:id/file":    hub.RolePostroom,

	"GET /staff/dashboard":                         hub.RoleAdmin,
	"POST /staff/dashboard/export":                 hub.RoleAdmin,
	"GET /staff/dashboard/exports/:id":             hub.RoleAdmin,
	"GET /staff/dashboard/exports/:id/file":        hub.RoleAdmin,
	"GET /staff/admin/staff":                       hub.RoleAdmin,
	"GET /staff/admin/staff/new":                   hub.RoleAdmin,
	"POST /staff/admin/staff":                      hub.RoleAdmin,
	"GET /staff/admin/staff/:id":                   hub.RoleAdmin,
	"POST /staff/admin/staff/:id":                  hub.RoleAdmin,
	"POST /staff/admin/staff/:id/password":         hub.RoleAdmin,
	"POST /staff/admin/staff/:id/unlock":           hub.RoleAdmin,
	"GET /staff/admin/sites":                       hub.RoleAdmin,
	"GET /staff/admin/sites/new":                   hub.RoleAdmin,
	"POST /staff/admin/sites":                      hub.RoleAdmin,
	"GET /staff/admin/sites/:id":                   hub.RoleAdmin,
	"POST /staff/admin/sites/:id":                  hub.RoleAdmin,
	"POST /staff/admin/sites/:id/maps":             hub.RoleAdmin,
	"POST /staff/admin/sites/:id/maps/:map/delete": hub.RoleAdmin,
	"GET /staff/admin/wording":                     hub.RoleAdmin,
	"GET /staff/admin/wording/:purpose":            hub.RoleAdmin,
	"POST /staff/admin/wording/:purpose":           hub.RoleAdmin,
	"POST /staff/admin/wording/:purpose/reset":     hub.RoleAdmin,
	"GET /staff/admin/timings":                     hub.RoleAdmin,
}

// staffRoutes lists the method and path of every route under /staff in the real route table.
func staffRoutes(t *testing.T, e *testEnv) []string {
	t.Helper()
	app, err := handlers.New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range app.Routes() {
		if (r.Path == "/staff" || strings.HasPrefix(r.Path, "/staff/")) && r.Method != "echo_route_not_found" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	sort.Strings(out)
	return out
}

func TestEveryStaffRouteChecksTheRole(t *testing.T) {
	e := newEnv(t)
	routes := staffRoutes(t, e)
	for _, r := range routes {
		if _, ok := staffRouteRoles[r]; !ok {
			t.Errorf("route %s is not in staffRouteRoles: add it with the role it needs", r)
		}
	}
	if len(routes) != len(staffRouteRoles) {
		t.Errorf("%d staff routes, %d in the table", len(routes), len(staffRouteRoles))
	}
	e.addStaff("agent", hub.RoleAgent)
	e.addStaff("post", hub.RolePostroom)
	e.addStaff("boss", hub.RoleAdmin)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	people := map[string]*browser{"anonymous": e.browser(), "patient": e.browser()}
	people["patient"].signIn("07700 900001", "14", "3", "1985", "+447700900001")
	for user, role := range map[string]string{"agent": hub.RoleAgent, "post": hub.RolePostroom, "boss": hub.RoleAdmin} {
		b := e.browser()
		b.staffSignIn(user)
		people[role] = b
	}
	// Not following redirects shows where each person is sent.
	noFollow := func(b *browser) *http.Client {
		c := *b.client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return &c
	}
	for _, r := range routes {
		need := staffRouteRoles[r]
		if need == "" {
			continue
		}
		method, path, _ := strings.Cut(r, " ")
		path = strings.NewReplacer(":id", "1", ":map", "1", ":purpose", "invite").Replace(path)
		for who, b := range people {
			var body io.Reader
			form := url.Values{}
			if method == http.MethodPost {
				m := csrfField.FindStringSubmatch(b.get("/staff").body)
				if m == nil {
					m = csrfField.FindStringSubmatch(b.get("/signin").body)
				}
				if m != nil {
					form.Set("_csrf", m[1])
				}
				body = strings.NewReader(form.Encode())
			}
			req, _ := http.NewRequest(method, e.srv.URL+path, body)
			if method == http.MethodPost {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := noFollow(b).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			switch {
			case who == "anonymous" || who == "patient":
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff") || strings.HasPrefix(loc, "/staff/") {
					t.Errorf("%s %s as %s: %d to %q, want the staff sign-in page", method, path, who, resp.StatusCode, loc)
				}
			case hub.StaffMay(who, need):
				if resp.StatusCode == http.StatusForbidden || (resp.StatusCode == http.StatusSeeOther && loc == "/staff") {
					t.Errorf("%s %s as %s: refused (%d %q), but the role may use it", method, path, who, resp.StatusCode, loc)
				}
			default:
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", method, path, who, resp.StatusCode)
				}
			}
		}
	}
	if denied, _ := e.st.AuditByAction(t.Context(), "staff.access.denied"); len(denied) == 0 {
		t.Error("refused pages are not audited")
	}
}

func TestAPatientSessionNeverReachesTheConsole(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	b := e.browser()
	b.signIn("07700 900001", "14", "3", "1985", "+447700900001")
	token := b.cookie("patienthub_session")
	// Even the patient's session token sent as the staff cookie opens nothing.
	for _, name := range []string{"patienthub_session", "patienthub_staff"} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/staff/patients", nil)
		req.AddCookie(&http.Cookie{Name: name, Value: token})
		if p := e.browser().do(req); p.url != "/staff" {
			t.Errorf("a patient session as %s reached %s", name, p.url)
		}
	}
	p := b.get("/staff/queue")
	if p.url != "/staff" {
		t.Fatalf("a signed-in patient reached %s", p.url)
	}
	mustContain(t, p, "Sign in to use the staff console.")
	mustLack(t, p, "Call-back queue</h1>")
}
