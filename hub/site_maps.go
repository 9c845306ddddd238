package hub

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/patienthub/patienthub/store"
)

// siteMapPlan is a drawn map of a hospital site, in units of an 800 x 560 drawing.
type siteMapPlan struct {
	name       string // the site's name
	desc       string // the map in words, for people who cannot see it
	roads      []siteMapArea
	carParks   []siteMapArea
	buildings  []siteMapArea
	entrance   siteMapMark
	busStop    siteMapMark
	youAreHere siteMapMark
}

// siteMapArea is a labelled rectangle; the label's lines are split at "\n". A road's label
// is centred on (lx, ly) when lx is set.
type siteMapArea struct {
	x, y, w, h float64
	label      string
	lx, ly     float64
}

// siteMapMark is a symbol at (x, y) with a label starting at (lx, ly).
type siteMapMark struct {
	x, y, lx, ly float64
	label        string
	anchor       string // start, middle or end
}

const (
	siteMapW, siteMapH = 800.0, 560.0
	siteMapInk         = "#212b32"
	siteMapGrey        = "#425563"
	siteMapBlue        = "#005eb8"
	siteMapGreen       = "#007f3b"
	siteMapRed         = "#d5281b"
	siteMapYellow      = "#ffeb3b"
)

// siteMapCanvas is what a map is drawn on: an SVG document or a PDF page.
type siteMapCanvas interface {
	rect(x, y, w, h float64, fill, stroke string)
	circle(x, y, r float64, fill, stroke string)
	poly(pts []float64, fill, stroke string)
	text(x, y, size float64, bold bool, anchor, color, s string)
}

// draw draws the whole map on c, so the SVG and the PDF show the same drawing.
func (m siteMapPlan) draw(c siteMapCanvas) {
	c.rect(0, 0, siteMapW, siteMapH, "#eef3e6", "")
	for _, r := range m.roads {
		c.rect(r.x, r.y, r.w, r.h, "#c5ccd1", "")
		if r.label != "" {
			c.text(r.lx, r.ly, 15, true, "middle", siteMapGrey, r.label)
		}
	}
	for _, p := range m.carParks {
		c.rect(p.x, p.y, p.w, p.h, "#e8f1fa", siteMapBlue)
		siteMapParking(c, p.x+22, p.y+22)
		siteMapLabel(c, p, siteMapBlue)
	}
	for _, b := range m.buildings {
		c.rect(b.x, b.y, b.w, b.h, "#d8dde0", siteMapGrey)
		siteMapLabel(c, b, siteMapInk)
	}
	siteMapEntranceSymbol(c, m.entrance.x, m.entrance.y)
	c.text(m.entrance.lx, m.entrance.ly, 13, true, m.entrance.anchor, siteMapGreen, m.entrance.label)
	siteMapBusSymbol(c, m.busStop.x, m.busStop.y)
	c.text(m.busStop.lx, m.busStop.ly, 13, true, m.busStop.anchor, siteMapInk, m.busStop.label)
	siteMapHereSymbol(c, m.youAreHere.x, m.youAreHere.y)
	c.text(m.youAreHere.lx, m.youAreHere.ly, 13, true, m.youAreHere.anchor, siteMapRed, m.youAreHere.label)

	// North arrow, top right.
	c.circle(750, 62, 26, "#ffffff", siteMapGrey)
	c.poly([]float64{750, 40, 762, 74, 750, 66, 738, 74}, siteMapInk, "")
	c.text(750, 100, 14, true, "middle", siteMapInk, "N")

	// Key, top left.
	c.rect(15, 15, 250, 178, "#ffffff", siteMapGrey)
	c.text(28, 40, 13, true, "start", siteMapInk, m.name)
	c.text(28, 62, 13, true, "start", siteMapGrey, "Key")
	row := func(i int) float64 { return 86 + float64(i)*24 }
	siteMapHereSymbol(c, 40, row(0)-5)
	c.text(62, row(0), 13, false, "start", siteMapInk, "You are here")
	siteMapEntranceSymbol(c, 40, row(1)-5)
	c.text(62, row(1), 13, false, "start", siteMapInk, "Main entrance")
	siteMapParking(c, 40, row(2)-5)
	c.text(62, row(2), 13, false, "start", siteMapInk, "Car park")
	siteMapBusSymbol(c, 40, row(3)-5)
	c.text(62, row(3), 13, false, "start", siteMapInk, "Bus stop")
	c.rect(29, row(4)-14, 22, 18, "#d8dde0", siteMapGrey)
	c.text(62, row(4), 13, false, "start", siteMapInk, "Hospital building")
}

// siteMapLabel writes an area's label lines in its middle.
func siteMapLabel(c siteMapCanvas, a siteMapArea, color string) {
	lines := strings.Split(a.label, "\n")
	y := a.y + a.h/2 - float64(len(lines)-1)*9 + 5
	for i, l := range lines {
		c.text(a.x+a.w/2, y+float64(i)*18, 15, i == 0, "middle", color, l)
	}
}

// siteMapParking draws the blue "P" sign centred on (x, y).
func siteMapParking(c siteMapCanvas, x, y float64) {
	c.rect(x-11, y-11, 22, 22, siteMapBlue, "")
	c.text(x, y+6, 16, true, "middle", "#ffffff", "P")
}

// siteMapEntranceSymbol draws the green entrance triangle centred on (x, y).
func siteMapEntranceSymbol(c siteMapCanvas, x, y float64) {
	c.poly([]float64{x, y - 11, x + 11, y + 9, x - 11, y + 9}, siteMapGreen, "")
}

// siteMapBusSymbol draws a yellow bus stop sign centred on (x, y).
func siteMapBusSymbol(c siteMapCanvas, x, y float64) {
	c.rect(x-15, y-9, 30, 18, siteMapYellow, siteMapInk)
	c.text(x, y+4, 9, true, "middle", siteMapInk, "BUS")
}

// siteMapHereSymbol draws the red "you are here" dot centred on (x, y).
func siteMapHereSymbol(c siteMapCanvas, x, y float64) {
	c.circle(x, y, 11, siteMapRed, "")
	c.circle(x, y, 4, "#ffffff", "")
}

// svg renders the map as an accessible SVG document.
func (m siteMapPlan) svg() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" `+
		`aria-labelledby="map-title map-desc" font-family="Arial, Helvetica, sans-serif">`+"\n", siteMapW, siteMapH, siteMapW, siteMapH)
	fmt.Fprintf(&b, "<title id=\"map-title\">%s</title>\n<desc id=\"map-desc\">%s</desc>\n",
		siteMapEscape("Site map: "+m.name), siteMapEscape(m.desc))
	m.draw(svgSiteMapCanvas{&b})
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// svgSiteMapCanvas draws into an SVG document.
type svgSiteMapCanvas struct{ b *bytes.Buffer }

// svgPaint is the fill and stroke attributes of a shape; "" means none.
func svgPaint(fill, stroke string) string {
	if fill == "" {
		fill = "none"
	}
	s := ` fill="` + fill + `"`
	if stroke != "" {
		s += ` stroke="` + stroke + `" stroke-width="2"`
	}
	return s
}

func (c svgSiteMapCanvas) rect(x, y, w, h float64, fill, stroke string) {
	fmt.Fprintf(c.b, `<rect x="%g" y="%g" width="%g" height="%g"%s/>`+"\n", x, y, w, h, svgPaint(fill, stroke))
}

func (c svgSiteMapCanvas) circle(x, y, r float64, fill, stroke string) {
	fmt.Fprintf(c.b, `<circle cx="%g" cy="%g" r="%g"%s/>`+"\n", x, y, r, svgPaint(fill, stroke))
}

func (c svgSiteMapCanvas) poly(pts []float64, fill, stroke string) {
	var ps []string
	for i := 0; i+1 < len(pts); i += 2 {
		ps = append(ps, fmt.Sprintf("%g,%g", pts[i], pts[i+1]))
	}
	fmt.Fprintf(c.b, `<polygon points="%s"%s/>`+"\n", strings.Join(ps, " "), svgPaint(fill, stroke))
}

func (c svgSiteMapCanvas) text(x, y, size float64, bold bool, anchor, color, s string) {
	weight := ""
	if bold {
		weight = ` font-weight="bold"`
	}
	fmt.Fprintf(c.b, `<text x="%g" y="%g" font-size="%g" text-anchor="%s" fill="%s"%s>%s</text>`+"\n",
		x, y, size, anchor, color, weight, siteMapEscape(s))
}

// siteMapEscape escapes text for XML.
func siteMapEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// pdf renders the map on a printable A4 landscape page, with the site's directions below it.
func (m siteMapPlan) pdf(directions string) ([]byte, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle("Site map: "+m.name, true)
	pdf.SetSubject(m.desc, true)
	pdf.SetLang("en-GB")
	pdf.SetAutoPageBreak(false, 10)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.SetTextColor(33, 43, 50)
	pdf.Text(15, 15, tr("Site map: "+m.name))
	const k = 0.29 // millimetres per map unit
	c := pdfSiteMapCanvas{pdf: pdf, tr: tr, ox: (297 - siteMapW*k) / 2, oy: 20, k: k}
	m.draw(c)
	pdf.SetXY(15, 20+siteMapH*k+4)
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(33, 43, 50)
	pdf.MultiCell(267, 4.2, tr(directions), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("hub: site map of %s: %w", m.name, err)
	}
	return buf.Bytes(), nil
}

// pdfSiteMapCanvas draws on a PDF page, k millimetres per map unit from (ox, oy).
type pdfSiteMapCanvas struct {
	pdf       *fpdf.Fpdf
	tr        func(string) string
	ox, oy, k float64
}

// style sets the colours and returns fpdf's style for them.
func (c pdfSiteMapCanvas) style(fill, stroke string) string {
	s := ""
	if fill != "" {
		r, g, b := siteMapRGB(fill)
		c.pdf.SetFillColor(r, g, b)
		s += "F"
	}
	if stroke != "" {
		r, g, b := siteMapRGB(stroke)
		c.pdf.SetDrawColor(r, g, b)
		c.pdf.SetLineWidth(2 * c.k)
		s = "D" + s
	}
	return s
}

func (c pdfSiteMapCanvas) rect(x, y, w, h float64, fill, stroke string) {
	c.pdf.Rect(c.ox+x*c.k, c.oy+y*c.k, w*c.k, h*c.k, c.style(fill, stroke))
}

func (c pdfSiteMapCanvas) circle(x, y, r float64, fill, stroke string) {
	c.pdf.Circle(c.ox+x*c.k, c.oy+y*c.k, r*c.k, c.style(fill, stroke))
}

func (c pdfSiteMapCanvas) poly(pts []float64, fill, stroke string) {
	var ps []fpdf.PointType
	for i := 0; i+1 < len(pts); i += 2 {
		ps = append(ps, fpdf.PointType{X: c.ox + pts[i]*c.k, Y: c.oy + pts[i+1]*c.k})
	}
	c.pdf.Polygon(ps, c.style(fill, stroke))
}

func (c pdfSiteMapCanvas) text(x, y, size float64, bold bool, anchor, color, s string) {
	style := ""
	if bold {
		style = "B"
	}
	c.pdf.SetFont("Helvetica", style, size*c.k*72/25.4)
	r, g, b := siteMapRGB(color)
	c.pdf.SetTextColor(r, g, b)
	s = c.tr(s)
	px := c.ox + x*c.k
	switch anchor {
	case "middle":
		px -= c.pdf.GetStringWidth(s) / 2
	case "end":
		px -= c.pdf.GetStringWidth(s)
	}
	c.pdf.Text(px, c.oy+y*c.k, s)
}

// siteMapRGB reads a #rrggbb colour.
func siteMapRGB(hex string) (r, g, b int) {
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return r, g, b
}

// demoSites are the demo hospital's sites; each gets a drawn map from siteMapPlans.
var demoSites = []store.Site{
	{
		Code: "SJUH", Name: "St James's University Hospital", Department: "Outpatients, Bexley Wing",
		Address: "Beckett Street, Leeds", Postcode: "LS9 7QS", Phone: "0113 496 0000",
		Directions: "By bus: routes 16, 42, 49 and 50 stop on Beckett Street, outside the hospital. " +
			"By car: use the multi-storey car park on Beckett Street (pay on exit; blue badge holders park free on Level 1) " +
			"or the visitor car park beside the Bexley Wing. You can drop off for up to 20 minutes outside the main entrance. " +
			"Entrance: the main entrance of the Bexley Wing (Outpatients) is on the access road off Beckett Street; " +
			"outpatient reception is straight ahead. There is step-free access throughout, and wheelchairs to borrow " +
			"just inside the main entrance.",
	},
	{
		Code: "LGI", Name: "Leeds General Infirmary", Department: "Outpatients, Jubilee Wing",
		Address: "Great George Street, Leeds", Postcode: "LS1 3QE", Phone: "0113 496 0500",
		Directions: "By bus: routes 1, 6 and 97 stop on Great George Street, by the Jubilee Wing. Leeds railway station " +
			"is a 15-minute walk. By car: the Jubilee multi-storey car park is next to the Jubilee Wing (pay on foot; " +
			"spaces are limited, so allow extra time). Entrance: the main entrance of the Jubilee Wing (Outpatients) " +
			"faces Great George Street. Clinics are signposted from the main atrium; the Brotherton Wing is through " +
			"the link corridor on Level 1.",
	},
}

// siteMapPlans are the drawn maps of the demo sites, by site code.
var siteMapPlans = map[string]siteMapPlan{
	"SJUH": {
		name: "St James's University Hospital",
		desc: "Beckett Street runs along the bottom (south) of the site, with a bus stop for routes 16, 42, 49 and 50 " +
			"at the bottom left. An access road leads north from Beckett Street to Hospital Drive. The main entrance of " +
			"the Bexley Wing (Outpatients) is on the right (east) side of the access road, and you are here, outside it. " +
			"The multi-storey car park is on the left (west) of the site; the visitor car park is on the right (east), " +
			"beside the Bexley Wing. Gledhow Wing and Clinical Sciences are left of the access road; Lincoln Wing and " +
			"Chancellor Wing are along Hospital Drive.",
		roads: []siteMapArea{
			{x: 0, y: 490, w: 800, h: 45, label: "Beckett Street", lx: 620, ly: 518},
			{x: 275, y: 170, w: 510, h: 28, label: "Hospital Drive", lx: 530, ly: 189},
			{x: 380, y: 198, w: 36, h: 292},
		},
		carParks: []siteMapArea{
			{x: 30, y: 230, w: 200, h: 230, label: "Multi-storey\ncar park"},
			{x: 664, y: 300, w: 120, h: 160, label: "Visitor\ncar park"},
		},
		buildings: []siteMapArea{
			{x: 436, y: 300, w: 210, h: 160, label: "Bexley Wing\nOutpatients"},
			{x: 436, y: 212, w: 180, h: 72, label: "Lincoln Wing"},
			{x: 632, y: 212, w: 150, h: 72, label: "Chancellor Wing"},
			{x: 250, y: 212, w: 115, h: 120, label: "Gledhow\nWing"},
			{x: 250, y: 345, w: 115, h: 120, label: "Clinical\nSciences"},
		},
		entrance:   siteMapMark{x: 450, y: 432, lx: 466, ly: 437, label: "Main entrance", anchor: "start"},
		youAreHere: siteMapMark{x: 398, y: 440, lx: 398, ly: 478, label: "You are here", anchor: "middle"},
		busStop:    siteMapMark{x: 200, y: 512, lx: 222, ly: 517, label: "Bus stop: 16, 42, 49, 50", anchor: "start"},
	},
	"LGI": {
		name: "Leeds General Infirmary",
		desc: "Great George Street runs along the bottom (south) of the site, with a bus stop for routes 1, 6 and 97 at " +
			"the bottom left. The main entrance of the Jubilee Wing (Outpatients) faces Great George Street, and you are " +
			"here, on the pavement outside it. The Jubilee multi-storey car park is on the left (west), next to the " +
			"Jubilee Wing. The Brotherton Wing is to the right (east) of the Jubilee Wing; the Gilbert Scott Building " +
			"and the Clarendon Wing are behind (north of) them.",
		roads: []siteMapArea{
			{x: 0, y: 490, w: 800, h: 45, label: "Great George Street", lx: 640, ly: 518},
		},
		carParks: []siteMapArea{
			{x: 30, y: 230, w: 240, h: 240, label: "Jubilee\nmulti-storey\ncar park"},
		},
		buildings: []siteMapArea{
			{x: 300, y: 300, w: 250, h: 170, label: "Jubilee Wing\nOutpatients"},
			{x: 300, y: 120, w: 220, h: 150, label: "Gilbert Scott\nBuilding"},
			{x: 560, y: 120, w: 170, h: 150, label: "Clarendon\nWing"},
			{x: 580, y: 300, w: 190, h: 170, label: "Brotherton\nWing"},
		},
		entrance:   siteMapMark{x: 425, y: 455, lx: 425, ly: 437, label: "Main entrance", anchor: "middle"},
		youAreHere: siteMapMark{x: 470, y: 480, lx: 486, ly: 485, label: "You are here", anchor: "start"},
		busStop:    siteMapMark{x: 120, y: 512, lx: 142, ly: 517, label: "Bus stop: 1, 6, 97", anchor: "start"},
	},
}
