package stdlib

import (
	"fmt"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"go.starlark.net/starlark"
)

var ociImageBuiltin = Builtin{
	Name:    "oci_image",
	Summary: "An OCI image layout of a root filesystem, for one or several platforms.",
	Params: []Param{
		{Name: "rootfs", Type: "artifact", Doc: "the image's filesystem, usually from `rootfs()`; built once per platform"},
		{Name: "platforms", Type: "list of string", Default: "the build's platform", Doc: `platforms of the image, e.g. ["linux/amd64", "linux/arm64"]: one manifest each, listed in one index`},
		{Name: "ref", Type: "string", Default: "None", Doc: "tag recorded as the index's `org.opencontainers.image.ref.name`"},
		{Name: "entrypoint", Type: "list of string", Default: "[]", Doc: "the program the container runs (the config's `Entrypoint`)"},
		{Name: "cmd", Type: "list of string", Default: "a shell", Doc: "the command, or the entrypoint's arguments (`Cmd`); without both, `/bin/bash` or `/bin/sh`"},
		{Name: "env", Type: "dict of string to string", Default: "{}", Doc: "environment (`Env`) on top of the usual PATH (a PATH entry replaces it)"},
		{Name: "workdir", Type: "string", Default: "None", Doc: "the working directory (`WorkingDir`), absolute"},
		{Name: "user", Type: "string", Default: "None", Doc: "who runs it (`User`): `name`, `uid`, `uid:gid` or `name:group`"},
		{Name: "ports", Type: "list of string", Default: "[]", Doc: "exposed ports (`ExposedPorts`): `8080`, `8080/tcp`, `53/udp`"},
		{Name: "labels", Type: "dict of string to string", Default: "{}", Doc: "the config's `Labels`"},
	},
	Returns: "artifact: an OCI image layout (`oci-layout`, `index.json`, `blobs/`)",
	Doc: "One layer per platform, a deterministic tar that keeps the files' owners and modes, with mtimes and the " +
		"config's `created` from SOURCE_DATE_EPOCH, so digests repeat. When `rootfs` comes from `rootfs()`, its " +
		"package list is attached to each manifest as an SPDX 2.3 SBOM (an OCI artifact whose subject is the image). " +
		"Each image also carries its SLSA provenance the same way. `index.json` lists one entry, named by `ref`: one image " +
		"index holding the images and what is attached to them (the artifacts carry no platform, as BuildKit's attestations), " +
		"so `skopeo inspect oci:DIR` needs no tag. Load it with `skopeo copy oci:DIR ...` or push it with any OCI tool.",
	Example: `target("image", oci_image(base, platforms = ["linux/amd64", "linux/arm64"], ref = "edge:1",
                             entrypoint = ["/usr/sbin/nginx", "-g", "daemon off;"], ports = ["80"], user = "www-data"))`,
	fn: ociImageFn,
}

var sbomBuiltin = Builtin{
	Name:    "sbom",
	Summary: "The SPDX 2.3 SBOM of a root filesystem's packages, as a file.",
	Params: []Param{
		{Name: "rootfs", Type: "artifact", Doc: "an artifact from `rootfs()`"},
		{Name: "platforms", Type: "list of string", Default: "the build's platform", Doc: "platforms whose package sets to list"},
		{Name: "name", Type: "string", Default: `"sbom.spdx.json"`, Doc: "file name inside the artifact"},
	},
	Returns: "artifact holding one file",
	Doc:     "Packages are listed with version, architecture, SHA-256 and a `pkg:deb` purl; the document's namespace and date derive from its content and SOURCE_DATE_EPOCH.",
	Example: `target("sbom", sbom(base))`,
	fn:      sbomFn,
}

type ociNode struct {
	at
	rootfs    *Artifact
	platforms []ocispecs.Platform // nil: the build's
	ref       string
	config    *request.OCIConfig // nil: the default
}

type sbomNode struct {
	at
	rootfs    *rootfsNode
	platforms []ocispecs.Platform
	name      string
}

func ociImageFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	plats := stringList{}
	var ref string
	var entrypoint, cmd, ports stringList
	var env, labels *starlark.Dict
	var cfg request.OCIConfig
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "rootfs", &src, "platforms?", &plats, "ref?", &ref,
		"entrypoint?", &entrypoint, "cmd?", &cmd, "env?", &env, "workdir?", &cfg.WorkingDir, "user?", &cfg.User,
		"ports?", &ports, "labels?", &labels); err != nil {
		return nil, err
	}
	if err := ociConfig(&cfg, entrypoint.v, cmd.v, ports.v, env, labels); err != nil {
		return nil, err
	}
	ps, err := platformList("oci_image", plats.v)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(ref, " \t\n") {
		return nil, errParam("oci_image", "ref", quote(ref), `a reference like "edge:1"`)
	}
	n := &ociNode{at: at{callPos(t)}, rootfs: src.v, platforms: ps, ref: ref}
	if !reflect.DeepEqual(cfg, request.OCIConfig{}) {
		n.config = &cfg
	}
	return newArtifact(n, "oci_image(...)"), nil
}

var ociPort = regexp.MustCompile(`^([0-9]{1,5})(/(tcp|udp|sctp))?$`)

// ociConfig checks and fills what oci_image() sets of the runtime config.
func ociConfig(c *request.OCIConfig, entrypoint, cmd, ports []string, env, labels *starlark.Dict) error {
	c.Entrypoint, c.Cmd = entrypoint, cmd
	var err error
	if c.Env, err = envOf("oci_image", env); err != nil {
		return err
	}
	ls, err := stringMap("oci_image", "labels", labels, "string: string pairs")
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(ls)) {
		c.Labels = append(c.Labels, request.Label{Key: k, Value: ls[k]})
	}
	if c.WorkingDir != "" && !path.IsAbs(c.WorkingDir) {
		return errParam("oci_image", "workdir", quote(c.WorkingDir), `an absolute path like "/srv"`)
	}
	if strings.ContainsAny(c.User, " \t\n") {
		return errParam("oci_image", "user", quote(c.User), `"name", "uid", "uid:gid" or "name:group"`)
	}
	seen := map[string]bool{}
	for _, p := range ports {
		num, proto, _ := strings.Cut(p, "/")
		if n, err := strconv.Atoi(num); !ociPort.MatchString(p) || err != nil || n < 1 || n > 65535 {
			return errParam("oci_image", "ports", quote(p), `a port like "8080", "8080/tcp" or "53/udp"`)
		}
		if proto == "" {
			p += "/tcp"
		}
		if !seen[p] {
			seen[p] = true
			c.ExposedPorts = append(c.ExposedPorts, p)
		}
	}
	sort.Strings(c.ExposedPorts)
	return nil
}

func sbomFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	plats := stringList{}
	name := relPath{v: "sbom.spdx.json"}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "rootfs", &src, "platforms?", &plats, "name?", &name); err != nil {
		return nil, err
	}
	rn, ok := src.v.node.(*rootfsNode)
	if !ok {
		return nil, errParam("sbom", "rootfs", src.v.String(), "an artifact from rootfs()")
	}
	ps, err := platformList("sbom", plats.v)
	if err != nil {
		return nil, err
	}
	return newFileArtifact(&sbomNode{at: at{callPos(t)}, rootfs: rn, platforms: ps, name: name.v}, "sbom(...)", name.v), nil
}

func platformList(fn string, l []string) ([]ocispecs.Platform, error) {
	seen := map[string]bool{}
	var out []ocispecs.Platform
	for _, s := range l {
		p := platformArg{}
		if err := unpackIn(fn, "platforms", &p, starlark.String(s)); err != nil {
			return nil, err
		}
		if k := platforms.Format(*p.v); !seen[k] {
			seen[k] = true
			out = append(out, *p.v)
		}
	}
	return out, nil
}

// each returns one compiler per platform (the build's own when none are
// listed), sharing package layers.
func (c *Compiler) each(ps []ocispecs.Platform) []*Compiler {
	if len(ps) == 0 {
		return []*Compiler{c}
	}
	out := make([]*Compiler, len(ps))
	for i, p := range ps {
		out[i] = c.forPlatform(p)
	}
	return out
}

// setsOfCompiled compiles an image's rootfs for each platform first, then
// returns the package sets it resolved, or nil when the image's filesystem
// does not come straight from rootfs().
func setsOfCompiled(c *Compiler, n *ociNode, cs []*Compiler) []*pkgs.Set {
	rn, ok := n.rootfs.node.(*rootfsNode)
	if !ok {
		return nil
	}
	var out []*pkgs.Set
	for _, cc := range cs {
		if _, err := cc.State(n.rootfs); err != nil {
			return nil // reported again, with its position, by the caller's State
		}
		arch := rn.arch
		if arch == "" {
			arch, _ = debArchOf(cc.platform)
		}
		if s := c.shared.sets[setKey{rn, arch}]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (n *ociNode) compile(c *Compiler) (llb.State, error) {
	helper, err := c.helperState("oci_image")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	cs := c.each(n.platforms)
	req := request.OCI{Out: "/out", Epoch: c.epoch, Ref: n.ref, Config: n.config}
	opts := []llb.RunOption{}
	if sets := setsOfCompiled(c, n, cs); sets != nil {
		name := n.ref
		if name == "" {
			name = "oci-image"
		}
		doc, err := spdxSBOM(name, c.epoch, sets)
		if err != nil {
			return llb.State{}, err
		}
		sb := llb.Scratch().File(llb.Mkfile("/sbom.spdx.json", 0o644, doc, c.created(), rootOwner()), llb.WithCustomName("sbom"))
		opts = append(opts, llb.AddMount("/sbom", sb, llb.Readonly))
		req.SBOM = "/sbom/sbom.spdx.json"
	}
	var plats []string
	for i, cc := range cs {
		st, err := cc.State(n.rootfs)
		if err != nil {
			return llb.State{}, err
		}
		plats = append(plats, platforms.Format(cc.platform))
		dir := fmt.Sprintf("/in/%d", i)
		p := cc.platform
		req.Images = append(req.Images, request.OCIImage{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant, Root: dir})
		opts = append(opts, llb.AddMount(dir, st, llb.Readonly))
	}
	prov, err := n.provenance(c, plats)
	if err != nil {
		return llb.State{}, errAt(n.p, "oci_image", err)
	}
	opts = append(opts, llb.AddMount("/provenance", prov, llb.Readonly))
	req.Provenance = "/provenance/provenance.json"
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	opts = append(opts, llb.Args(args), llb.Network(pb.NetMode_NONE), llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("oci image (%d platforms)", len(cs))), c.loc(n.p))
	return helper.Run(opts...).AddMount("/out", llb.Scratch()), nil
}

// provenance is the SLSA v1 predicate attached to each image: what the
// image was built from (the bill so far: its root filesystems, their
// build roots and sources), the image's name and platforms and the
// epoch. It names no recipe digest or line, so that an edit elsewhere
// in the recipe does not write the image again; the target's
// TARGET.provenance.json, whose subjects are the layout's blobs, does.
func (n *ociNode) provenance(c *Compiler, plats []string) (llb.State, error) {
	ext := map[string]any{"source_date_epoch": int64(c.epoch), "platforms": plats}
	if n.ref != "" {
		ext["image"] = n.ref
	}
	versions := map[string]string{"helper-" + platforms.Format(c.helper.Platform): c.helper.Digest.String()}
	doc, err := attest.Predicate(ext, c.Bill(), versions)
	if err != nil {
		return llb.State{}, err
	}
	return llb.Scratch().File(llb.Mkfile("/provenance.json", 0o644, doc, c.created(), rootOwner()), llb.WithCustomName("provenance")), nil
}

func (n *sbomNode) compile(c *Compiler) (llb.State, error) {
	cs := c.each(n.platforms)
	var sets []*pkgs.Set
	for _, cc := range cs {
		arch := n.rootfs.arch
		if arch == "" {
			a, err := debArchOf(cc.platform)
			if err != nil {
				return llb.State{}, errAt(n.p, "sbom", err)
			}
			arch = a
		}
		s, err := cc.packageSet(n.rootfs, arch)
		if err != nil {
			return llb.State{}, err
		}
		sets = append(sets, s)
	}
	doc, err := spdxSBOM(n.name, c.epoch, sets)
	if err != nil {
		return llb.State{}, err
	}
	return llb.Scratch().File(llb.Mkfile("/"+n.name, 0o644, doc, c.created(), rootOwner()),
		llb.WithCustomName("sbom "+n.name), c.loc(n.p)), nil
}
