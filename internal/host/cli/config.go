package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/pelletier/go-toml/v2"
)

// A project shares its build settings through cairn.toml beside the recipe:
// which engine to use and where the team's cache lives, so `cairn build`
// needs no flags in CI or on a laptop. It holds defaults only: a flag wins
// over the environment, which wins over the file. It never holds secrets
// (they come from --secret, so they stay out of version control), and it
// does not change what is built: only where and from which cache.

// configName is the project configuration file, beside the recipe.
const configName = "cairn.toml"

// projectConfig is cairn.toml.
type projectConfig struct {
	path string // as shown in messages
	dir  string // absolute directory relative paths start from

	Engine engineConfig `toml:"engine"`
	Cache  cacheConfig  `toml:"cache"`
}

// engineConfig is the [engine] table: the --addr and TLS flags.
type engineConfig struct {
	Addr          string `toml:"addr"`
	TLSCACert     string `toml:"tlscacert"`
	TLSCert       string `toml:"tlscert"`
	TLSKey        string `toml:"tlskey"`
	TLSServerName string `toml:"tlsservername"`
}

// cacheConfig is the [cache] table: lists of --cache-to and --cache-from.
type cacheConfig struct {
	To   []string `toml:"to"`
	From []string `toml:"from"`
}

// loadConfig reads cairn.toml beside the recipe file; a project without
// one gets an empty configuration.
func loadConfig(recipe string) (*projectConfig, error) {
	dir, display, _ := projectOf(recipe)
	c := &projectConfig{path: filepath.Join(display, configName), dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, configName))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, errUsage("cairn: %s: %s", c.path, err)
	}
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, c.decodeError(err)
	}
	return c, nil
}

// decodeError turns go-toml's errors into file:line:col messages.
func (c *projectConfig) decodeError(err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		line, col := e.Position()
		return errUsage("%s:%d:%d: unknown setting %q; cairn.toml knows [engine] addr, tlscacert, tlscert, tlskey, tlsservername and [cache] to, from",
			c.path, line, col, strings.Join(e.Key(), "."))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return errUsage("%s:%d:%d: %s", c.path, line, col, strings.TrimPrefix(de.Error(), "toml: "))
	}
	return errUsage("%s: %s", c.path, err)
}

// applyEngine makes [engine] the engine unless --addr or $BUILDKIT_HOST
// chose one. The TLS flags still win over the file's TLS settings; file
// paths in the file are relative to it.
func (c *projectConfig) applyEngine(cfg *engine.Config) {
	if c.Engine.Addr == "" || cfg.Addr != "" || os.Getenv("BUILDKIT_HOST") != "" {
		return
	}
	cfg.Addr = c.Engine.Addr
	for _, f := range []struct {
		flag *string
		file string
	}{
		{&cfg.TLSCACert, c.Engine.TLSCACert},
		{&cfg.TLSCert, c.Engine.TLSCert},
		{&cfg.TLSKey, c.Engine.TLSKey},
	} {
		if *f.flag == "" && f.file != "" {
			*f.flag = c.abs(f.file)
		}
	}
	if cfg.TLSServerName == "" {
		cfg.TLSServerName = c.Engine.TLSServerName
	}
}

// applyCache fills --cache-to and --cache-from from the environment, then
// from [cache], where neither flag was given.
func (c *projectConfig) applyCache(f *cacheFlags) error {
	if err := f.to.fromEnv("CAIRN_CACHE_TO"); err != nil {
		return err
	}
	if err := f.from.fromEnv("CAIRN_CACHE_FROM"); err != nil {
		return err
	}
	if err := f.to.fromConfig(c.Cache.To, c, "to"); err != nil {
		return err
	}
	return f.from.fromConfig(c.Cache.From, c, "from")
}

// abs resolves a path from the file against the file's directory.
func (c *projectConfig) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}
