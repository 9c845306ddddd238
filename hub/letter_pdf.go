package hub

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London must load on hosts without a zoneinfo database

	"codeberg.org/go-pdf/fpdf"

	"github.com/patienthub/patienthub/store"
)

// LetterHeader is what an appointment letter says about who sends it and when.
type LetterHeader struct {
	HospitalName, PublicURL string
	Date                    time.Time
}

// letterZone is the time zone every date and time in a letter is written in.
var letterZone = loadLetterZone()

func loadLetterZone() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Positions on the A4 page, in millimetres. The address block sits in the window of a DL envelope.
const (
	letterMargin      = 20.0
	letterWindowX     = 20.0
	letterWindowY     = 47.0
	letterWindowW     = 90.0
	letterWindowH     = 35.0
	letterWindowLine  = 4.8
	letterWindowLines = 7 // lines of letterWindowLine that fit in letterWindowH
	letterRightX      = 118.0
	letterRightW      = 72.0
	letterBodyY       = 92.0
	letterLabelW      = 36.0
)

// appointmentLetterTitle is the title of an appointment's letter in lists and messages. A discreet
// record's title names no clinic.
func appointmentLetterTitle(p store.Patient, a store.Appointment) string {
	if p.Discreet {
		return "Your appointment"
	}
	return "Your " + a.Clinic + " appointment"
}

// LetterPDF renders an appointment letter as an A4 PDF: hospital name, the patient's name and address placed in the window position of a DL envelope (address block roughly 20 mm from the left, 45–50 mm from the top, within 90 x 35 mm), date, NHS number and hospital number, the appointment's date, time (Europe/London), clinic, site and address, what to bring, instructions, the clinic phone, and the Patient Hub link.
//
// site is where the clinic is based: its address is printed for an appointment in person and its
// phone number for every kind. It may be nil.
func LetterPDF(h LetterHeader, p store.Patient, a store.Appointment, site *store.Site) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	title := appointmentLetterTitle(p, a)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(h.HospitalName, true)
	pdf.SetSubject("Appointment letter for "+p.FullName(), true)
	pdf.SetLang("en-GB")
	if !h.Date.IsZero() {
		pdf.SetCreationDate(h.Date)
		pdf.SetModificationDate(h.Date)
	}
	pdf.SetMargins(letterMargin, 15, letterMargin)
	pdf.SetAutoPageBreak(true, 22)
	pdf.SetFooterFunc(func() { letterFooter(pdf, tr, h, p, pdf.PageNo()) })
	pdf.AddPage()
	writeAppointmentLetter(pdf, tr, h, p, a, site)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("hub: letter for %s: %w", a.ExternalID, err)
	}
	return buf.Bytes(), nil
}

// letterFooter writes the footer of a letter's page: who it is for, the page number within the
// letter, and the Patient Hub link.
func letterFooter(pdf *fpdf.Fpdf, tr func(string) string, h LetterHeader, p store.Patient, page int) {
	pdf.SetY(-16)
	pdf.SetFont("Helvetica", "", 8)
	pdf.SetTextColor(76, 98, 114)
	pdf.CellFormat(0, 4, tr(fmt.Sprintf("%s  |  %s  |  Hospital number %s  |  Page %d",
		h.HospitalName, p.FullName(), p.HospitalNumber, page)), "", 1, "C", false, 0, "")
	pdf.CellFormat(0, 4, tr("You can also read this letter in Patient Hub: "+h.PublicURL), "", 0, "C", false, 0, "")
}

// writeAppointmentLetter draws an appointment letter from the current page on, so one document
// can hold one letter or a post room's whole batch.
func writeAppointmentLetter(pdf *fpdf.Fpdf, tr func(string) string, h LetterHeader, p store.Patient, a store.Appointment, site *store.Site) {
	title := appointmentLetterTitle(p, a)
	letterHeadBlock(pdf, tr, h, site)
	letterAddressWindow(pdf, tr, p, h.Date)

	// Reference block, to the right of the window.
	pdf.SetXY(letterRightX, letterWindowY)
	refs := [][2]string{{"Date", letterDate(h.Date)}}
	if p.NHSNumber.Valid && p.NHSNumber.String != "" {
		refs = append(refs, [2]string{"NHS number", letterNHSNumber(p.NHSNumber.String)})
	}
	refs = append(refs, [2]string{"Hospital number", p.HospitalNumber}, [2]string{"Reference", a.ExternalID})
	for _, r := range refs {
		pdf.SetX(letterRightX)
		pdf.SetFont("Helvetica", "B", 9.5)
		pdf.CellFormat(30, 5, tr(r[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9.5)
		pdf.CellFormat(letterRightW-30, 5, tr(r[1]), "", 1, "L", false, 0, "")
	}

	pdf.SetTextColor(33, 43, 50)
	pdf.SetXY(letterMargin, letterBodyY)
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(title), "", "L", false)
	pdf.Ln(3)

	child := letterIsChild(p, h.Date)
	letterPara(pdf, tr, "Dear "+letterSalutation(p, child)+",")
	who := "you"
	if child {
		who = p.GivenName
	}
	intro := fmt.Sprintf("We have booked an appointment for %s. Please check the details below.", who)
	switch a.Kind {
	case "phone":
		intro = fmt.Sprintf("We have booked a telephone appointment for %s. There is no need to come to the hospital.", who)
	case "video":
		intro = fmt.Sprintf("We have booked a video appointment for %s. There is no need to come to the hospital.", who)
	}
	letterPara(pdf, tr, intro)
	pdf.Ln(1)

	start, end := a.StartsAt.In(letterZone), a.EndsAt.In(letterZone)
	rows := [][2]string{
		{"Date", start.Format("Monday 2 January 2006")},
		{"Time", start.Format("3:04pm") + letterDuration(end.Sub(start))},
		{"Clinic", a.Clinic},
	}
	if a.Clinician != "" {
		rows = append(rows, [2]string{"With", a.Clinician})
	}
	rows = append(rows, [2]string{"Where", letterWhere(a, site)})
	pdf.SetFillColor(240, 244, 245)
	pdf.Rect(letterMargin, pdf.GetY(), 210-2*letterMargin, letterDetailsHeight(pdf, tr, rows), "F")
	pdf.Ln(2)
	for _, r := range rows {
		pdf.SetX(letterMargin + 3)
		pdf.SetFont("Helvetica", "B", 10.5)
		pdf.CellFormat(letterLabelW, 5.5, tr(r[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10.5)
		pdf.MultiCell(210-2*letterMargin-letterLabelW-6, 5.5, tr(r[1]), "", "L", false)
	}
	pdf.Ln(4)

	if a.Bring != "" {
		letterSection(pdf, tr, "What to bring", a.Bring)
	}
	if a.Instructions != "" {
		letterSection(pdf, tr, "Before your appointment", a.Instructions)
	}
	phone := "the booking centre"
	if site != nil && site.Phone != "" {
		phone = site.Phone + " (Monday to Friday, 8:30am to 5pm)"
	}
	letterSection(pdf, tr, "If you need to change or cancel", fmt.Sprintf(
		"Tell us as soon as you can so we can offer the time to someone else. Use Patient Hub, or call us on %s.", phone))
	letterSection(pdf, tr, "Patient Hub", fmt.Sprintf("See this letter and all your appointments, confirm this one, or ask to rebook or "+
		"cancel it at %s. Sign in with your mobile number or email address and your date of birth.", h.PublicURL))
	pdf.Ln(2)
	letterPara(pdf, tr, "Yours sincerely,")
	pdf.Ln(4)
	letterPara(pdf, tr, "Outpatient Booking Centre\n"+h.HospitalName)
}

// letterHeadBlock writes the hospital and the clinic's site at the top right.
func letterHeadBlock(pdf *fpdf.Fpdf, tr func(string) string, h LetterHeader, site *store.Site) {
	pdf.SetFillColor(0, 94, 184)
	pdf.Rect(0, 0, 210, 5, "F")
	pdf.SetTextColor(0, 94, 184)
	pdf.SetXY(210-letterMargin-100, 11)
	pdf.SetFont("Helvetica", "B", 12.5)
	pdf.MultiCell(100, 6, tr(h.HospitalName), "", "R", false)
	if site == nil {
		return
	}
	pdf.SetTextColor(33, 43, 50)
	pdf.SetFont("Helvetica", "", 9)
	lines := []string{site.Name}
	if site.Department != "" {
		lines = append(lines, site.Department)
	}
	lines = append(lines, strings.Join(letterAddressLines(site.Address, site.Postcode), ", "))
	if site.Phone != "" {
		lines = append(lines, "Phone "+site.Phone)
	}
	for _, l := range lines {
		pdf.SetX(letterRightX)
		pdf.MultiCell(letterRightW, 4.2, tr(l), "", "R", false)
	}
}

// letterAddressWindow writes the patient's name and address where a DL envelope's window shows it.
func letterAddressWindow(pdf *fpdf.Fpdf, tr func(string) string, p store.Patient, on time.Time) {
	lines := []string{p.FullName()}
	if letterIsChild(p, on) {
		lines[0] = "Parent or carer of " + p.FullName()
	}
	lines = append(lines, letterAddressLines(p.Address, p.Postcode)...)
	room := letterWindowLines
	if len(lines) > room {
		// Keep the postcode on its own last line; join what does not fit.
		head := append([]string{}, lines[:room-2]...)
		head = append(head, strings.Join(lines[room-2:len(lines)-1], ", "))
		lines = append(head, lines[len(lines)-1])
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "", 10.5)
	for i, l := range lines {
		l = tr(l)
		for pdf.GetStringWidth(l) > letterWindowW && len(l) > 1 {
			l = l[:len(l)-1]
		}
		pdf.SetXY(letterWindowX, letterWindowY+float64(i)*letterWindowLine)
		pdf.CellFormat(letterWindowW, letterWindowLine, l, "", 0, "L", false, 0, "")
	}
}

// letterAddressLines splits a one-line address at its commas and adds the postcode.
func letterAddressLines(address, postcode string) []string {
	var lines []string
	for _, part := range strings.FieldsFunc(address, func(r rune) bool { return r == ',' || r == '\n' }) {
		if part = strings.TrimSpace(part); part != "" {
			lines = append(lines, part)
		}
	}
	if postcode != "" {
		lines = append(lines, postcode)
	}
	return lines
}

// letterWhere says where the appointment happens.
func letterWhere(a store.Appointment, site *store.Site) string {
	switch a.Kind {
	case "phone":
		return "By telephone. We will call you at the time above on the number we hold for you."
	case "video":
		link := "the link in Patient Hub"
		if a.VideoLink != "" {
			link = a.VideoLink
		}
		return "By video call. Join at " + link
	}
	if site == nil {
		if a.SiteName.Valid {
			return a.SiteName.String
		}
		return "See Patient Hub for the address."
	}
	lines := []string{site.Name}
	if site.Department != "" {
		lines = append(lines, site.Department)
	}
	return strings.Join(append(lines, letterAddressLines(site.Address, site.Postcode)...), "\n")
}

// letterDetailsHeight is the height the appointment's detail rows will take, for their shaded box.
func letterDetailsHeight(pdf *fpdf.Fpdf, tr func(string) string, rows [][2]string) float64 {
	pdf.SetFont("Helvetica", "", 10.5)
	h := 4.0
	for _, r := range rows {
		n := 0
		for _, part := range strings.Split(tr(r[1]), "\n") {
			n += len(pdf.SplitText(part, 210-2*letterMargin-letterLabelW-6))
		}
		h += 5.5 * float64(max(n, 1))
	}
	return h
}

// letterSection writes a bold heading and a paragraph.
func letterSection(pdf *fpdf.Fpdf, tr func(string) string, heading, text string) {
	pdf.SetFont("Helvetica", "B", 11.5)
	pdf.SetTextColor(33, 43, 50)
	pdf.MultiCell(0, 6, tr(heading), "", "L", false)
	letterPara(pdf, tr, text)
	pdf.Ln(2)
}

// letterPara writes a paragraph of body text.
func letterPara(pdf *fpdf.Fpdf, tr func(string) string, text string) {
	pdf.SetFont("Helvetica", "", 10.5)
	pdf.SetTextColor(33, 43, 50)
	pdf.MultiCell(0, 5.2, tr(text), "", "L", false)
	pdf.Ln(1)
}

// letterSalutation is whom the letter greets: a child's letter goes to their parent or carer.
func letterSalutation(p store.Patient, child bool) string {
	if child {
		return "parent or carer of " + p.FullName()
	}
	return p.FullName()
}

// letterIsChild reports whether the patient is under 16 on the letter's date.
func letterIsChild(p store.Patient, on time.Time) bool {
	if on.IsZero() {
		on = time.Now()
	}
	return p.DateOfBirth.AgeOn(on.In(letterZone)) < 16
}

// letterDate is a date written the way letters write it, in Europe/London.
func letterDate(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.In(letterZone).Format("2 January 2006")
}

// letterDuration says how long an appointment lasts, like " (about 30 minutes)".
func letterDuration(d time.Duration) string {
	m := int(d.Minutes())
	switch {
	case m <= 0:
		return ""
	case m < 60:
		return fmt.Sprintf(" (about %d minutes)", m)
	case m == 60:
		return " (about 1 hour)"
	}
	return fmt.Sprintf(" (about %d hours %d minutes)", m/60, m%60)
}

// letterNHSNumber writes a 10-digit NHS number in its 3-3-4 groups.
func letterNHSNumber(n string) string {
	if len(n) != 10 {
		return n
	}
	return n[:3] + " " + n[3:6] + " " + n[6:]
}
