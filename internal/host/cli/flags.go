package cli

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/host/engine"
)

// parse accepts flags before and after positional arguments
// (`cairn build hello -o dir`), returning the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	if asksHelp(fs, args) {
		fs.Usage()
		return nil, &reported{flag.ErrHelp}
	}
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, &reported{err}
			}
			return nil, &usageError{msg: fmt.Sprintf("%s: %s", fs.Name(), err), printed: true}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// engineFlags are the flags that choose and reach the engine.
func engineFlags(fs *flag.FlagSet) *engine.Config {
	cfg := &engine.Config{}
	fs.StringVar(&cfg.Addr, "addr", "", "BuildKit `address` (unix://, tcp://, docker-container://, kube-pod://); default $BUILDKIT_HOST, else cairn's embedded engine")
	fs.StringVar(&cfg.TLSCACert, "tlscacert", "", "CA certificate `file` for tcp:// engines")
	fs.StringVar(&cfg.TLSCert, "tlscert", "", "client certificate `file` for tcp:// engines")
	fs.StringVar(&cfg.TLSKey, "tlskey", "", "client key `file` for tcp:// engines")
	fs.StringVar(&cfg.TLSServerName, "tlsservername", "", "server `name` to verify in the engine's certificate")
	return cfg
}

// projectOf splits a recipe path into the project directory (shown as the
// user wrote it) and the file name inside it.
func projectOf(file string) (dir, display, name string) {
	display = filepath.Dir(file)
	dir, err := filepath.Abs(display)
	if err != nil {
		dir = display
	}
	return dir, filepath.ToSlash(display), filepath.Base(file)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// keyValues splits KEY=VALUE,KEY=VALUE (CSV, so a value may be quoted to
// hold a comma), the syntax of --secret, --cache-to and --cache-from.
func keyValues(s string) ([][2]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.TrimLeadingSpace = true
	fields, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("want KEY=VALUE,KEY=VALUE, got %q: %w", s, err)
	}
	out := make([][2]string, 0, len(fields))
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("want KEY=VALUE,KEY=VALUE, got %q (in %q)", f, s)
		}
		out = append(out, [2]string{strings.ToLower(strings.TrimSpace(k)), v})
	}
	return out, nil
}
