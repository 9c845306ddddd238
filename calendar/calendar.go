// Package calendar writes appointments as iCalendar (RFC 5545) files and feeds that phone and
// computer calendars accept: one VEVENT per appointment with a stable UID and a SEQUENCE, times in
// Europe/London with its VTIMEZONE, a reminder the day before, and lines folded at 75 octets.
package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/London must load on hosts without a zoneinfo database

	ical "github.com/emersion/go-ical"
)

// MIMEType is the media type of what Write produces.
const MIMEType = "text/calendar; charset=utf-8"

// ProductID is the PRODID of every calendar written.
const ProductID = "-//Patient Hub//Patient Hub//EN"

// TZID is the time zone every local time is written in.
const TZID = "Europe/London"

// london is the location of TZID.
var london = mustLoadLocation(TZID)

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Event is what a calendar entry needs to know about one appointment.
type Event struct {
	UID         string    // stable per appointment, e.g. "appointment-123@hub.example.nhs.uk"
	Sequence    int       // the appointment's sequence (bumped on every change)
	Start, End  time.Time // End is left out when it is not after Start
	Title       string    // e.g. "Cardiology appointment"; for a discreet record just "Hospital appointment"
	Location    string    // site name and address, or "Telephone appointment" or the video link
	Description string    // what to bring and instructions (none for a discreet record), and the hub link
	URL         string    // the hub link
	Cancelled   bool      // STATUS:CANCELLED instead of CONFIRMED, and no reminder
	Updated     time.Time // DTSTAMP and LAST-MODIFIED; the time of writing when zero
}

// Write encodes events as one VCALENDAR named calName, with the Europe/London VTIMEZONE, CRLF line
// endings and every line folded at 75 octets.
func Write(w io.Writer, calName string, events []Event) error {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, "PUBLISH")
	if calName != "" {
		name := ical.NewProp("X-WR-CALNAME")
		name.SetText(clean(calName))
		name.Params.Del(ical.ParamValue) // TEXT is what clients assume for X-WR-CALNAME
		cal.Props.Set(name)
	}
	cal.Children = append(cal.Children, londonTimezone())
	now := time.Now()
	for i, e := range events {
		c, err := e.component(now)
		if err != nil {
			return fmt.Errorf("calendar: event %d: %w", i, err)
		}
		cal.Children = append(cal.Children, c)
	}

	var raw bytes.Buffer
	if err := ical.NewEncoder(&raw).Encode(cal); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	folded, err := fold(raw.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(folded)
	return err
}

// component is the VEVENT of e; now stands in for a zero Updated.
func (e Event) component(now time.Time) (*ical.Component, error) {
	if e.UID == "" {
		return nil, errors.New("no UID")
	}
	if e.Start.IsZero() {
		return nil, errors.New("no start time")
	}
	ev := ical.NewEvent()
	p := ev.Props
	p.SetText(ical.PropUID, clean(e.UID))
	setValue(p, ical.PropSequence, strconv.Itoa(max(e.Sequence, 0)))
	stamp := e.Updated
	if stamp.IsZero() {
		stamp = now
	} else {
		p.SetDateTime(ical.PropLastModified, stamp.UTC())
	}
	p.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
	p.Set(dateTime(ical.PropDateTimeStart, e.Start))
	if e.End.After(e.Start) {
		p.Set(dateTime(ical.PropDateTimeEnd, e.End))
	}
	p.SetText(ical.PropSummary, clean(e.Title))
	if e.Location != "" {
		p.SetText(ical.PropLocation, clean(e.Location))
	}
	if e.Description != "" {
		p.SetText(ical.PropDescription, clean(e.Description))
	}
	if u, err := url.Parse(clean(e.URL)); e.URL != "" && err == nil && u.IsAbs() {
		p.SetURI(ical.PropURL, u)
	}
	p.SetText(ical.PropClass, "PRIVATE")
	p.SetText(ical.PropTransparency, "OPAQUE")
	if e.Cancelled {
		ev.SetStatus(ical.EventCancelled)
		return ev.Component, nil
	}
	ev.SetStatus(ical.EventConfirmed)
	alarm := ical.NewComponent(ical.CompAlarm)
	alarm.Props.SetText(ical.PropAction, "DISPLAY")
	setValue(alarm.Props, ical.PropTrigger, "-P1D")
	reminder := clean(e.Title)
	if reminder == "" {
		reminder = "Hospital appointment"
	}
	alarm.Props.SetText(ical.PropDescription, reminder)
	ev.Children = append(ev.Children, alarm)
	return ev.Component, nil
}

// setValue sets property name to a value that needs no escaping.
func setValue(p ical.Props, name, value string) {
	prop := ical.NewProp(name)
	prop.Value = value
	p.Set(prop)
}

// dateTime is property name at t: a local time with TZID=Europe/London, or UTC in the hour that
// happens twice when the clocks go back, which readers resolve differently (RFC 5545 §3.3.5 says
// the first; Go's time package may pick the second).
func dateTime(name string, t time.Time) *ical.Prop {
	prop := ical.NewProp(name)
	const layout = "20060102T150405"
	local := t.In(london)
	wall := local.Format(layout)
	if t.Add(-time.Hour).In(london).Format(layout) == wall || t.Add(time.Hour).In(london).Format(layout) == wall {
		prop.SetDateTime(t.UTC())
		return prop
	}
	prop.SetDateTime(local)
	return prop
}

// londonTimezone is the VTIMEZONE of Europe/London under the rules in force since 1996: BST from
// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
func londonTimezone() *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, TZID)
	setValue(tz.Props, "X-LIC-LOCATION", TZID)
	rule := func(name, tzname, from, to, start, month string) *ical.Component {
		c := ical.NewComponent(name)
		c.Props.SetText(ical.PropTimezoneName, tzname)
		setValue(c.Props, ical.PropTimezoneOffsetFrom, from)
		setValue(c.Props, ical.PropTimezoneOffsetTo, to)
		setValue(c.Props, ical.PropDateTimeStart, start)
		setValue(c.Props, ical.PropRecurrenceRule, "FREQ=YEARLY;BYMONTH="+month+";BYDAY=-1SU")
		return c
	}
	tz.Children = append(tz.Children,
		rule(ical.CompTimezoneDaylight, "BST", "+0000", "+0100", "19700329T010000", "3"),
		rule(ical.CompTimezoneStandard, "GMT", "+0100", "+0000", "19701025T020000", "10"),
	)
	return tz
}
