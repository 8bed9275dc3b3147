// Package faultproxy is a TCP proxy for fault tests: it forwards
// connections to a target until the test cuts it, which closes every open
// connection and refuses new ones until Restore.
//
// It is a hand-written fake for one fault only (a dropped WebSocket from
// the server side); the chain behind it is real.
package faultproxy
