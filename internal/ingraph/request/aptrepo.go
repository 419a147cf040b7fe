package request

import (
	"errors"
	"path"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// AptRepo asks for a standard Debian archive in Out made of the .deb files
// found directly in the In directories: pool/, dists/SUITE/Release,
// Packages (plain, gzip, xz) with by-hash copies, and, when Key names an
// armored OpenPGP secret key file, InRelease, Release.gpg and the public
// key as Out/KeyFile.
type AptRepo struct {
	In        []string `json:"in"`
	Out       string   `json:"out"`
	Suite     string   `json:"suite"`
	Component string   `json:"component"`
	Origin    string   `json:"origin"`
	// Architectures are the Packages indexes to write; "all" packages go
	// into each. Empty: those of the packages.
	Architectures []string `json:"architectures,omitempty"`
	Key           string   `json:"key,omitempty"`
	// KeyID is the signing key's fingerprint, when the compiler knew it
	// (see Sums.KeyID).
	KeyID string `json:"key_id,omitempty"`
	// Transit signs instead of Key: a key of a signing service, with its
	// OpenPGP certificate.
	Transit *Transit    `json:"transit,omitempty"`
	Epoch   epoch.Epoch `json:"epoch"`
}

// KeyFile is the public key's name in a signed repository.
const KeyFile = "archive-key.asc"

// Command implements Request.
func (AptRepo) Command() string { return "apt-repo" }

// Check implements Request.
func (r AptRepo) Check() error {
	if err := checkPGPTransit(r.Command(), r.Key, r.Transit); err != nil {
		return err
	}
	if err := required(r.Command(), "out", r.Out, "suite", r.Suite, "component", r.Component, "origin", r.Origin); err != nil {
		return err
	}
	if len(r.In) == 0 {
		return errors.New("apt-repo request: in is empty")
	}
	return nil
}

func (r *AptRepo) stamp() *epoch.Epoch { return &r.Epoch }

// PoolPath is where an apt repository keeps a package file: under
// pool/COMPONENT/, the source's first letter (or "lib" and one more, as
// Debian splits its libraries) and the source's name. Both the writer and
// the compiler, which names the file before it is built, use it.
func PoolPath(component, source, file string) string {
	prefix := source[:1]
	if strings.HasPrefix(source, "lib") && len(source) > 3 {
		prefix = source[:4]
	}
	return path.Join("pool", component, prefix, source, file)
}

// DebFile is the file name dpkg-buildpackage gives a package: the version
// without its epoch.
func DebFile(name, version, arch string) string {
	if _, v, ok := strings.Cut(version, ":"); ok {
		version = v
	}
	return name + "_" + version + "_" + arch + ".deb"
}
