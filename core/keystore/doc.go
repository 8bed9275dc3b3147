// Package keystore holds the node's Ethereum keys, encrypted at rest in the
// database and decrypted only in memory, and signs transactions with them.
//
// Keys are stored through the small KeyDB interface (which *store.Store
// satisfies) in go-ethereum's keystore JSON format (scrypt + AES-128-CTR),
// so `geth account import` and other wallets can read them. Unlock decrypts
// every key with the operator's password, creating the first key on a fresh
// node; a wrong password is ErrWrongPassword. The password is kept in
// memory only to encrypt keys made later by CreateKey, and never appears in
// errors or logs.
//
// A KeyStore is safe for concurrent use. It has no goroutines and nothing
// to start or stop; `node start` builds it after opening the store and
// unlocks it before starting the services that sign.
package keystore
