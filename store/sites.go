package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qCreateSite = q(`INSERT INTO sites (code, name, department, address, postcode, phone, directions, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qSite        = q(`SELECT id, code, name, department, address, postcode, phone, directions, created_at, updated_at FROM sites WHERE id = ?`)
	qSites       = q(`SELECT id, code, name, department, address, postcode, phone, directions, created_at, updated_at FROM sites ORDER BY name`)
	qAddSiteMap  = q(`INSERT INTO site_maps (site_id, title, filename, content_type, data, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
	qSiteMapList = q(`SELECT id, site_id, title, filename, content_type, created_at FROM site_maps WHERE site_id = ? ORDER BY id`)
	qSiteMap     = q(`SELECT id, site_id, title, filename, content_type, data, created_at FROM site_maps WHERE id = ?`)
)

// CreateSite inserts s and sets its ID.
func (q Queries) CreateSite(ctx context.Context, s *Site) error {
	now := time.Now().UTC()
	s.CreatedAt, s.UpdatedAt = now, now
	err := q.get(ctx, &s.ID, qCreateSite, s.Code, s.Name, s.Department, s.Address, s.Postcode, s.Phone, s.Directions, now, now)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: site %s: %w", s.Code, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create site: %w", err)
	}
	return nil
}

// Site returns the site with this id.
func (q Queries) Site(ctx context.Context, id int64) (Site, error) {
	var s Site
	if err := q.get(ctx, &s, qSite, id); err != nil {
		return s, notFound(err, "site", id)
	}
	return s, nil
}

// Sites lists every site by name.
func (q Queries) Sites(ctx context.Context) ([]Site, error) {
	var ss []Site
	if err := q.sel(ctx, &ss, qSites); err != nil {
		return nil, fmt.Errorf("store: sites: %w", err)
	}
	return ss, nil
}

// AddSiteMap stores a map file for a site and sets its ID.
func (q Queries) AddSiteMap(ctx context.Context, m *SiteMap) error {
	m.CreatedAt = time.Now().UTC()
	if err := q.get(ctx, &m.ID, qAddSiteMap, m.SiteID, m.Title, m.Filename, m.ContentType, m.Data, m.CreatedAt); err != nil {
		return fmt.Errorf("store: add site map: %w", err)
	}
	return nil
}

// SiteMaps lists a site's maps without their data.
func (q Queries) SiteMaps(ctx context.Context, siteID int64) ([]SiteMap, error) {
	var ms []SiteMap
	if err := q.sel(ctx, &ms, qSiteMapList, siteID); err != nil {
		return nil, fmt.Errorf("store: site maps: %w", err)
	}
	return ms, nil
}

// SiteMap returns one map with its data.
func (q Queries) SiteMap(ctx context.Context, id int64) (SiteMap, error) {
	var m SiteMap
	if err := q.get(ctx, &m, qSiteMap, id); err != nil {
		return m, notFound(err, "site map", id)
	}
	return m, nil
}
