package handlers

import (
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffSitesPage lists the hospital's sites.
type StaffSitesPage struct {
	StaffPage
	Sites []store.Site
}

func (con *staffConsole) adminSites(c echo.Context) error {
	sites, err := con.Hub.Sites(c.Request().Context())
	if err != nil {
		return err
	}
	data := StaffSitesPage{StaffPage: con.page(c, "Sites and maps", "/staff/admin/sites"), Sites: sites}
	return con.render(c, http.StatusOK, "staff_admin_sites", data)
}

// StaffSitePage adds a site, or changes one and its maps.
type StaffSitePage struct {
	StaffPage
	Site     hub.SiteInfo
	Creating bool
	Form     hub.SiteForm
	MapTitle string
	MaxMB    int
}

func (con *staffConsole) sitePage(c echo.Context, id int64, f *hub.SiteForm) (StaffSitePage, error) {
	data := StaffSitePage{StaffPage: con.page(c, "Add a site", "/staff/admin/sites"), Creating: id == 0, MaxMB: hub.MaxMapBytes >> 20}
	data.BackURL = "/staff/admin/sites"
	if id != 0 {
		site, err := con.Hub.SiteFor(c.Request().Context(), id)
		if err != nil {
			return data, err
		}
		data.Site, data.Form, data.Title = site, hub.SiteFormOf(site.Site), site.Name+" - Staff"
	}
	if f != nil {
		data.Form = *f
	}
	return data, nil
}

func siteFormOf(c echo.Context) hub.SiteForm {
	return hub.SiteForm{Code: c.FormValue("code"), Name: c.FormValue("name"), Department: c.FormValue("department"),
		Address: c.FormValue("address"), Postcode: c.FormValue("postcode"), Phone: c.FormValue("phone"), Directions: c.FormValue("directions")}
}

func (con *staffConsole) adminSiteNew(c echo.Context) error {
	data, err := con.sitePage(c, 0, nil)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_admin_site", data)
}

func (con *staffConsole) adminSiteCreate(c echo.Context) error {
	f := siteFormOf(c)
	site, err := con.Hub.CreateSite(c.Request().Context(), f, con.actor(c))
	if err != nil {
		data, perr := con.sitePage(c, 0, &f)
		if perr != nil {
			return perr
		}
		if !formProblems(err, &data.StaffPage, "name") {
			return err
		}
		return con.renderForm(c, "staff_admin_site", data)
	}
	return con.done(c, siteURL(site.ID), site.Name+" is added. Now upload its map.")
}

func (con *staffConsole) adminSite(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, err := con.sitePage(c, id, nil)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_admin_site", data)
}

func (con *staffConsole) adminSiteUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := siteFormOf(c)
	if err := con.Hub.UpdateSite(c.Request().Context(), id, f, con.actor(c)); err != nil {
		data, perr := con.sitePage(c, id, &f)
		if perr != nil {
			return perr
		}
		if !formProblems(err, &data.StaffPage, "name") {
			return err
		}
		return con.renderForm(c, "staff_admin_site", data)
	}
	return con.done(c, siteURL(id), "The site's details are saved.")
}

func (con *staffConsole) adminSiteMapUpload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	title := c.FormValue("map-title")
	var name string
	var data []byte
	if fh, ferr := c.FormFile("map-file"); ferr == nil {
		name = fh.Filename
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(f, hub.MaxMapBytes+1))
		f.Close()
		if err != nil {
			return err
		}
	}
	if _, err := con.Hub.AddSiteMap(c.Request().Context(), id, title, name, data, con.actor(c)); err != nil {
		page, perr := con.sitePage(c, id, nil)
		if perr != nil {
			return perr
		}
		page.MapTitle = title
		if !formProblems(err, &page.StaffPage, "map-file") {
			return err
		}
		return con.renderForm(c, "staff_admin_site", page)
	}
	return con.done(c, siteURL(id)+"#maps", "The map is uploaded. Patients can download it from the site's page.")
}

func (con *staffConsole) adminSiteMapDelete(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	mapID, err := idParam(c, "map")
	if err != nil {
		return err
	}
	if err := con.Hub.DeleteSiteMap(c.Request().Context(), id, mapID, con.actor(c)); err != nil {
		return err
	}
	return con.done(c, siteURL(id)+"#maps", "The map is removed.")
}

func siteURL(id int64) string { return "/staff/admin/sites/" + strconv.FormatInt(id, 10) }
