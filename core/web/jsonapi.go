package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Resource is a JSON:API resource object.
type Resource struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Attributes any    `json:"attributes"`
}

// Document is a JSON:API document: one resource or a list in Data; lists
// carry Meta.Count (all matching items, not only this page) and Links to
// the neighbouring pages.
type Document struct {
	Data  any    `json:"data"`
	Meta  *Meta  `json:"meta,omitempty"`
	Links *Links `json:"links,omitempty"`
}

// Meta is a list's metadata.
type Meta struct {
	Count int64 `json:"count"`
}

// Links point to a list's pages, as paths with their query.
type Links struct {
	Self string `json:"self"`
	Prev string `json:"prev,omitempty"`
	Next string `json:"next,omitempty"`
}

// APIError is one JSON:API error object. Source.Pointer is a JSON pointer
// into the request document (`/tasks/2/params/times`).
type APIError struct {
	Status string       `json:"status"`
	Detail string       `json:"detail"`
	Source *ErrorSource `json:"source,omitempty"`
}

// ErrorSource names the part of the request an error is about.
type ErrorSource struct {
	Pointer string `json:"pointer"`
}

// ErrorDocument is the body of every error answer.
type ErrorDocument struct {
	Errors []APIError `json:"errors"`
}

func abortError(c *gin.Context, status int, format string, args ...any) {
	c.AbortWithStatusJSON(status, ErrorDocument{Errors: []APIError{{Status: strconv.Itoa(status), Detail: fmt.Sprintf(format, args...)}}})
}

// abortValidation answers 422 with one error per problem, each pointing at
// its field.
func abortValidation(c *gin.Context, err error) {
	var ve *models.ValidationError
	if !errors.As(err, &ve) || ve.Empty() {
		abortError(c, http.StatusUnprocessableEntity, "%s", err)
		return
	}
	c.AbortWithStatusJSON(http.StatusUnprocessableEntity, validationDocument(ve))
}

// validationDocument has one 422 error per problem, each pointing at its
// field.
func validationDocument(ve *models.ValidationError) ErrorDocument {
	doc := ErrorDocument{}
	for _, f := range ve.Errors {
		doc.Errors = append(doc.Errors, APIError{Status: "422", Detail: f.Error(), Source: &ErrorSource{Pointer: PathToPointer(f.Path)}})
	}
	return doc
}

var indexPattern = regexp.MustCompile(`\[(\d+)\]`)

// PathToPointer turns a validation path (`tasks[2].params.times`) into a
// JSON pointer (`/tasks/2/params/times`); the empty path is the whole
// document, "".
func PathToPointer(path string) string {
	if path == "" {
		return ""
	}
	p := indexPattern.ReplaceAllString(path, ".$1")
	parts := strings.Split(p, ".")
	var b strings.Builder
	for _, part := range parts {
		if part == "" {
			continue
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~", "~0"), "/", "~1")
		b.WriteString("/" + part)
	}
	return b.String()
}

// render answers status with doc as JSON.
func render(c *gin.Context, status int, doc any) {
	c.JSON(status, doc)
}

// Pagination defaults: a page of 25, at most 100.
const (
	defaultPageSize = 25
	maxPageSize     = 100
)

// page is a requested page of a list: ?page=N (from 1) and ?size=M.
type page struct {
	number, size int
}

func (p page) offset() int { return (p.number - 1) * p.size }

// parsePage reads ?page and ?size, answering 400 when they are not
// positive integers.
func parsePage(c *gin.Context) (page, bool) {
	p := page{number: 1, size: defaultPageSize}
	for _, q := range []struct {
		name string
		dst  *int
	}{{"page", &p.number}, {"size", &p.size}} {
		s := c.Query(q.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			abortError(c, http.StatusBadRequest, "query parameter %s=%q must be a positive integer", q.name, s)
			return p, false
		}
		*q.dst = n
	}
	if p.size > maxPageSize {
		p.size = maxPageSize
	}
	return p, true
}

// listDocument wraps a page of resources with the total count and links
// to the neighbouring pages, keeping the request's other query
// parameters (filters).
func listDocument(u *url.URL, p page, data []Resource, count int64) Document {
	if data == nil {
		data = []Resource{}
	}
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("size", strconv.Itoa(p.size))
		return u.Path + "?" + q.Encode()
	}
	links := &Links{Self: link(p.number)}
	if p.number > 1 {
		links.Prev = link(p.number - 1)
	}
	if int64(p.offset()+len(data)) < count {
		links.Next = link(p.number + 1)
	}
	return Document{Data: data, Meta: &Meta{Count: count}, Links: links}
}

// readBody reads the request body, answering 413 when it is over the
// limit and 400 when it cannot be read.
func readBody(c *gin.Context) ([]byte, bool) {
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			abortError(c, http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", mbe.Limit)
			return nil, false
		}
		abortError(c, http.StatusBadRequest, "reading request body: %s", err)
		return nil, false
	}
	return b, true
}

// readJSON reads a JSON body into v: 413 when too large, 400 when
// malformed or of the wrong shape.
func readJSON(c *gin.Context, v any) bool {
	b, ok := readBody(c)
	if !ok {
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		abortError(c, http.StatusBadRequest, "malformed JSON body: %s", err)
		return false
	}
	return true
}

// readJSONDocument reads a body that must be valid JSON, returning its
// bytes; an empty body is allowed only when allowEmpty.
func readJSONDocument(c *gin.Context, allowEmpty bool) ([]byte, bool) {
	b, ok := readBody(c)
	if !ok {
		return nil, false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		if allowEmpty {
			return nil, true
		}
		abortError(c, http.StatusBadRequest, "request body is empty: send a JSON document")
		return nil, false
	}
	if !json.Valid(b) {
		var v any
		err := json.Unmarshal(b, &v)
		abortError(c, http.StatusBadRequest, "malformed JSON body: %s", err)
		return nil, false
	}
	return b, true
}
