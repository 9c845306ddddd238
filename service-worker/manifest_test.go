package serviceworker

import (
	"encoding/json"
	"image/color"
	"image/png"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// staticFile is the path of an asset in the repository, for checking the committed images.
func staticFile(name string) string {
	return filepath.Join("..", "assets", "static", filepath.FromSlash(name))
}

func TestManifest(t *testing.T) {
	h := ManifestHandler(func(name string) string { return "/assets/abc/" + name })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/manifest.webmanifest", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "application/manifest+json" {
		t.Fatalf("content type %q", ct)
	}
	var m manifest
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Patient Hub" || m.ShortName == "" || m.StartURL != "/" || m.ID != "/" || m.Display != "standalone" ||
		m.ThemeColor != "#005eb8" || m.BackgroundColor == "" {
		t.Fatalf("manifest %+v", m)
	}
	sizes := map[string]string{}
	for _, ic := range m.Icons {
		sizes[ic.Purpose+" "+ic.Sizes] = ic.Src
	}
	for key, src := range map[string]string{
		"any 192x192":      "/assets/abc/images/nhsuk-icon-192.png",
		"any 512x512":      "/assets/abc/images/nhsuk-icon-512.png",
		"maskable 512x512": "/assets/abc/images/patienthub-maskable-512.png",
	} {
		if sizes[key] != src {
			t.Errorf("icon %s: %q, want %q", key, sizes[key], src)
		}
	}
	factors := map[string]bool{}
	for _, s := range m.Screenshots {
		factors[s.FormFactor] = s.Label != "" && s.Type == "image/png"
	}
	if !factors["wide"] || !factors["narrow"] {
		t.Errorf("screenshots %+v", m.Screenshots)
	}
}

// TestScreenshotsAreWhatTheManifestSays checks the committed pictures against their declared
// sizes, and the rules Chromium applies before it shows them.
func TestScreenshotsAreWhatTheManifestSays(t *testing.T) {
	for _, s := range Screenshots {
		f, err := os.Open(staticFile(s.Asset))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", s.Asset, err)
		}
		if cfg.Width != s.Width || cfg.Height != s.Height {
			t.Errorf("%s is %dx%d, the manifest says %dx%d", s.Asset, cfg.Width, cfg.Height, s.Width, s.Height)
		}
		long, short := max(s.Width, s.Height), min(s.Width, s.Height)
		if short < 320 || long > 3840 || float64(long)/float64(short) > 2.3 {
			t.Errorf("%s: %dx%d is outside what install dialogs show", s.Asset, s.Width, s.Height)
		}
		if (s.FormFactor == "wide") != (s.Width > s.Height) {
			t.Errorf("%s: form factor %s for %dx%d", s.Asset, s.FormFactor, s.Width, s.Height)
		}
	}
}

// TestMaskableIconKeepsTheLogoInTheSafeZone checks that a launcher's mask can only ever cut NHS
// blue: everything outside the middle circle of 40% radius is the background, and the white of
// the logo is inside it.
func TestMaskableIconKeepsTheLogoInTheSafeZone(t *testing.T) {
	f, err := os.Open(staticFile("images/patienthub-maskable-512.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("the maskable icon is %dx%d", b.Dx(), b.Dy())
	}
	blue := color.NRGBA{R: 0x00, G: 0x5e, B: 0xb8, A: 0xff}
	safe := 0.4 * 512
	white := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if math.Hypot(float64(x)+0.5-256, float64(y)+0.5-256) > safe {
				if !near(c, blue) {
					t.Fatalf("pixel %d,%d outside the safe zone is %v, not the background", x, y, c)
				}
			} else if c.R > 240 && c.G > 240 && c.B > 240 {
				white++
			}
		}
	}
	if white < 10000 {
		t.Errorf("only %d white pixels: the logo is missing", white)
	}
}

func near(a, b color.NRGBA) bool {
	d := func(x, y uint8) int { return int(x) - int(y) }
	abs := func(n int) int { return max(n, -n) }
	return abs(d(a.R, b.R)) < 3 && abs(d(a.G, b.G)) < 3 && abs(d(a.B, b.B)) < 3 && a.A == 255
}
