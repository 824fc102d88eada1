package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"

	"github.com/accord-harness/accord/internal/requirements"
)

// inputs hashes the platform's feature files, its requirements catalogue
// and its documents.
func inputs(p Platform) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(p.Features(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (path.Ext(name) != ".feature" && name != requirements.FileName) {
			return err
		}
		b, err := fs.ReadFile(p.Features(), name)
		if err != nil {
			return err
		}
		out[path.Join("features", p.Name(), name)] = sum(b)
		return nil
	})
	if d, ok := p.(Documented); ok {
		for name, b := range d.Documents() {
			out[name] = sum(b)
		}
	}
	return out, err
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
