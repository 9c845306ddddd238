package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// notifyClock is the fake clock the notification tests move by hand.
type notifyClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *notifyClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *notifyClock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func (c *notifyClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// recorder is a provider for every channel that keeps what it is given, and fails on request.
type recorder struct {
	mu   sync.Mutex
	msgs []notify.Message
	fail map[store.Channel]error
}

type recProvider struct {
	r  *recorder
	ch store.Channel
}

func (p recProvider) Name() string { return "test" }
func (p recProvider) Send(ctx context.Context, m notify.Message) (string, error) {
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	if err := p.r.fail[p.ch]; err != nil {
		return "", err
	}
	if m.Channel == store.ChannelPost && m.Document != nil {
		if _, err := m.Document(); err != nil {
			return "", err
		}
	}
	p.r.msgs = append(p.r.msgs, m)
	return fmt.Sprintf("ref-%d", len(p.r.msgs)), nil
}

// sent lists "channel purpose" of every message handed over, in order.
func (r *recorder) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.msgs))
	for i, m := range r.msgs {
		out[i] = string(m.Channel) + " " + m.Purpose
	}
	return out
}

func (r *recorder) failWith(ch store.Channel, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail == nil {
		r.fail = map[store.Channel]error{}
	}
	r.fail[ch] = err
}

// notifyFixture is a hub on a real database with a fake clock, a recording provider, the
// dispatcher and the scheduler.
type notifyFixture struct {
	t     *testing.T
	st    *store.Store
	svc   *Service
	clock *notifyClock
	rec   *recorder
	disp  *notify.Dispatcher
	sched *Scheduler
	seq   int
}

func newNotifyFixture(t *testing.T, st *store.Store, start time.Time, mutate ...func(*Config)) *notifyFixture {
	t.Helper()
	cfg := policyConfig(t)
	for _, m := range mutate {
		m(&cfg)
	}
	rec := &recorder{}
	router := notify.NewRouter(recProvider{rec, store.ChannelSMS}, recProvider{rec, store.ChannelEmail},
		recProvider{rec, store.ChannelPush}, recProvider{rec, store.ChannelPost})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := New(st, cfg, router, log)
	clock := &notifyClock{now: start}
	svc.Now = clock.Now
	disp := &notify.Dispatcher{Store: st, Router: router, Policy: svc.DispatchPolicy(), Log: log, Now: clock.Now, Workers: 2}
	return &notifyFixture{t: t, st: st, svc: svc, clock: clock, rec: rec, disp: disp, sched: &Scheduler{Service: svc, Log: log}}
}

// patient creates a patient with a mobile and/or an email.
func (f *notifyFixture) patient(mobile, email bool, mutate ...func(*store.Patient)) store.Patient {
	f.t.Helper()
	f.seq++
	p := policyPatient(mobile, email)
	p.ID = 0
	p.HospitalNumber = fmt.Sprintf("MRN%04d", f.seq)
	p.VerificationCode = fmt.Sprintf("UVC%05d", f.seq)
	p.DateOfBirth = store.Date{Time: time.Date(1985, 3, 14, 0, 0, 0, 0, time.UTC)}
	p.Address, p.Postcode = "27 Larchfield Grove, Leeds", "LS6 2QT"
	for _, m := range mutate {
		m(&p)
	}
	if err := f.st.CreatePatient(context.Background(), &p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// appointment books p an appointment starting `in` from now, booked `bookedAgo` before now.
func (f *notifyFixture) appointment(p store.Patient, in, bookedAgo time.Duration) store.Appointment {
	f.t.Helper()
	f.seq++
	now := f.clock.Now()
	a := store.Appointment{PatientID: p.ID, ExternalID: fmt.Sprintf("PAS-%d", f.seq), Clinic: "Cardiology Outpatients",
		StartsAt: now.Add(in), EndsAt: now.Add(in + 30*time.Minute), CreatedAt: now.Add(-bookedAgo), UpdatedAt: now.Add(-bookedAgo)}
	if err := f.st.CreateAppointment(context.Background(), &a); err != nil {
		f.t.Fatal(err)
	}
	a, err := f.st.Appointment(context.Background(), a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// letter sends p a letter about a (nil for none) now, with its invitation, in one transaction as
// the hospital's systems would: an appointment's letter as the hub draws it, any other as a file.
func (f *notifyFixture) letter(p store.Patient, a *store.Appointment) store.Letter {
	f.t.Helper()
	l := store.Letter{PatientID: p.ID, Title: "Your appointment", CreatedAt: f.clock.Now()}
	if a != nil {
		l.AppointmentID, l.Source = store.NullID(a.ID), store.LetterGenerated
	}
	err := f.st.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateLetter(context.Background(), &l, store.LetterFile{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}); err != nil {
			return err
		}
		if a != nil {
			return f.svc.QueueLetterInvite(context.Background(), tx, p, l)
		}
		return f.svc.QueueNewLetter(context.Background(), tx, p, l)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// tick runs the scheduler and then the dispatcher until nothing more is due now.
func (f *notifyFixture) tick() {
	f.t.Helper()
	ctx := context.Background()
	if _, _, err := f.sched.RunOnce(ctx); err != nil {
		f.t.Fatal(err)
	}
	for {
		n, err := f.disp.RunOnce(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// at moves the clock to start+d and ticks.
func (f *notifyFixture) at(start time.Time, d time.Duration) {
	f.clock.Set(start.Add(d))
	f.tick()
}

// rows lists the patient's notifications, oldest first, as "channel purpose status".
func (f *notifyFixture) rows(p store.Patient) []store.Notification {
	f.t.Helper()
	ns, err := f.st.NotificationsForPatient(context.Background(), p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for i, j := 0, len(ns)-1; i < j; i, j = i+1, j-1 {
		ns[i], ns[j] = ns[j], ns[i]
	}
	return ns
}

// row returns the patient's notification with this key.
func (f *notifyFixture) row(key string) store.Notification {
	f.t.Helper()
	n, err := f.st.NotificationByKey(context.Background(), key)
	if err != nil {
		f.t.Fatalf("notification %s: %v", key, err)
	}
	return n
}

func (f *notifyFixture) markRead(l store.Letter) {
	f.t.Helper()
	if _, err := f.st.MarkLetterViewed(context.Background(), l.ID, f.clock.Now()); err != nil {
		f.t.Fatal(err)
	}
}

var errNoSuchNumber = notify.Permanent(errors.New("not a valid mobile number"))

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: true} }
