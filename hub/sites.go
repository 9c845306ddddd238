package hub

import (
	"context"
	"fmt"

	"github.com/patienthub/patienthub/store"
)

// SiteInfo is a hospital site with its downloadable maps. It holds no personal data.
type SiteInfo struct {
	store.Site
	Maps []store.SiteMap
}

// Sites lists the hospital's sites by name.
func (s *Service) Sites(ctx context.Context) ([]store.Site, error) { return s.Store.Sites(ctx) }

// SiteFor returns one site with the list of its maps (without their data).
func (s *Service) SiteFor(ctx context.Context, id int64) (SiteInfo, error) {
	site, err := s.Store.Site(ctx, id)
	if err != nil {
		return SiteInfo{}, err
	}
	maps, err := s.Store.SiteMaps(ctx, id)
	if err != nil {
		return SiteInfo{}, err
	}
	return SiteInfo{Site: site, Maps: maps}, nil
}

// SiteMapFor returns one map of a site with its data; a map of another site is not found.
func (s *Service) SiteMapFor(ctx context.Context, siteID, mapID int64) (store.SiteMap, error) {
	m, err := s.Store.SiteMap(ctx, mapID)
	if err != nil {
		return m, err
	}
	if m.SiteID != siteID {
		return store.SiteMap{}, fmt.Errorf("hub: map %d of site %d: %w", mapID, siteID, store.ErrNotFound)
	}
	return m, nil
}
