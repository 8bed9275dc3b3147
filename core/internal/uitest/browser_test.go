package uitest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is the one chromium of this test binary, started by the first
// test that needs it and stopped by TestMain.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

func chromiumPath() string {
	if p := os.Getenv("PYTHIA_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// startBrowser starts chromium once; it skips the test when chromium is
// missing, and fails it under CI=true.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not found at %s (CI=true): install it with tools/ci/install.sh (apt-get install chromium)", path)
		}
		t.Skipf("chromium not found at %s: install it (apt-get install chromium) or set PYTHIA_CHROMIUM", path)
	}
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "pythia-uitest-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("hide-scrollbars", true),
			chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(actx)
		browser.ctx = ctx
		browser.cancel = func() {
			cancelCtx()
			cancelAlloc()
			_ = os.RemoveAll(dir)
		}
		// No timeout on the first call: it would end the browser with it.
		browser.err = chromedp.Do(ctx)
	})
	if browser.err != nil {
		t.Fatalf("starting chromium: %v", browser.err)
	}
	return browser.ctx
}

// page is one test's tab, in a browser context of its own (no cookies
// shared with other tests), with a deadline for all its steps.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newPage(t *testing.T, base string) *page {
	t.Helper()
	bctx := startBrowser(t)
	tab, cancelTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	p := &page{t: t, ctx: ctx, base: base}
	p.do(chromedp.EmulateViewport(1280, 900))
	return p
}

// do runs steps, failing the test with what was on screen when one fails.
func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v\npage %s shows:\n%s", err, p.location(), p.text())
	}
}

func (p *page) location() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	return s
}

// text is the page's visible text, for failure messages and assertions.
func (p *page) text() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	return s
}

// eval evaluates a JavaScript expression.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v\npage %s shows:\n%s", js, err, p.location(), p.text())
	}
	return v
}

// waitFor waits until the JavaScript expression is truthy.
func (p *page) waitFor(what, js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v\npage %s shows:\n%s", what, js, err, p.location(), p.text())
	}
}

func (p *page) open(path string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.base + path))
}

// artifactsDir is where screenshots go: $PYTHIA_ARTIFACTS/operator_ui, or
// operator_ui/test-artifacts in the repository.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "operator_ui", "test-artifacts")
	if a := os.Getenv("PYTHIA_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "operator_ui")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		t.Fatalf("creating the screenshot directory: %v", err)
	}
	return abs
}

// screenshot writes the whole page as name-WIDTH.png at each width and
// checks that nothing is wider than the screen. It leaves the viewport
// at 1280.
func (p *page) screenshot(name string, widths ...int64) {
	p.t.Helper()
	if len(widths) == 0 {
		widths = []int64{1280}
	}
	dir := artifactsDir(p.t)
	// Toasts from earlier steps would cover the page.
	eval[bool](p, `(document.getElementById('toasts')?.replaceChildren(), true)`)
	for _, w := range widths {
		p.do(chromedp.EmulateViewport(w, 900))
		// Let layout settle at the new width before measuring.
		p.waitFor(fmt.Sprintf("layout at %d px", w), fmt.Sprintf(`window.innerWidth === %d`, w))
		if over := eval[int64](p, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			p.t.Errorf("%s at %d px: the page is %d px wider than the screen", name, w, over)
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.t.Fatalf("screenshot of %s at %d px: %v", name, w, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.t.Fatalf("writing %s: %v", file, err)
		}
		p.t.Logf("screenshot: %s", file)
	}
	p.do(chromedp.EmulateViewport(1280, 900))
}
