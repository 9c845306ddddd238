package views

import (
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLondonFormats(t *testing.T) {
	tests := []struct {
		name          string
		at            time.Time
		date, clock   string
		dateTime, iso string
	}{
		{"winter is GMT", utc("2027-03-15T14:30:00Z"), "Monday 15 March 2027", "2:30pm", "Monday 15 March 2027 at 2:30pm", "2027-03-15"},
		{"summer is BST", utc("2027-07-01T08:05:00Z"), "Thursday 1 July 2027", "9:05am", "Thursday 1 July 2027 at 9:05am", "2027-07-01"},
		{"just before clocks go forward", utc("2027-03-28T00:30:00Z"), "Sunday 28 March 2027", "12:30am", "Sunday 28 March 2027 at 12:30am", "2027-03-28"},
		{"just after clocks go forward", utc("2027-03-28T01:30:00Z"), "Sunday 28 March 2027", "2:30am", "Sunday 28 March 2027 at 2:30am", "2027-03-28"},
		{"clocks go back: first 1:30am", utc("2027-10-31T00:30:00Z"), "Sunday 31 October 2027", "1:30am", "Sunday 31 October 2027 at 1:30am", "2027-10-31"},
		{"clocks go back: second 1:30am", utc("2027-10-31T01:30:00Z"), "Sunday 31 October 2027", "1:30am", "Sunday 31 October 2027 at 1:30am", "2027-10-31"},
		{"late UTC evening in BST is the next day", utc("2027-06-30T23:15:00Z"), "Thursday 1 July 2027", "12:15am", "Thursday 1 July 2027 at 12:15am", "2027-07-01"},
		{"on the hour", utc("2027-01-04T09:00:00Z"), "Monday 4 January 2027", "9am", "Monday 4 January 2027 at 9am", "2027-01-04"},
		{"midday", utc("2027-07-01T11:00:00Z"), "Thursday 1 July 2027", "midday", "Thursday 1 July 2027 at midday", "2027-07-01"},
		{"midnight", utc("2027-01-05T00:00:00Z"), "Tuesday 5 January 2027", "midnight", "Tuesday 5 January 2027 at midnight", "2027-01-05"},
		{"other zones are converted", time.Date(2027, 3, 14, 9, 30, 0, 0, time.FixedZone("EST", -5*3600)), "Sunday 14 March 2027", "2:30pm", "Sunday 14 March 2027 at 2:30pm", "2027-03-14"},
		{"zero time", time.Time{}, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := londonDate(tt.at); got != tt.date {
				t.Errorf("londonDate = %q, want %q", got, tt.date)
			}
			if got := londonTime(tt.at); got != tt.clock {
				t.Errorf("londonTime = %q, want %q", got, tt.clock)
			}
			if got := londonDateTime(tt.at); got != tt.dateTime {
				t.Errorf("londonDateTime = %q, want %q", got, tt.dateTime)
			}
			if got := isoDate(tt.at); got != tt.iso {
				t.Errorf("isoDate = %q, want %q", got, tt.iso)
			}
		})
	}
}

func TestDict(t *testing.T) {
	m, err := dict("ID", "email", "Width", 20)
	if err != nil {
		t.Fatal(err)
	}
	if m["ID"] != "email" || m["Width"] != 20 || len(m) != 2 {
		t.Errorf("dict = %v", m)
	}
	if _, err := dict("ID"); err == nil {
		t.Error("odd number of arguments accepted")
	}
	if _, err := dict(1, "x"); err == nil {
		t.Error("non-string key accepted")
	}
}

func TestJSON(t *testing.T) {
	got, err := toJSON(map[string]any{"X-CSRF-Token": `a"b<`})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"X-CSRF-Token":"a\"b\u003c"}`; got != want {
		t.Errorf("toJSON = %s, want %s", got, want)
	}
}

func TestAttrName(t *testing.T) {
	for _, ok := range []string{"maxlength", "hx-post", "hx-target", "data-module", "aria-controls", "hx-swap:inherited", "open"} {
		if got, err := attrName(ok); err != nil || string(got) != ok {
			t.Errorf("attrName(%q) = %q, %v", ok, got, err)
		}
	}
	for _, refused := range []string{"onclick", "hx-on:click", "hx-on::after-request", "data-hx-on:click", "style", "href", "src", "formaction", "Bad", "a b", `x"`, ""} {
		if _, err := attrName(refused); err == nil {
			t.Errorf("attrName(%q) accepted", refused)
		}
	}
}
