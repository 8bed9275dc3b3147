package exepages

// Result says what MapSmall advised.
type Result struct {
	// Ranges is how many address ranges were advised.
	Ranges int
	// Bytes is their total length.
	Bytes int64
}
