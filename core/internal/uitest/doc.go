// Package uitest drives the operator UI (operator_ui) in a real browser:
// Debian's chromium, started once per test binary through chromedp, against
// a real node in the test process (the REST API router over a fresh test
// store, with the real RunManager, JobRunner and adapter registry) and a
// local price server for httpget tasks.
//
// The tests sign in, create a job from the editor (seeing a field error
// first), run it, watch it complete, create and delete a bridge and sign
// out, and check that the pages fit 375 px wide. Each page's screenshot
// is written, at 1280 and 375 px wide for the dashboard, job and run
// pages, to $PYTHIA_ARTIFACTS/operator_ui when that is set, else to
// operator_ui/test-artifacts/ (gitignored).
//
// Without /usr/bin/chromium (or $PYTHIA_CHROMIUM) the tests skip, and fail
// under CI=true. Each test uses its own browser context (cookies are not
// shared) and its own node.
package uitest
