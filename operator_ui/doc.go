// Package operatorui is the operator web UI: hand-written HTML, CSS and
// JavaScript modules under static/, embedded into the binary so running
// the node needs no front-end build.
//
// core/web serves FS() for GET requests that no API route matches, with
// index.html for unknown paths; the page then routes itself (history
// API) and talks only to the public REST API: POST/DELETE /sessions,
// /v2/... and /health. Every URL in the files is absolute ("/app.css"),
// since index.html is also the answer for nested paths like /jobs/ID.
// No framework and no CDN: the node must work offline.
//
// The browser tests live in core/internal/uitest.
package operatorui
