package rpm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/rpm"
	"github.com/cairn-build/cairn/internal/pkgs/rpm/rpmtest"
)

// TestVerifyPackage checks packages as rpm -K does: signed by rpmsign,
// then altered in the header, the payload, cut short, or signed by a
// key the keyring lacks.
func TestVerifyPackage(t *testing.T) {
	rpmtest.Need(t)
	g := gittest.NewGPG(t)
	key := g.NewKey(t, "Packager <packager@example.org>")
	other := g.NewKey(t, "Other <other@example.org>")
	dir := t.TempDir()
	rpmtest.Repo(t, dir, []rpmtest.Spec{{Name: "tool", Version: "1.2", Release: "3", Epoch: "2", Arch: "x86_64"}}, nil)
	file := filepath.Join(dir, "Packages", "tool-1.2-3.x86_64.rpm")
	unsigned, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rpmtest.Sign(t, rpmtest.Signer{Home: g.Home, Fingerprint: key.Fingerprint}, file)
	signed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	kr, _ := debrepo.ReadKeyring(g.Export(t, key))
	otherKR, _ := debrepo.ReadKeyring(g.Export(t, other))

	c, err := rpm.Verify(signed, kr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "tool" || c.Arch != "x86_64" || c.EVR.String() != "2:1.2-3" || !strings.Contains(c.Signer, "packager@example.org") {
		t.Errorf("Verify = %+v", c)
	}
	if _, err := rpm.Verify(unsigned, nil); err != nil {
		t.Errorf("digests alone, unsigned: %v", err)
	}
	flip := func(b []byte, at int) []byte { b = slices.Clone(b); b[at] ^= 0xff; return b }
	for _, tc := range []struct {
		name string
		data []byte
		kr   bool
		want string
	}{
		{"unsigned", unsigned, true, "not signed"},
		{"other key", signed, false, "header signature"},
		{"payload", flip(signed, len(signed)-10), true, "payload SHA-256 digest"},
		{"truncated", signed[:len(signed)-100], true, "payload SHA-256 digest"},
		{"header", flip(signed, mainHeader(signed)+100), true, "header SHA-256 digest"},
		{"not a package", []byte("hello"), true, "not an RPM package"},
	} {
		k := kr
		if !tc.kr {
			k = otherKR
		}
		if _, err := rpm.Verify(tc.data, k); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Verify = %v, want an error naming %q", tc.name, err, tc.want)
		}
	}
}

// mainHeader is the offset of the second header structure: the main one.
func mainHeader(b []byte) int {
	magic := []byte{0x8e, 0xad, 0xe8, 0x01}
	first := bytes.Index(b, magic)
	return first + 1 + bytes.Index(b[first+1:], magic)
}
