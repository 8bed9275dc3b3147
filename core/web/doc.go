// Package web is the node's HTTP face: the gin router (the only importer of
// gin), its controllers and middleware, and the server that listens on
// CHAINLINK_PORT.
//
// The Server is a lifecycle service: Start binds the port at once, so a port
// in use stops the node at start, then serves in a goroutine; Close shuts
// down gracefully, waiting for requests in flight.
package web
