package notify

import "time"

// Outcome is what a provider later says became of a message it accepted.
type Outcome string

// The outcomes a delivery report can carry.
const (
	OutcomePending     Outcome = ""          // still on its way: nothing to record
	OutcomeDelivered   Outcome = "delivered" // it arrived (for a letter: printed and posted)
	OutcomeUndelivered Outcome = "failed"    // it will not arrive: fall back to the next channel
	OutcomeResend      Outcome = "retry"     // the provider lost it: send it again
)

// DeliveryReport is a provider's word about one message, from a callback or a status poll.
type DeliveryReport struct {
	Provider string // the provider's name, as recorded on the notification
	Ref      string // the provider's reference for the message
	Outcome  Outcome
	Detail   string // the provider's own status words, kept as the notification's last error
	At       time.Time
}

// NotifyOutcome maps a GOV.UK Notify status (texts, emails and letters) to an outcome.
func NotifyOutcome(status string) Outcome {
	switch status {
	case "delivered", "received":
		return OutcomeDelivered
	case "permanent-failure", "temporary-failure", "validation-failed", "virus-scan-failed", "cancelled":
		return OutcomeUndelivered
	case "technical-failure":
		return OutcomeResend
	}
	return OutcomePending
}

// TwilioOutcome maps a Twilio message status to an outcome.
func TwilioOutcome(status string) Outcome {
	switch status {
	case "delivered":
		return OutcomeDelivered
	case "undelivered", "failed":
		return OutcomeUndelivered
	}
	return OutcomePending
}
