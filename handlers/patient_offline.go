package handlers

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/assets"
	serviceworker "github.com/patienthub/patienthub/service-worker"
	"github.com/patienthub/patienthub/views"
)

// OfflinePage is the page the service worker shows when the device is offline. The worker keeps
// one copy for everybody, so it holds nothing personal.
type OfflinePage struct {
	views.Page
}

func (s *Server) offline(c echo.Context) error {
	return s.render(c, http.StatusOK, "offline", OfflinePage{Page: s.base(c, "You are offline")})
}

// newServiceWorker builds /sw.js with what it precaches: every hashed asset but the pictures
// only the install dialog needs, the offline page and the manifest.
func (s *Server) newServiceWorker() *serviceworker.Script {
	var page bytes.Buffer
	if err := s.Views.Page(&page, "offline", OfflinePage{Page: views.Page{Title: "You are offline"}}); err != nil {
		panic(err) // templates were checked at start; this cannot fail without a broken binary
	}
	precache := []string{serviceworker.OfflinePath, serviceworker.ManifestPath}
	for _, name := range assets.Names() {
		if strings.HasPrefix(name, "images/screenshot-") || name == "images/nhsuk-opengraph-image.png" {
			continue
		}
		precache = append(precache, assets.Path(name))
	}
	return serviceworker.NewScript(precache, assets.Path("images/nhsuk-icon-192.png"), page.Bytes())
}
