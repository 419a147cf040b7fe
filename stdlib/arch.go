package stdlib

import (
	"fmt"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// debArches maps Debian architecture names to OCI platforms; only these
// can be built (each needs a runc platform and, when foreign, qemu-user).
var debArches = map[string]ocispecs.Platform{
	"amd64":   {OS: "linux", Architecture: "amd64"},
	"arm64":   {OS: "linux", Architecture: "arm64"},
	"armhf":   {OS: "linux", Architecture: "arm", Variant: "v7"},
	"armel":   {OS: "linux", Architecture: "arm", Variant: "v5"},
	"i386":    {OS: "linux", Architecture: "386"},
	"ppc64el": {OS: "linux", Architecture: "ppc64le"},
	"riscv64": {OS: "linux", Architecture: "riscv64"},
	"s390x":   {OS: "linux", Architecture: "s390x"},
}

// debArch accepts a Debian architecture or an OCI platform string.
func debArch(s string) (string, error) {
	if _, ok := debArches[s]; ok {
		return s, nil
	}
	if strings.Contains(s, "/") {
		if p, err := platforms.Parse(s); err == nil {
			if a, err := debArchOf(platforms.Normalize(p)); err == nil {
				return a, nil
			}
		}
	}
	return "", fmt.Errorf("a Debian architecture (%s) or a platform like \"linux/arm64\"", strings.Join(archNames(), ", "))
}

// debArchOf names the Debian architecture of an OCI platform.
func debArchOf(p ocispecs.Platform) (string, error) {
	for name, q := range debArches {
		if q.OS == p.OS && q.Architecture == p.Architecture && (q.Variant == p.Variant || q.Variant == "v7" && p.Variant == "") {
			return name, nil
		}
	}
	return "", fmt.Errorf("no Debian architecture for platform %s", platforms.Format(p))
}

func archNames() []string {
	out := make([]string, 0, len(debArches))
	for k := range debArches {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Platforms returns the platforms cairn builds for, one per Debian
// architecture in debArches, sorted by name (os/arch[/variant]).
func Platforms() []ocispecs.Platform {
	out := make([]ocispecs.Platform, 0, len(debArches))
	for _, p := range debArches {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return platforms.Format(out[i]) < platforms.Format(out[j]) })
	return out
}

// ParsePlatforms reads a comma-separated platform list the way both front
// doors take it (cairn build --platform, the frontend's platform opt):
// each entry normalised, duplicates dropped, and each one a platform cairn
// builds for (see Platforms). An empty s gives nil: the engine's platform.
func ParsePlatforms(s string) ([]ocispecs.Platform, error) {
	if s == "" {
		return nil, nil
	}
	var out []ocispecs.Platform
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		p, err := parsePlatform(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if id := platforms.Format(p); !seen[id] {
			seen[id] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// parsePlatform reads one platform and checks that cairn builds for it.
func parsePlatform(s string) (ocispecs.Platform, error) {
	p, err := platforms.Parse(s)
	if err != nil {
		return p, errPlatformSyntax(s)
	}
	p = platforms.Normalize(p)
	id := platforms.Format(p)
	for _, q := range debArches {
		if platforms.Format(q) == id {
			return p, nil
		}
	}
	return p, errUnknownPlatform(s)
}

// platformNames lists Platforms() as "linux/386, linux/amd64, ...".
func platformNames() string {
	var names []string
	for _, p := range Platforms() {
		names = append(names, platforms.Format(p))
	}
	return strings.Join(names, ", ")
}
