package hub

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the hub's whole configuration, read once at start from PATIENTHUB_* variables
// and the same settings as flags.
type Config struct {
	Listen       string
	PublicURL    string
	DatabaseURL  string
	DataDir      string
	Demo         bool
	SecretKey    string
	HospitalName string
	LogLevel     string
	TrustProxy   bool

	OTPTTL               time.Duration
	SessionIdle          time.Duration
	SessionMax           time.Duration
	StaffSessionIdle     time.Duration
	SignInPerIPPerMinute int

	SMSProvider   string
	EmailProvider string
	PostProvider  string
	AllowOutbox   bool // the outbox outside demo mode: for development only

	NotifyConfig
	StaffConfig
	RetentionConfig
}

// HTTPS reports whether the public address is https, which makes cookies Secure and __Host-.
func (c Config) HTTPS() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// setting describes one configuration value: its variable, flag, default and parser.
type setting struct {
	env, flag, def, usage string
	secret                bool
	set                   func(c *Config, v string) error
}

func durationSetting(dst func(c *Config) *time.Duration) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("must be a positive duration like 150s, 15m or 12h")
		}
		*dst(c) = d
		return nil
	}
}

func boolSetting(dst func(c *Config) *bool) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		*dst(c) = b
		return nil
	}
}

func stringSetting(dst func(c *Config) *string, allowed ...string) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		if len(allowed) > 0 && !contains(allowed, v) {
			return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
		}
		*dst(c) = v
		return nil
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

var settings = append(append(append([]setting{
	{env: "PATIENTHUB_LISTEN", flag: "listen", def: ":8080", usage: "address to listen on", set: stringSetting(func(c *Config) *string { return &c.Listen })},
	{env: "PATIENTHUB_PUBLIC_URL", flag: "public-url", def: "http://localhost:8080", usage: "the address patients use; links in messages point here", set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an http or https address like https://hub.example.nhs.uk")
		}
		c.PublicURL = strings.TrimRight(v, "/")
		return nil
	}},
	{env: "PATIENTHUB_DATABASE_URL", flag: "database-url", usage: "PostgreSQL URL; empty keeps data in SQLite inside the data folder", secret: true, set: stringSetting(func(c *Config) *string { return &c.DatabaseURL })},
	{env: "PATIENTHUB_DATA", flag: "data", def: "./data", usage: "data folder (the SQLite file lives here)", set: stringSetting(func(c *Config) *string { return &c.DataDir })},
	{env: "PATIENTHUB_DEMO", flag: "demo", def: "false", usage: "seed a demo hospital and keep every message in /dev/outbox", set: boolSetting(func(c *Config) *bool { return &c.Demo })},
	{env: "PATIENTHUB_SECRET_KEY", flag: "secret-key", usage: "at least 32 characters; signs cookies and protects security codes (required outside demo mode)", secret: true, set: stringSetting(func(c *Config) *string { return &c.SecretKey })},
	{env: "PATIENTHUB_HOSPITAL_NAME", flag: "hospital-name", def: "Demo Teaching Hospitals NHS Trust", usage: "the hospital's name in pages and messages", set: stringSetting(func(c *Config) *string { return &c.HospitalName })},
	{env: "PATIENTHUB_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error", set: stringSetting(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error")},
	{env: "PATIENTHUB_TRUST_PROXY", flag: "trust-proxy", def: "false", usage: "take the client address from X-Forwarded-For (only behind your own load balancer)", set: boolSetting(func(c *Config) *bool { return &c.TrustProxy })},
	{env: "PATIENTHUB_OTP_TTL", flag: "otp-ttl", def: "150s", usage: "how long a sign-in security code lasts", set: durationSetting(func(c *Config) *time.Duration { return &c.OTPTTL })},
	{env: "PATIENTHUB_SESSION_IDLE", flag: "session-idle", def: "15m", usage: "a patient is signed out after this long without activity", set: durationSetting(func(c *Config) *time.Duration { return &c.SessionIdle })},
	{env: "PATIENTHUB_SESSION_MAX", flag: "session-max", def: "12h", usage: "a patient's session ends this long after sign-in", set: durationSetting(func(c *Config) *time.Duration { return &c.SessionMax })},
	{env: "PATIENTHUB_STAFF_SESSION_IDLE", flag: "staff-session-idle", def: "30m", usage: "staff are signed out after this long without activity", set: durationSetting(func(c *Config) *time.Duration { return &c.StaffSessionIdle })},
	{env: "PATIENTHUB_SIGNIN_PER_IP_PER_MINUTE", flag: "signin-per-ip-per-minute", def: "30", usage: "sign-in form posts allowed from one address each minute", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("must be a whole number of 1 or more")
		}
		c.SignInPerIPPerMinute = n
		return nil
	}},
	{env: "PATIENTHUB_SMS_PROVIDER", flag: "sms-provider", usage: "how texts are sent: notify or twilio (outbox in demo mode; required outside it)", set: stringSetting(func(c *Config) *string { return &c.SMSProvider }, "outbox", "notify", "twilio")},
	{env: "PATIENTHUB_EMAIL_PROVIDER", flag: "email-provider", usage: "how emails are sent: smtp or notify (outbox in demo mode; required outside it)", set: stringSetting(func(c *Config) *string { return &c.EmailProvider }, "outbox", "smtp", "notify")},
	{env: "PATIENTHUB_POST_PROVIDER", flag: "post-provider", usage: "how paper letters are sent: postroom or notify (outbox in demo mode; required outside it)", set: stringSetting(func(c *Config) *string { return &c.PostProvider }, "outbox", "postroom", "notify")},
	{env: "PATIENTHUB_ALLOW_OUTBOX", flag: "allow-outbox", def: "false", usage: "for development only: allow the outbox provider outside demo mode, which sends nothing and keeps every message, sign-in codes included, in the database", set: boolSetting(func(c *Config) *bool { return &c.AllowOutbox })},
}, notifySettings...), staffSettings...), retentionSettings...)

// providerChoices names each provider setting and the real providers it can be, for the message
// that asks for one.
var providerChoices = []struct {
	env, what, choices string
	get                func(c *Config) *string
}{
	{"PATIENTHUB_SMS_PROVIDER", "texts", "notify (GOV.UK Notify) or twilio", func(c *Config) *string { return &c.SMSProvider }},
	{"PATIENTHUB_EMAIL_PROVIDER", "emails", "smtp or notify (GOV.UK Notify)", func(c *Config) *string { return &c.EmailProvider }},
	{"PATIENTHUB_POST_PROVIDER", "paper letters", "postroom (the hospital's post room) or notify (GOV.UK Notify)", func(c *Config) *string { return &c.PostProvider }},
}

// LoadConfig reads the configuration serve runs with: defaults, then the environment, then flags
// in args. An invalid or missing value is an error naming the variable and what it must be.
func LoadConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	c, err := loadConfig(args, getenv, output)
	if err != nil {
		return c, err
	}
	if err := c.validate(); err != nil {
		return c, err
	}
	return c, c.validateProviders()
}

// LoadConfigWithoutProviders reads and checks the configuration like LoadConfig, except that it
// does not ask for the message providers, which only serve uses (migrate, config, create-staff).
func LoadConfigWithoutProviders(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	c, err := loadConfig(args, getenv, output)
	if err != nil {
		return c, err
	}
	return c, c.validate()
}

// loadConfig parses the settings, without the checks that span several of them.
func loadConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(output)
	flags := make(map[string]*string, len(settings))
	for _, s := range settings {
		flags[s.flag] = new(string)
		if s.def == "false" {
			fs.BoolFunc(s.flag, s.usage+" (env "+s.env+")", func(v string) error { *flags[s.flag] = v; return nil })
			continue
		}
		fs.Func(s.flag, s.usage+" (env "+s.env+")", func(v string) error { *flags[s.flag] = v; return nil })
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, s := range settings {
		v, from := s.def, ""
		if e := getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if f := *flags[s.flag]; f != "" {
			v, from = f, "--"+s.flag
		}
		if v == "" {
			continue
		}
		if err := s.set(&c, v); err != nil {
			if from == "" {
				from = s.env
			}
			return c, fmt.Errorf("%s: %q %v", from, v, err)
		}
		if s.env == "PATIENTHUB_QUIET_HOURS" && from == "" && c.Demo {
			// The demo shows the whole timeline at once, whatever the hour, unless asked otherwise.
			c.QuietHours = QuietHours{}
		}
	}
	if c.Demo {
		// The demo keeps every message in /dev/outbox unless told otherwise.
		for _, pc := range providerChoices {
			if p := pc.get(&c); *p == "" {
				*p = "outbox"
			}
		}
	}
	return c, nil
}

// validateProviders checks each channel has a provider, and that the outbox, which sends nothing
// and keeps every message (sign-in codes included) readable in the database, is used only in demo
// mode or where PATIENTHUB_ALLOW_OUTBOX says this is development.
func (c Config) validateProviders() error {
	for _, pc := range providerChoices {
		switch *pc.get(&c) {
		case "":
			return fmt.Errorf("%s: choose how %s are sent: %s", pc.env, pc.what, pc.choices)
		case "outbox":
			if !c.Demo && !c.AllowOutbox {
				return fmt.Errorf("%s: outbox sends nothing and keeps every message, sign-in codes included, in the database, so it is only for demo mode; choose %s (or, for development only, set PATIENTHUB_ALLOW_OUTBOX=true)",
					pc.env, pc.choices)
			}
		}
	}
	return nil
}

func (c Config) validate() error {
	if !c.Demo && len(c.SecretKey) < 32 {
		return fmt.Errorf("PATIENTHUB_SECRET_KEY: set a random secret of at least 32 characters (for example `openssl rand -hex 32`); only demo mode makes one up")
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		return fmt.Errorf("PATIENTHUB_SECRET_KEY: must be at least 32 characters")
	}
	if c.SessionIdle > c.SessionMax {
		return fmt.Errorf("PATIENTHUB_SESSION_IDLE: must not be longer than PATIENTHUB_SESSION_MAX")
	}
	return c.validateNotify()
}

// Print writes the effective configuration, one variable a line, with secrets masked.
func (c Config) Print(w io.Writer) {
	values := map[string]string{
		"PATIENTHUB_LISTEN": c.Listen, "PATIENTHUB_PUBLIC_URL": c.PublicURL, "PATIENTHUB_DATABASE_URL": c.DatabaseURL,
		"PATIENTHUB_DATA": c.DataDir, "PATIENTHUB_DEMO": strconv.FormatBool(c.Demo), "PATIENTHUB_SECRET_KEY": c.SecretKey,
		"PATIENTHUB_HOSPITAL_NAME": c.HospitalName, "PATIENTHUB_LOG_LEVEL": c.LogLevel,
		"PATIENTHUB_TRUST_PROXY": strconv.FormatBool(c.TrustProxy), "PATIENTHUB_OTP_TTL": c.OTPTTL.String(),
		"PATIENTHUB_SESSION_IDLE": c.SessionIdle.String(), "PATIENTHUB_SESSION_MAX": c.SessionMax.String(),
		"PATIENTHUB_STAFF_SESSION_IDLE":       c.StaffSessionIdle.String(),
		"PATIENTHUB_SIGNIN_PER_IP_PER_MINUTE": strconv.Itoa(c.SignInPerIPPerMinute),
		"PATIENTHUB_SMS_PROVIDER":             c.SMSProvider, "PATIENTHUB_EMAIL_PROVIDER": c.EmailProvider,
		"PATIENTHUB_POST_PROVIDER": c.PostProvider, "PATIENTHUB_ALLOW_OUTBOX": strconv.FormatBool(c.AllowOutbox),
	}
	for k, v := range c.notifyValues() {
		values[k] = v
	}
	for k, v := range c.staffValues() {
		values[k] = v
	}
	for k, v := range c.retentionValues() {
		values[k] = v
	}
	secret := map[string]bool{}
	for _, s := range settings {
		secret[s.env] = s.secret
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := values[k]
		if secret[k] && v != "" {
			v = mask(k, v)
		}
		fmt.Fprintf(w, "%s=%s\n", k, v)
	}
}

func mask(key, v string) string {
	if key == "PATIENTHUB_DATABASE_URL" || key == "PATIENTHUB_SMTP_URL" {
		if u, err := url.Parse(v); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
			return u.Redacted()
		}
		return v
	}
	return "******** (set)"
}
