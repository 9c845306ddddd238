// Package views renders the HTML: a base layout, one template per page and
// NHS.UK form components as partials, all parsed from the embedded files once
// at start so a broken template stops the server rather than a request.
package views

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"text/template/parse"
)

//go:embed layouts pages partials
var files embed.FS

// layoutName is the template every page is executed through.
const layoutName = "base.html"

// Page is the data every page embeds.
type Page struct {
	Title      string      // the page's own title; <title> becomes "Title - Patient Hub"
	CSRF       string      // CSRF token: hidden input _csrf in every form, and the body's hx-headers
	PersonName string      // signed-in patient's full name ("" when signed out)
	StaffName  string      // signed-in staff member's name ("" otherwise)
	Flash      string      // one-off success message, shown as a notification banner
	Demo       bool        // shows the demo hospital banner linking to /dev/outbox
	Errors     FieldErrors // form errors: error summary at the top of main, and inline by field
	BackURL    string      // optional back link
	Section    string      // the signed-in patient's part of the hub this page is in, marked in the header's navigation
}

// ErrorPage is the data for pages/error.html, used for 404 and 500 pages.
type ErrorPage struct {
	Page
	Heading  string
	Message  string
	HomeURL  string // where the page's one link goes: the hub's home page or the staff console
	HomeText string
}

// SummaryRow is one row of the summary_list partial; Href adds a "Change"
// link (Action overrides its text, ActionHidden the visually hidden rest).
type SummaryRow struct {
	Key, Value                 string
	Href, Action, ActionHidden string
}

// FieldErrors is an ordered list of field errors.
type FieldErrors []FieldError

// FieldError is one message about one input; Field is the id of the input
// the error summary links to.
type FieldError struct{ Field, Message string }

// Get returns the first message for field, or "".
func (e FieldErrors) Get(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// Add appends a message for field.
func (e *FieldErrors) Add(field, message string) {
	*e = append(*e, FieldError{Field: field, Message: message})
}

// Any reports whether there is at least one error.
func (e FieldErrors) Any() bool {
	return len(e) > 0
}

// Renderer renders pages (inside the layout) and partials (fragments, also
// used as htmx responses).
type Renderer struct {
	pages    map[string]*template.Template
	partials *template.Template
}

// New parses every layout, partial and page; any parse error is returned.
// assetPath maps an asset name to its URL (assets.Path).
func New(assetPath func(string) string) (*Renderer, error) {
	return newRenderer(files, assetPath)
}

// newRenderer parses the templates in fsys, which has the layouts, pages and
// partials folders.
func newRenderer(fsys fs.FS, assetPath func(string) string) (*Renderer, error) {
	shared, err := template.New("").Funcs(funcs(assetPath)).ParseFS(fsys, "layouts/*.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("views: parse layouts and partials: %w", err)
	}
	if shared.Lookup(layoutName) == nil {
		return nil, fmt.Errorf("views: no layouts/%s", layoutName)
	}
	pageFiles, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("views: list pages: %w", err)
	}
	r := &Renderer{pages: make(map[string]*template.Template, len(pageFiles))}
	for _, file := range pageFiles {
		// Without its own "content" the page would render the layout's empty block.
		if err := definesContent(fsys, file); err != nil {
			return nil, err
		}
		// Each page gets its own copy so pages' "content" blocks cannot clash.
		page, err := shared.Clone()
		if err != nil {
			return nil, fmt.Errorf("views: clone layout for %s: %w", file, err)
		}
		if page, err = page.ParseFS(fsys, file); err != nil {
			return nil, fmt.Errorf("views: parse %s: %w", file, err)
		}
		r.pages[strings.TrimSuffix(path.Base(file), ".html")] = page
	}
	if r.partials, err = shared.Clone(); err != nil {
		return nil, fmt.Errorf("views: clone partials: %w", err)
	}
	// The layout alone (empty content) must render with a zero Page; this also
	// asks for every asset it links, so a missing asset fails here.
	if err := execute(io.Discard, r.partials, layoutName, Page{}); err != nil {
		return nil, err
	}
	// Escape everything now so a template that cannot be escaped fails at start.
	for name, page := range r.pages {
		if err := escape(page, layoutName); err != nil {
			return nil, fmt.Errorf("views: page %s: %w", name, err)
		}
	}
	for _, t := range r.partials.Templates() {
		if t.Name() == "" || t.Name() == layoutName {
			continue
		}
		if err := escape(r.partials, t.Name()); err != nil {
			return nil, fmt.Errorf("views: partial %s: %w", t.Name(), err)
		}
	}
	return r, nil
}

// definesContent checks that a page file has {{define "content"}}.
func definesContent(fsys fs.FS, file string) error {
	text, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("views: read %s: %w", file, err)
	}
	tree := parse.New(file)
	tree.Mode = parse.SkipFuncCheck
	defined := make(map[string]*parse.Tree)
	if _, err := tree.Parse(string(text), "", "", defined); err != nil {
		return fmt.Errorf("views: parse %s: %w", file, err)
	}
	if defined["content"] == nil {
		return fmt.Errorf("views: %s does not define \"content\"", file)
	}
	return nil
}

// escape runs html/template's escaper over one template by executing it with
// no data into a discarded writer; only escaping errors are reported, since
// errors from the missing data are expected.
func escape(set *template.Template, name string) error {
	var escapeErr *template.Error
	if err := set.ExecuteTemplate(io.Discard, name, nil); errors.As(err, &escapeErr) {
		return escapeErr
	}
	return nil
}

// Page renders pages/<name>.html inside the layout. Nothing is written when
// rendering fails.
func (r *Renderer) Page(w io.Writer, name string, data any) error {
	page, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("views: no page %q", name)
	}
	return execute(w, page, layoutName, data)
}

// Partial renders a template defined in partials/*.html by its define name.
// Nothing is written when rendering fails.
func (r *Renderer) Partial(w io.Writer, name string, data any) error {
	if name == "" || name == layoutName || r.partials.Lookup(name) == nil {
		return fmt.Errorf("views: no partial %q", name)
	}
	return execute(w, r.partials, name, data)
}

func execute(w io.Writer, set *template.Template, name string, data any) error {
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
