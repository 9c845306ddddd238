package hub

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/calendar"
	"github.com/patienthub/patienthub/store"
)

// feedPast is how far back a calendar feed goes: far enough that a phone sees an appointment
// that was cancelled or moved recently, and takes it off.
const feedPast = 90 * 24 * time.Hour

// feedTokenBytes is the randomness in a feed's token (256 bits, 43 characters in the link).
const feedTokenBytes = 32

// CalendarFeedLink is a patient's private calendar feed: the token in its link, and when it was made.
type CalendarFeedLink struct {
	Token     string
	CreatedAt time.Time
}

// CalendarFeedFor returns the patient's calendar feed, and false when they have none.
func (s *Service) CalendarFeedFor(ctx context.Context, patientID int64) (CalendarFeedLink, bool, error) {
	f, err := s.Store.CalendarFeedOf(ctx, patientID)
	if errors.Is(err, store.ErrNotFound) {
		return CalendarFeedLink{}, false, nil
	}
	if err != nil {
		return CalendarFeedLink{}, false, err
	}
	token, err := s.openFeedToken(f.TokenSealed)
	if err != nil {
		// Sealed under another secret key: the link cannot work any more, so it is as if there were none.
		s.Log.Warn("calendar feed: the stored link cannot be read", "patient", patientID, "err", err)
		return CalendarFeedLink{}, false, nil
	}
	return CalendarFeedLink{Token: token, CreatedAt: f.CreatedAt}, true, nil
}

// StartCalendarFeed gives the patient a new private calendar feed. A feed they had before stops
// working, so this both creates and renews the link.
func (s *Service) StartCalendarFeed(ctx context.Context, patientID int64, by Actor) (CalendarFeedLink, error) {
	raw := make([]byte, feedTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return CalendarFeedLink{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sealed, err := s.sealFeedToken(token)
	if err != nil {
		return CalendarFeedLink{}, err
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		action := "calendar_feed.create"
		if _, err := tx.CalendarFeedOf(ctx, patientID); err == nil {
			action = "calendar_feed.renew"
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		f := store.CalendarFeed{PatientID: patientID, TokenHash: s.feedTokenHash(token), TokenSealed: sealed, CreatedAt: now}
		if err := tx.SaveCalendarFeed(ctx, f); err != nil {
			return err
		}
		e := by.event(action, patientID, "calendar_feed", "")
		e.At = now
		return tx.AddAudit(ctx, e)
	})
	return CalendarFeedLink{Token: token, CreatedAt: now}, err
}

// StopCalendarFeed ends the patient's calendar feed: its link stops working at once.
func (s *Service) StopCalendarFeed(ctx context.Context, patientID int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		had, err := tx.DeleteCalendarFeed(ctx, patientID)
		if err != nil || !had {
			return err
		}
		e := by.event("calendar_feed.stop", patientID, "calendar_feed", "")
		e.At = now
		return tx.AddAudit(ctx, e)
	})
}

// CalendarFeed is the calendar a feed's link answers with: the patient's appointments from the
// last 90 days on, cancelled and moved ones marked cancelled, so a subscribed calendar follows
// every change. An unknown or stopped token is ErrNotFound. Each read is audited.
func (s *Service) CalendarFeed(ctx context.Context, token string, by Actor) ([]byte, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(feedTokenBytes) {
		return nil, fmt.Errorf("hub: calendar feed: %w", store.ErrNotFound)
	}
	f, err := s.Store.CalendarFeedByHash(ctx, s.feedTokenHash(token))
	if err != nil {
		return nil, err
	}
	p, err := s.Store.Patient(ctx, f.PatientID)
	if err != nil {
		return nil, err
	}
	as, err := s.Store.FeedAppointments(ctx, p.ID, s.now().Add(-feedPast))
	if err != nil {
		return nil, err
	}
	sites := map[int64]*store.Site{}
	events := make([]calendar.Event, 0, len(as))
	for _, a := range as {
		site, err := s.siteOf(ctx, a, sites)
		if err != nil {
			return nil, err
		}
		events = append(events, calendar.FromAppointment(a, p, site, s.Cfg.PublicURL))
	}
	var buf bytes.Buffer
	if err := calendar.Write(&buf, "Patient Hub: "+p.GivenName, events); err != nil {
		return nil, err
	}
	// The link is the patient's own credential: whoever holds it reads as the patient.
	by.Kind, by.ID = "patient", strconv.FormatInt(p.ID, 10)
	s.audit(ctx, by.event("calendar_feed.view", p.ID, "calendar_feed", "by calendar link: "+strconv.Itoa(len(events))+" appointments"))
	return buf.Bytes(), nil
}

// AppointmentCalendar is one of the patient's appointments as an iCalendar file, with a file name
// that says nothing clinical. Another patient's appointment is not found. The download is audited.
func (s *Service) AppointmentCalendar(ctx context.Context, patientID, id int64, by Actor) ([]byte, string, error) {
	a, err := s.ownAppointment(ctx, patientID, id, by)
	if err != nil {
		return nil, "", err
	}
	p, err := s.Store.Patient(ctx, patientID)
	if err != nil {
		return nil, "", err
	}
	site, err := s.siteOf(ctx, a, map[int64]*store.Site{})
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := calendar.Write(&buf, "", []calendar.Event{calendar.FromAppointment(a, p, site, s.Cfg.PublicURL)}); err != nil {
		return nil, "", err
	}
	s.audit(ctx, by.event("appointment.calendar.view", patientID, appointmentObject(a.ID), "sequence "+strconv.Itoa(a.Sequence)))
	name := "hospital-appointment-" + a.StartsAt.In(London).Format("2006-01-02") + ".ics"
	return buf.Bytes(), name, nil
}

// siteOf returns an appointment's site (nil for none), read once per request through seen.
func (s *Service) siteOf(ctx context.Context, a store.Appointment, seen map[int64]*store.Site) (*store.Site, error) {
	if !a.SiteID.Valid {
		return nil, nil
	}
	if site, ok := seen[a.SiteID.Int64]; ok {
		return site, nil
	}
	site, err := s.Store.Site(ctx, a.SiteID.Int64)
	if err != nil {
		return nil, err
	}
	seen[a.SiteID.Int64] = &site
	return &site, nil
}

// feedKey derives a key for one use of the calendar feed's token from the server's secret key.
func (s *Service) feedKey(use string) []byte {
	k := sha256.Sum256([]byte("patienthub calendar feed " + use + "|" + s.Cfg.SecretKey))
	return k[:]
}

// feedTokenHash is what the store keeps to find a feed from its token.
func (s *Service) feedTokenHash(token string) string {
	mac := hmac.New(sha256.New, s.feedKey("lookup"))
	mac.Write([]byte(token))
	return hex.EncodeToString(mac.Sum(nil))
}

// sealFeedToken encrypts a token (AES-256-GCM) so the preferences page can show the link again
// while a copy of the database alone does not give anyone the link.
func (s *Service) sealFeedToken(token string) (string, error) {
	gcm, err := s.feedCipher()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(token), nil)), nil
}

// openFeedToken reverses sealFeedToken.
func (s *Service) openFeedToken(sealed string) (string, error) {
	gcm, err := s.feedCipher()
	if err != nil {
		return "", err
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < gcm.NonceSize() {
		return "", errors.New("hub: calendar feed: sealed token is malformed")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("hub: calendar feed: %w", err)
	}
	return string(plain), nil
}

func (s *Service) feedCipher() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.feedKey("seal"))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
