package frontends

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/stdlib"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
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

// gatewayOptions are the frontend's settings, parsed from the build's opts.
type gatewayOptions struct {
	filename  string
	target    string
	platforms []ocispecs.Platform
	epoch     epoch.Epoch
	mirrors   map[string]string
	noCache   bool
	maxSteps  uint64
	// contexts are the named contexts, NAME to SOURCE (see
	// gatewaycontexts.go).
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

// parseGatewayOptions reads the opts of one frontend invocation.
func parseGatewayOptions(opts map[string]string) (*gatewayOptions, error) {
	o := &gatewayOptions{filename: opts[optFilename], target: opts[optTarget], epoch: epoch.Default, mirrors: map[string]string{}, contexts: map[string]string{}}
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
	if o.platforms, err = parsePlatformOpt(opts[optPlatform]); err != nil {
		return nil, err
	}
	if v, ok := opts[optNoCache]; ok {
		o.noCache = noCacheFor(v, o.target)
	}
	if v, ok := opts[optMaxSteps]; ok {
		if o.maxSteps, err = strconv.ParseUint(v, 10, 64); err != nil || o.maxSteps == 0 {
			return nil, fmt.Errorf("--opt %s=%q: want a positive number of evaluation steps", optMaxSteps, v)
		}
	}
	for _, k := range sortedKeys(opts) {
		if err := o.setPrefixed(k, opts[k], opts["source"]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// setPrefixed handles the opts whose key carries a name.
func (o *gatewayOptions) setPrefixed(key, value, source string) error {
	switch {
	case strings.HasPrefix(key, optMirror):
		return setMirror(o.mirrors, strings.TrimPrefix(key, optMirror), value, "--opt "+key)
	case strings.HasPrefix(key, optBuildArg):
		return o.setBuildArg(strings.TrimPrefix(key, optBuildArg), value)
	case strings.HasPrefix(key, optContext):
		return o.setContext(strings.TrimPrefix(key, optContext), value, source)
	}
	return nil
}

// setBuildArg honours the build arguments that have a meaning for cairn.
func (o *gatewayOptions) setBuildArg(name, value string) error {
	switch {
	case name == "SOURCE_DATE_EPOCH":
		if value == "" {
			return nil
		}
		v, err := epoch.Parse(value)
		if err != nil {
			return fmt.Errorf("build-arg:%s", err)
		}
		o.epoch = v
		return nil
	case name == "CAIRN_MIRRORS":
		return parseMirrorList(o.mirrors, value)
	case ignoredArgs[name] || strings.HasPrefix(name, "BUILDKIT_"):
		return nil
	}
	return errBuildArg(name)
}

// parseMirrorList reads CAIRN_MIRRORS="NAME=URL NAME=URL" (spaces or
// commas), as the CLI reads its environment; mirror:NAME opts win.
func parseMirrorList(into map[string]string, s string) error {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		name, u, ok := strings.Cut(part, "=")
		if !ok || name == "" {
			return fmt.Errorf("build-arg:CAIRN_MIRRORS: want NAME=URL entries separated by spaces, got %q", part)
		}
		if _, set := into[name]; set {
			continue
		}
		if err := setMirror(into, name, u, "build-arg:CAIRN_MIRRORS"); err != nil {
			return err
		}
	}
	return nil
}

// setMirror records one repository mirror after checking its URL. Opts
// are read in key order, so mirror:NAME (after build-arg:) wins.
func setMirror(into map[string]string, name, u, from string) error {
	p, err := url.Parse(u)
	if name == "" || err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return fmt.Errorf("%s=%q: want NAME=URL with an http:// or https:// URL, e.g. --opt mirror:debian=https://HOST/debian", from, u)
	}
	into[name] = u
	return nil
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

// parsePlatformOpt reads platform=P[,P] with the parser cairn build's
// --platform uses; empty means the engine's.
func parsePlatformOpt(s string) ([]ocispecs.Platform, error) {
	ps, err := stdlib.ParsePlatforms(s)
	if err != nil {
		return nil, fmt.Errorf("--opt platform=%w", err)
	}
	return ps, nil
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
