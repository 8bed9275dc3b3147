package operatorui_test

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	operatorui "github.com/pythia-oracle/pythia/operator_ui"
)

// TestIndexReferencesExist checks that every absolute URL index.html and
// the stylesheet name is an embedded file.
func TestIndexReferencesExist(t *testing.T) {
	ui := operatorui.FS()
	attr := regexp.MustCompile(`(?:src|href)="(/[^"]*)"`)
	for _, name := range []string{"index.html"} {
		b, err := fs.ReadFile(ui, name)
		if err != nil {
			t.Fatalf("ReadFile(%q) = %v", name, err)
		}
		refs := attr.FindAllStringSubmatch(string(b), -1)
		if len(refs) == 0 {
			t.Fatalf("%s references no file", name)
		}
		for _, m := range refs {
			ref := strings.TrimPrefix(m[1], "/")
			if ref == "" || !strings.Contains(path.Base(ref), ".") {
				continue // a page route such as "/" or "/jobs"
			}
			if _, err := fs.Stat(ui, ref); err != nil {
				t.Errorf("%s references %s, which is not embedded: %v", name, m[1], err)
			}
		}
	}
}

// TestModuleImportsResolve checks that every relative import of every
// JavaScript module names an embedded file and that every module says
// what it is for in its first line, so a renamed file breaks this test
// rather than the page.
func TestModuleImportsResolve(t *testing.T) {
	ui := operatorui.FS()
	imp := regexp.MustCompile(`(?m)^import [^;]*? from '([^']+)';`)
	n := 0
	err := fs.WalkDir(ui, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" {
			return err
		}
		n++
		b, err := fs.ReadFile(ui, p)
		if err != nil {
			return err
		}
		src := string(b)
		if !strings.HasPrefix(src, "// ") {
			t.Errorf("%s does not start with a comment saying what it is for", p)
		}
		for _, m := range imp.FindAllStringSubmatch(src, -1) {
			if !strings.HasPrefix(m[1], "./") && !strings.HasPrefix(m[1], "../") {
				t.Errorf("%s imports %q: only relative imports of embedded modules work offline", p, m[1])
				continue
			}
			target := path.Join(path.Dir(p), m[1])
			if _, err := fs.Stat(ui, target); err != nil {
				t.Errorf("%s imports %s, which is not embedded", p, m[1])
			}
		}
		if strings.Contains(src, "innerHTML") {
			t.Errorf("%s uses innerHTML: build elements with dom.h so API data cannot inject markup", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("found %d modules, want the app's pages", n)
	}
}
