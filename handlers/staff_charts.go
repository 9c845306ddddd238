package handlers

import (
	"strconv"
	"strings"

	"github.com/patienthub/patienthub/hub"
)

// Chart is a horizontal bar chart drawn as SVG by the staff_chart partial: a title and a
// description (the numbers in words) for assistive technology, and bars scaled to the largest.
type Chart struct {
	ID, Title, Desc string
	Width, Height   int
	Bars            []ChartBar
}

// ChartBar is one bar with its place on the drawing.
type ChartBar struct {
	Label, ValueText, Fill string
	Y, TextY, BarWidth     int
	ValueX                 int
}

// Chart geometry, in SVG user units.
const (
	chartWidth     = 600
	chartLabelW    = 190
	chartBarMaxW   = 320
	chartRowH      = 36
	chartBarH      = 24
	chartTopMargin = 6
)

// chartFills are the bars' colours, each at least 3:1 against white.
var chartFills = map[string]string{"green": "#007f3b", "yellow": "#7c2855", "red": "#d5281b", "grey": "#4c6272", "blue": "#005eb8"}

// barChart lays out bars; suffix follows each value ("%", " letters").
func barChart(id, title string, bars []hub.Bar, suffix string) Chart {
	c := Chart{ID: id, Title: title, Width: chartWidth, Height: chartTopMargin*2 + chartRowH*len(bars)}
	top := 0
	for _, b := range bars {
		top = max(top, b.Value)
	}
	words := make([]string, len(bars))
	for i, b := range bars {
		w := 0
		if top > 0 {
			w = b.Value * chartBarMaxW / top
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		y := chartTopMargin + i*chartRowH
		fill := chartFills[b.Tone]
		if fill == "" {
			fill = chartFills["blue"]
		}
		value := strconv.Itoa(b.Value) + suffix
		c.Bars = append(c.Bars, ChartBar{Label: b.Label, ValueText: value, Fill: fill, Y: y, TextY: y + chartBarH/2 + 5,
			BarWidth: w, ValueX: chartLabelW + w + 8})
		words[i] = b.Label + ": " + value
	}
	c.Desc = strings.Join(words, "; ") + "."
	return c
}
