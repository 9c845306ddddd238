// Package notify sends messages to patients by text, email, web push and post, through
// providers chosen by configuration, and dispatches the queued outbox.
package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/patienthub/patienthub/store"
)

// Message is one message ready to send on one channel.
type Message struct {
	Channel store.Channel
	To      string // E.164 mobile, email address, push endpoint or postal address
	Purpose string
	Subject string // email and post
	Text    string
	HTML    string // email only; optional
	Ref     string // the hub's own reference (the idempotency key), passed to providers that keep one
	URL     string // push only: the page a tap on the notification opens

	// Document renders the printable letter (post only), for providers that print it themselves.
	Document func() ([]byte, error)
}

// Provider hands messages of one channel to a delivery service.
type Provider interface {
	// Name is the provider's name as recorded on each notification ("outbox", "smtp" ...).
	Name() string
	// Send delivers m and returns the provider's reference for it.
	Send(ctx context.Context, m Message) (ref string, err error)
}

// ErrPermanent marks a failure that will not succeed on retry (invalid number, bounced address).
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so the dispatcher gives up on this channel and falls back.
func Permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// Router picks the provider for each channel.
type Router struct {
	providers map[store.Channel]Provider
}

// NewRouter returns a router with one provider per channel; a nil provider leaves the channel unavailable.
func NewRouter(sms, email, push, post Provider) *Router {
	r := &Router{providers: map[store.Channel]Provider{}}
	for ch, p := range map[store.Channel]Provider{store.ChannelSMS: sms, store.ChannelEmail: email, store.ChannelPush: push, store.ChannelPost: post} {
		if p != nil {
			r.providers[ch] = p
		}
	}
	return r
}

// Has reports whether a provider is configured for ch.
func (r *Router) Has(ch store.Channel) bool { _, ok := r.providers[ch]; return ok }

// Provider returns the provider of ch, or nil.
func (r *Router) Provider(ch store.Channel) Provider { return r.providers[ch] }

// Send delivers m through its channel's provider and returns the provider's name and reference.
func (r *Router) Send(ctx context.Context, m Message) (provider, ref string, err error) {
	p, ok := r.providers[m.Channel]
	if !ok {
		return "", "", Permanent(fmt.Errorf("no provider for %s", m.Channel))
	}
	ref, err = p.Send(ctx, m)
	return p.Name(), ref, err
}
