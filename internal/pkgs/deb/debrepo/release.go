package debrepo

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Release is the parsed content of a (verified) Release or InRelease file.
type Release struct {
	Origin, Label, Suite, Codename, Date, ValidUntil string
	Architectures, Components                        []string
	// AcquireByHash is "Acquire-By-Hash: yes": indexes are also served
	// under by-hash/SHA256/<hex>, immune to a mirror updating mid-fetch.
	AcquireByHash bool
	// NoSupportForArchAll is "No-Support-for-Architecture-all: Packages":
	// arch-all packages are listed in every binary-<arch> index, so
	// binary-all need not be fetched.
	NoSupportForArchAll bool
	// SHA256 maps a path relative to dists/<suite>/ to its size and hash.
	SHA256 map[string]FileSum
}

// FileSum is the size and SHA-256 (lower-case hex) of one listed file.
type FileSum struct {
	Size   int64
	SHA256 string
}

// ParseRelease parses a Release file: one deb822 paragraph.
func ParseRelease(data []byte) (*Release, error) {
	ps, err := parseDeb822(string(data))
	if err != nil {
		return nil, fmt.Errorf("parse Release: %w", err)
	}
	if len(ps) != 1 {
		return nil, fmt.Errorf("parse Release: want one paragraph, got %d", len(ps))
	}
	p := ps[0]
	sums, err := parseSums(p)
	if err != nil {
		return nil, fmt.Errorf("parse Release: %w", err)
	}
	return &Release{
		Origin:              value(p, "Origin"),
		Label:               value(p, "Label"),
		Suite:               value(p, "Suite"),
		Codename:            value(p, "Codename"),
		Date:                value(p, "Date"),
		ValidUntil:          value(p, "Valid-Until"),
		Architectures:       p.words("Architectures"),
		Components:          p.words("Components"),
		AcquireByHash:       strings.EqualFold(value(p, "Acquire-By-Hash"), "yes"),
		NoSupportForArchAll: hasWord(p.words("No-Support-for-Architecture-all"), "Packages"),
		SHA256:              sums,
	}, nil
}

// value returns a field's value, or "" when absent.
func value(p paragraph, name string) string {
	v, _ := p.get(name)
	return v
}

// hasWord reports whether words contains w.
func hasWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// parseSums parses the SHA256 field: lines of "<hex> <size> <path>".
func parseSums(p paragraph) (map[string]FileSum, error) {
	v, _ := p.get("SHA256")
	sums := make(map[string]FileSum)
	for _, line := range strings.Split(v, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		sum, err := parseSum(f)
		if err != nil {
			return nil, fmt.Errorf("SHA256 line %q: %w", line, err)
		}
		if _, dup := sums[f[2]]; dup {
			return nil, fmt.Errorf("SHA256: %s listed twice", f[2])
		}
		sums[f[2]] = sum
	}
	return sums, nil
}

// parseSum parses the fields of one SHA256 line.
func parseSum(f []string) (FileSum, error) {
	if len(f) != 3 {
		return FileSum{}, errors.New("want \"<sha256> <size> <path>\"")
	}
	if b, err := hex.DecodeString(f[0]); err != nil || len(b) != 32 {
		return FileSum{}, fmt.Errorf("bad sha256 %q", f[0])
	}
	size, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || size < 0 {
		return FileSum{}, fmt.Errorf("bad size %q", f[1])
	}
	return FileSum{Size: size, SHA256: strings.ToLower(f[0])}, nil
}

// matchesSuite reports whether the Release is for suite, named by either
// its suite ("stable") or its codename ("bookworm").
func (r *Release) matchesSuite(suite string) bool {
	return suite != "" && (r.Suite == suite || r.Codename == suite)
}

// releaseTimeLayouts are the date formats Release files use (RFC 1123,
// with the day of month in one or two digits).
var releaseTimeLayouts = []string{
	time.RFC1123, time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700",
}

// parseReleaseTime parses a Date or Valid-Until value.
func parseReleaseTime(s string) (time.Time, error) {
	for _, layout := range releaseTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", s)
}
