// Package models holds the node's plain data: job specs with their
// initiators and tasks, runs, heads, keys, users and sessions, and the
// decoding and validation of outside input that needs no I/O.
//
// It imports no other project package and does no I/O. Struct tags name
// columns for core/store, which alone imports gorm.
package models
