package views

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/patienthub/patienthub/assets"
)

// sampleForm is a page like the ones handlers render, using the form partials.
const sampleForm = `{{define "content"}}
<form method="post" action="/signin" novalidate>
  {{template "csrf" .}}
  {{template "input" dict "ID" "nhs-number" "Label" "NHS number" "Hint" "A 10 digit number" "Value" .NHSNumber "Error" (.Errors.Get "nhs-number") "InputMode" "numeric" "Width" 10 "Code" true "Spellcheck" false}}
  {{template "input" dict "ID" "code" "Label" "Security code" "Autocomplete" "one-time-code" "Attrs" (dict "maxlength" "6" "hx-post" "/signin/code")}}
  {{template "date_input" dict "ID" "dob" "Legend" "Date of birth" "Hint" "For example, 31 3 1980" "Day" .Day "Month" "3" "Year" "1980" "Error" (.Errors.Get "dob-day") "ErrorItem" "day"}}
  {{template "button" dict "Text" "Continue"}}
</form>
{{template "summary_list" dict "Rows" .Rows}}
{{end}}`

type sampleFormPage struct {
	Page
	NHSNumber, Day string
	Rows           []SummaryRow
}

// rendererWith parses the real templates plus extra files (path -> text).
func rendererWith(t *testing.T, extra map[string]string) (*Renderer, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, p)
		fsys[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, text := range extra {
		fsys[p] = &fstest.MapFile{Data: []byte(text)}
	}
	return newRenderer(fsys, assets.Path)
}

func render(t *testing.T, r *Renderer, name string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := r.Page(&b, name, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func assertContains(t *testing.T, html string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(html, want) {
			t.Errorf("output lacks %s", want)
		}
	}
}

func assertLacks(t *testing.T, html string, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(html, s) {
			t.Errorf("output has %s", s)
		}
	}
}

func TestFormPageWithErrors(t *testing.T) {
	r, err := rendererWith(t, map[string]string{"pages/sample_form.html": sampleForm})
	if err != nil {
		t.Fatal(err)
	}
	var errs FieldErrors
	errs.Add("nhs-number", "Enter your NHS number")
	errs.Add("dob-day", "Date of birth must include a day")
	html := render(t, r, "sample_form", sampleFormPage{
		Page:      Page{Title: "Sign in", CSRF: "tok-123", PersonName: "Ann O'Neil", Errors: errs},
		NHSNumber: "12345",
		Rows:      []SummaryRow{{Key: "Name", Value: "Ann O'Neil", Href: "/name"}, {Key: "Ward", Value: "Ward 7"}},
	})

	assertContains(t, html,
		`<title>Error: Sign in - Patient Hub</title>`,
		// error summary, linking to each field
		`<div class="nhsuk-error-summary" data-module="nhsuk-error-summary">`,
		`<div role="alert">`,
		`<h2 class="nhsuk-error-summary__heading">There is a problem</h2>`,
		`<a href="#nhs-number">Enter your NHS number</a>`,
		`<a href="#dob-day">Date of birth must include a day</a>`,
		// inline error on the input
		`<div class="nhsuk-form-group nhsuk-form-group--error">`,
		`<span class="nhsuk-error-message" id="nhs-number-error"><span class="nhsuk-u-visually-hidden">Error: </span>Enter your NHS number</span>`,
		`class="nhsuk-input nhsuk-input--code nhsuk-input--error nhsuk-input--width-10" id="nhs-number" name="nhs-number" type="text" value="12345" spellcheck="false" aria-describedby="nhs-number-hint nhs-number-error" inputmode="numeric">`,
		`<div class="nhsuk-hint" id="nhs-number-hint">A 10 digit number</div>`,
		// extra attributes
		`id="code" name="code" type="text" autocomplete="one-time-code" hx-post="/signin/code" maxlength="6">`,
		// date input: the fieldset points at hint and error; only the day is marked
		`<fieldset class="nhsuk-fieldset" role="group" aria-describedby="dob-hint dob-error">`,
		`<span class="nhsuk-error-message" id="dob-error"><span class="nhsuk-u-visually-hidden">Error: </span>Date of birth must include a day</span>`,
		`<label class="nhsuk-label nhsuk-date-input__label" for="dob-day">Day</label>`,
		`<label class="nhsuk-label nhsuk-date-input__label" for="dob-month">Month</label>`,
		`<label class="nhsuk-label nhsuk-date-input__label" for="dob-year">Year</label>`,
		`class="nhsuk-input nhsuk-input--error nhsuk-input--width-2 nhsuk-date-input__input" id="dob-day" name="dob-day" type="text" autocomplete="bday-day" inputmode="numeric">`,
		`class="nhsuk-input nhsuk-input--width-2 nhsuk-date-input__input" id="dob-month" name="dob-month" type="text" value="3" autocomplete="bday-month" inputmode="numeric">`,
		`class="nhsuk-input nhsuk-input--width-4 nhsuk-date-input__input" id="dob-year" name="dob-year" type="text" value="1980" autocomplete="bday-year" inputmode="numeric">`,
		// button
		`<button class="nhsuk-button" data-module="nhsuk-button" type="submit" data-prevent-double-click="true">`,
		// CSRF in the form and on body for htmx
		`<input type="hidden" name="_csrf" value="tok-123">`,
		`<body hx-headers:inherited='{&#34;X-CSRF-Token&#34;:&#34;tok-123&#34;}'>`,
		// header: signed-in patient and a Sign out form that works without JavaScript
		`Signed in as Ann O&#39;Neil`,
		`<form class="nhsuk-header__account-form" action="/signout" method="post" novalidate>`,
		`<button class="nhsuk-header__account-button" type="submit">Sign out</button>`,
		// summary list
		`<a class="nhsuk-link" href="/name">Change<span class="nhsuk-u-visually-hidden"> name</span></a>`,
		`<div class="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">`,
		// page furniture
		"<script>"+BootScript+"</script>",
		`<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">Skip to main content</a>`,
		`<main class="nhsuk-main-wrapper" id="maincontent" role="main">`,
		`href="/accessibility">Accessibility statement</a>`,
		`href="/privacy">Privacy</a>`,
		`<link rel="manifest" href="/manifest.webmanifest">`,
		`<link rel="stylesheet" href="`+assets.Path("nhsuk-frontend.min.css")+`">`,
		`<script src="`+assets.Path("htmx.min.js")+`" defer></script>`,
		`data-nhsuk-frontend="`+assets.Path("nhsuk-frontend.min.js")+`"`,
	)
	// The month and year inputs are not in error, and the form group of each
	// date part is only marked for the day.
	if n := strings.Count(html, "nhsuk-input--error"); n != 2 {
		t.Errorf("%d inputs marked in error, want 2 (NHS number and day)", n)
	}
	// Both the header form and the page form carry the token.
	if n := strings.Count(html, `name="_csrf" value="tok-123"`); n != 2 {
		t.Errorf("%d CSRF fields, want 2", n)
	}
	if inline := regexp.MustCompile(`<script[^>]*>[^<]`).FindAllString(html, -1); len(inline) != 1 {
		t.Errorf("%d inline scripts, want exactly 1: %q", len(inline), inline)
	}
	assertLacks(t, html, "style=", "/staff/signout", "app-demo-banner", "nhsuk-back-link", "nhsuk-notification-banner")
}

func TestErrorPage(t *testing.T) {
	r, err := New(assets.Path)
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, r, "error", ErrorPage{
		Page:    Page{Title: "Page not found", StaffName: "Sam Staff", Demo: true, Flash: "Saved", BackURL: "/staff"},
		Heading: "Page not found",
		Message: "If you typed the web address, check it is correct.",
	})
	assertContains(t, html,
		`<title>Page not found - Patient Hub</title>`,
		`<h1>Page not found</h1>`,
		`<p>If you typed the web address, check it is correct.</p>`,
		`Signed in as Sam Staff`,
		`action="/staff/signout" method="post"`,
		`Demo hospital — messages go to <a href="/dev/outbox">/dev/outbox</a>`,
		`<p class="nhsuk-notification-banner__heading">Saved</p>`,
		`<a class="nhsuk-back-link" href="/staff">Back</a>`,
	)
	assertLacks(t, html, "nhsuk-error-summary", `action="/signout"`, "Error: ", "nonce=")

	signedOut := render(t, r, "error", ErrorPage{Heading: "Sorry"})
	assertContains(t, signedOut, `<title>Patient Hub</title>`)
	assertLacks(t, signedOut, "Sign out", "Signed in as", "nhsuk-header__account")
}

func TestMissingPageAndPartial(t *testing.T) {
	r, err := New(assets.Path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.Page(&b, "no_such_page", ErrorPage{}); err == nil {
		t.Error("missing page rendered without error")
	}
	if err := r.Partial(&b, "no_such_partial", nil); err == nil {
		t.Error("missing partial rendered without error")
	}
	if err := r.Partial(&b, "base.html", Page{}); err == nil {
		t.Error("the layout rendered as a partial")
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q on error", b.String())
	}
}

func TestPartialForHTMX(t *testing.T) {
	r, err := New(assets.Path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	page := Page{Errors: FieldErrors{{Field: "email", Message: "Enter an email address"}}}
	if err := r.Partial(&b, "error_summary", page); err != nil {
		t.Fatal(err)
	}
	assertContains(t, b.String(), `<a href="#email">Enter an email address</a>`)
	assertLacks(t, b.String(), "<html", "<body")

	b.Reset()
	err = r.Partial(&b, "input", map[string]any{"ID": "email", "Label": "Email", "Type": "email", "Error": "Enter an email address", "Value": `"><script>`})
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, b.String(),
		`type="email" value="&#34;&gt;&lt;script&gt;" aria-describedby="email-error">`,
		`<span class="nhsuk-error-message" id="email-error">`)
}

func TestBrokenTemplatesFailAtStart(t *testing.T) {
	tests := map[string]map[string]string{
		"parse error":      {"pages/broken.html": `{{define "content"}}{{if}}{{end}}`},
		"no content":       {"pages/empty.html": `<p>no content block</p>`},
		"unknown function": {"pages/func.html": `{{define "content"}}{{nosuchfunc}}{{end}}`},
		"escaping error":   {"partials/bad.html": `{{define "bad"}}<a {{if .X}}href="{{end}}x">{{end}}`},
		"unknown asset":    {"layouts/base.html": `<link href="{{asset "missing.css"}}">{{block "content" .}}{{end}}`},
	}
	for name, extra := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := rendererWith(t, extra)
			if err == nil {
				t.Fatal("New succeeded")
			}
			t.Log(err)
		})
	}
}

func TestFieldErrors(t *testing.T) {
	var errs FieldErrors
	if errs.Any() || errs.Get("x") != "" {
		t.Error("empty errors report something")
	}
	errs.Add("email", "Enter an email address")
	errs.Add("email", "second message")
	errs.Add("phone", "Enter a phone number")
	if !errs.Any() || errs.Get("email") != "Enter an email address" || errs.Get("phone") != "Enter a phone number" {
		t.Errorf("errors = %v", errs)
	}
	if errs[2].Field != "phone" {
		t.Error("order not kept")
	}
}
