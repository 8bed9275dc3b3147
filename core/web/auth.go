package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// SessionCookie is the name of the operator's session cookie, as in the
// classic node.
const SessionCookie = "clsession"

// Headers an external initiator proves itself with, as in the classic
// node.
const (
	HeaderEIAccessKey = "X-Chainlink-EA-AccessKey"
	HeaderEISecret    = "X-Chainlink-EA-Secret"
)

// context keys set by the authentication middleware.
const (
	ctxUser      = "pythia.user"
	ctxSessionID = "pythia.session"
	ctxEI        = "pythia.external_initiator"
)

const notSignedIn = "not signed in: sign in with POST /sessions (from a shell: `pythia admin login`)"

// newSessionToken returns a fresh session token and its ID, the hex
// SHA-256 that is all the database keeps.
func newSessionToken() (token, id string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, sessionID(token)
}

// sessionID hashes a session token. Looking a session up by its hash
// leaks nothing through timing: an attacker controls the token, not its
// hash.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// authenticator checks operator sessions and external initiators, and
// protects cookie-authenticated writes from cross-site requests.
type authenticator struct {
	st   *store.Store
	cfg  AuthConfig
	now  func() time.Time
	lggr *slog.Logger
}

// session finds the operator's session from the cookie and renews its
// inactivity timer. It reports false, having answered 401, when there is
// no valid session.
func (a *authenticator) session(c *gin.Context) bool {
	token, err := c.Cookie(SessionCookie)
	if err != nil || token == "" {
		abortError(c, http.StatusUnauthorized, notSignedIn)
		return false
	}
	id := sessionID(token)
	ctx := c.Request.Context()
	sess, err := a.st.FindSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		abortError(c, http.StatusUnauthorized, "session is not valid (signed out or replaced): sign in again with POST /sessions (`pythia admin login`)")
		return false
	}
	if err != nil {
		a.lggr.Error("finding session", "err", err)
		abortError(c, http.StatusInternalServerError, "looking up the session failed")
		return false
	}
	now := a.now()
	if now.Sub(sess.LastUsedAt) > a.cfg.SessionTimeout {
		if err := a.st.DeleteSession(ctx, id); err != nil {
			a.lggr.Warn("deleting expired session", "err", err)
		}
		abortError(c, http.StatusUnauthorized, "session expired after %s without use: sign in again with POST /sessions (`pythia admin login`)", a.cfg.SessionTimeout)
		return false
	}
	// Renewing on every request would make every read a write; a
	// renewal a little late shortens the session by at most that much.
	if now.Sub(sess.LastUsedAt) > min(time.Minute, a.cfg.SessionTimeout/10) {
		if err := a.st.TouchSession(ctx, id, now); err != nil {
			a.lggr.Warn("renewing session", "err", err)
		}
	}
	c.Set(ctxUser, sess.Email)
	c.Set(ctxSessionID, id)
	return true
}

// requireSession admits requests with a valid session cookie; writes
// must also pass the cross-site check.
func (a *authenticator) requireSession(c *gin.Context) {
	if !a.session(c) {
		return
	}
	if !a.sameOriginWrite(c) {
		return
	}
	c.Next()
}

// externalInitiator authenticates the access key and secret headers.
// It reports false, having answered 401, when they do not match.
func (a *authenticator) externalInitiator(c *gin.Context) (*models.ExternalInitiator, bool) {
	key, secret := c.GetHeader(HeaderEIAccessKey), c.GetHeader(HeaderEISecret)
	if key == "" || secret == "" {
		abortError(c, http.StatusUnauthorized, "external initiator credentials missing: send %s and %s", HeaderEIAccessKey, HeaderEISecret)
		return nil, false
	}
	ei, err := a.st.FindExternalInitiatorByAccessKey(c.Request.Context(), key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.lggr.Error("finding external initiator", "err", err)
		abortError(c, http.StatusInternalServerError, "looking up the external initiator failed")
		return nil, false
	}
	// SecretMatches runs in constant time, and also for an unknown key
	// (against nothing), so the answer's timing does not tell which was
	// wrong.
	if ei == nil {
		(&models.ExternalInitiator{HashedSecret: "x", Salt: "x"}).SecretMatches(secret)
		abortError(c, http.StatusUnauthorized, "external initiator credentials are wrong")
		return nil, false
	}
	if !ei.SecretMatches(secret) {
		abortError(c, http.StatusUnauthorized, "external initiator credentials are wrong")
		return nil, false
	}
	return ei, true
}

// sameOriginWrite is the CSRF protection of cookie-authenticated writes.
//
// Browsers attach cookies to cross-site requests, so a write is refused
// when the browser says it comes from another site: an Origin (or, when
// no Origin is sent, a Referer) that is neither this host nor one of
// ALLOW_ORIGINS, or Sec-Fetch-Site: cross-site from an origin not
// allowed. Every browser that runs a page's script or submits its form
// sends at least one of these on POST, PATCH, PUT and DELETE, so a
// request with none of them comes from a script (curl, the CLI), which
// holds its cookie itself and cannot be tricked into sending it. The
// cookie is also SameSite=Strict, so current browsers do not send it
// cross-site at all; this check covers older ones and same-site
// subdomains. No token dance is needed, and scripts keep working.
func (a *authenticator) sameOriginWrite(c *gin.Context) bool {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if err := a.checkOrigin(c.Request); err != nil {
		abortError(c, http.StatusForbidden, "cross-site request refused: %s", err)
		return false
	}
	return true
}

func (a *authenticator) checkOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		if ref := r.Header.Get("Referer"); ref != "" {
			u, err := url.Parse(ref)
			if err != nil || u.Host == "" {
				return fmt.Errorf("unreadable Referer")
			}
			origin = u.Scheme + "://" + u.Host
		}
	}
	if origin == "" {
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			return fmt.Errorf("the browser marked it cross-site")
		}
		return nil
	}
	if a.allowedOrigin(origin) {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return fmt.Errorf("origin %q is not this node", origin)
	}
	if !strings.EqualFold(u.Host, r.Host) {
		return fmt.Errorf("origin %q is not this node (%s) nor in ALLOW_ORIGINS", origin, r.Host)
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return fmt.Errorf("the browser marked it cross-site")
	}
	return nil
}

// allowedOrigin reports whether origin is listed in ALLOW_ORIGINS.
func (a *authenticator) allowedOrigin(origin string) bool {
	origin = strings.TrimRight(origin, "/")
	for _, o := range a.cfg.AllowOrigins {
		if o == "*" || strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// cors answers preflight requests and lets origins in ALLOW_ORIGINS read
// answers with credentials.
func (a *authenticator) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	allowed := origin != "" && a.allowedOrigin(origin)
	if allowed {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
	}
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		if allowed {
			h := c.Writer.Header()
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, "+HeaderEIAccessKey+", "+HeaderEISecret)
			h.Set("Access-Control-Max-Age", "600")
		}
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// setSessionCookie hands the browser or script its session token.
func (a *authenticator) setSessionCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode,
	})
}

// rateLimiter allows limit events per key in each fixed window.
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	slots map[string]*rateSlot
}

type rateSlot struct {
	start time.Time
	n     int
}

func newRateLimiter(limit int, window time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, now: now, slots: map[string]*rateSlot{}}
}

// allow counts an event for key and reports whether it is within the
// limit, and if not how long until the window ends.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.slots) > 4096 { // forget finished windows; bounded memory
		for k, s := range l.slots {
			if now.Sub(s.start) >= l.window {
				delete(l.slots, k)
			}
		}
	}
	s, ok := l.slots[key]
	if !ok || now.Sub(s.start) >= l.window {
		s = &rateSlot{start: now}
		l.slots[key] = s
	}
	s.n++
	if s.n > l.limit {
		return false, s.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// limit answers 429 to clients over the limit, keyed by client IP (the
// connection's address: no proxy headers are trusted).
func (l *rateLimiter) middleware(c *gin.Context) {
	ok, wait := l.allow(c.ClientIP())
	if !ok {
		secs := int(wait.Round(time.Second) / time.Second)
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
		abortError(c, http.StatusTooManyRequests, "too many sign-in attempts from this address: wait %d seconds", max(secs, 1))
		return
	}
	c.Next()
}

// bodyLimit caps request bodies at max bytes: larger ones answer 413,
// before any handler reads them when Content-Length says so.
func bodyLimit(maxBytes int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBytes {
			abortError(c, http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxBytes)
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBytes)
		}
		c.Next()
	}
}

func userEmail(c *gin.Context) string { return c.GetString(ctxUser) }
