package ocilayout

import (
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Run writes the image layout req asks for.
func Run(req request.OCI) error {
	opts := Options{Epoch: req.Epoch.Unix(), Ref: req.Ref}
	if req.SBOM != "" {
		var err error
		if opts.SBOM, err = os.ReadFile(req.SBOM); err != nil {
			return err
		}
	}
	if req.Provenance != "" {
		var err error
		if opts.Provenance, err = os.ReadFile(req.Provenance); err != nil {
			return err
		}
	}
	if req.Config != nil {
		opts.Config = configOf(req)
	}
	images := make([]Image, len(req.Images))
	for i, img := range req.Images {
		images[i] = Image{Platform: Platform{OS: img.OS, Architecture: img.Architecture, Variant: img.Variant}, Rootfs: img.Root}
	}
	return Write(req.Out, images, opts)
}

// configOf is the runtime configuration req.Config asks for, its empty
// fields the defaults.
func configOf(req request.OCI) *Config {
	rc := req.Config
	c := &Config{Entrypoint: rc.Entrypoint, Cmd: rc.Cmd, User: rc.User, WorkingDir: rc.WorkingDir}
	if len(rc.Labels) > 0 {
		c.Labels = map[string]string{}
		for _, l := range rc.Labels {
			c.Labels[l.Key] = l.Value
		}
	}
	c.Env = []string{defaultPath}
	for _, kv := range rc.Env {
		if strings.HasPrefix(kv, "PATH=") {
			c.Env[0] = kv
		} else {
			c.Env = append(c.Env, kv)
		}
	}
	if len(rc.ExposedPorts) > 0 {
		c.ExposedPorts = map[string]struct{}{}
		for _, p := range rc.ExposedPorts {
			c.ExposedPorts[p] = struct{}{}
		}
	}
	return c
}
