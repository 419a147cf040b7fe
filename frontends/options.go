package frontends

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/lang"
	"github.com/cairn-build/cairn/stdlib"
	controlapi "github.com/moby/buildkit/api/services/control"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// A build's settings come through one of two front doors: the CLI's flags
// and environment (`cairn build --platform ... --mirror ...`), or the opts
// BuildKit hands the gateway frontend (`--opt platform=... --opt
// mirror:NAME=...`). Both fill one Options with the parsers below, the way
// BuildKit's Dockerfile frontend parses its opts once into dockerui.Config
// and embeds that in dockerfile2llb.ConvertOpt: a setting means the same
// whichever door it came through, and is checked by the same code.
//
// Options embeds stdlib.CompileOptions, so what the compiler reads
// (SOURCE_DATE_EPOCH, the target, the named contexts, the package and git
// sources) is one field from the parser to the compiler, never copied
// field by field on the way.

// Options are one build's settings from outside the recipe.
type Options struct {
	// CompileOptions are what the compiler reads. The doors fill Epoch
	// (epoch.FromEnv, or epoch.Parse of the SOURCE_DATE_EPOCH build
	// argument), Target, Contexts (the named contexts as LLB states),
	// Packages (from Mirrors and the lockfile) and Git; Definition sets
	// Platform, Helper and Context for each platform it compiles.
	stdlib.CompileOptions
	// Platforms to build for (stdlib.ParsePlatforms); empty means the
	// engine's native platform.
	Platforms []ocispecs.Platform
	// Mirrors are the repository mirrors the package source fetches from.
	Mirrors Mirrors
	// Secrets are the names of the secrets the build was given, for
	// checking a graph before it runs; nil when the door cannot know them
	// (a gateway frontend cannot list its client's secrets: a missing one
	// fails when the step that mounts it runs).
	Secrets []string
	// CacheImports are the caches every solve imports (see
	// ParseCacheImports).
	CacheImports []gateway.CacheOptionsEntry
	// NoCache makes the engine run every step again.
	NoCache bool
	// MaxSteps is the recipe evaluation's step budget (ParseMaxSteps).
	MaxSteps uint64
}

// NewOptions returns the defaults both doors start from: the default
// SOURCE_DATE_EPOCH and step budget, no mirrors.
func NewOptions() Options {
	return Options{
		CompileOptions: stdlib.CompileOptions{Epoch: epoch.Default},
		Mirrors:        Mirrors{},
		MaxSteps:       lang.DefaultMaxSteps,
	}
}

// ParseMaxSteps reads a step budget: `--max-steps N`, `--opt max-steps=N`.
// The doors name the flag or opt in the message.
func ParseMaxSteps(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, errors.New("want a positive number of evaluation steps")
	}
	return n, nil
}

// Mirrors maps repository names to mirror URLs: `--mirror NAME=URL`,
// `--opt mirror:NAME=URL` and CAIRN_MIRRORS. A Mirrors is a flag.Value.
type Mirrors map[string]string

// Add records the mirror of one repository after checking its URL.
func (m Mirrors) Add(name, u string) error {
	if name == "" {
		return fmt.Errorf("want NAME=URL, got %q", "="+u)
	}
	if err := checkMirrorURL(u); err != nil {
		return err
	}
	m[name] = u
	return nil
}

// Set reads one NAME=URL.
func (m Mirrors) Set(s string) error {
	name, u, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=URL, got %q", s)
	}
	if err := m.Add(name, u); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// AddList reads a CAIRN_MIRRORS list: NAME=URL entries separated by spaces
// or commas. A repository that already has a mirror keeps it: the flag or
// opt naming one mirror wins over the list.
func (m Mirrors) AddList(s string) error {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		name, _, _ := strings.Cut(part, "=")
		if _, set := m[name]; set && name != "" {
			continue
		}
		if err := m.Set(part); err != nil {
			return err
		}
	}
	return nil
}

// String lists the mirrors as NAME=URL, sorted.
func (m Mirrors) String() string {
	out := make([]string, 0, len(m))
	for name, u := range m {
		out = append(out, name+"="+u)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// checkMirrorURL accepts what the engine can download package files from.
// Whoever parses the options, the engine fetches the files (llb.HTTP), and
// its HTTP source knows http:// and https:// only; a file:// mirror could
// not be read by it, nor by a gateway frontend, which runs inside the
// engine and sees none of the client's files.
func checkMirrorURL(u string) error {
	p, err := url.Parse(u)
	switch {
	case err == nil && p.Scheme == "file":
		return fmt.Errorf("want an http:// or https:// URL, got %q: the engine downloads package files itself and cannot read file:// paths; serve the archive over HTTP (e.g. python3 -m http.server --directory DIR) and pass its http:// URL", u)
	case err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "":
		return fmt.Errorf("want an http:// or https:// URL, got %q", u)
	}
	return nil
}

// cacheImportsOpt is the build option holding the caches to import, as
// JSON: BuildKit's client sets it from --cache-from / --import-cache for
// every build function, the CLI's in-process one and a gateway frontend
// alike, and leaves it to the function to pass them to its solves (as the
// Dockerfile frontend does).
const cacheImportsOpt = "cache-imports"

// ParseCacheImports reads the caches to import from a build's options.
func ParseCacheImports(opts map[string]string) ([]gateway.CacheOptionsEntry, error) {
	s := opts[cacheImportsOpt]
	if s == "" {
		return nil, nil
	}
	var entries []*controlapi.CacheOptionsEntry
	if err := json.Unmarshal([]byte(s), &entries); err != nil {
		return nil, fmt.Errorf("build option %s: %w", cacheImportsOpt, err)
	}
	out := make([]gateway.CacheOptionsEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, gateway.CacheOptionsEntry{Type: e.Type, Attrs: e.Attrs})
	}
	return out, nil
}
