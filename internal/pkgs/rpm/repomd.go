package rpm

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"path"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/cairn-build/cairn/internal/decompress"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
)

// An rpm-md repository is trusted as apt trusts a Debian one: one signed
// file (repodata/repomd.xml, with its detached repomd.xml.asc) names the
// checksums of the metadata files (primary, filelists), which are
// checked before they are read. Each package's own signature and digest
// are checked later, before it is installed.

// Repomd is repodata/repomd.xml: the metadata files by type.
type Repomd struct {
	Revision string
	Data     map[string]RepomdData
}

// RepomdData is one metadata file: where it is and its checksums,
// compressed and not.
type RepomdData struct {
	Location     string
	Checksum     Checksum
	OpenChecksum Checksum
	Size         int64
}

// Checksum is a digest and its algorithm ("sha256", "sha512").
type Checksum struct {
	Type, Value string
}

type xmlRepomd struct {
	Revision string `xml:"revision"`
	Data     []struct {
		Type         string `xml:"type,attr"`
		Checksum     xmlSum `xml:"checksum"`
		OpenChecksum xmlSum `xml:"open-checksum"`
		Location     struct {
			Href string `xml:"href,attr"`
		} `xml:"location"`
		Size int64 `xml:"size"`
	} `xml:"data"`
}

type xmlSum struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// ParseRepomd reads repomd.xml.
func ParseRepomd(data []byte) (*Repomd, error) {
	var x xmlRepomd
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("repomd.xml: %w", err)
	}
	r := &Repomd{Revision: x.Revision, Data: map[string]RepomdData{}}
	for _, d := range x.Data {
		loc := path.Clean(d.Location.Href)
		if d.Type == "" || !fs.ValidPath(loc) || loc == "." {
			return nil, fmt.Errorf("repomd.xml: data %q has location %q, want a path inside the repository", d.Type, d.Location.Href)
		}
		r.Data[d.Type] = RepomdData{
			Location:     loc,
			Checksum:     Checksum{d.Checksum.Type, d.Checksum.Value},
			OpenChecksum: Checksum{d.OpenChecksum.Type, d.OpenChecksum.Value},
			Size:         d.Size,
		}
	}
	return r, nil
}

// Fetch returns a repository file by its path inside the repository.
type Fetch func(name string) ([]byte, error)

// Repo is a verified repository's packages and its signer.
type Repo struct {
	Revision string
	Signer   string
	Packages []Package
}

// maxMetadata bounds an uncompressed metadata file.
const maxMetadata = 2 << 30

// ReadRepo fetches repodata/repomd.xml and its detached signature,
// verifies them with keyring, then fetches, checks and reads the primary
// metadata (and filelists, for the file lists primary leaves out). Every
// refusal names the repository (what), the file, and what was expected.
func ReadRepo(what string, fetch Fetch, keyring openpgp.EntityList) (*Repo, error) {
	md, err := fetch("repodata/repomd.xml")
	if err != nil {
		return nil, fmt.Errorf("%s: repodata/repomd.xml: %w", what, err)
	}
	sig, err := fetch("repodata/repomd.xml.asc")
	if err != nil {
		return nil, fmt.Errorf("%s: repodata/repomd.xml.asc: %w (the repository must be signed: gpg --detach-sign --armor repodata/repomd.xml)", what, err)
	}
	signer, err := debrepo.VerifyDetached(md, sig, keyring)
	if err != nil {
		return nil, fmt.Errorf("%s: repodata/repomd.xml: %w", what, err)
	}
	rmd, err := ParseRepomd(md)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	primary, err := readData(what, fetch, rmd, "primary")
	if err != nil {
		return nil, err
	}
	pkgs, err := ParsePrimary(primary)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", what, rmd.Data["primary"].Location, err)
	}
	if _, ok := rmd.Data["filelists"]; ok {
		fl, err := readData(what, fetch, rmd, "filelists")
		if err != nil {
			return nil, err
		}
		if err := addFilelists(pkgs, fl); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", what, rmd.Data["filelists"].Location, err)
		}
	}
	return &Repo{Revision: rmd.Revision, Signer: signer, Packages: pkgs}, nil
}

// readData fetches one metadata file and checks it against repomd.xml:
// its size and checksum as fetched, its open-checksum uncompressed.
func readData(what string, fetch Fetch, rmd *Repomd, typ string) ([]byte, error) {
	d, ok := rmd.Data[typ]
	if !ok {
		return nil, fmt.Errorf("%s: repodata/repomd.xml names no %s metadata", what, typ)
	}
	raw, err := fetch(d.Location)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", what, d.Location, err)
	}
	if d.Size > 0 && int64(len(raw)) != d.Size {
		return nil, fmt.Errorf("%s: %s: %d bytes, repomd.xml says %d (truncated or replaced)", what, d.Location, len(raw), d.Size)
	}
	if err := checkSum(raw, d.Checksum); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", what, d.Location, err)
	}
	data, err := decompress.All(raw, maxMetadata)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", what, d.Location, err)
	}
	if d.OpenChecksum.Value != "" {
		if err := checkSum(data, d.OpenChecksum); err != nil {
			return nil, fmt.Errorf("%s: %s uncompressed: %w", what, d.Location, err)
		}
	}
	return data, nil
}

// checkSum compares data's digest with want.
func checkSum(data []byte, want Checksum) error {
	var h hash.Hash
	switch want.Type {
	case "sha256":
		h = sha256.New()
	case "sha512":
		h = sha512.New()
	case "":
		return errors.New("repomd.xml gives no checksum")
	default:
		return fmt.Errorf("checksum type %q: cairn checks sha256 and sha512 (createrepo_c --checksum sha256)", want.Type)
	}
	h.Write(data)
	if got := hex.EncodeToString(h.Sum(nil)); got != want.Value {
		return fmt.Errorf("%s %s, repomd.xml says %s", want.Type, got, want.Value)
	}
	return nil
}
