package handlers

import (
	"html/template"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// Site pages hold no personal data: anyone may read them and any cache may keep them.
const (
	sitePageCache = "public, max-age=3600"
	siteMapCache  = "public, max-age=86400"
	// svgCSP stops an SVG map from running script or loading anything, even opened on its own.
	svgCSP = "default-src 'none'; style-src 'unsafe-inline'"
)

// SitesPage lists the hospital's sites.
type SitesPage struct {
	PatientPage
	Sites []store.Site
}

// SitePage is one site: address, phone, directions and maps.
type SitePage struct {
	PatientPage
	Site hub.SiteInfo
	Tel  template.URL // the site's phone as a tel: link
}

func (s *Server) sites(c echo.Context) error {
	ss, err := s.Hub.Sites(c.Request().Context())
	if err != nil {
		return err
	}
	data := SitesPage{PatientPage: PatientPage{Page: s.base(c, "Maps and directions")}, Sites: ss}
	c.Response().Header().Set("Cache-Control", sitePageCache)
	return s.render(c, http.StatusOK, "sites", data)
}

func (s *Server) site(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	info, err := s.Hub.SiteFor(c.Request().Context(), id)
	if err != nil {
		return err
	}
	data := SitePage{PatientPage: PatientPage{Page: s.base(c, info.Name)}, Site: info, Tel: telURL(info.Phone)}
	data.BackURL = "/sites"
	c.Response().Header().Set("Cache-Control", sitePageCache)
	return s.render(c, http.StatusOK, "site", data)
}

// siteMap sends a site's map (SVG or PDF), shown in the browser or, with ?download=1, saved.
func (s *Server) siteMap(c echo.Context) error {
	siteID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	mapID, err := pathID(c, "map")
	if err != nil {
		return err
	}
	m, err := s.Hub.SiteMapFor(c.Request().Context(), siteID, mapID)
	if err != nil {
		return err
	}
	disposition := "inline"
	if c.QueryParam("download") == "1" {
		disposition = "attachment"
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": m.Filename}))
	h.Set("Content-Security-Policy", fileCSP)
	if m.ContentType == "image/svg+xml" {
		h.Set("Content-Security-Policy", svgCSP)
	}
	h.Set("Cache-Control", siteMapCache)
	return c.Blob(http.StatusOK, m.ContentType, m.Data)
}

// telURL makes a tel: link of a phone number from the hospital's own records, keeping only
// digits and a leading +; "" when there is no number.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return template.URL("tel:" + b.String())
}
