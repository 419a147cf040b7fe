package cli

import (
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// parsePlatforms reads --platform P[,P]; empty means the engine's default.
func parsePlatforms(s string) ([]ocispecs.Platform, error) {
	if s == "" {
		return nil, nil
	}
	var out []ocispecs.Platform
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		p, err := platforms.Parse(strings.TrimSpace(part))
		if err != nil {
			return nil, errUsage("--platform %q: want platforms like linux/amd64,linux/arm64", part)
		}
		p = platforms.Normalize(p)
		if id := platforms.Format(p); !seen[id] {
			seen[id] = true
			out = append(out, p)
		}
	}
	return out, nil
}
