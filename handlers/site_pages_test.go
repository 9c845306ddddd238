package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/store"
)

func addSiteWithMaps(t *testing.T, e *testEnv) (store.Site, store.SiteMap, store.SiteMap) {
	t.Helper()
	ctx := context.Background()
	site := store.Site{Code: "LGI", Name: "Leeds General Infirmary", Address: "Great George Street, Leeds", Postcode: "LS1 3QE",
		Phone: "0113 496 0500", Directions: "By bus: routes 1, 6 and 97."}
	if err := e.st.CreateSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	svg := store.SiteMap{SiteID: site.ID, Title: "Site map of Leeds General Infirmary", Filename: "LGI-site-map.svg",
		ContentType: "image/svg+xml", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}
	pdf := store.SiteMap{SiteID: site.ID, Title: "Printable site map of Leeds General Infirmary", Filename: "LGI-site-map.pdf",
		ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}
	for _, m := range []*store.SiteMap{&svg, &pdf} {
		if err := e.st.AddSiteMap(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return site, svg, pdf
}

func TestSitePagesArePublicAndCacheable(t *testing.T) {
	e := newEnv(t)
	site, svg, pdf := addSiteWithMaps(t, e)
	b := e.browser()

	list := b.get("/sites")
	mustContain(t, list, "Maps and directions", "Leeds General Infirmary", fmt.Sprintf(`href="/sites/%d"`, site.ID))
	page := b.get(fmt.Sprintf("/sites/%d", site.ID))
	if page.status != http.StatusOK || page.url != fmt.Sprintf("/sites/%d", site.ID) {
		t.Fatalf("site page without signing in: %d at %s", page.status, page.url)
	}
	mustContain(t, page, "<h1>Leeds General Infirmary</h1>", "Great George Street, Leeds, LS1 3QE", `href="tel:01134960500"`,
		"By bus: routes 1, 6 and 97.", fmt.Sprintf(`<img src="/sites/%d/maps/%d" alt="Site map of Leeds General Infirmary"`, site.ID, svg.ID),
		"Printable site map of Leeds General Infirmary (PDF)", "(SVG image)")
	for _, r := range []pageResult{list, page} {
		if cc := r.header.Get("Cache-Control"); cc != "public, max-age=3600" {
			t.Errorf("%s Cache-Control %q", r.url, cc)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie: a cacheable page must not", r.url)
		}
	}

	m := b.get(fmt.Sprintf("/sites/%d/maps/%d", site.ID, svg.ID))
	if m.status != http.StatusOK || m.header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("SVG map: %d %q", m.status, m.header.Get("Content-Type"))
	}
	if csp := m.header.Get("Content-Security-Policy"); csp != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("SVG CSP %q", csp)
	}
	if cc := m.header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("map Cache-Control %q", cc)
	}
	m = b.get(fmt.Sprintf("/sites/%d/maps/%d?download=1", site.ID, pdf.ID))
	if m.header.Get("Content-Type") != "application/pdf" || m.header.Get("Content-Disposition") != "attachment; filename=LGI-site-map.pdf" {
		t.Errorf("PDF map: %q %q", m.header.Get("Content-Type"), m.header.Get("Content-Disposition"))
	}

	other := store.Site{Code: "SJUH", Name: "St James's"}
	if err := e.st.CreateSite(t.Context(), &other); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/sites/%d/maps/%d", other.ID, svg.ID), "/sites/999", "/sites/x", "/sites/1/maps/999"} {
		if r := b.get(path); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.status)
		}
	}
}

func TestAppointmentPageShowsTheSiteAndItsMaps(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	site, svg, _ := addSiteWithMaps(t, e)
	a := store.Appointment{PatientID: p.ID, ExternalID: "PAS-LGI", Clinic: "Cardiology Outpatients", StartsAt: e.clock.Now().Add(100 * 3600e9),
		EndsAt: e.clock.Now().Add(101 * 3600e9)}
	a.SiteID.Int64, a.SiteID.Valid = site.ID, true
	if err := e.st.CreateAppointment(t.Context(), &a); err != nil {
		t.Fatal(err)
	}
	mustContain(t, b.get(fmt.Sprintf("/appointments/%d", a.ID)), "Getting there", "By bus: routes 1, 6 and 97.",
		"Clinic phone", `href="tel:01134960500"`, fmt.Sprintf(`src="/sites/%d/maps/%d"`, site.ID, svg.ID), "Download a map")
}
