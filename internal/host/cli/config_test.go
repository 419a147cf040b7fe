package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/engine"
)

// configProject writes cairn.toml (unless empty) beside a recipe and returns the
// recipe's path.
func configProject(t *testing.T, toml string) string {
	t.Helper()
	dir := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(filepath.Join(dir, configName), []byte(toml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "cairn.star")
}

const fullConfig = `[engine]
addr = "tcp://builder:1234"
tlscacert = "certs/ca.pem"
tlscert = "/abs/client.pem"
tlskey = "certs/client-key.pem"
tlsservername = "builder"

[cache]
to = ["type=local,dest=cache"]
from = ["type=local,src=cache", "type=registry,ref=host:5000/cache"]
`

func TestConfigPrecedence(t *testing.T) {
	recipe := configProject(t, fullConfig)
	dir := filepath.Dir(recipe)
	tests := []struct {
		name     string
		env      map[string]string
		flags    engine.Config
		wantAddr string
		wantCA   string
	}{
		{"file", nil, engine.Config{}, "tcp://builder:1234", filepath.Join(dir, "certs/ca.pem")},
		{"env wins, file TLS unused", map[string]string{"BUILDKIT_HOST": "tcp://other:1"}, engine.Config{}, "", ""},
		{"flag wins", nil, engine.Config{Addr: "unix:///run/b.sock"}, "unix:///run/b.sock", ""},
		{"TLS flag wins over the file", nil, engine.Config{TLSCACert: "/mine.pem"}, "tcp://builder:1234", "/mine.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BUILDKIT_HOST", tt.env["BUILDKIT_HOST"])
			c, err := loadConfig(recipe)
			if err != nil {
				t.Fatal(err)
			}
			cfg := tt.flags
			c.applyEngine(&cfg)
			if cfg.Addr != tt.wantAddr && !(tt.wantAddr == "" && cfg.Addr == tt.flags.Addr) {
				t.Errorf("addr = %q, want %q", cfg.Addr, tt.wantAddr)
			}
			if cfg.TLSCACert != tt.wantCA {
				t.Errorf("tlscacert = %q, want %q", cfg.TLSCACert, tt.wantCA)
			}
		})
	}
}

func TestConfigFileTLSPaths(t *testing.T) {
	t.Setenv("BUILDKIT_HOST", "")
	recipe := configProject(t, fullConfig)
	dir := filepath.Dir(recipe)
	c, err := loadConfig(recipe)
	if err != nil {
		t.Fatal(err)
	}
	var cfg engine.Config
	c.applyEngine(&cfg)
	want := engine.Config{Addr: "tcp://builder:1234", TLSCACert: filepath.Join(dir, "certs/ca.pem"), TLSCert: "/abs/client.pem",
		TLSKey: filepath.Join(dir, "certs/client-key.pem"), TLSServerName: "builder"}
	if cfg != want {
		t.Errorf("engine config = %+v, want %+v", cfg, want)
	}
}

func TestCachePrecedence(t *testing.T) {
	recipe := configProject(t, fullConfig)
	dir := filepath.Dir(recipe)
	tests := []struct {
		name     string
		env      string // CAIRN_CACHE_FROM
		flag     string // --cache-from
		wantFrom []cacheEntry
	}{
		{"file, paths relative to it", "", "", []cacheEntry{
			{"local", map[string]string{"src": filepath.Join(dir, "cache")}},
			{"registry", map[string]string{"ref": "host:5000/cache"}},
		}},
		{"env wins", "type=local,src=/e1; type=local,src=/e2", "", []cacheEntry{
			{"local", map[string]string{"src": "/e1"}},
			{"local", map[string]string{"src": "/e2"}},
		}},
		{"flag wins", "type=local,src=/e1", "type=local,src=rel", []cacheEntry{
			{"local", map[string]string{"src": "rel"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CAIRN_CACHE_FROM", tt.env)
			t.Setenv("CAIRN_CACHE_TO", "")
			f := &cacheFlags{to: cacheFlag{export: true}}
			if tt.flag != "" {
				if err := f.from.Set(tt.flag); err != nil {
					t.Fatal(err)
				}
			}
			c, err := loadConfig(recipe)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.applyCache(f); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.from.entries, tt.wantFrom) {
				t.Errorf("cache-from = %+v, want %+v", f.from.entries, tt.wantFrom)
			}
			if want := filepath.Join(dir, "cache"); len(f.to.entries) != 1 || f.to.entries[0].Attrs["dest"] != want {
				t.Errorf("cache-to = %+v, want the file's, dest %s", f.to.entries, want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ toml, want string }{
		{"[engine]\nadr = \"x\"\n", `cairn.toml:2:1: unknown setting "engine.adr"`},
		{"[cache]\nto = \"type=local,dest=x\"\n", "cairn.toml:2:"},
		{"[cache]\nto = [\"dest=x\"]\n", "cairn.toml: cache.to[0]: want type=local,dest=DIR"},
		{"[engine\n", "cairn.toml:1:"},
	}
	for _, tt := range tests {
		t.Setenv("CAIRN_CACHE_TO", "")
		t.Setenv("CAIRN_CACHE_FROM", "")
		recipe := configProject(t, tt.toml)
		c, err := loadConfig(recipe)
		if err == nil {
			err = c.applyCache(&cacheFlags{to: cacheFlag{export: true}})
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("cairn.toml %q: error %v, want one containing %q", tt.toml, err, tt.want)
		}
		if _, ok := err.(*usageError); !ok {
			t.Errorf("cairn.toml %q: error %T, want a usage error (exit code 2)", tt.toml, err)
		}
	}
}

func TestCacheEntries(t *testing.T) {
	tests := []struct {
		export bool
		in     string
		target string
		want   map[string]string
	}{
		{true, "type=local,dest=/c", "rootfs", map[string]string{"dest": "/c", "tag": "rootfs", "mode": "max"}},
		{true, "type=local,dest=/c,mode=min,tag=all", "rootfs", map[string]string{"dest": "/c", "tag": "all", "mode": "min"}},
		{false, "type=local,src=/c", "rootfs", map[string]string{"src": "/c", "tag": "rootfs"}},
		{true, "type=registry,ref=h:5000/c", "img", map[string]string{"ref": "h:5000/c:img", "mode": "max"}},
		{false, "type=registry,ref=h:5000/c:main", "img", map[string]string{"ref": "h:5000/c:main-img"}},
		{false, "type=registry,ref=h:5000/c/{target}:v1", "img", map[string]string{"ref": "h:5000/c/img:v1"}},
		{false, `type=registry,"ref=h/c@sha256:00"`, "img", map[string]string{"ref": "h/c@sha256:00"}},
	}
	for _, tt := range tests {
		f := cacheFlag{export: tt.export}
		if err := f.Set(tt.in); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		got := f.forTarget(tt.target)
		if len(got) != 1 || !reflect.DeepEqual(got[0].Attrs, tt.want) {
			t.Errorf("%s for %s = %+v, want attrs %v", tt.in, tt.target, got, tt.want)
		}
	}
}

func TestCacheEntryErrors(t *testing.T) {
	tests := []struct {
		export   bool
		in, want string
	}{
		{true, "dest=/c", "want type=local,dest=DIR or type=registry,ref=REF"},
		{true, "type=local,src=/c", "type=local needs dest=DIR"},
		{false, "type=local,dest=/c", "type=local needs src=DIR"},
		{false, "type=registry", "type=registry needs ref=REF"},
		{false, "type=local,src", `want KEY=VALUE,KEY=VALUE, got "src"`},
	}
	for _, tt := range tests {
		f := cacheFlag{export: tt.export}
		if err := f.Set(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestSerialWithCaches(t *testing.T) {
	tests := []struct {
		to, from string
		want     bool
	}{
		{"", "", false},
		{"type=registry,ref=h/c", "", false},
		{"type=local,dest=/c", "", true},
		{"", "type=registry,ref=h/c", true},
	}
	for _, tt := range tests {
		f := &cacheFlags{to: cacheFlag{export: true}}
		if tt.to != "" {
			f.to.Set(tt.to)
		}
		if tt.from != "" {
			f.from.Set(tt.from)
		}
		if got := f.serial(); got != tt.want {
			t.Errorf("to %q, from %q: serial() = %t, want %t", tt.to, tt.from, got, tt.want)
		}
	}
}
