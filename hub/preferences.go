package hub

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Reasons a change of preferences is refused; nothing was changed.
var (
	ErrChannelMissing  = &Refusal{"channel_missing", "Choose text message or email. You can only choose a contact that is on your hospital record."}
	ErrOptedOutAlready = &Refusal{"already_opted_out", "You have already opted out of Patient Hub. Your letters will come by post."}
	ErrNotOptedOut     = &Refusal{"not_opted_out", "You are already using Patient Hub, so there was nothing to change."}
	ErrChannelOptedOut = &Refusal{"channel_opted_out", "You have opted out of Patient Hub, so we do not send texts or emails. Opt back in first to choose how we contact you."}
)

// Channels lists the digital channels a patient's record has: the only ones they can choose.
func Channels(p store.Patient) []store.Channel {
	var cs []store.Channel
	if p.Mobile.Valid && p.Mobile.String != "" {
		cs = append(cs, store.ChannelSMS)
	}
	if p.Email.Valid && p.Email.String != "" {
		cs = append(cs, store.ChannelEmail)
	}
	return cs
}

// DisplayMobile writes a UK mobile number stored as E.164 the way people write it, "07700 900001".
// Other numbers are returned as they are.
func DisplayMobile(e164 string) string {
	if rest, ok := strings.CutPrefix(e164, "+44"); ok && len(rest) == 10 {
		return "0" + rest[:4] + " " + rest[4:]
	}
	return e164
}

// PreferencesFor returns the patient's record for the preferences page and records the view.
func (s *Service) PreferencesFor(ctx context.Context, patientID int64, by Actor) (store.Patient, error) {
	p, err := s.Store.Patient(ctx, patientID)
	if err != nil {
		return p, err
	}
	s.audit(ctx, by.event("preferences.view", patientID, "preferences", ""))
	return p, nil
}

// SetPreferredChannel records whether the patient wants texts or emails. Only a channel the
// record has can be chosen, and not while the patient has opted out.
func (s *Service) SetPreferredChannel(ctx context.Context, patientID int64, ch store.Channel, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Patient(ctx, patientID)
		if err != nil {
			return err
		}
		if p.OptedOut() {
			return ErrChannelOptedOut
		}
		if (ch != store.ChannelSMS && ch != store.ChannelEmail) || !hasChannel(p, ch) {
			return ErrChannelMissing
		}
		if err := tx.SetPreferredChannel(ctx, patientID, ch, now); err != nil {
			return err
		}
		e := by.event("preferences.channel", patientID, "patient:"+strconv.FormatInt(patientID, 10),
			fmt.Sprintf("%s to %s", p.PreferredChannel, ch))
		e.At = now
		return tx.AddAudit(ctx, e)
	})
}

func hasChannel(p store.Patient, ch store.Channel) bool {
	for _, c := range Channels(p) {
		if c == ch {
			return true
		}
	}
	return false
}

// OptOut stops all digital contact with the patient: from now on their letters go by post and
// they get no reminders. Texts, emails and pushes still waiting to be sent are cancelled in the
// same transaction. It returns how many were cancelled.
func (s *Service) OptOut(ctx context.Context, patientID int64, by Actor) (int64, error) {
	now := s.now()
	var cancelled int64
	err := s.Store.InTx(ctx, func(tx *store.Tx) (err error) {
		cancelled, err = s.optOutTx(ctx, tx, patientID, by, now)
		return err
	})
	return cancelled, err
}

// optOutTx is OptOut inside tx, for a use case that does more in the same transaction.
func (s *Service) optOutTx(ctx context.Context, tx *store.Tx, patientID int64, by Actor, now time.Time) (int64, error) {
	changed, err := tx.SetOptedOut(ctx, patientID, now)
	if err != nil {
		return 0, err
	}
	if !changed {
		return 0, ErrOptedOutAlready
	}
	cancelled, err := tx.CancelPendingDigitalNotifications(ctx, patientID, now)
	if err != nil {
		return 0, err
	}
	e := by.event("preferences.opt_out", patientID, "patient:"+strconv.FormatInt(patientID, 10),
		fmt.Sprintf("%d pending notifications cancelled", cancelled))
	e.At = now
	return cancelled, tx.AddAudit(ctx, e)
}

// OptIn brings an opted-out patient back to Patient Hub: texts or emails again from now on.
func (s *Service) OptIn(ctx context.Context, patientID int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.ClearOptedOut(ctx, patientID, now)
		if err != nil {
			return err
		}
		if !changed {
			return ErrNotOptedOut
		}
		e := by.event("preferences.opt_in", patientID, "patient:"+strconv.FormatInt(patientID, 10), "")
		e.At = now
		return tx.AddAudit(ctx, e)
	})
}
