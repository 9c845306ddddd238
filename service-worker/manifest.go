// Package serviceworker serves the web app manifest and the service worker from the site root.
package serviceworker

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ManifestPath is where the web app manifest is served.
const ManifestPath = "/manifest.webmanifest"

// manifest is the web app manifest: what a phone needs to install Patient Hub to its home screen.
type manifest struct {
	ID                        string       `json:"id"`
	Name                      string       `json:"name"`
	ShortName                 string       `json:"short_name"`
	Description               string       `json:"description"`
	StartURL                  string       `json:"start_url"`
	Scope                     string       `json:"scope"`
	Display                   string       `json:"display"`
	Orientation               string       `json:"orientation,omitempty"`
	ThemeColor                string       `json:"theme_color"`
	BackgroundColor           string       `json:"background_color"`
	Lang                      string       `json:"lang"`
	Dir                       string       `json:"dir"`
	Categories                []string     `json:"categories"`
	PreferRelatedApplications bool         `json:"prefer_related_applications"`
	Icons                     []image      `json:"icons"`
	Screenshots               []screenshot `json:"screenshots,omitempty"`
	Shortcuts                 []shortcut   `json:"shortcuts"`
}

type image struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

type screenshot struct {
	Src        string `json:"src"`
	Sizes      string `json:"sizes"`
	Type       string `json:"type"`
	FormFactor string `json:"form_factor"`
	Label      string `json:"label"`
}

type shortcut struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Screenshot is one picture of the hub the browser's install dialog shows.
type Screenshot struct {
	Asset      string // the asset's name, e.g. "images/screenshot-wide.png"
	Width      int
	Height     int
	FormFactor string // "wide" (a computer) or "narrow" (a phone)
	Label      string // what it shows, for screen readers
}

// Screenshots are the pictures in the manifest, taken from the running hub with a demo patient
// (see TestBrowserMakeScreenshots).
var Screenshots = []Screenshot{
	{"images/screenshot-wide.png", 1280, 800, "wide", "Your appointments in Patient Hub on a computer"},
	{"images/screenshot-narrow.png", 412, 915, "narrow", "Your appointments in Patient Hub on a phone"},
}

// ManifestHandler serves /manifest.webmanifest; assetPath gives the hashed URLs of the icons.
func ManifestHandler(assetPath func(string) string) http.Handler {
	m := manifest{
		ID: "/", Name: "Patient Hub", ShortName: "Patient Hub",
		Description: "Your hospital appointments, letters and messages in one place.",
		StartURL:    "/", Scope: "/", Display: "standalone", ThemeColor: "#005eb8", BackgroundColor: "#f0f4f5",
		Lang: "en-GB", Dir: "ltr", Categories: []string{"health", "medical"},
		Icons: []image{
			{Src: assetPath("images/nhsuk-icon-192.png"), Sizes: "192x192", Type: "image/png", Purpose: "any"},
			{Src: assetPath("images/nhsuk-icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "any"},
			{Src: assetPath("images/patienthub-maskable-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
		},
		Shortcuts: []shortcut{
			{Name: "Appointments", URL: "/appointments"},
			{Name: "Letters", URL: "/letters"},
			{Name: "Maps and directions", URL: "/sites"},
		},
	}
	for _, s := range Screenshots {
		m.Screenshots = append(m.Screenshots, screenshot{Src: assetPath(s.Asset), Sizes: sizes(s.Width, s.Height),
			Type: "image/png", FormFactor: s.FormFactor, Label: s.Label})
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/manifest+json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(body)
	})
}

func sizes(w, h int) string { return strconv.Itoa(w) + "x" + strconv.Itoa(h) }
