package chain

import "strings"

// IsTxIndexing reports whether err is a node's answer while its
// transaction index catches up ("transaction indexing is in progress",
// go-ethereum): the receipt is not known yet, which proves nothing about
// the transaction.
func IsTxIndexing(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "indexing is in progress")
}
