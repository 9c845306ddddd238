package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestReleasingSomeoneElsesTaskNeedsATakeOver(t *testing.T) {
	q := newQueueEnv(t, hub.ActionRebook)
	q.addStaff("other", hub.RoleAgent)
	other := q.browser()
	other.staffSignIn("other")
	other.staffPost(q.taskPath(""), q.taskPath("claim"), nil)
	p := q.agent.staffPost(q.taskPath(""), q.taskPath("release"), nil)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("releasing someone else's task: %d at %s", p.status, p.url)
	}
	mustContain(t, p, "Someone else is working on this request")
	if task, _ := q.st.Task(context.Background(), q.task.ID); task.Status != store.TaskInProgress {
		t.Fatalf("the refused release changed the task: %+v", task)
	}
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("release"), map[string]string{"take_over": "yes"})
	if p.url != "/staff/queue" {
		t.Fatalf("releasing with a take-over: at %s (%d)", p.url, p.status)
	}
	// Nothing left to put back: refused, not reported as done.
	p = other.staffPost(q.taskPath(""), q.taskPath("release"), nil)
	mustContain(t, p, "Nobody is working on this request now")
	if es := q.audits("task.release"); len(es) != 1 {
		t.Fatalf("%d releases audited, want 1", len(es))
	}
}
