package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultHome(t *testing.T) {
	t.Setenv("CAIRN_HOME", "/srv/cairn")
	if got := DefaultHome(); got != "/srv/cairn" {
		t.Errorf("DefaultHome with CAIRN_HOME = %q", got)
	}
	t.Setenv("CAIRN_HOME", "")
	t.Setenv("XDG_CACHE_HOME", "/var/cache/me")
	if got := DefaultHome(); got != "/var/cache/me/cairn" {
		t.Errorf("DefaultHome with XDG_CACHE_HOME = %q", got)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/me")
	if got := DefaultHome(); got != "/home/me/.cache/cairn" {
		t.Errorf("DefaultHome with HOME = %q", got)
	}
}

func TestBuildkitdFromEnv(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "my-buildkitd")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CAIRN_BUILDKITD", bin)
	if got, err := (Config{}).buildkitdPath(); err != nil || got != bin {
		t.Errorf("buildkitdPath with CAIRN_BUILDKITD = %q, %v; want %s", got, err, bin)
	}
	t.Setenv("CAIRN_BUILDKITD", bin+".missing")
	var se *SetupError
	if _, err := (Config{}).buildkitdPath(); !errors.As(err, &se) {
		t.Errorf("buildkitdPath with a missing CAIRN_BUILDKITD: %v, want *SetupError", err)
	}
}

func TestLayout(t *testing.T) {
	p, err := Config{Home: "/home/me/.cache/cairn"}.layout()
	if err != nil {
		t.Fatal(err)
	}
	want := paths{
		dir:     "/home/me/.cache/cairn/engine",
		root:    "/home/me/.cache/cairn/engine/root",
		config:  "/home/me/.cache/cairn/engine/buildkitd.toml",
		pid:     "/home/me/.cache/cairn/engine/buildkitd.pid",
		log:     "/home/me/.cache/cairn/engine/buildkitd.log",
		lock:    "/home/me/.cache/cairn/engine/lock",
		sockDir: "/home/me/.cache/cairn/engine",
		sock:    "/home/me/.cache/cairn/engine/buildkitd.sock",
	}
	if p != want {
		t.Errorf("layout = %+v\nwant %+v", p, want)
	}
}
