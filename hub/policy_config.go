package hub

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// NotifyConfig is the notification part of the configuration: the policy's timings and the
// providers' settings.
type NotifyConfig struct {
	LetterReminders      []time.Duration // after a letter, while it is unread; ascending
	PostalFallbackAfter  time.Duration   // after a letter, still unread: it goes by post
	AppointmentReminders []time.Duration // before an appointment; descending
	QuietHours           QuietHours      // no texts or pushes in these hours (Europe/London)

	PushProvider string
	EmailFrom    string

	SMTPURL      string
	SMTPUser     string
	SMTPPassword string
	SMTPStartTLS string

	NotifyAPIKey        string
	NotifyBaseURL       string
	NotifySMSTemplate   string
	NotifyEmailTemplate string
	NotifyCallbackToken string
	NotifyPerMinute     int

	TwilioAccountSID string
	TwilioAuthToken  string
	TwilioFrom       string
	TwilioBaseURL    string
	TwilioPerSecond  int

	VAPIDPublicKey  string
	VAPIDPrivateKey string
	VAPIDSubject    string
}

// durationsSetting parses a comma-separated list of positive durations, or "none".
func durationsSetting(dst func(c *Config) *[]time.Duration, descending bool) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		var ds []time.Duration
		if v != "none" {
			for _, part := range strings.Split(v, ",") {
				d, err := time.ParseDuration(strings.TrimSpace(part))
				if err != nil || d <= 0 {
					return fmt.Errorf("must be positive durations separated by commas, like 24h,48h (or none)")
				}
				if slices.Contains(ds, d) {
					return fmt.Errorf("lists %s twice", d)
				}
				ds = append(ds, d)
			}
		}
		slices.Sort(ds)
		if descending {
			slices.Reverse(ds)
		}
		*dst(c) = ds
		return nil
	}
}

func intSetting(dst func(c *Config) *int) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("must be a whole number of 1 or more")
		}
		*dst(c) = n
		return nil
	}
}

func urlSetting(dst func(c *Config) *string) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an http or https address")
		}
		*dst(c) = strings.TrimRight(v, "/")
		return nil
	}
}

var notifySettings = []setting{
	{env: "PATIENTHUB_LETTER_REMINDERS", flag: "letter-reminders", def: "24h,48h", usage: "reminders after a letter while it is unread (or none)", set: durationsSetting(func(c *Config) *[]time.Duration { return &c.LetterReminders }, false)},
	{env: "PATIENTHUB_POSTAL_FALLBACK_AFTER", flag: "postal-fallback-after", def: "72h", usage: "a letter still unread this long after it arrived is posted", set: durationSetting(func(c *Config) *time.Duration { return &c.PostalFallbackAfter })},
	{env: "PATIENTHUB_APPOINTMENT_REMINDERS", flag: "appointment-reminders", def: "168h,24h", usage: "reminders this long before an appointment (or none)", set: durationsSetting(func(c *Config) *[]time.Duration { return &c.AppointmentReminders }, true)},
	{env: "PATIENTHUB_QUIET_HOURS", flag: "quiet-hours", def: "21:00-08:00", usage: "no texts or pushes between these times, Europe/London (off for none)", set: func(c *Config, v string) error {
		q, err := ParseQuietHours(v)
		c.QuietHours = q
		return err
	}},
	{env: "PATIENTHUB_PUSH_PROVIDER", flag: "push-provider", def: "webpush", usage: "web push to patients' devices: webpush or off", set: stringSetting(func(c *Config) *string { return &c.PushProvider }, "webpush", "off")},
	{env: "PATIENTHUB_EMAIL_FROM", flag: "email-from", usage: "the From address of emails, like Patient Hub <no-reply@hub.example.nhs.uk>", set: func(c *Config, v string) error {
		if _, err := mail.ParseAddress(v); err != nil {
			return fmt.Errorf("must be an email address, optionally with a name: Patient Hub <no-reply@hub.example.nhs.uk>")
		}
		c.EmailFrom = v
		return nil
	}},
	{env: "PATIENTHUB_SMTP_URL", flag: "smtp-url", usage: "SMTP server, smtp://host:587 (STARTTLS) or smtps://host:465; may hold user:password@", secret: true, set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return fmt.Errorf("must be an address like smtp://mail.example.nhs.uk:587")
		}
		c.SMTPURL = v
		return nil
	}},
	{env: "PATIENTHUB_SMTP_USER", flag: "smtp-user", usage: "SMTP user name, if not in the URL", set: stringSetting(func(c *Config) *string { return &c.SMTPUser })},
	{env: "PATIENTHUB_SMTP_PASSWORD", flag: "smtp-password", usage: "SMTP password, if not in the URL", secret: true, set: stringSetting(func(c *Config) *string { return &c.SMTPPassword })},
	{env: "PATIENTHUB_SMTP_STARTTLS", flag: "smtp-starttls", def: "required", usage: "STARTTLS on smtp://: required, opportunistic or off", set: stringSetting(func(c *Config) *string { return &c.SMTPStartTLS }, "required", "opportunistic", "off")},
	{env: "PATIENTHUB_NOTIFY_API_KEY", flag: "notify-api-key", usage: "GOV.UK Notify API key (name-serviceid-secret)", secret: true, set: stringSetting(func(c *Config) *string { return &c.NotifyAPIKey })},
	{env: "PATIENTHUB_NOTIFY_BASE_URL", flag: "notify-base-url", def: "https://api.notifications.service.gov.uk", usage: "GOV.UK Notify API address", set: urlSetting(func(c *Config) *string { return &c.NotifyBaseURL })},
	{env: "PATIENTHUB_NOTIFY_SMS_TEMPLATE", flag: "notify-sms-template", usage: "id of the Notify text template whose content is ((body))", set: stringSetting(func(c *Config) *string { return &c.NotifySMSTemplate })},
	{env: "PATIENTHUB_NOTIFY_EMAIL_TEMPLATE", flag: "notify-email-template", usage: "id of the Notify email template with subject ((subject)) and content ((body))", set: stringSetting(func(c *Config) *string { return &c.NotifyEmailTemplate })},
	{env: "PATIENTHUB_NOTIFY_CALLBACK_TOKEN", flag: "notify-callback-token", usage: "bearer token Notify sends with delivery receipts (at least 16 characters)", secret: true, set: stringSetting(func(c *Config) *string { return &c.NotifyCallbackToken })},
	{env: "PATIENTHUB_NOTIFY_PER_MINUTE", flag: "notify-per-minute", def: "3000", usage: "messages a minute sent to GOV.UK Notify, by each server", set: intSetting(func(c *Config) *int { return &c.NotifyPerMinute })},
	{env: "PATIENTHUB_TWILIO_ACCOUNT_SID", flag: "twilio-account-sid", usage: "Twilio account SID", set: stringSetting(func(c *Config) *string { return &c.TwilioAccountSID })},
	{env: "PATIENTHUB_TWILIO_AUTH_TOKEN", flag: "twilio-auth-token", usage: "Twilio auth token (also checks status callbacks)", secret: true, set: stringSetting(func(c *Config) *string { return &c.TwilioAuthToken })},
	{env: "PATIENTHUB_TWILIO_FROM", flag: "twilio-from", usage: "sending number (E.164) or messaging service SID (MG...)", set: stringSetting(func(c *Config) *string { return &c.TwilioFrom })},
	{env: "PATIENTHUB_TWILIO_BASE_URL", flag: "twilio-base-url", def: "https://api.twilio.com", usage: "Twilio API address", set: urlSetting(func(c *Config) *string { return &c.TwilioBaseURL })},
	{env: "PATIENTHUB_TWILIO_PER_SECOND", flag: "twilio-per-second", def: "10", usage: "texts a second sent to Twilio, by each server", set: intSetting(func(c *Config) *int { return &c.TwilioPerSecond })},
	{env: "PATIENTHUB_VAPID_PUBLIC_KEY", flag: "vapid-public-key", usage: "web push VAPID public key; empty: generated once and kept in the database", set: stringSetting(func(c *Config) *string { return &c.VAPIDPublicKey })},
	{env: "PATIENTHUB_VAPID_PRIVATE_KEY", flag: "vapid-private-key", usage: "web push VAPID private key", secret: true, set: stringSetting(func(c *Config) *string { return &c.VAPIDPrivateKey })},
	{env: "PATIENTHUB_VAPID_SUBJECT", flag: "vapid-subject", usage: "contact email push services may write to; default the From address of emails", set: stringSetting(func(c *Config) *string { return &c.VAPIDSubject })},
}

// validateNotify checks the timings fit together and each chosen provider has what it needs.
func (c Config) validateNotify() error {
	for _, d := range c.LetterReminders {
		if d >= c.PostalFallbackAfter {
			return fmt.Errorf("PATIENTHUB_LETTER_REMINDERS: each reminder must come before PATIENTHUB_POSTAL_FALLBACK_AFTER (%s)", c.PostalFallbackAfter)
		}
	}
	uses := func(name string) bool {
		return c.SMSProvider == name || c.EmailProvider == name || c.PostProvider == name
	}
	if c.EmailProvider == "smtp" && c.SMTPURL == "" {
		return fmt.Errorf("PATIENTHUB_SMTP_URL: set the SMTP server (smtp://host:587) to send email over SMTP")
	}
	if c.EmailProvider == "smtp" && c.EmailFrom == "" {
		return fmt.Errorf("PATIENTHUB_EMAIL_FROM: set the From address of emails")
	}
	if uses("notify") {
		if c.NotifyAPIKey == "" {
			return fmt.Errorf("PATIENTHUB_NOTIFY_API_KEY: set the GOV.UK Notify API key to send through GOV.UK Notify")
		}
		if c.SMSProvider == "notify" && c.NotifySMSTemplate == "" {
			return fmt.Errorf("PATIENTHUB_NOTIFY_SMS_TEMPLATE: set the id of a Notify text template whose content is ((body))")
		}
		if c.EmailProvider == "notify" && c.NotifyEmailTemplate == "" {
			return fmt.Errorf("PATIENTHUB_NOTIFY_EMAIL_TEMPLATE: set the id of a Notify email template with subject ((subject)) and content ((body))")
		}
		if (c.SMSProvider == "notify" || c.EmailProvider == "notify") && len(c.NotifyCallbackToken) < 16 {
			return fmt.Errorf("PATIENTHUB_NOTIFY_CALLBACK_TOKEN: set a random token of at least 16 characters, and the same as the callback bearer token in Notify")
		}
	}
	if c.SMSProvider == "twilio" && (c.TwilioAccountSID == "" || c.TwilioAuthToken == "" || c.TwilioFrom == "") {
		return fmt.Errorf("PATIENTHUB_TWILIO_ACCOUNT_SID, PATIENTHUB_TWILIO_AUTH_TOKEN and PATIENTHUB_TWILIO_FROM: all three are needed to send texts through Twilio")
	}
	if (c.VAPIDPublicKey == "") != (c.VAPIDPrivateKey == "") {
		return fmt.Errorf("PATIENTHUB_VAPID_PUBLIC_KEY and PATIENTHUB_VAPID_PRIVATE_KEY: set both, or neither to have a pair generated")
	}
	return nil
}

// notifyValues are the notification settings as Print shows them.
func (c Config) notifyValues() map[string]string {
	return map[string]string{
		"PATIENTHUB_LETTER_REMINDERS": durationList(c.LetterReminders), "PATIENTHUB_POSTAL_FALLBACK_AFTER": shortDuration(c.PostalFallbackAfter),
		"PATIENTHUB_APPOINTMENT_REMINDERS": durationList(c.AppointmentReminders), "PATIENTHUB_QUIET_HOURS": c.QuietHours.String(),
		"PATIENTHUB_PUSH_PROVIDER": c.PushProvider, "PATIENTHUB_EMAIL_FROM": c.EmailFrom,
		"PATIENTHUB_SMTP_URL": c.SMTPURL, "PATIENTHUB_SMTP_USER": c.SMTPUser, "PATIENTHUB_SMTP_PASSWORD": c.SMTPPassword,
		"PATIENTHUB_SMTP_STARTTLS": c.SMTPStartTLS, "PATIENTHUB_NOTIFY_API_KEY": c.NotifyAPIKey,
		"PATIENTHUB_NOTIFY_BASE_URL": c.NotifyBaseURL, "PATIENTHUB_NOTIFY_SMS_TEMPLATE": c.NotifySMSTemplate,
		"PATIENTHUB_NOTIFY_EMAIL_TEMPLATE": c.NotifyEmailTemplate, "PATIENTHUB_NOTIFY_CALLBACK_TOKEN": c.NotifyCallbackToken,
		"PATIENTHUB_NOTIFY_PER_MINUTE": strconv.Itoa(c.NotifyPerMinute), "PATIENTHUB_TWILIO_ACCOUNT_SID": c.TwilioAccountSID,
		"PATIENTHUB_TWILIO_AUTH_TOKEN": c.TwilioAuthToken, "PATIENTHUB_TWILIO_FROM": c.TwilioFrom,
		"PATIENTHUB_TWILIO_BASE_URL": c.TwilioBaseURL, "PATIENTHUB_TWILIO_PER_SECOND": strconv.Itoa(c.TwilioPerSecond),
		"PATIENTHUB_VAPID_PUBLIC_KEY": c.VAPIDPublicKey, "PATIENTHUB_VAPID_PRIVATE_KEY": c.VAPIDPrivateKey,
		"PATIENTHUB_VAPID_SUBJECT": c.VAPIDSubject,
	}
}

func durationList(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = shortDuration(d)
	}
	return strings.Join(parts, ",")
}

// shortDuration writes a duration as it is configured: "72h" rather than "72h0m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// SchedulerInterval is how often the scheduler looks for what is due: a quarter of the shortest
// letter timing, between half a second and a minute, so short demo timings still run on time.
func (c NotifyConfig) SchedulerInterval() time.Duration {
	shortest := c.PostalFallbackAfter
	for _, d := range c.LetterReminders {
		shortest = min(shortest, d)
	}
	if shortest <= 0 {
		return time.Minute
	}
	return min(max(shortest/4, 500*time.Millisecond), time.Minute)
}

// PushSubject is the contact given to push services: the VAPID subject, else the email From address.
func (c Config) PushSubject() string {
	if c.VAPIDSubject != "" {
		return c.VAPIDSubject
	}
	if a, err := mail.ParseAddress(c.EmailFrom); err == nil {
		return a.Address
	}
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" && u.Hostname() != "localhost" {
		return "patienthub@" + u.Hostname()
	}
	return "patienthub@example.org"
}
