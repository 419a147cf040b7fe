// Package sums writes the checksum file of a tree (SHA256SUMS, in the
// format `sha256sum -c` reads) and, with a signing key, its detached
// OpenPGP signature and the public key beside it, so an image or ISO can
// be checked by whoever downloads it with nothing but sha256sum and gpgv.
// Files are listed by their slash path under the tree, sorted bytewise;
// symbolic links and other non-regular files are left out; sparse files
// are read by their data alone.
package sums

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/pgpsign"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// Run writes r.Name (and, with r.Key, its signature and the public key)
// into r.Out.
func Run(r request.Sums) error {
	written := []string{r.Name}
	if r.Key != "" {
		written = append(written, r.Name+request.SignSuffix, request.SumsKeyFile)
	}
	for _, name := range written {
		if _, err := os.Lstat(filepath.Join(r.Src, name)); err == nil {
			return fmt.Errorf("the contents already hold %s, which the list would replace; give checksums() another name", name)
		}
	}
	list, err := List(r.Src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.Out, 0o755); err != nil {
		return err
	}
	out := map[string][]byte{r.Name: list}
	if r.Key != "" || r.Transit != nil {
		s, err := pgpsign.Open(r.Key, r.Transit, r.Epoch)
		if err != nil {
			return err
		}
		if err := s.Check(r.KeyID); err != nil {
			return err
		}
		if out[r.Name+request.SignSuffix], err = s.Detached(bytes.NewReader(list)); err != nil {
			return err
		}
		if out[request.SumsKeyFile], err = s.PublicKey(); err != nil {
			return err
		}
	}
	for name, data := range out {
		if err := r.Epoch.WriteFile(filepath.Join(r.Out, name), data); err != nil {
			return err
		}
	}
	return nil
}

// List returns the checksum lines of every regular file under dir.
func List(dir string) ([]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if strings.ContainsAny(rel, "\n\\") {
			return fmt.Errorf("%s: a name with a newline or backslash cannot be listed for sha256sum -c; rename it", rel)
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, name := range names {
		sum, err := fileSum(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return b.Bytes(), nil
}

// fileSum is the hex SHA-256 of a file, read by its data ranges.
func fileSum(p string) (string, error) {
	h := sha256.New()
	if err := sparse.HashFile(p, h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
