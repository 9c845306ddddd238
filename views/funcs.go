package views

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London must load on hosts without a zoneinfo database
)

// london is the time zone every date and time is shown in.
var london = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// funcs is the template function map; assetPath turns an asset name into its
// hashed URL.
func funcs(assetPath func(string) string) template.FuncMap {
	return template.FuncMap{
		"asset":          assetPath,
		"bootScript":     bootScript,
		"attrName":       attrName,
		"dict":           dict,
		"list":           list,
		"json":           toJSON,
		"lower":          strings.ToLower,
		"londonDate":     londonDate,
		"londonTime":     londonTime,
		"londonDateTime": londonDateTime,
		"isoDate":        isoDate,
	}
}

// dict builds a map from alternating keys and values, to pass several values
// to a partial: {{template "input" dict "ID" "email" "Label" "Email address"}}.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		key, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is %T, not a string", pairs[i], pairs[i])
		}
		m[key] = pairs[i+1]
	}
	return m, nil
}

// attrNamePattern is a lower-case attribute name, with - or : between words.
var attrNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*([-:][a-z0-9]+)*$`)

// attrName lets a partial write an attribute whose name comes from its data
// (the Attrs dict), which html/template otherwise only allows for names made
// of letters and digits. Event handlers, styles and URL attributes that
// html/template would have to check are refused; write those in the template.
func attrName(name string) (template.HTMLAttr, error) {
	if !attrNamePattern.MatchString(name) {
		return "", fmt.Errorf("attrName: %q is not an attribute name", name)
	}
	bare := strings.TrimPrefix(strings.TrimPrefix(name, "data-"), "hx-")
	switch {
	case strings.HasPrefix(bare, "on"), strings.Contains(name, "on:"),
		name == "style", name == "href", name == "src", name == "srcset", name == "srcdoc",
		name == "action", name == "formaction", strings.Contains(name, "xlink"):
		return "", fmt.Errorf("attrName: %q must be written in the template itself", name)
	}
	return template.HTMLAttr(name), nil
}

// list builds a slice, e.g. the rows of a summary list written in a template.
func list(items ...any) []any {
	return items
}

// toJSON encodes v as JSON for an attribute such as hx-headers or hx-vals;
// html/template then escapes it for the attribute it lands in.
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("json: %w", err)
	}
	return string(b), nil
}

// londonDate formats t as "Monday 14 March 2027" in UK time; "" for the zero time.
func londonDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("Monday 2 January 2006")
}

// londonTime formats t in UK time the NHS way: "2:30pm", "9am", "midday",
// "midnight"; "" for the zero time.
func londonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(london)
	switch {
	case local.Hour() == 12 && local.Minute() == 0:
		return "midday"
	case local.Hour() == 0 && local.Minute() == 0:
		return "midnight"
	case local.Minute() == 0:
		return local.Format("3pm")
	default:
		return local.Format("3:04pm")
	}
}

// londonDateTime formats t as "Monday 14 March 2027 at 2:30pm" in UK time.
func londonDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return londonDate(t) + " at " + londonTime(t)
}

// isoDate formats the UK calendar date of t as "2027-03-14", for <time datetime>.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format(time.DateOnly)
}
