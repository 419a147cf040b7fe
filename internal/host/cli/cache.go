package cli

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/docker/cli/cli/config"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
)

// BuildKit's cache export and import (--cache-to, --cache-from) let a
// fresh engine, a CI runner or a fleet start from the steps another engine
// already ran. cairn solves each target on its own, so each target's cache
// is its own manifest; to keep several targets apart in one cache, cairn
// names the manifest after the target (see forTarget). cairn's result is a
// directory export, not an image, so mode=min (BuildKit's default: only
// the result's own layers) would cache almost nothing: exports default to
// mode=max, every intermediate step.

// cacheFlags are --cache-to and --cache-from.
type cacheFlags struct {
	to, from cacheFlag
}

func addCacheFlags(fs *flag.FlagSet) *cacheFlags {
	f := &cacheFlags{to: cacheFlag{export: true}}
	fs.Var(&f.to, "cache-to", "export the build cache: `type=local,dest=DIR` or type=registry,ref=REF (repeatable; mode=max unless set; default $CAIRN_CACHE_TO, else cairn.toml)")
	fs.Var(&f.from, "cache-from", "import a build cache: `type=local,src=DIR` or type=registry,ref=REF (repeatable; default $CAIRN_CACHE_FROM, else cairn.toml)")
	return f
}

// cacheFlag collects one direction's cache entries.
type cacheFlag struct {
	export  bool
	entries []cacheEntry
}

// cacheEntry is one exporter or importer: its type and attributes.
type cacheEntry struct {
	Type  string
	Attrs map[string]string
}

func (c *cacheFlag) String() string { return "" }

func (c *cacheFlag) Set(v string) error {
	e, err := parseCacheEntry(v, c.export)
	if err != nil {
		return err
	}
	c.entries = append(c.entries, e)
	return nil
}

// parseCacheEntry reads type=T,KEY=VALUE,... and checks the attributes the
// local and registry types need.
func parseCacheEntry(v string, export bool) (cacheEntry, error) {
	kv, err := keyValues(v)
	if err != nil {
		return cacheEntry{}, err
	}
	e := cacheEntry{Attrs: map[string]string{}}
	for _, p := range kv {
		if p[0] == "type" {
			e.Type = p[1]
		} else {
			e.Attrs[p[0]] = p[1]
		}
	}
	dir := map[bool]string{true: "dest", false: "src"}[export]
	switch {
	case e.Type == "":
		return e, fmt.Errorf("want type=local,%s=DIR or type=registry,ref=REF, got %q", dir, v)
	case e.Type == "local" && e.Attrs[dir] == "":
		return e, fmt.Errorf("type=local needs %s=DIR, got %q", dir, v)
	case e.Type == "registry" && e.Attrs["ref"] == "":
		return e, fmt.Errorf("type=registry needs ref=REF, got %q", v)
	}
	return e, nil
}

// fromEnv fills c from the environment variable name (entries separated
// by ";") unless the flag was given.
func (c *cacheFlag) fromEnv(name string) error {
	if len(c.entries) > 0 {
		return nil
	}
	for part := range strings.SplitSeq(os.Getenv(name), ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		if err := c.Set(strings.TrimSpace(part)); err != nil {
			return errUsage("cairn: $%s: %s", name, err)
		}
	}
	return nil
}

// fromConfig fills c from cairn.toml's list unless a flag or the
// environment gave entries; local directories are relative to the file.
func (c *cacheFlag) fromConfig(vals []string, cfg *projectConfig, key string) error {
	if len(c.entries) > 0 {
		return nil
	}
	for i, v := range vals {
		e, err := parseCacheEntry(v, c.export)
		if err != nil {
			return errUsage("%s: cache.%s[%d]: %s", cfg.path, key, i, err)
		}
		for _, k := range []string{"dest", "src"} {
			if d := e.Attrs[k]; e.Type == "local" && d != "" {
				e.Attrs[k] = cfg.abs(d)
			}
		}
		c.entries = append(c.entries, e)
	}
	return nil
}

// serial reports whether the targets must be solved one after another.
// Two solves exporting the same layer into one local directory at once
// trip over each other's half-written blobs (BuildKit's client opens a
// content store per solve). And when concurrent solves share a step that
// one of them loads from an imported cache, a solve that finishes first
// (its own later steps were cached) can cancel that load, and the engine
// runs the step instead of taking it from the cache.
func (f *cacheFlags) serial() bool {
	if len(f.from.entries) > 0 {
		return true
	}
	for _, e := range f.to.entries {
		if e.Type == "local" {
			return true
		}
	}
	return false
}

// registryAuth returns the session service that answers the engine's
// requests for registry credentials, from the Docker client configuration
// ($DOCKER_CONFIG, else ~/.docker/config.json), as buildctl does; nil when
// no cache lives in a registry. The credentials go to the engine for the
// registry that asks, and are not stored with the cache.
func (f *cacheFlags) registryAuth(stderr io.Writer) session.Attachable {
	if !f.registry() {
		return nil
	}
	return authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{
		AuthConfigProvider: authprovider.LoadAuthConfig(config.LoadDefaultConfigFile(stderr)),
	})
}

// registry reports whether a cache lives in a registry.
func (f *cacheFlags) registry() bool {
	return slices.ContainsFunc(append(slices.Clone(f.to.entries), f.from.entries...), func(e cacheEntry) bool { return e.Type == "registry" })
}

// explainRegistry adds what to do when a registry cache refused cairn's
// credentials, or found none.
func (f *cacheFlags) explainRegistry(err error) error {
	if err == nil || !f.registry() {
		return err
	}
	if msg := err.Error(); !strings.Contains(msg, "401 Unauthorized") && !strings.Contains(msg, "403 Forbidden") {
		return err
	}
	return fmt.Errorf("%w\nThe cache registry refused the credentials, or got none: cairn passes those of the Docker client configuration ($DOCKER_CONFIG/config.json, else ~/.docker/config.json); log in there, e.g. skopeo login --authfile ~/.docker/config.json HOST", err)
}

// forTarget returns the entries for one target's solve. "{target}" in any
// value becomes the target's name. A local cache tags the target's manifest
// with its name unless tag= is set; a registry ref without "{target}" gets
// the name as its tag, or appended to its tag ("cache:main" becomes
// "cache:main-rootfs"), so one ref holds every target's cache.
func (c *cacheFlag) forTarget(target string) []client.CacheOptionsEntry {
	out := make([]client.CacheOptionsEntry, 0, len(c.entries))
	for _, e := range c.entries {
		attrs := maps.Clone(e.Attrs)
		switch e.Type {
		case "local":
			if _, ok := attrs["tag"]; !ok {
				attrs["tag"] = "{target}"
			}
		case "registry":
			attrs["ref"] = refForTarget(attrs["ref"])
		}
		if _, ok := attrs["mode"]; c.export && !ok && e.Type != "inline" {
			attrs["mode"] = "max"
		}
		for k, v := range attrs {
			attrs[k] = strings.ReplaceAll(v, "{target}", target)
		}
		out = append(out, client.CacheOptionsEntry{Type: e.Type, Attrs: attrs})
	}
	return out
}

// refForTarget adds "{target}" to a registry ref's tag, unless the ref
// places it itself or is pinned by digest.
func refForTarget(ref string) string {
	if strings.Contains(ref, "{target}") || strings.Contains(ref, "@") {
		return ref
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	if strings.Contains(name, ":") {
		return ref + "-{target}"
	}
	return ref + ":{target}"
}
