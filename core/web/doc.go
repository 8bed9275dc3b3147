// Package web is the node's HTTP face: the gin router (the only importer of
// gin), its controllers, authentication and JSON:API presenters, and the
// server that listens on CHAINLINK_PORT.
//
// Routes, as in the classic node so its clients keep working:
//
//	GET    /health                          open: services' health and the latest head (503 when a service is down)
//	GET    /v2/ping                         open
//	POST   /sessions                        open, rate-limited per IP: sign in, sets the clsession cookie
//	DELETE /sessions                        sign out
//	GET    /v2/user, PATCH /v2/user/password
//	GET    /v2/specs (paginated, newest first), POST /v2/specs (422 with every error by JSON pointer)
//	GET    /v2/specs/:id (with recent runs), DELETE /v2/specs/:id (archive)
//	POST   /v2/specs/:id/runs               session (web initiator) or external initiator headers
//	GET    /v2/runs (?jobId=, ?status=, paginated), GET /v2/runs/:id
//	PATCH  /v2/runs/:id                     bridge resume: Authorization: Bearer <incoming token>
//	PUT    /v2/runs/:id/cancellation
//	GET/POST /v2/bridge_types, GET/PATCH/DELETE /v2/bridge_types/:name
//	GET/POST /v2/external_initiators, DELETE /v2/external_initiators/:name
//	GET/POST /v2/keys; GET /v2/transactions, /v2/transactions/:hash; GET /v2/config
//
// Every other route needs the session cookie. Sessions end after
// SessionTimeout without a request; only the SHA-256 of a session token is
// stored. Cookie-authenticated writes pass a same-origin check (see
// authenticator.sameOriginWrite) instead of a CSRF token, so scripts that
// send no Origin keep working. Lists are ?page=N&size=M (at most 100) with
// meta.count and links; errors are {"errors":[{status, detail, source}]}.
// Bodies over AuthConfig.MaxBodyBytes answer 413.
//
// The router starts no goroutines: the rate limiter forgets old windows
// lazily and external initiators are called within the request that
// creates or archives their job. The Server is a lifecycle service: Start
// binds the port at once, so a port in use stops the node at start, then
// serves in a goroutine; Close shuts down gracefully, waiting for requests
// in flight.
package web
