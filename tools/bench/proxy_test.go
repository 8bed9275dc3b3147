package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// echoServer is a WebSocket server that sends every message back.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			typ, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, msg); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestProxyHoldKeepsClientMessagesUntilReleased(t *testing.T) {
	p, err := startProxy(echoServer(t), nil, func(broadcast) {})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, _, err := websocket.DefaultDialer.Dial(p.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echoes := make(chan string, 4)
	go func() {
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				close(echoes)
				return
			}
			echoes <- string(msg)
		}
	}()
	expect := func(when, want string) {
		t.Helper()
		select {
		case got := <-echoes:
			if got != want {
				t.Fatalf("%s: got %q, want %q", when, got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no echo of %s", when, want)
		}
	}
	send := func(msg string) {
		t.Helper()
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"id":1}`)
	expect("before the hold", `{"id":1}`)

	release := p.Hold()
	send(`{"id":2}`)
	select {
	case got := <-echoes:
		t.Fatalf("a message passed the hold: %q came back", got)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	release() // a second call is harmless
	expect("after the release", `{"id":2}`)
	send(`{"id":3}`)
	expect("after the release", `{"id":3}`)
}

func TestProxyCloseEndsAHold(t *testing.T) {
	p, err := startProxy(echoServer(t), nil, func(broadcast) {})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := websocket.DefaultDialer.Dial(p.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	release := p.Hold()
	defer release()
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the pipe is now waiting on the hold
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited on a held message")
	}
}
