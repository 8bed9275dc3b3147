package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

type sessionsController struct {
	d    *Deps
	auth *authenticator
}

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// create signs in: it checks the email and password and sets the session
// cookie. Every failure looks the same, so it does not tell which emails
// exist.
func (sc *sessionsController) create(c *gin.Context) {
	if err := sc.auth.checkOrigin(c.Request); err != nil {
		abortError(c, http.StatusForbidden, "cross-site sign-in refused: %s", err)
		return
	}
	var req signInRequest
	if !readJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	user, err := sc.d.Store.FindUser(ctx, strings.TrimSpace(req.Email))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		sc.d.Logger.Error("finding user", "err", err)
		abortError(c, http.StatusInternalServerError, "looking up the user failed")
		return
	}
	hash := dummyHash
	if user != nil {
		hash = user.HashedPassword
	}
	// Check the password even for an unknown email, so timing does not
	// tell the two apart.
	if !models.CheckPassword(hash, req.Password) || user == nil {
		abortError(c, http.StatusUnauthorized, "wrong email or password")
		return
	}
	token, id := newSessionToken()
	now := sc.auth.now()
	if err := sc.d.Store.CreateSession(ctx, &models.Session{ID: id, Email: user.Email, LastUsedAt: now}); err != nil {
		sc.d.Logger.Error("creating session", "err", err)
		abortError(c, http.StatusInternalServerError, "creating the session failed")
		return
	}
	if n, err := sc.d.Store.DeleteExpiredSessions(ctx, now.Add(-sc.auth.cfg.SessionTimeout)); err != nil {
		sc.d.Logger.Warn("deleting expired sessions", "err", err)
	} else if n > 0 {
		sc.d.Logger.Debug("expired sessions deleted", "count", n)
	}
	sc.auth.setSessionCookie(c, token, 0)
	render(c, http.StatusOK, Document{Data: Resource{Type: "session", ID: "session", Attributes: gin.H{"authenticated": true, "email": user.Email}}})
}

// destroy signs out: it deletes the session and clears the cookie.
func (sc *sessionsController) destroy(c *gin.Context) {
	if err := sc.d.Store.DeleteSession(c.Request.Context(), c.GetString(ctxSessionID)); err != nil {
		sc.d.Logger.Error("deleting session", "err", err)
		abortError(c, http.StatusInternalServerError, "signing out failed")
		return
	}
	sc.auth.setSessionCookie(c, "", -1)
	render(c, http.StatusOK, Document{Data: Resource{Type: "session", ID: "session", Attributes: gin.H{"authenticated": false}}})
}

// dummyHash is a bcrypt hash of a random password nobody knows, checked
// against when the email is unknown.
var dummyHash = func() string {
	token, _ := newSessionToken()
	h, err := models.HashPassword(token[:32])
	if err != nil {
		panic(err) // programmer error: the input is always valid
	}
	return h
}()

type userController struct {
	d *Deps
}

type userAttributes struct {
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"createdAt"`
}

// show returns the signed-in user.
func (uc *userController) show(c *gin.Context) {
	u, err := uc.d.Store.FindUser(c.Request.Context(), userEmail(c))
	if err != nil {
		abortStoreError(c, uc.d, "user", err)
		return
	}
	render(c, http.StatusOK, Document{Data: Resource{Type: "users", ID: u.Email, Attributes: userAttributes{Email: u.Email, CreatedAt: u.CreatedAt}}})
}

type passwordChange struct {
	OldPassword string `json:"oldPassword"`
	NewPassword string `json:"newPassword"`
}

// updatePassword changes the user's password after checking the old one,
// and signs out every other session of the user.
func (uc *userController) updatePassword(c *gin.Context) {
	var req passwordChange
	if !readJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	u, err := uc.d.Store.FindUser(ctx, userEmail(c))
	if err != nil {
		abortStoreError(c, uc.d, "user", err)
		return
	}
	ve := &models.ValidationError{}
	if !models.CheckPassword(u.HashedPassword, req.OldPassword) {
		ve.Add("oldPassword", "is not the current password")
	}
	hash, err := models.HashPassword(req.NewPassword)
	if err != nil {
		ve.Add("newPassword", "%s", err)
	}
	if !ve.Empty() {
		abortValidation(c, ve)
		return
	}
	err = uc.d.Store.Transact(ctx, func(tx *store.Store) error {
		if err := tx.UpdateUserPassword(ctx, u.Email, hash); err != nil {
			return err
		}
		return tx.DeleteUserSessionsExcept(ctx, u.Email, c.GetString(ctxSessionID))
	})
	if err != nil {
		abortStoreError(c, uc.d, "user", err)
		return
	}
	render(c, http.StatusOK, Document{Data: Resource{Type: "users", ID: u.Email, Attributes: userAttributes{Email: u.Email, CreatedAt: u.CreatedAt}}})
}

// abortStoreError answers 404 for a missing row and 500 otherwise,
// logging the latter.
func abortStoreError(c *gin.Context, d *Deps, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		abortError(c, http.StatusNotFound, "%s not found", what)
	case errors.Is(err, store.ErrDuplicate):
		abortError(c, http.StatusConflict, "%s already exists", what)
	default:
		d.Logger.Error("store error", "what", what, "err", err)
		abortError(c, http.StatusInternalServerError, "internal error reading or writing the %s", what)
	}
}
