package cli

import (
	"os"
	"strconv"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/epoch"
)

// The CLI fills the build's frontends.Options, the type the gateway
// frontend fills from BuildKit's opts, with the same parsers: flags as
// they are parsed (--mirror, --max-steps), then the environment, which
// the flags win over (SOURCE_DATE_EPOCH, CAIRN_MIRRORS), then what each
// command adds (platforms, contexts, secrets, the package source).

// readEnv fills what the environment gives the build: SOURCE_DATE_EPOCH
// and CAIRN_MIRRORS (mirrors not named by --mirror).
func (r *recipeFlags) readEnv() error {
	ep, err := epoch.FromEnv()
	if err != nil {
		return errUsage("cairn: %s", err)
	}
	r.opts.Epoch = ep
	if err := r.opts.Mirrors.AddList(os.Getenv("CAIRN_MIRRORS")); err != nil {
		return errUsage("CAIRN_MIRRORS: %s", err)
	}
	return nil
}

// setPlatforms reads --platform P[,P] with the parser the frontend's
// platform opt uses; empty means the engine's default. A platform cairn
// does not build for is a usage error.
func (r *recipeFlags) setPlatforms(s string) error {
	ps, err := parsePlatforms(s)
	r.opts.Platforms = ps
	return err
}

// maxStepsFlag is --max-steps, read as the frontend reads its max-steps
// opt.
type maxStepsFlag struct{ n *uint64 }

func (f maxStepsFlag) String() string {
	if f.n == nil {
		return ""
	}
	return strconv.FormatUint(*f.n, 10)
}

func (f maxStepsFlag) Set(s string) (err error) {
	*f.n, err = frontends.ParseMaxSteps(s)
	return err
}
