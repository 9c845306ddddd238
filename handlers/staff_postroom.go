package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffPostPage is the post room: what waits to be printed and posted today.
type StaffPostPage struct {
	StaffPage
	Items   []PostRow
	Batches []JobStatus
}

// PostRow is one letter in the post room, with what it is in words.
type PostRow struct {
	hub.PostItem
	What string
}

func (con *staffConsole) postRoom(c echo.Context) error {
	ctx := c.Request().Context()
	items, err := con.Hub.PostRoom(ctx, con.actor(c))
	if err != nil {
		return err
	}
	jobs, err := con.Hub.RecentJobs(ctx, store.JobPostroomBatch)
	if err != nil {
		return err
	}
	data := StaffPostPage{StaffPage: con.page(c, "Post room", "/staff/post")}
	for _, it := range items {
		data.Items = append(data.Items, PostRow{PostItem: it, What: hub.PostPurposeText(it.Notification.Purpose)})
	}
	for _, j := range jobs {
		data.Batches = append(data.Batches, con.jobStatus(c, j))
	}
	return con.render(c, http.StatusOK, "staff_post", data)
}

func (con *staffConsole) postBatch(c echo.Context) error {
	st, _ := currentStaff(c)
	j, err := con.Hub.StartPostBatch(c.Request().Context(), st.ID, con.actor(c))
	if errors.Is(err, hub.ErrNothingToPost) {
		return con.done(c, "/staff/post", hub.ErrNothingToPost.Message)
	}
	if err != nil {
		return err
	}
	return redirect(c, "/staff/post/batches/"+strconv.FormatInt(j.ID, 10))
}

func (con *staffConsole) postBatchPosted(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	n, err := con.Hub.MarkBatchPosted(c.Request().Context(), id, con.actor(c))
	var refusal *hub.Refusal
	if errors.As(err, &refusal) {
		return con.done(c, "/staff/post/batches/"+strconv.FormatInt(id, 10), refusal.Message)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d letters marked as posted. They have left the queue.", n)
	if n == 1 {
		msg = "1 letter marked as posted. It has left the queue."
	}
	return con.done(c, "/staff/post", msg)
}

// postLetterFile gives the post room the PDF of a letter waiting in its queue that the batch
// cannot draw (an uploaded letter), to print and enclose.
func (con *staffConsole) postLetterFile(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, err := con.Hub.PostRoomLetterFile(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+f.Filename+`"`)
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}
