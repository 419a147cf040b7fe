package gateway

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/stdlib"
)

// The frontend takes its settings the way BuildKit's Dockerfile frontend
// does (`buildctl --opt KEY=VALUE`, `docker buildx build --build-arg`), so
// the tools CI already runs can drive it. Everything a recipe may depend on
// from outside enters here and nowhere else; an option cairn cannot honour
// is an error rather than silently ignored, because a build that quietly
// differs from `cairn build` is worse than one that stops.

// Option keys the frontend reads (see docs/ci.md).
const (
	optFilename = "filename"
	optTarget   = "target"
	optPlatform = "platform"
	optNoCache  = "no-cache"
	// optMaxSteps is the evaluation step budget, cairn build --max-steps.
	optMaxSteps = "max-steps"
	// optMirror prefixes mirror:NAME=URL, the frontend's --mirror NAME=URL.
	optMirror = "mirror:"
	// optBuildArg prefixes build-arg:NAME=VALUE.
	optBuildArg = "build-arg:"
	// optContext prefixes context:NAME=SOURCE, BuildKit's named contexts.
	optContext = "context:"

	// DefaultFilename is the recipe read from the dockerfile local.
	DefaultFilename = "cairn.star"
	// dockerfileDefault is what the Dockerfile frontend reads when it
	// forwards a recipe to cairn through a `# syntax=` line without a
	// filename option.
	dockerfileDefault = "Dockerfile"
	// DockerfileLocal and ContextLocal are the session locals the frontend
	// reads, named as the Dockerfile frontend names them.
	DockerfileLocal = "dockerfile"
	ContextLocal    = "context"
)

// options are the frontend's settings, parsed from the build's opts: the
// build's frontends.Options, filled with the parsers the CLI fills them
// with, and what only the gateway has.
type options struct {
	frontends.Options
	// filename is the recipe inside the dockerfile local.
	filename string
	// contexts are the named contexts, NAME to SOURCE (see contexts.go);
	// they become Options.Contexts once the session is known.
	contexts map[string]string
}

// ignoredOpts are opts BuildKit and its clients set for every frontend and
// that say nothing cairn would act on. Unknown opts are ignored too (tools
// add their own, e.g. buildx's attestation settings); only opts with a
// meaning cairn cannot honour (build arguments, unknown context sources)
// fail.
//
// ignoredArgs are build arguments clients pass on their own: BuildKit's
// BUILDKIT_* controls and the proxy settings docker reads from its
// configuration (the engine's own downloads use the engine's proxy).
var ignoredArgs = map[string]bool{
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "FTP_PROXY": true, "NO_PROXY": true, "ALL_PROXY": true,
	"http_proxy": true, "https_proxy": true, "ftp_proxy": true, "no_proxy": true, "all_proxy": true,
}

// parseOptions reads the opts of one frontend invocation.
func parseOptions(opts map[string]string) (*options, error) {
	o := &options{Options: frontends.NewOptions(), filename: opts[optFilename], contexts: map[string]string{}}
	o.Target = opts[optTarget]
	if o.filename == "" {
		o.filename = DefaultFilename
		if _, forwarded := opts["cmdline"]; forwarded {
			o.filename = dockerfileDefault
		}
	}
	if err := checkFilename(o.filename); err != nil {
		return nil, err
	}
	var err error
	if o.Platforms, err = stdlib.ParsePlatforms(opts[optPlatform]); err != nil {
		return nil, fmt.Errorf("--opt %s=%w", optPlatform, err)
	}
	if v, ok := opts[optNoCache]; ok {
		o.NoCache = noCacheFor(v, o.Target)
	}
	if v, ok := opts[optMaxSteps]; ok {
		if o.MaxSteps, err = frontends.ParseMaxSteps(v); err != nil {
			return nil, fmt.Errorf("--opt %s=%q: %w", optMaxSteps, v, err)
		}
	}
	if o.CacheImports, err = frontends.ParseCacheImports(opts); err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(opts) {
		if err := o.setPrefixed(k, opts[k], opts["source"]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// setPrefixed handles the opts whose key carries a name. Opts are read in
// key order, so mirror:NAME (after build-arg:CAIRN_MIRRORS) wins.
func (o *options) setPrefixed(key, value, source string) error {
	switch {
	case strings.HasPrefix(key, optMirror):
		if err := o.Mirrors.Add(strings.TrimPrefix(key, optMirror), value); err != nil {
			return fmt.Errorf("--opt %s: %w", key, err)
		}
		return nil
	case strings.HasPrefix(key, optBuildArg):
		return o.setBuildArg(strings.TrimPrefix(key, optBuildArg), value)
	case strings.HasPrefix(key, optContext):
		return o.setContext(strings.TrimPrefix(key, optContext), value, source)
	}
	return nil
}

// setBuildArg honours the build arguments that have a meaning for cairn.
func (o *options) setBuildArg(name, value string) error {
	switch {
	case name == "SOURCE_DATE_EPOCH":
		if value == "" {
			return nil
		}
		v, err := epoch.Parse(value)
		if err != nil {
			return fmt.Errorf("build-arg:%w", err)
		}
		o.Epoch = v
		return nil
	case name == "CAIRN_MIRRORS":
		if err := o.Mirrors.AddList(value); err != nil {
			return fmt.Errorf("build-arg:CAIRN_MIRRORS: %w", err)
		}
		return nil
	case ignoredArgs[name] || strings.HasPrefix(name, "BUILDKIT_"):
		return nil
	}
	return errBuildArg(name)
}

// noCacheFor reads no-cache: empty means every target, else a comma list
// of target names.
func noCacheFor(v, target string) bool {
	if v == "" {
		return true
	}
	for _, n := range strings.Split(v, ",") {
		if strings.TrimSpace(n) == target {
			return true
		}
	}
	return false
}

// checkFilename keeps the recipe inside the dockerfile local.
func checkFilename(name string) error {
	clean := path.Clean(strings.TrimPrefix(name, "./"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." {
		return fmt.Errorf("--opt filename=%q: want the recipe's path inside the dockerfile local, e.g. %s", name, DefaultFilename)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
