package uitest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// signIn fills the sign-in form from the keyboard and presses Enter.
func signIn(p *page, password string) {
	p.t.Helper()
	p.waitFor("sign-in form", `!!document.querySelector('#signin-form input[name=email]')`)
	// chromedp.Clear resets the value attribute only; typed text lives in
	// the value property.
	eval[bool](p, `[...document.querySelectorAll('#signin-form input')].every(i => (i.value = '') === '')`)
	p.do(
		chromedp.SendKeys(chromedp.CSS(`#signin-form input[name=email]`), operatorEmail),
		chromedp.SendKeys(chromedp.CSS(`#signin-form input[name=password]`), password+"\r"),
	)
}

// lineOf is the 1-based line of text holding needle.
func lineOf(t *testing.T, text, needle string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the text", needle)
	return 0
}

const errTimes = `.field-error[data-pointer="/tasks/2/params/times"]`

// TestOperatorJourney is issue 8's walk through the UI: sign in, create a
// job from the editor (a field error first), run it, watch it complete,
// add, edit and delete a bridge, and sign out; with screenshots.
func TestOperatorJourney(t *testing.T) {
	n := startNode(t)
	price := priceServer(t)
	require.NoError(t, n.st.SaveHead(context.Background(), &models.Head{
		Number: 42, Hash: common.HexToHash("0x4242"), ParentHash: common.HexToHash("0x4141"), Timestamp: time.Now().UTC(),
	}))
	p := newPage(t, n.url)

	// Signed out, a page sends the operator to sign in, then back to it.
	p.open("/jobs")
	p.waitFor("the sign-in page", `location.pathname === '/signin' && !!document.querySelector('#signin-form')`)
	require.Contains(t, p.location(), "next="+url.QueryEscape("/jobs"))
	signIn(p, "wrong password")
	p.waitFor("the wrong-password message", `document.querySelector('#signin-form [role=alert]')?.textContent.includes('Wrong email or password')`)
	p.screenshot("signin", 1280, 375)
	signIn(p, operatorPassword)
	// The list is fetched after the page renders: wait for its content,
	// not only for the absence of a loading marker that may not be there yet.
	p.waitFor("the jobs page", `location.pathname === '/jobs' && document.querySelector('h1')?.textContent === 'Jobs' && !document.querySelector('.loading') && document.querySelector('main')?.innerText.includes('No jobs yet')`)
	require.Contains(t, p.text(), "No jobs yet")

	// The editor shows the API's error beside the field it names.
	p.do(chromedp.Click(chromedp.CSS(`main a[href="/jobs/new"]`)))
	p.waitFor("the editor", `!!document.querySelector('#spec-editor')`)
	bad := fmt.Sprintf(`{
  "initiators": [{"type": "web"}],
  "tasks": [
    {"type": "HttpGet", "params": {"get": %q}},
    {"type": "jsonparse", "params": {"path": ["USD"]}},
    {
      "type": "multiply",
      "params": {
        "times": "lots"
      }
    }
  ]
}`, price)
	p.do(chromedp.SetValue(chromedp.CSS(`#spec-editor`), bad), chromedp.Click(chromedp.CSS(`#create-job`)))
	p.waitFor("the times error", `!!document.querySelector('`+errTimes+`')`)
	wantLine := lineOf(t, bad, `"times"`)
	require.Equal(t, strconv.Itoa(wantLine), eval[string](p, `document.querySelector('`+errTimes+`').dataset.line`))
	require.Contains(t, eval[string](p, `document.querySelector('`+errTimes+`').textContent`), "times")
	require.True(t, eval[bool](p, fmt.Sprintf(`document.querySelectorAll('.editor-gutter div')[%d].classList.contains('err')`, wantLine-1)), "the gutter marks line %d", wantLine)
	require.True(t, eval[bool](p, fmt.Sprintf(`[...document.querySelectorAll('.editor-note')].some(n => n.dataset.line === '%d' && n.textContent.includes('times'))`, wantLine)), "a note sits beside line %d", wantLine)
	require.Equal(t, 1, eval[int](p, `document.querySelectorAll('.field-error').length`), p.text())
	p.screenshot("job-new-error", 1280, 375)

	// A syntax error is caught before sending, with its line.
	p.do(chromedp.SetValue(chromedp.CSS(`#spec-editor`), strings.Replace(bad, `"lots"`, `100,`, 1)), chromedp.Click(chromedp.CSS(`#create-job`)))
	p.waitFor("the syntax error", `[...document.querySelectorAll('.field-error')].some(b => b.textContent.includes('JSON syntax'))`)

	// Fixed, the job is created and its page shows it.
	p.do(chromedp.SetValue(chromedp.CSS(`#spec-editor`), strings.Replace(bad, `"lots"`, `100`, 1)), chromedp.Click(chromedp.CSS(`#create-job`)))
	p.waitFor("the job page", `/^\/jobs\/[0-9a-f]{32}$/.test(location.pathname) && !!document.querySelector('#run-now')`)
	jobID := strings.TrimPrefix(eval[string](p, `location.pathname`), "/jobs/")
	spec := eval[string](p, `document.querySelector('#job-spec').textContent`)
	require.Contains(t, spec, price)
	require.Contains(t, spec, `"times": 100`)
	require.Contains(t, p.text(), "No runs yet")

	// Run now: the run page follows the run until it completes.
	p.do(chromedp.Click(chromedp.CSS(`#run-now`)))
	p.waitFor("the run page", `/^\/runs\/[0-9a-f]{32}$/.test(location.pathname) && !!document.querySelector('#run-status')`)
	runID := strings.TrimPrefix(eval[string](p, `location.pathname`), "/runs/")
	p.waitFor("the run to complete", `document.querySelector('#run-status').dataset.status === 'completed'`)
	require.Equal(t, 3, eval[int](p, `document.querySelectorAll('#run-tasks tr[data-status=completed]').length`), p.text())
	require.Contains(t, eval[string](p, `document.querySelector('#run-result').textContent`), `"123456"`)
	require.Contains(t, p.text(), "Run ended: completed")
	// A task's details show its input and output.
	p.do(chromedp.Click(chromedp.CSS(`#run-tasks tr[data-task-index="2"] button`)))
	p.waitFor("task 2's details", `!!document.querySelector('#task-detail-2')`)
	detail := eval[string](p, `document.querySelector('#task-detail-2').textContent`)
	require.Contains(t, detail, "1234.56", "task 2's input is task 1's output")
	require.Contains(t, detail, "123456")
	p.screenshot("run", 1280, 375)

	// The job page lists the run.
	p.do(chromedp.Click(chromedp.CSS(`#main a[href="/jobs/` + jobID + `"]`)))
	p.waitFor("the run on the job page", `!!document.querySelector('#job-runs [data-run-id="`+runID+`"]')`)
	p.screenshot("job", 1280, 375)

	// The dashboard counts it and lists it among recent runs.
	p.do(chromedp.Click(chromedp.CSS(`#nav a[href="/"]`)))
	p.waitFor("the dashboard", `!!document.querySelector('#recent-runs [data-run-id="`+runID+`"]') && !!document.querySelector('#node-address')`)
	require.Equal(t, "1", eval[string](p, `document.querySelector('#jobs-count').textContent`))
	require.Equal(t, "1", eval[string](p, `document.querySelector('#runs-card [data-group=completed] .n').textContent`))
	require.Contains(t, eval[string](p, `document.querySelector('#latest-head').textContent`), "#42")
	require.Regexp(t, `^0x[0-9a-fA-F]{40}$`, eval[string](p, `document.querySelector('#node-address').textContent`))
	p.screenshot("dashboard", 1280, 375)

	// The jobs list finds the job by a task type.
	p.open("/jobs?q=jsonparse")
	p.waitFor("the search hit", `!!document.querySelector('[data-job-id="`+jobID+`"]')`)
	p.open("/jobs?q=nosuchthing")
	p.waitFor("the empty search", `document.body.innerText.includes('No job matches')`)

	// Bridges: a bad name is marked on its field; a good one shows its
	// tokens once; it can be edited and deleted.
	p.do(chromedp.Click(chromedp.CSS(`#nav a[href="/bridges"]`)))
	p.waitFor("the bridges page", `!!document.querySelector('#bridge-name') && document.body.innerText.includes('No bridges yet')`)
	p.do(
		chromedp.SendKeys(chromedp.CSS(`#bridge-name`), "Bad Name"),
		chromedp.SendKeys(chromedp.CSS(`#bridge-url`), price+"/adapter"),
		chromedp.Click(chromedp.CSS(`.bridge-form button[type=submit]`)),
	)
	p.waitFor("the name error", `document.querySelector('#bridge-name-msg').textContent.length > 0 && document.querySelector('#bridge-name').getAttribute('aria-invalid') === 'true'`)
	p.do(chromedp.SetValue(chromedp.CSS(`#bridge-name`), "prices"), chromedp.Click(chromedp.CSS(`.bridge-form button[type=submit]`)))
	p.waitFor("the new bridge and its tokens", `!!document.querySelector('[data-bridge="prices"]') && (document.querySelector('#incoming-token')?.textContent.length ?? 0) > 10`)
	token := eval[string](p, `document.querySelector('#incoming-token').textContent`)
	p.screenshot("bridges", 1280, 375)
	p.do(chromedp.Reload())
	p.waitFor("the bridges list again", `!!document.querySelector('[data-bridge="prices"]')`)
	require.NotContains(t, p.text(), token, "the incoming token is shown once")

	p.do(chromedp.Click(chromedp.CSS(`[data-bridge="prices"] a[href="/bridges/prices"][aria-label]`)))
	p.waitFor("the bridge page", `!!document.querySelector('#bridge-confirmations')`)
	p.do(chromedp.SetValue(chromedp.CSS(`#bridge-confirmations`), "3"), chromedp.Click(chromedp.CSS(`.bridge-form button[type=submit]`)))
	p.waitFor("the edited bridge", `location.pathname === '/bridges' && document.querySelector('[data-bridge="prices"] td[data-label=Confirmations]')?.textContent === '3'`)

	p.do(chromedp.Click(chromedp.CSS(`[data-delete-bridge="prices"]`)))
	p.waitFor("the confirmation", `!!document.querySelector('[data-confirm-delete="prices"]')`)
	p.do(chromedp.Click(chromedp.CSS(`[data-confirm-delete="prices"]`)))
	p.waitFor("the bridge gone", `!document.querySelector('[data-bridge="prices"]') && document.body.innerText.includes('No bridges yet')`)

	// The other pages, each with its screenshot.
	for _, pg := range []struct{ path, ready, name string }{
		{"/runs", `!!document.querySelector('[data-run-id="` + runID + `"]')`, "runs"},
		{"/jobs", `!!document.querySelector('[data-job-id="` + jobID + `"]')`, "jobs"},
		{"/transactions", `document.body.innerText.includes('No transactions yet')`, "transactions"},
		{"/keys", `document.querySelectorAll('main td .mono').length >= 1`, "keys"},
		{"/config", `document.body.innerText.includes('CHAINLINK_PORT') && document.body.innerText.includes('[redacted]')`, "config"},
		{"/no/such/page", `document.querySelector('h1')?.textContent === 'Page not found'`, "not-found"},
	} {
		p.open(pg.path)
		p.waitFor(pg.path, pg.ready)
		p.screenshot(pg.name)
	}

	// Sign out: the session is gone and pages lead to sign-in again.
	p.open("/")
	p.waitFor("the dashboard", `!!document.querySelector('#jobs-count')`)
	p.do(chromedp.Click(chromedp.CSS(`#sign-out`)))
	p.waitFor("the sign-in page", `location.pathname === '/signin' && !!document.querySelector('#signin-form')`)
	status, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`fetch('/v2/user').then(r => r.status)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, 401, status)
	p.open("/runs/" + runID)
	p.waitFor("sign-in again", `location.pathname === '/signin'`)
}

// TestNarrowScreenNavigation checks the menu at 375 px: collapsed, opened
// from the keyboard, and every page link reachable.
func TestNarrowScreenNavigation(t *testing.T) {
	n := startNode(t)
	p := newPage(t, n.url)
	p.open("/signin")
	signIn(p, operatorPassword)
	p.waitFor("the dashboard", `!!document.querySelector('#jobs-count')`)
	p.do(chromedp.EmulateViewport(375, 812))
	p.waitFor("the narrow layout", `window.innerWidth === 375 && getComputedStyle(document.querySelector('#nav')).display === 'none'`)
	require.Equal(t, "false", eval[string](p, `document.querySelector('#nav-toggle').getAttribute('aria-expanded')`))
	p.do(chromedp.Focus(chromedp.CSS(`#nav-toggle`)), chromedp.KeyEvent("\r"))
	p.waitFor("the open menu", `document.querySelector('#nav-toggle').getAttribute('aria-expanded') === 'true' && getComputedStyle(document.querySelector('#nav')).display !== 'none'`)
	p.do(chromedp.Click(chromedp.CSS(`#nav a[href="/keys"]`)))
	p.waitFor("the keys page, menu closed", `location.pathname === '/keys' && document.querySelector('#nav-toggle').getAttribute('aria-expanded') === 'false'`)
	require.Equal(t, "page", eval[string](p, `document.querySelector('#nav a[href="/keys"]').getAttribute('aria-current')`))
	// Every control the pages show has a label.
	for _, path := range []string{"/", "/jobs", "/jobs/new", "/runs", "/bridges", "/keys", "/config"} {
		p.open(path)
		p.waitFor(path, `!!document.querySelector('main h1') && !document.querySelector('main .loading')`)
		unlabelled := eval[[]string](p, `[...document.querySelectorAll('input, select, textarea')].filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name || el.id || el.outerHTML.slice(0, 60))`)
		require.Empty(t, unlabelled, "controls without a label on %s", path)
		require.LessOrEqual(t, eval[int](p, `document.documentElement.scrollWidth`), 375, "%s fits 375 px", path)
	}
}
