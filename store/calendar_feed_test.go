package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestCalendarFeedIsOnePerPatientAndReplaced(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "CF1", "+447700900001", "", store.NewDate(1980, 1, 1))
		other := newPatient(t, s, "CF2", "+447700900002", "", store.NewDate(1981, 1, 1))
		if _, err := s.CalendarFeedOf(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a patient with no feed: %v", err)
		}
		first := store.CalendarFeed{PatientID: p.ID, TokenHash: "hash-1", TokenSealed: "sealed-1", CreatedAt: now}
		if err := s.SaveCalendarFeed(ctx, first); err != nil {
			t.Fatal(err)
		}
		renewed := store.CalendarFeed{PatientID: p.ID, TokenHash: "hash-2", TokenSealed: "sealed-2", CreatedAt: now.Add(time.Hour)}
		if err := s.SaveCalendarFeed(ctx, renewed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CalendarFeedByHash(ctx, "hash-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the replaced token still finds a feed: %v", err)
		}
		got, err := s.CalendarFeedByHash(ctx, "hash-2")
		if err != nil || got.PatientID != p.ID || got.TokenSealed != "sealed-2" || !got.CreatedAt.Equal(renewed.CreatedAt) {
			t.Fatalf("feed by hash: %+v %v", got, err)
		}
		if err := s.SaveCalendarFeed(ctx, store.CalendarFeed{PatientID: other.ID, TokenHash: "hash-2", TokenSealed: "x", CreatedAt: now}); err == nil {
			t.Fatal("two patients share one token")
		}
		if ok, err := s.DeleteCalendarFeed(ctx, p.ID); err != nil || !ok {
			t.Fatalf("delete: %v %v", ok, err)
		}
		if ok, err := s.DeleteCalendarFeed(ctx, p.ID); err != nil || ok {
			t.Fatalf("delete again: %v %v", ok, err)
		}
		if _, err := s.CalendarFeedByHash(ctx, "hash-2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a deleted feed is found: %v", err)
		}
	})
}

func TestFeedAppointmentsKeepCancelledOnes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "CF3", "+447700900003", "", store.NewDate(1980, 1, 1))
		old := newAppointment(t, s, p, "PAS-OLD", now.AddDate(0, -6, 0))
		recent := newAppointment(t, s, p, "PAS-RECENT", now.AddDate(0, 0, -3))
		next := newAppointment(t, s, p, "PAS-NEXT", now.AddDate(0, 0, 7))
		if ok, err := s.SetAppointmentStatus(ctx, next.ID, store.StatusBooked, 0, store.StatusCancelledByHospital, now); err != nil || !ok {
			t.Fatalf("cancel: %v %v", ok, err)
		}
		as, err := s.FeedAppointments(ctx, p.ID, now.AddDate(0, 0, -30))
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 2 || as[0].ID != recent.ID || as[1].ID != next.ID || as[1].Status != store.StatusCancelledByHospital {
			t.Fatalf("feed appointments: %+v (old one is %d)", as, old.ID)
		}
	})
}
