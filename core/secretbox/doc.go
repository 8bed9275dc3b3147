// Package secretbox encrypts the secrets the node must be able to read
// back, such as the tokens it sends to bridges and external initiators,
// before they reach the database. Secrets the node only checks are hashed
// instead, elsewhere.
//
// A Box is AES-256-GCM under a key derived with scrypt from the keystore
// password, so a copy of the database alone reveals nothing. Each sealed
// value carries its own salt, so a Box can open values sealed by another
// Box with the same password. A Box is safe for concurrent use.
package secretbox
