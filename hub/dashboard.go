package hub

import (
	"context"
	"sort"
	"time"

	"github.com/patienthub/patienthub/store"
)

// DashboardPeriods are the periods the dashboard can show, in days; the first is the default.
var DashboardPeriods = []int{30, 7, 90, 365}

// PeriodDays returns days when it is one of DashboardPeriods, else the default.
func PeriodDays(days int) int {
	for _, d := range DashboardPeriods {
		if d == days {
			return d
		}
	}
	return DashboardPeriods[0]
}

// Bar is one labelled number of a chart.
type Bar struct {
	Label string
	Value int
	Tone  string // a colour: blue, green, red, yellow or grey
}

// ChannelDelivery is how the notifications on one channel fared.
type ChannelDelivery struct {
	Channel                                      store.Channel
	Total, Delivered, Sent, Failed, Unsent, Wait int
	FailedPercent                                int // of those that were tried
}

// Dashboard is the service's figures for a period.
type Dashboard struct {
	From, To time.Time
	Days     int

	Letters             store.LetterCounts
	LettersWaiting      int // neither read online nor posted yet
	ReadOnlinePercent   int
	PostageAvoidedPence int
	CarbonAvoidedGrams  int

	Responses     []Bar // confirmed, rebook, cancel, no response
	Appointments  int
	RespondedPerc int

	Requests          int
	RequestsDone      int
	WithinTarget      int
	MedianTurnaround  time.Duration
	OpenPastTarget    int
	RequestsStillOpen int

	Deliveries []ChannelDelivery
}

// Dashboard computes the figures of the days up to now.
func (s *Service) Dashboard(ctx context.Context, days int) (Dashboard, error) {
	days = PeriodDays(days)
	to := s.now()
	return s.dashboardFor(ctx, to.AddDate(0, 0, -days), to, days)
}

// dashboardFor computes the figures of [from, to).
func (s *Service) dashboardFor(ctx context.Context, from, to time.Time, days int) (Dashboard, error) {
	d := Dashboard{From: from, To: to, Days: days}
	var err error
	if d.Letters, err = s.Store.LetterCounts(ctx, from, to); err != nil {
		return d, err
	}
	d.LettersWaiting = d.Letters.Total - d.Letters.ReadOnline - d.Letters.Posted
	d.ReadOnlinePercent = percent(d.Letters.ReadOnline, d.Letters.Total)
	d.PostageAvoidedPence = d.Letters.ReadOnline * s.Cfg.PostagePence
	d.CarbonAvoidedGrams = d.Letters.ReadOnline * s.Cfg.CarbonGramsPerLetter

	counts, err := s.Store.AppointmentStatusCounts(ctx, from, to)
	if err != nil {
		return d, err
	}
	var confirmed, rebook, cancel, none int
	for _, c := range counts {
		switch c.Status {
		case store.StatusConfirmed:
			confirmed += c.N
		case store.StatusRebookRequested, store.StatusRebooked:
			rebook += c.N
		case store.StatusCancelRequested, store.StatusCancelled:
			cancel += c.N
		case store.StatusBooked, store.StatusAttended, store.StatusDidNotAttend:
			if c.Responded {
				confirmed += c.N
			} else {
				none += c.N
			}
		}
	}
	d.Responses = []Bar{{"Confirmed", confirmed, "green"}, {"Asked to rebook", rebook, "yellow"},
		{"Asked to cancel", cancel, "red"}, {"No response", none, "grey"}}
	d.Appointments = confirmed + rebook + cancel + none
	d.RespondedPerc = percent(confirmed+rebook+cancel, d.Appointments)

	timings, err := s.Store.TaskTimings(ctx, from, to)
	if err != nil {
		return d, err
	}
	var took []time.Duration
	for _, t := range timings {
		if t.Kind != store.TaskRebook && t.Kind != store.TaskCancel {
			continue
		}
		d.Requests++
		due := addWorkingDays(t.CreatedAt, CallbackTargetWorkingDays)
		if !t.DoneAt.Valid {
			d.RequestsStillOpen++
			if to.After(due) {
				d.OpenPastTarget++
			}
			continue
		}
		d.RequestsDone++
		took = append(took, t.DoneAt.Time.Sub(t.CreatedAt))
		if !t.DoneAt.Time.After(due) {
			d.WithinTarget++
		}
	}
	if len(took) > 0 {
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		d.MedianTurnaround = took[len(took)/2]
		if len(took)%2 == 0 {
			d.MedianTurnaround = (took[len(took)/2-1] + took[len(took)/2]) / 2
		}
	}

	dcs, err := s.Store.DeliveryCounts(ctx, from, to)
	if err != nil {
		return d, err
	}
	for _, ch := range []store.Channel{store.ChannelSMS, store.ChannelEmail, store.ChannelPush, store.ChannelPost} {
		cd := ChannelDelivery{Channel: ch}
		for _, c := range dcs {
			if c.Channel != ch {
				continue
			}
			cd.Total += c.N
			switch c.Status {
			case store.NotifyDelivered:
				cd.Delivered += c.N
			case store.NotifySent:
				cd.Sent += c.N
			case store.NotifyFailed:
				cd.Failed += c.N
			case store.NotifyCancelled:
				cd.Unsent += c.N
			default:
				cd.Wait += c.N
			}
		}
		cd.FailedPercent = percent(cd.Failed, cd.Delivered+cd.Sent+cd.Failed)
		d.Deliveries = append(d.Deliveries, cd)
	}
	return d, nil
}

// percent is part of whole in whole per cent, rounded; 0 when whole is 0.
func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (part*200 + whole) / (whole * 2)
}
