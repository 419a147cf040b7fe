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

// ParsePlatform parses "os/arch" or "os/arch/variant".
func ParsePlatform(s string) (Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Platform{}, errPlatform(s)
	}
	for _, part := range parts {
		if !validPlatformPart(part) {
			return Platform{}, errPlatform(s)
		}
	}
	p := Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// ParseImage parses "os/arch[/variant]=ROOTFS_DIR".
func ParseImage(s string) (Image, error) {
	plat, dir, ok := strings.Cut(s, "=")
	if !ok || dir == "" {
		return Image{}, errImageArg(s)
	}
	p, err := ParsePlatform(plat)
	if err != nil {
		return Image{}, err
	}
	return Image{Platform: p, Rootfs: dir}, nil
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
