package adapters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// httpTask is the decoded params of httpget and httppost.
type httpTask struct {
	url     *url.URL
	headers http.Header
	timeout time.Duration // zero: Deps.HTTPTimeout
	body    []byte        // httppost only
	hasBody bool
}

// readHTTPTask decodes url (or its alias), queryParams, extPath, headers,
// timeout and, with withBody, body. requireURL makes a missing URL an error.
func readHTTPTask(params models.JSON, urlKeys []string, withBody, requireURL bool) (httpTask, error) {
	var t httpTask
	p := readParams(params)
	raw, key := p.raw(urlKeys...)
	if raw == nil {
		if requireURL {
			p.ve.Add(urlKeys[0], "is required")
		}
	} else {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			p.ve.Add(key, "must be a string")
		} else if u, err := parseWebURL(s); err != nil {
			p.ve.Add(key, "%s", err)
		} else {
			t.url = u
		}
	}
	if raw, _ := p.raw("extPath"); raw != nil {
		segs, err := parseExtPath(raw)
		if err != nil {
			p.ve.Add("extPath", "%s", err)
		} else if t.url != nil && len(segs) > 0 {
			t.url = t.url.JoinPath(segs...)
		}
	}
	if raw, _ := p.raw("queryParams"); raw != nil {
		q, err := parseQueryParams(raw)
		if err != nil {
			p.ve.Add("queryParams", "%s", err)
		} else if t.url != nil {
			merged := t.url.Query()
			for k, vs := range q {
				for _, v := range vs {
					merged.Add(k, v)
				}
			}
			t.url.RawQuery = merged.Encode()
		}
	}
	if raw, _ := p.raw("headers"); raw != nil {
		h, err := parseHeaders(raw)
		if err != nil {
			p.ve.Add("headers", "%s", err)
		}
		t.headers = h
	}
	if raw, _ := p.raw("timeout"); raw != nil {
		d, err := parseTimeout(raw)
		if err != nil {
			p.ve.Add("timeout", "%s", err)
		}
		t.timeout = d
	}
	if withBody {
		if raw, _ := p.raw("body"); raw != nil {
			t.hasBody = true
			var s string
			if json.Unmarshal(raw, &s) == nil {
				t.body = []byte(s)
			} else {
				t.body = []byte(raw)
			}
		}
	}
	return t, p.err()
}

// parseWebURL accepts an absolute http or https URL with a host.
func parseWebURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("must be a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("must be an http or https URL")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("must be a URL with a host")
	}
	return u, nil
}

func parseExtPath(raw json.RawMessage) ([]string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '/' }), nil
	}
	var segs []string
	if json.Unmarshal(raw, &segs) != nil {
		return nil, fmt.Errorf("must be a string or an array of strings")
	}
	return segs, nil
}

// parseQueryParams accepts an object of strings, numbers or arrays of
// them, a query string "a=1&b=2", or the classic [key, value, ...] array.
func parseQueryParams(raw json.RawMessage) (url.Values, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		q, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
		if err != nil {
			return nil, fmt.Errorf("must be a query string: %w", err)
		}
		return q, nil
	}
	var pairs []string
	if json.Unmarshal(raw, &pairs) == nil {
		if len(pairs)%2 != 0 {
			return nil, fmt.Errorf("must list keys and values in pairs")
		}
		q := url.Values{}
		for i := 0; i < len(pairs); i += 2 {
			q.Add(pairs[i], pairs[i+1])
		}
		return q, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil, fmt.Errorf("must be an object, a query string or an array of key, value pairs")
	}
	q := url.Values{}
	for k, v := range obj {
		var many []json.RawMessage
		if json.Unmarshal(v, &many) != nil {
			many = []json.RawMessage{v}
		}
		for _, one := range many {
			text := models.JSONText(one)
			if len(one) > 0 && (one[0] == '{' || one[0] == '[') {
				return nil, fmt.Errorf("value of %q must be a string, a number or an array of them", k)
			}
			q.Add(k, text)
		}
	}
	return q, nil
}

func parseHeaders(raw json.RawMessage) (http.Header, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil, fmt.Errorf("must be an object of header names to strings or arrays of strings")
	}
	h := http.Header{}
	for k, v := range obj {
		var one string
		if json.Unmarshal(v, &one) == nil {
			h.Add(k, one)
			continue
		}
		var many []string
		if json.Unmarshal(v, &many) != nil {
			return nil, fmt.Errorf("header %q must be a string or an array of strings", k)
		}
		for _, s := range many {
			h.Add(k, s)
		}
	}
	return h, nil
}

// parseTimeout accepts a Go duration ("10s", "1m30s") or seconds.
func parseTimeout(raw json.RawMessage) (time.Duration, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("must be a positive duration like \"10s\"")
		}
		return d, nil
	}
	var secs float64
	if json.Unmarshal(raw, &secs) != nil || secs <= 0 || secs > 24*3600 {
		return 0, fmt.Errorf("must be a positive duration like \"10s\" or seconds up to a day")
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// urlForErrors leaves out the query, which may hold an API key.
func urlForErrors(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.User = "", "", nil
	return c.String()
}

// httpFault is a failed exchange; retryable for transient faults.
type httpFault struct {
	err       error
	retryable bool
}

func (f *httpFault) output() models.RunOutput {
	if f.retryable {
		return models.NewRunOutputRetryableError(f.err)
	}
	return models.NewRunOutputError(f.err)
}

// transientStatus reports whether an HTTP status is worth retrying.
func transientStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
}

// exchange sends req with a timeout and reads at most limit bytes of the
// answer. Transport faults (timeouts, refused or reset connections) are
// retryable; so are 5xx, 408 and 429 answers, which exchange returns with
// their body for the caller to judge.
func exchange(ctx context.Context, client *http.Client, req *http.Request, timeout time.Duration, limit int64) (int, []byte, *httpFault) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	what := req.Method + " " + urlForErrors(req.URL)
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the URL with its query
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, nil, &httpFault{fmt.Errorf("%s: timed out after %s", what, timeout), true}
		}
		return 0, nil, &httpFault{fmt.Errorf("%s: %w", what, err), true}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return resp.StatusCode, nil, &httpFault{fmt.Errorf("%s: reading answer: %w", what, err), true}
	}
	if int64(len(body)) > limit {
		return resp.StatusCode, nil, &httpFault{fmt.Errorf("%s: answer larger than %d bytes", what, limit), false}
	}
	return resp.StatusCode, body, nil
}

// statusFault describes a non-2xx answer.
func statusFault(what string, code int, body []byte) *httpFault {
	snippet := strings.TrimSpace(string(body))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "..."
	}
	msg := fmt.Sprintf("%s answered %d %s", what, code, http.StatusText(code))
	if snippet != "" {
		msg += ": " + snippet
	}
	return &httpFault{errors.New(msg), transientStatus(code)}
}

// performHTTP runs an httpget or httppost task: data.result becomes the
// body of a 2xx answer as text.
func performHTTP(ctx context.Context, deps Deps, input models.RunInput, method string, t httpTask, body []byte) models.RunOutput {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequest(method, t.url.String(), rd)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("%s %s: %w", method, urlForErrors(t.url), err))
	}
	for k, vs := range t.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	timeout := t.timeout
	if timeout == 0 {
		timeout = deps.HTTPTimeout
	}
	code, answer, fault := exchange(ctx, deps.HTTPClient, req, timeout, deps.HTTPLimit)
	if fault != nil {
		return fault.output()
	}
	if code < 200 || code > 299 {
		return statusFault(method+" "+urlForErrors(t.url), code, answer).output()
	}
	return models.NewRunOutputCompleteWithResult(input.Data, string(answer))
}
