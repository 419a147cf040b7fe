package debrepo

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sampleRelease = `Origin: Debian
Label: Debian
Suite: oldstable
Codename: bookworm
Date: Sat, 11 Jul 2026 10:16:37 UTC
Valid-Until: Sat, 18 Jul 2026 10:16:37 UTC
Acquire-By-Hash: yes
No-Support-for-Architecture-all: Packages
Architectures: all amd64 arm64
Components: main contrib
Description: Debian 12
MD5Sum:
 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all
SHA256:
 743228b0bd99db92c91c5c133952cea0ff0c93a2b5b47a058973f3cab40d6481  4231936 main/binary-all/Packages.xz
 9E0B5AABB2465B3D2E7A7FE27F9913846277833F7A2826E7767ACCCFF5B588C5  8790396 main/binary-amd64/Packages.xz
`

func TestParseRelease(t *testing.T) {
	rel, err := ParseRelease([]byte(sampleRelease))
	if err != nil {
		t.Fatal(err)
	}
	want := &Release{
		Origin: "Debian", Label: "Debian", Suite: "oldstable", Codename: "bookworm",
		Date: "Sat, 11 Jul 2026 10:16:37 UTC", ValidUntil: "Sat, 18 Jul 2026 10:16:37 UTC",
		Architectures: []string{"all", "amd64", "arm64"}, Components: []string{"main", "contrib"},
		AcquireByHash: true, NoSupportForArchAll: true,
		SHA256: map[string]FileSum{
			"main/binary-all/Packages.xz":   {4231936, "743228b0bd99db92c91c5c133952cea0ff0c93a2b5b47a058973f3cab40d6481"},
			"main/binary-amd64/Packages.xz": {8790396, "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5"},
		},
	}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("got %+v\nwant %+v", rel, want)
	}
	if !rel.matchesSuite("bookworm") || !rel.matchesSuite("oldstable") || rel.matchesSuite("trixie") || rel.matchesSuite("") {
		t.Error("matchesSuite")
	}
	if _, err := parseReleaseTime(rel.ValidUntil); err != nil {
		t.Error(err)
	}
	if _, err := parseReleaseTime("Sat, 1 Jul 2026 10:16:37 +0000"); err != nil {
		t.Error(err)
	}
}

func TestParseReleaseErrors(t *testing.T) {
	sum := " 743228b0bd99db92c91c5c133952cea0ff0c93a2b5b47a058973f3cab40d6481 12 main/x\n"
	for name, text := range map[string]string{
		"two paragraphs": "Suite: a\n\nSuite: b\n",
		"empty":          "",
		"bad hash":       "SHA256:\n abcd 12 main/x\n",
		"bad size":       "SHA256:\n" + strings.Replace(sum, " 12 ", " -1 ", 1),
		"short line":     "SHA256:\n 743228b0bd99db92c91c5c133952cea0ff0c93a2b5b47a058973f3cab40d6481 12\n",
		"listed twice":   "SHA256:\n" + sum + sum,
		"duplicate":      "Suite: a\nSuite: b\n",
		"continuation":   " orphan\n",
		"no colon":       "Suite a\n",
	} {
		if _, err := ParseRelease([]byte(text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestHostInRelease verifies and parses the InRelease files apt itself
// fetched (/var/lib/apt/lists), with the host's Debian keyring: real
// signatures by several keys, real Release syntax, no network.
func TestHostInRelease(t *testing.T) {
	kr := hostKeyring(t)
	files, _ := filepath.Glob("/var/lib/apt/lists/*_InRelease")
	if len(files) == 0 {
		t.Skip("apt has no InRelease lists")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		content, signer, err := VerifyInRelease(data, kr)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		rel, err := ParseRelease(content)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		// The list file's name ends in dists_<suite>_InRelease.
		base := filepath.Base(file)
		suite := strings.TrimSuffix(base[strings.LastIndex(base, "_dists_")+len("_dists_"):], "_InRelease")
		if !rel.matchesSuite(suite) || len(rel.SHA256) == 0 || !strings.Contains(signer, "Debian") {
			t.Errorf("%s: suite %q codename %q, %d sums, signer %q", file, rel.Suite, rel.Codename, len(rel.SHA256), signer)
		}
	}
}
