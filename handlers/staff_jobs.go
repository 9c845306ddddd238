package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"

	"github.com/patienthub/patienthub/store"
)

// JobStatus is what the staff_job_status partial shows: a job's progress, with links to itself.
type JobStatus struct {
	Job       store.Job
	URL       string // the job's page
	FileURL   string // its result, once done
	FileLabel string
	Percent   int
	Letters   int // post room batches: how many letters it holds
	CSRF      string
	PostedURL string // post room batches: where to mark the batch posted
}

// StaffJobPage shows one long-running job.
type StaffJobPage struct {
	StaffPage
	Heading string
	Status  JobStatus
}

// jobKinds are the two kinds of job, each under its part of the console.
var jobKinds = map[string]struct{ base, section, heading, file string }{
	store.JobPostroomBatch: {"/staff/post/batches/", "/staff/post", "Batch of letters to print", "Download the batch (PDF)"},
	store.JobReportExport:  {"/staff/dashboard/exports/", "/staff/dashboard", "Report export", "Download the report (CSV)"},
}

func (con *staffConsole) jobStatus(c echo.Context, j store.Job) JobStatus {
	k := jobKinds[j.Kind]
	url := k.base + strconv.FormatInt(j.ID, 10)
	st := JobStatus{Job: j, URL: url, FileURL: url + "/file", FileLabel: k.file, CSRF: csrfToken(c)}
	if j.TotalItems > 0 {
		st.Percent = j.DoneItems * 100 / j.TotalItems
	}
	if j.Kind == store.JobPostroomBatch {
		st.PostedURL, st.Letters = url+"/posted", hub.JobItems(j)
	}
	return st
}

// job shows a job's progress: the whole page, or for htmx's polling only the status fragment.
func (con *staffConsole) job(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		j, err := con.Hub.Job(c.Request().Context(), id, kind)
		if err != nil {
			return err
		}
		status := con.jobStatus(c, j)
		if isHTMX(c) {
			return con.renderPartial(c, http.StatusOK, "staff_job_status", status)
		}
		k := jobKinds[kind]
		data := StaffJobPage{StaffPage: con.page(c, k.heading, k.section), Heading: k.heading, Status: status}
		data.BackURL = k.section
		return con.render(c, http.StatusOK, "staff_job", data)
	}
}

// jobFile downloads a finished job's file.
func (con *staffConsole) jobFile(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		j, data, err := con.Hub.JobFile(c.Request().Context(), id, kind, con.actor(c))
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+j.Filename+`"`)
		return c.Blob(http.StatusOK, j.ContentType, data)
	}
}
