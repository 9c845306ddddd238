package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// MaxMapBytes is the largest site map an administrator may upload.
const MaxMapBytes = 5 << 20

// SiteForm is a site as an administrator types it.
type SiteForm struct {
	Code, Name, Department, Address, Postcode, Phone, Directions string
}

// SiteFormOf fills a form from a site.
func SiteFormOf(s store.Site) SiteForm {
	return SiteForm{Code: s.Code, Name: s.Name, Department: s.Department, Address: s.Address, Postcode: s.Postcode,
		Phone: s.Phone, Directions: s.Directions}
}

var siteCodePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,19}$`)

func (f SiteForm) site() (store.Site, error) {
	s := store.Site{Code: strings.ToUpper(strings.TrimSpace(f.Code)), Name: strings.TrimSpace(f.Name),
		Department: strings.TrimSpace(f.Department), Address: strings.TrimSpace(f.Address),
		Postcode: strings.ToUpper(strings.TrimSpace(f.Postcode)), Phone: strings.TrimSpace(f.Phone), Directions: strings.TrimSpace(f.Directions)}
	var ps []RequestProblem
	if !siteCodePattern.MatchString(s.Code) {
		ps = append(ps, RequestProblem{"code", "Enter a short code of up to 20 letters, numbers or dashes, like SJUH"})
	}
	if s.Name == "" || utf8.RuneCountInString(s.Name) > 200 {
		ps = append(ps, RequestProblem{"name", "Enter the site's name, in 200 characters or fewer"})
	}
	for _, v := range []struct{ field, value string }{{"department", s.Department}, {"address", s.Address}, {"postcode", s.Postcode}, {"phone", s.Phone}} {
		if utf8.RuneCountInString(v.value) > 300 {
			ps = append(ps, RequestProblem{v.field, "This must be 300 characters or fewer"})
		}
	}
	if utf8.RuneCountInString(s.Directions) > 5000 {
		ps = append(ps, RequestProblem{"directions", "Directions must be 5000 characters or fewer"})
	}
	if len(ps) > 0 {
		return s, &RequestError{Problems: ps}
	}
	return s, nil
}

var errSiteCodeUsed = &RequestError{Problems: []RequestProblem{{"code", "Another site already has this code. Choose another."}}}

// CreateSite adds a hospital site.
func (s *Service) CreateSite(ctx context.Context, f SiteForm, by Actor) (store.Site, error) {
	site, err := f.site()
	if err != nil {
		return site, err
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSite(ctx, &site); errors.Is(err, store.ErrConflict) {
			return errSiteCodeUsed
		} else if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("site.created", 0, siteObject(site.ID), site.Code), now)
	})
	return site, err
}

// UpdateSite saves a site's details; appointment letters written from now on use them.
func (s *Service) UpdateSite(ctx context.Context, id int64, f SiteForm, by Actor) error {
	site, err := f.site()
	if err != nil {
		return err
	}
	site.ID = id
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateSite(ctx, site, now); errors.Is(err, store.ErrConflict) {
			return errSiteCodeUsed
		} else if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("site.changed", 0, siteObject(id), ""), now)
	})
}

// mapTypes are the files a site map may be, by what their content starts with.
var mapTypes = []struct{ contentType, ext string }{
	{"image/png", ".png"}, {"application/pdf", ".pdf"}, {"image/svg+xml", ".svg"},
}

// sniffMap says what a map file is from its content: PNG, PDF or SVG, or "" for anything else.
func sniffMap(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	}
	head := strings.ToLower(string(data[:min(len(data), 1024)]))
	head = strings.TrimPrefix(strings.TrimSpace(head), "\ufeff")
	if (strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<svg") || strings.HasPrefix(head, "<!--")) &&
		strings.Contains(strings.ToLower(string(data)), "<svg") {
		return "image/svg+xml"
	}
	return ""
}

// unsafeSVG finds what an SVG must not carry: scripts, event handlers, external content.
var unsafeSVG = regexp.MustCompile(`(?i)<script|<foreignobject|\son[a-z]+\s*=|javascript:|<!entity|xlink:href\s*=\s*["']\s*https?:|href\s*=\s*["']\s*https?:`)

// AddSiteMap stores a map an administrator uploaded for a site: a PNG, PDF or SVG (without scripts)
// of at most MaxMapBytes. Patients can then download it from the site's page.
func (s *Service) AddSiteMap(ctx context.Context, siteID int64, title, filename string, data []byte, by Actor) (store.SiteMap, error) {
	title = strings.TrimSpace(title)
	var ps []RequestProblem
	if title == "" || utf8.RuneCountInString(title) > 200 {
		ps = append(ps, RequestProblem{"map-title", "Enter a title for the map, like \"Site map of St James's\", in 200 characters or fewer"})
	}
	ctype := sniffMap(data)
	switch {
	case len(data) == 0:
		ps = append(ps, RequestProblem{"map-file", "Choose the map's file"})
	case len(data) > MaxMapBytes:
		ps = append(ps, RequestProblem{"map-file", fmt.Sprintf("The file must be smaller than %d MB", MaxMapBytes>>20)})
	case ctype == "":
		ps = append(ps, RequestProblem{"map-file", "The file must be an SVG, PNG or PDF"})
	case ctype == "image/svg+xml" && unsafeSVG.Match(data):
		ps = append(ps, RequestProblem{"map-file", "The SVG contains scripts or links to other sites. Export it again as a plain drawing, or upload a PNG or PDF"})
	}
	if len(ps) > 0 {
		return store.SiteMap{}, &RequestError{Problems: ps}
	}
	ext := ""
	for _, t := range mapTypes {
		if t.contentType == ctype {
			ext = t.ext
		}
	}
	name := strings.TrimSuffix(safeFilename(filename, "site-map"+ext), ext)
	m := store.SiteMap{SiteID: siteID, Title: title, Filename: name + ext, ContentType: ctype, Data: data}
	now := s.now()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Site(ctx, siteID); err != nil {
			return err
		}
		if err := tx.AddSiteMap(ctx, &m); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("site.map_added", 0, siteObject(siteID), m.Filename), now)
	})
	return m, err
}

// DeleteSiteMap removes one of a site's maps.
func (s *Service) DeleteSiteMap(ctx context.Context, siteID, mapID int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSiteMap(ctx, siteID, mapID); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("site.map_removed", 0, siteObject(siteID), fmt.Sprint(mapID)), now)
	})
}

func siteObject(id int64) string { return fmt.Sprintf("site:%d", id) }
