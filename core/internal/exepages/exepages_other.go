//go:build !linux

package exepages

// MapSmall does nothing outside Linux.
func MapSmall() (Result, error) { return Result{}, nil }
