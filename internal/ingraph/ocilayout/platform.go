package ocilayout

import "strings"

// Platform is an image's os, architecture and optional variant.
type Platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

// String returns "os/arch" or "os/arch/variant".
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Image is one platform's root file system.
type Image struct {
	Platform Platform
	// Rootfs is the host directory holding the root file system.
	Rootfs string
}

// validPlatformPart reports whether s is a non-empty run of lower-case
// letters, digits and "_".
func validPlatformPart(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// check reports a platform whose os, architecture or variant is not a
// run of lower-case letters, digits and "_" (the variant may be empty).
func (p Platform) check() error {
	if !validPlatformPart(p.OS) || !validPlatformPart(p.Architecture) || p.Variant != "" && !validPlatformPart(p.Variant) {
		return errPlatform(p.String())
	}
	return nil
}

// validRefName reports whether s is a reference name as image-layout.md
// defines it: components separated by "/", each alphanumeric runs joined
// by one of "-._:@+" or by "--".
func validRefName(s string) bool {
	for _, comp := range strings.Split(s, "/") {
		if !validRefComponent(comp) {
			return false
		}
	}
	return true
}

// validRefComponent checks one "/"-separated component of a reference
// name: alphanumeric runs joined by single separators or by "--".
func validRefComponent(s string) bool {
	afterAlnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			afterAlnum = true
			continue
		case !afterAlnum || strings.IndexByte("-._:@+", c) < 0:
			return false
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			i++
		}
		afterAlnum = false
	}
	return afterAlnum
}
