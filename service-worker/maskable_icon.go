//go:build ignore

// Draws the maskable app icon from the NHS.UK 512 px icon: the logo scaled down into the middle
// 80% circle that every launcher keeps (the "safe zone"), on NHS blue to the edges, so a round,
// squircle or teardrop mask never cuts the logo. Run from the repository root when the icon
// changes, and commit the result:
//
//	go run service-worker/maskable_icon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	source = "assets/static/images/nhsuk-icon-512.png"
	target = "assets/static/images/patienthub-maskable-512.png"
	size   = 512
	// logoScale fits the logo's corners (the white box runs from 37,168 to 475,343 in the source)
	// inside a circle of radius 0.37×size, within the 0.4×size safe zone.
	logoScale = 0.78
)

// nhsBlue is the icon's background, #005eb8.
var nhsBlue = color.NRGBA{R: 0x00, G: 0x5e, B: 0xb8, A: 0xff}

func main() {
	f, err := os.Open(source)
	if err != nil {
		log.Fatal(err)
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	sb := src.Bounds()
	sw, sh := float64(sb.Dx()), float64(sb.Dy())
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			// The pixel's place in the source, with the scaled logo centred.
			sx := (float64(x)+0.5-size/2)/logoScale + sw/2 - 0.5
			sy := (float64(y)+0.5-size/2)/logoScale + sh/2 - 0.5
			if sx < 0 || sy < 0 || sx > sw-1 || sy > sh-1 {
				dst.SetNRGBA(x, y, nhsBlue)
				continue
			}
			dst.SetNRGBA(x, y, bilinear(src, sb.Min.X, sb.Min.Y, sx, sy))
		}
	}
	out, err := os.Create(target)
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, dst); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}

// bilinear samples src at (x, y) between its pixels.
func bilinear(src image.Image, ox, oy int, x, y float64) color.NRGBA {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	b := src.Bounds()
	at := func(dx, dy int) [4]float64 {
		px, py := min(ox+int(x0)+dx, b.Max.X-1), min(oy+int(y0)+dy, b.Max.Y-1)
		c := color.NRGBAModel.Convert(src.At(px, py)).(color.NRGBA)
		return [4]float64{float64(c.R), float64(c.G), float64(c.B), float64(c.A)}
	}
	p00, p10, p01, p11 := at(0, 0), at(1, 0), at(0, 1), at(1, 1)
	var out [4]uint8
	for i := range out {
		top := p00[i]*(1-fx) + p10[i]*fx
		bottom := p01[i]*(1-fx) + p11[i]*fx
		out[i] = uint8(math.Round(top*(1-fy) + bottom*fy))
	}
	return color.NRGBA{R: out[0], G: out[1], B: out[2], A: out[3]}
}
