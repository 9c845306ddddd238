package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffDashboardPage shows the service's figures for a period as charts with their numbers.
type StaffDashboardPage struct {
	StaffPage
	hub.Dashboard
	Periods                                     []staffOption
	Postage, Carbon, Turnaround                 string
	LettersChart, ResponsesChart, RequestsChart Chart
	FailuresChart                               Chart
	Exports                                     []JobStatus
}

func (con *staffConsole) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	days, _ := strconv.Atoi(c.QueryParam("days"))
	d, err := con.Hub.Dashboard(ctx, days)
	if err != nil {
		return err
	}
	data := StaffDashboardPage{StaffPage: con.page(c, "Dashboard", "/staff/dashboard"), Dashboard: d}
	for _, p := range hub.DashboardPeriods {
		data.Periods = append(data.Periods, staffOption{Value: strconv.Itoa(p), Label: fmt.Sprintf("The last %d days", p), Selected: p == d.Days})
	}
	data.Postage = fmt.Sprintf("£%d.%02d", d.PostageAvoidedPence/100, d.PostageAvoidedPence%100)
	data.Carbon = fmt.Sprintf("%d g", d.CarbonAvoidedGrams)
	if d.CarbonAvoidedGrams >= 1000 {
		data.Carbon = fmt.Sprintf("%.1f kg", float64(d.CarbonAvoidedGrams)/1000)
	}
	data.Turnaround = "none done yet"
	if d.RequestsDone > 0 {
		data.Turnaround = hub.WaitingText(d.MedianTurnaround)
	}
	data.LettersChart = barChart("letters-chart", "Letters: read online or posted", []hub.Bar{
		{Label: "Read online", Value: d.Letters.ReadOnline, Tone: "green"},
		{Label: "Posted", Value: d.Letters.Posted, Tone: "red"},
		{Label: "Not read or posted yet", Value: d.LettersWaiting, Tone: "grey"}}, "")
	data.ResponsesChart = barChart("responses-chart", "What patients did with their appointments", d.Responses, "")
	data.RequestsChart = barChart("requests-chart", "Rebook and cancel requests against the target", []hub.Bar{
		{Label: "Done within target", Value: d.WithinTarget, Tone: "green"},
		{Label: "Done after target", Value: d.RequestsDone - d.WithinTarget, Tone: "yellow"},
		{Label: "Open, past target", Value: d.OpenPastTarget, Tone: "red"},
		{Label: "Open, within target", Value: d.RequestsStillOpen - d.OpenPastTarget, Tone: "grey"}}, "")
	var failures []hub.Bar
	for _, ch := range d.Deliveries {
		failures = append(failures, hub.Bar{Label: channelName(ch.Channel), Value: ch.FailedPercent, Tone: "red"})
	}
	data.FailuresChart = barChart("failures-chart", "Delivery failures by channel, per cent of messages tried", failures, "%")
	jobs, err := con.Hub.RecentJobs(ctx, store.JobReportExport)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		data.Exports = append(data.Exports, con.jobStatus(c, j))
	}
	return con.render(c, http.StatusOK, "staff_dashboard", data)
}

func channelName(ch store.Channel) string {
	switch ch {
	case store.ChannelSMS:
		return "Text"
	case store.ChannelEmail:
		return "Email"
	case store.ChannelPush:
		return "Push"
	case store.ChannelPost:
		return "Post"
	}
	return string(ch)
}

func (con *staffConsole) dashboardExport(c echo.Context) error {
	st, _ := currentStaff(c)
	days, _ := strconv.Atoi(c.FormValue("days"))
	j, err := con.Hub.StartDashboardExport(c.Request().Context(), days, st.ID, con.actor(c))
	if err != nil {
		return err
	}
	return redirect(c, "/staff/dashboard/exports/"+strconv.FormatInt(j.ID, 10))
}
