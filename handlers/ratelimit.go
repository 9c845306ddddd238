package handlers

import (
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// errTooManyRequests is shown when one address sends too many sign-in forms.
var errTooManyRequests = echo.NewHTTPError(http.StatusTooManyRequests, "too many requests")

// ipLimiter limits requests per client address in memory; per-contact limits live in the database.
type ipLimiter struct {
	mu       sync.Mutex
	perMin   int
	limiters map[string]*ipEntry
	lastGC   time.Time
}

type ipEntry struct {
	l    *rate.Limiter
	seen time.Time
}

func newIPLimiter(perMinute int) *ipLimiter {
	return &ipLimiter{perMin: perMinute, limiters: map[string]*ipEntry{}}
}

func (il *ipLimiter) allow(ip string) bool {
	il.mu.Lock()
	defer il.mu.Unlock()
	now := time.Now()
	if now.Sub(il.lastGC) > 10*time.Minute {
		for k, e := range il.limiters {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(il.limiters, k)
			}
		}
		il.lastGC = now
	}
	e, ok := il.limiters[ip]
	if !ok {
		e = &ipEntry{l: rate.NewLimiter(rate.Limit(float64(il.perMin)/60), il.perMin)}
		il.limiters[ip] = e
	}
	e.seen = now
	return e.l.Allow()
}

func (il *ipLimiter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodPost && !il.allow(c.RealIP()) {
			return errTooManyRequests
		}
		return next(c)
	}
}
