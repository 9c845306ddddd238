package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qUpdateSite = q(`UPDATE sites SET code = ?, name = ?, department = ?, address = ?, postcode = ?, phone = ?,
		directions = ?, updated_at = ? WHERE id = ?`)
	qDeleteSiteMap = q(`DELETE FROM site_maps WHERE id = ? AND site_id = ?`)
)

// UpdateSite saves a site's details. A code another site uses gives ErrConflict.
func (q Queries) UpdateSite(ctx context.Context, s Site, now time.Time) error {
	n, err := q.exec(ctx, qUpdateSite, s.Code, s.Name, s.Department, s.Address, s.Postcode, s.Phone, s.Directions, now.UTC(), s.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: site %s: %w", s.Code, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update site %d: %w", s.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: site %d: %w", s.ID, ErrNotFound)
	}
	return nil
}

// DeleteSiteMap removes one of a site's maps.
func (q Queries) DeleteSiteMap(ctx context.Context, siteID, mapID int64) error {
	n, err := q.exec(ctx, qDeleteSiteMap, mapID, siteID)
	if err != nil {
		return fmt.Errorf("store: delete site map %d: %w", mapID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: site map %d: %w", mapID, ErrNotFound)
	}
	return nil
}
