// Package serviceworker serves the web app manifest and the service worker from the site root.
package serviceworker

import (
	"encoding/json"
	"net/http"
)

// manifest is the web app manifest: what a phone needs to install Patient Hub to its home screen.
type manifest struct {
	Name            string `json:"name"`
	ShortName       string `json:"short_name"`
	Description     string `json:"description"`
	StartURL        string `json:"start_url"`
	Scope           string `json:"scope"`
	Display         string `json:"display"`
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
	Lang            string `json:"lang"`
	Icons           []icon `json:"icons"`
}

type icon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

// ManifestHandler serves /manifest.webmanifest; assetPath gives the hashed URLs of the icons.
func ManifestHandler(assetPath func(string) string) http.Handler {
	m := manifest{
		Name: "Patient Hub", ShortName: "Patient Hub",
		Description: "Your hospital appointments, letters and messages in one place.",
		StartURL:    "/", Scope: "/", Display: "standalone", ThemeColor: "#005eb8", BackgroundColor: "#f0f4f5", Lang: "en-GB",
		Icons: []icon{
			{Src: assetPath("images/nhsuk-icon-192.png"), Sizes: "192x192", Type: "image/png"},
			{Src: assetPath("images/nhsuk-icon-512.png"), Sizes: "512x512", Type: "image/png"},
		},
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
