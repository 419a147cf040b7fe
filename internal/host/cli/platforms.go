package cli

import (
	"github.com/cairn-build/cairn/stdlib"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// parsePlatforms reads --platform P[,P] with the parser the frontend's
// platform opt uses; empty means the engine's default. A platform cairn
// does not build for is a usage error.
func parsePlatforms(s string) ([]ocispecs.Platform, error) {
	ps, err := stdlib.ParsePlatforms(s)
	if err != nil {
		return nil, errUsage("--platform %s", err)
	}
	return ps, nil
}
