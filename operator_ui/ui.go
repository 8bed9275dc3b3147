package operatorui

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the UI's files, index.html at its root, for web.Deps.UI.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // programmer error: "static" is a valid, embedded directory
	}
	return sub
}
