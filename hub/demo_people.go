package hub

import (
	"time"

	"github.com/patienthub/patienthub/store"
)

// DemoPerson describes a demo patient for the README and tests.
type DemoPerson struct{ Name, Born, Mobile, Email, Note string }

// DemoPeople lists the demo patients with the contacts to sign in with.
func DemoPeople() []DemoPerson {
	people := make([]DemoPerson, 0, len(demoPatients))
	for _, d := range demoPatients {
		people = append(people, DemoPerson{
			Name:   d.given + " " + d.family,
			Born:   d.born.Format("2 January 2006"),
			Mobile: d.mobile,
			Email:  d.email,
			Note:   d.note,
		})
	}
	return people
}

// demoVisit is one appointment of a demo patient.
type demoVisit struct {
	clinic  string // key of demoClinics
	days    int    // days from today; negative is in the past (moved off weekends)
	at      string // local time in Europe/London, "15:04"
	minutes int
	status  store.AppointmentStatus // "" is booked when upcoming, attended when past
}

// demoPatient is one demo record. mobile and email are written the way a person types them.
type demoPatient struct {
	given, family     string
	born              store.Date
	mrn, nhs          string
	address, postcode string
	mobile, email     string
	preferEmail       bool
	optedOutDaysAgo   int
	discreet          bool
	note              string
	visits            []demoVisit
}

func demoBorn(y int, m time.Month, d int) store.Date { return store.NewDate(y, m, d) }

// demoPatients is the demo hospital's patients. NHS numbers are in the 999 range kept for test data;
// mobiles are in the 07700 900 range kept for drama; example.com addresses never deliver.
var demoPatients = []demoPatient{
	{
		given: "Amelia", family: "Clarke", born: demoBorn(1985, time.March, 14), mrn: "RR81044721", nhs: "9992345616",
		address: "27 Larchfield Grove, Roundhay, Leeds", postcode: "LS8 2QX",
		mobile: "07700 900001", email: "amelia.clarke@example.com",
		note: "Two upcoming appointments, one already confirmed; an unread letter.",
		visits: []demoVisit{
			{clinic: "cardiology", days: -124, at: "10:00", minutes: 30},
			{clinic: "cardiology", days: 9, at: "10:30", minutes: 30},
			{clinic: "dermatology", days: 23, at: "14:15", minutes: 20, status: store.StatusConfirmed},
		},
	},
	{
		given: "Sam", family: "Patel", born: demoBorn(1988, time.July, 20), mrn: "RR81044738", nhs: "9993456713",
		address: "8 Brackenwood Drive, Chapel Allerton, Leeds", postcode: "LS7 3RT",
		mobile: "07700 900002",
		note:   "Leo's dad. His own record: a telephone appointment.",
		visits: []demoVisit{
			{clinic: "orthopaedics", days: -210, at: "11:20", minutes: 20},
			{clinic: "ortho-phone", days: 12, at: "11:00", minutes: 15},
		},
	},
	{
		given: "Leo", family: "Patel", born: demoBorn(2016, time.September, 2), mrn: "RR81044745", nhs: "9994567810",
		address: "8 Brackenwood Drive, Chapel Allerton, Leeds", postcode: "LS7 3RT",
		mobile: "07700 900002",
		note:   "Sam's son: sign in with Sam's mobile and Leo's date of birth.",
		visits: []demoVisit{
			{clinic: "paed-asthma", days: -95, at: "09:15", minutes: 30},
			{clinic: "paed-asthma", days: 6, at: "09:15", minutes: 30},
		},
	},
	{
		given: "Ava", family: "Jones", born: demoBorn(2019, time.May, 5), mrn: "RR81044752", nhs: "9995678918",
		address: "3 Millbeck Close, Bramley, Leeds", postcode: "LS13 2PL",
		mobile: "07700 900003",
		note:   "Twin of Isla, same mobile and date of birth: the User Verification Code picks the record.",
		visits: []demoVisit{
			{clinic: "orthoptics", days: -300, at: "13:30", minutes: 30},
			{clinic: "orthoptics", days: 14, at: "13:30", minutes: 30},
		},
	},
	{
		given: "Isla", family: "Jones", born: demoBorn(2019, time.May, 5), mrn: "RR81044769", nhs: "9996789012",
		address: "3 Millbeck Close, Bramley, Leeds", postcode: "LS13 2PL",
		mobile: "07700 900003",
		note:   "Twin of Ava, same mobile and date of birth: the User Verification Code picks the record.",
		visits: []demoVisit{
			{clinic: "orthoptics", days: -300, at: "14:00", minutes: 30},
			{clinic: "orthoptics", days: 14, at: "14:00", minutes: 30},
		},
	},
	{
		given: "Tom", family: "Baker", born: demoBorn(1950, time.November, 23), mrn: "RR81044776", nhs: "9997890116",
		address: "41 Wharfedale Rise, Otley Road, Leeds", postcode: "LS16 5DW",
		email: "tom.baker@example.com", preferEmail: true,
		note: "Email only, no mobile.",
		visits: []demoVisit{
			{clinic: "ophthalmology", days: -62, at: "08:45", minutes: 40},
			{clinic: "ophthalmology", days: 20, at: "08:45", minutes: 60},
		},
	},
	{
		given: "Margaret", family: "Hughes", born: demoBorn(1940, time.January, 1), mrn: "RR81044783", nhs: "9998901219",
		address: "Flat 2, 17 Moorland View, Moortown, Leeds", postcode: "LS17 6JB",
		note: "No mobile and no email: every letter goes by post.",
		visits: []demoVisit{
			{clinic: "respiratory", days: -150, at: "10:40", minutes: 30},
			{clinic: "lung-function", days: 11, at: "09:30", minutes: 60},
		},
	},
	{
		given: "Priya", family: "Shah", born: demoBorn(1979, time.October, 9), mrn: "RR81044790", nhs: "9999012310",
		address: "112 Kirkstall Lane, Headingley, Leeds", postcode: "LS6 3BQ",
		mobile: "07700 900004", optedOutDaysAgo: 61,
		note: "Opted out of texts and emails two months ago: paper only.",
		visits: []demoVisit{
			{clinic: "dermatology", days: -410, at: "15:10", minutes: 20},
			{clinic: "dermatology", days: 18, at: "15:30", minutes: 20},
		},
	},
	{
		given: "Daniel", family: "Okafor", born: demoBorn(1992, time.June, 30), mrn: "RR81044806", nhs: "9990123411",
		address: "9 Hyde Park Terrace, Woodhouse, Leeds", postcode: "LS6 1BH",
		mobile: "07700 900005", email: "daniel.okafor@example.com",
		discreet: true,
		note:     "Sensitive clinic: messages and the letter title say only \"appointment\".",
		visits: []demoVisit{
			{clinic: "sexual-health", days: -250, at: "16:00", minutes: 30},
			{clinic: "sexual-health", days: 7, at: "16:15", minutes: 30},
		},
	},
	{
		given: "Grace", family: "Thompson", born: demoBorn(1968, time.February, 11), mrn: "RR81044813", nhs: "9993579114",
		address: "5 Sandmoor Court, Alwoodley, Leeds", postcode: "LS17 7DF",
		mobile: "07700 900006", email: "grace.thompson@example.com", preferEmail: true,
		note: "Prefers email.",
		visits: []demoVisit{
			{clinic: "diabetes", days: -540, at: "10:15", minutes: 30},
			{clinic: "diabetes", days: -180, at: "10:15", minutes: 30},
			{clinic: "diabetes", days: 27, at: "11:45", minutes: 30},
		},
	},
	{
		given: "Mohammed", family: "Iqbal", born: demoBorn(1975, time.August, 3), mrn: "RR81044820", nhs: "9994680218",
		address: "64 Harehills Place, Harehills, Leeds", postcode: "LS8 5HR",
		mobile: "07700 900007",
		note:   "Heart scan soon.",
		visits: []demoVisit{
			{clinic: "cardiology", days: -45, at: "14:30", minutes: 30},
			{clinic: "echo", days: 4, at: "08:30", minutes: 45},
		},
	},
	{
		given: "Chloe", family: "Wright", born: demoBorn(1996, time.December, 19), mrn: "RR81044837", nhs: "9995791315",
		address: "Flat 14, Clarence Dock House, Leeds", postcode: "LS10 1LZ",
		mobile: "07700 900008", email: "chloe.wright@example.com",
		note: "A video appointment.",
		visits: []demoVisit{
			{clinic: "dermatology", days: -70, at: "09:40", minutes: 20},
			{clinic: "derm-video", days: 13, at: "12:20", minutes: 15},
		},
	},
	{
		given: "George", family: "Wilson", born: demoBorn(1958, time.April, 27), mrn: "RR81044844", nhs: "9996802418",
		address: "23 Church Lane, Garforth, Leeds", postcode: "LS25 1NW",
		mobile: "07700 900009",
		note:   "Knee replacement assessment.",
		visits: []demoVisit{
			{clinic: "orthopaedics", days: -330, at: "13:00", minutes: 20},
			{clinic: "orthopaedics", days: -100, at: "13:40", minutes: 20},
			{clinic: "orthopaedics", days: 33, at: "10:10", minutes: 40},
		},
	},
}
