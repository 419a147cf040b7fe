package aptrepo

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/debunpack"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// deb is one package of the repository.
type deb struct {
	file                 string // where it is read from
	name, version, arch  string
	source               string
	pool                 string // its path in the repository
	size                 int64
	md5, sha256, control string
}

// readDebs reads the control data of every .deb directly in dirs, in
// name order; two files of one name are an error.
func readDebs(dirs []string, component string) ([]deb, error) {
	seen := map[string]string{}
	var out []deb
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".deb") {
				continue
			}
			file := filepath.Join(dir, e.Name())
			if other, ok := seen[e.Name()]; ok {
				return nil, fmt.Errorf("%s and %s: two packages with one file name", other, file)
			}
			seen[e.Name()] = file
			d, err := readDeb(file, component)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if a.version != b.version {
			return a.version < b.version
		}
		return a.arch < b.arch
	})
	return out, nil
}

func readDeb(file, component string) (deb, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return deb{}, err
	}
	control, err := debunpack.ReadControl(bytes.NewReader(data))
	if err != nil {
		return deb{}, err
	}
	d := deb{file: file, size: int64(len(data)), control: strings.TrimRight(string(control), "\n")}
	m, s := md5.Sum(data), sha256.Sum256(data)
	d.md5, d.sha256 = hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
	d.name, d.version, d.arch = field(d.control, "Package"), field(d.control, "Version"), field(d.control, "Architecture")
	d.source, _, _ = strings.Cut(field(d.control, "Source"), " ")
	if d.source == "" {
		d.source = d.name
	}
	d.pool = request.PoolPath(component, d.source, filepath.Base(file))
	return d, nil
}

// field is the one-line value of a control field.
func field(control, name string) string {
	for _, line := range strings.Split(control, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// stanza is the package's Packages paragraph: its control fields with
// Filename, Size, MD5sum and SHA256 before Description, as
// dpkg-scanpackages places them.
func (d deb) stanza() string {
	extra := fmt.Sprintf("Filename: %s\nSize: %d\nMD5sum: %s\nSHA256: %s\n", d.pool, d.size, d.md5, d.sha256)
	var b strings.Builder
	done := false
	for _, line := range strings.SplitAfter(d.control+"\n", "\n") {
		if !done && strings.HasPrefix(line, "Description:") {
			b.WriteString(extra)
			done = true
		}
		b.WriteString(line)
	}
	if !done {
		b.WriteString(extra)
	}
	return b.String()
}

// packagesIndex is the Packages index of one architecture: its packages
// and the "all" ones.
func packagesIndex(debs []deb, arch string) []byte {
	var b bytes.Buffer
	for _, d := range debs {
		if d.arch == arch || d.arch == "all" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(d.stanza())
		}
	}
	return b.Bytes()
}
