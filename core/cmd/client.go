package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// sessionFile is where `admin login` keeps the session cookie, in ROOT.
const sessionFile = "cookie"

const signInHint = "not signed in, or the session expired: run `pythia admin login`"

// apiClient talks to a running node's REST API as the signed-in
// operator.
type apiClient struct {
	base        string // CLIENT_NODE_URL without a trailing slash
	sessionPath string
	http        *http.Client
	out         io.Writer
	json        bool // print raw documents instead of tables
}

// newAPIClient reads CLIENT_NODE_URL (default http://localhost:CHAINLINK_PORT)
// and ROOT from the environment.
func newAPIClient(c *cli.Context) (*apiClient, error) {
	r := newEnvReader(nil)
	root := r.path("ROOT", "~/.pythia")
	port := r.port("CHAINLINK_PORT", 6688, false)
	nodeURL := r.url("CLIENT_NODE_URL", fmt.Sprintf("http://localhost:%d", port), nil, "http", "https")
	if len(r.errs) > 0 {
		return nil, cli.Exit(strings.Join(r.errs, "\n"), 1)
	}
	return &apiClient{
		base:        strings.TrimRight(nodeURL, "/"),
		sessionPath: filepath.Join(root, sessionFile),
		http:        &http.Client{Timeout: 30 * time.Second},
		out:         c.App.Writer,
		json:        c.Bool("json"),
	}, nil
}

// apiError is a JSON:API error answer.
type apiError struct {
	Errors []struct {
		Status string `json:"status"`
		Detail string `json:"detail"`
		Source *struct {
			Pointer string `json:"pointer"`
		} `json:"source"`
	} `json:"errors"`
}

// do sends a request and returns the body of a 2xx answer; other answers
// become errors that say what to do.
func (a *apiClient) do(method, path string, body []byte, header map[string]string) ([]byte, error) {
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("building request: %s", err), 1)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if token, err := os.ReadFile(a.sessionPath); err == nil {
		req.AddCookie(&http.Cookie{Name: "clsession", Value: strings.TrimSpace(string(token))})
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("cannot reach the node at %s: %s\nIs it running (`pythia node start`)? Set CLIENT_NODE_URL to its address.", a.base, err), 1)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("reading the node's answer: %s", err), 1)
	}
	if resp.StatusCode < 300 {
		return b, nil
	}
	if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(path, "/sessions") {
		return nil, cli.Exit(signInHint, 1)
	}
	var ae apiError
	if json.Unmarshal(b, &ae) != nil || len(ae.Errors) == 0 {
		return nil, cli.Exit(fmt.Sprintf("the node answered %s: %s", resp.Status, strings.TrimSpace(string(b))), 1)
	}
	var lines []string
	for _, e := range ae.Errors {
		lines = append(lines, e.Detail)
	}
	msg := strings.Join(lines, "\n")
	if resp.StatusCode == http.StatusUnprocessableEntity {
		msg = "the node refused it:\n  " + strings.Join(lines, "\n  ")
	}
	return nil, cli.Exit(msg, 1)
}

// document is a JSON:API document as the client reads it.
type document struct {
	Data  json.RawMessage        `json:"data"`
	Meta  *struct{ Count int64 } `json:"meta"`
	Links *struct{ Next string } `json:"links"`
}

type resource[T any] struct {
	ID         string `json:"id"`
	Attributes T      `json:"attributes"`
}

// get fetches a document and either prints it raw (--json) or decodes its
// data into v and returns true for the caller to print a table.
func (a *apiClient) fetch(method, path string, body []byte, v any) (bool, *document, error) {
	b, err := a.do(method, path, body, nil)
	if err != nil {
		return false, nil, err
	}
	if a.json {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") != nil {
			out.Reset()
			out.Write(b)
		}
		out.WriteByte('\n')
		_, err := a.out.Write(out.Bytes())
		return false, nil, err
	}
	var doc document
	if err := json.Unmarshal(b, &doc); err != nil {
		return false, nil, cli.Exit(fmt.Sprintf("the node's answer is not a JSON:API document: %s", err), 1)
	}
	if v != nil {
		if err := json.Unmarshal(doc.Data, v); err != nil {
			return false, nil, cli.Exit(fmt.Sprintf("reading the node's answer: %s", err), 1)
		}
	}
	return true, &doc, nil
}

// table prints aligned rows under a header.
func (a *apiClient) table(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// fields prints label: value lines, aligned.
func (a *apiClient) fields(pairs ...string) error {
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(tw, "%s:\t%s\n", pairs[i], pairs[i+1])
	}
	return tw.Flush()
}

// footer says how many items there are and how to see the next page.
func (a *apiClient) footer(doc *document, shown int, page int) {
	if doc == nil || doc.Meta == nil {
		return
	}
	if int64(shown) < doc.Meta.Count && doc.Links != nil && doc.Links.Next != "" {
		fmt.Fprintf(a.out, "\n%d of %d shown; next page: --page %d\n", shown, doc.Meta.Count, page+1)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ptrText[T any](p *T) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func timeText(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func compactJSON(b json.RawMessage) string {
	var out bytes.Buffer
	if len(b) == 0 || json.Compact(&out, b) != nil {
		return "-"
	}
	return out.String()
}

// readInput reads a file argument, or standard input for "-".
func readInput(c *cli.Context, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(c.App.Reader)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("reading %s: %s", name, err), 1)
	}
	return b, nil
}

// needArgs checks the number of positional arguments.
func needArgs(c *cli.Context, n int, usage string) error {
	if c.NArg() != n {
		return cli.Exit(fmt.Sprintf("usage: %s %s", c.Command.HelpName, usage), 1)
	}
	return nil
}

var jsonFlag = &cli.BoolFlag{Name: "json", Usage: "print the node's JSON:API document instead of a table"}

var pageFlags = []cli.Flag{
	jsonFlag,
	&cli.IntFlag{Name: "page", Value: 1, Usage: "page `N` of the list"},
	&cli.IntFlag{Name: "size", Value: 25, Usage: "`N` items per page (at most 100)"},
}

func pageQuery(c *cli.Context, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("page", fmt.Sprint(c.Int("page")))
	q.Set("size", fmt.Sprint(c.Int("size")))
	return "?" + q.Encode()
}

// clientAction builds the client and runs fn with it.
func clientAction(fn func(c *cli.Context, a *apiClient) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		a, err := newAPIClient(c)
		if err != nil {
			return err
		}
		return fn(c, a)
	}
}

// errNoCredentials is returned when login has nothing to read.
var errNoCredentials = errors.New("no credentials: pass --file FILE (email and password on two lines), or --email and --password-file, or run in a terminal to be prompted")

func bigText(b *models.Big) string {
	if b == nil {
		return "-"
	}
	return b.String()
}

// newLoginRequest builds POST /sessions without the stored cookie.
func newLoginRequest(a *apiClient, body []byte) (*http.Request, error) {
	req, err := http.NewRequest("POST", a.base+"/sessions", bytes.NewReader(body))
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("building request: %s", err), 1)
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
