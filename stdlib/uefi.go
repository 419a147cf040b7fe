package stdlib

import (
	"fmt"
	"path"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

var ukiBuiltin = Builtin{
	Name:    "uki",
	Summary: "A unified kernel image: an EFI stub carrying the kernel, initramfs and command line, so one Secure Boot signature covers all three.",
	Params: []Param{
		{Name: "stub", Type: "string or artifact", Doc: "systemd's EFI stub, one file: `pick(package_files(repos = repos, packages = [\"systemd-boot-efi\"], arch = ARCH), \"/usr/lib/systemd/boot/efi/linuxx64.efi.stub\")` (`linuxaa64.efi.stub` for arm64)"},
		{Name: "kernel", Type: "string or artifact", Doc: "the kernel with its EFI stub, one file (a vmlinuz: x86 bzImage or an uncompressed arm64 Image)"},
		{Name: "initrd", Type: "string or artifact", Default: "None", Doc: "the initramfs, one file"},
		{Name: "cmdline", Type: "string", Default: `""`, Doc: "the kernel command line; with Secure Boot on, the stub ignores any other"},
		{Name: "os_release", Type: "string or artifact", Default: "None", Doc: "an os-release file (the system's `pick(rootfs, \"/usr/lib/os-release\")`), which boot menus show; without it, `NAME=cairn`, `ID=cairn`, `PRETTY_NAME` the file name's stem and `VERSION_ID=1`: systemd-boot lists a UKI only when its os-release has a name and a version"},
		{Name: "name", Type: "string", Default: `"linux.efi"`, Doc: "the image's file name"},
	},
	Returns: "artifact holding one file",
	Doc: "Written by cairn's helper as ukify writes one (Debian 12 has no ukify): the stub's sections, then " +
		"`.osrel`, `.cmdline`, `.initrd` and `.linux`, each at the next aligned address, the stub's headers " +
		"updated. The result is unsigned: sign it with efi_sign(). systemd-boot lists a UKI it finds under " +
		"`EFI/Linux/` on its partition without a loader entry.",
	Example: `linux = uki(stub = stub, kernel = vmlinuz, initrd = initrd, cmdline = "console=ttyS0 root=PARTLABEL=root")`,
	fn:      ukiFn,
}

type ukiNode struct {
	at
	stub, kernel, initrd, osrel *Artifact
	cmdline, name               string
}

func ukiFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var stub, kernel starlark.Value
	var initrd, osrel starlark.Value = starlark.None, starlark.None
	n := &ukiNode{at: at{callPos(t)}, name: "linux.efi"}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "stub", &stub, "kernel", &kernel, "initrd?", &initrd,
		"cmdline?", &n.cmdline, "os_release?", &osrel, "name?", &n.name); err != nil {
		return nil, err
	}
	var err error
	if n.stub, _, err = oneFile(t, n.at, "uki", "stub", stub, "the EFI stub: a project path or an artifact holding one file"); err != nil {
		return nil, err
	}
	if n.kernel, _, err = oneFile(t, n.at, "uki", "kernel", kernel, "a kernel image: a project path or an artifact holding one file (pick(kernel, \"/boot/vmlinuz-*\"))"); err != nil {
		return nil, err
	}
	if initrd != starlark.None {
		if n.initrd, _, err = oneFile(t, n.at, "uki", "initrd", initrd, "an initramfs: a project path or an artifact holding one file"); err != nil {
			return nil, err
		}
	}
	if osrel != starlark.None {
		if n.osrel, _, err = oneFile(t, n.at, "uki", "os_release", osrel, "an os-release file: a project path or an artifact holding one file"); err != nil {
			return nil, err
		}
	}
	if err := checkFileName("uki", n.name, `"linux.efi"`); err != nil {
		return nil, err
	}
	if strings.ContainsRune(n.cmdline, 0) {
		return nil, errParam("uki", "cmdline", quote(n.cmdline), "a command line without NUL bytes")
	}
	return newFileArtifact(n, fmt.Sprintf("uki(%s)", quote(n.name)), n.name), nil
}

// checkFileName refuses a name that is not one plain file name.
func checkFileName(fn, name, example string) error {
	if name == "" || strings.ContainsAny(name, "/\n") || name == "." || name == ".." {
		return errParam(fn, "name", quote(name), "a file name like "+example)
	}
	return nil
}

func (n *ukiNode) compile(c *Compiler) (llb.State, error) {
	req := request.UKI{Stub: "/in/stub", Linux: "/in/linux", Cmdline: n.cmdline, Out: "/out/" + n.name, Epoch: c.epoch}
	files := []fileInput{{"/in/stub", n.stub}, {"/in/linux", n.kernel}}
	if n.initrd != nil {
		req.Initrd, files = "/in/initrd", append(files, fileInput{"/in/initrd", n.initrd})
	}
	if n.osrel != nil {
		req.OSRelease, files = "/in/osrel", append(files, fileInput{"/in/osrel", n.osrel})
	}
	return c.fileStep(n.p, "uki", req, files, "uki "+n.name)
}

var efiVarsBuiltin = Builtin{
	Name:    "efi_vars",
	Summary: "A UEFI variable store (OVMF/AAVMF) with PK, KEK and db enrolled, so the firmware enforces Secure Boot from its first start; and the keys as EFI signature lists.",
	Params: []Param{
		{Name: "template", Type: "string or artifact", Doc: "the firmware's empty variable store, one file: `pick(package_files(repos = repos, packages = [\"ovmf\"], arch = \"amd64\"), \"/usr/share/OVMF/OVMF_VARS_4M.fd\")` (with `OVMF_CODE_4M.secboot.fd`), or qemu-efi-aarch64's `/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd` (its `AAVMF_VARS.fd` is unformatted flash; the snakeoil store's keys are replaced)"},
		{Name: "pk", Type: "string or artifact", Doc: "the platform key's X.509 certificate (PEM or DER)"},
		{Name: "db", Type: "string, artifact or list", Doc: "the certificates images are signed with (efi_sign()'s `cert`)"},
		{Name: "kek", Type: "string, artifact or list", Default: "[pk]", Doc: "the key exchange keys' certificates"},
		{Name: "name", Type: "string", Default: `"VARS.fd"`, Doc: "the store's file name"},
	},
	Returns: "artifact: NAME, PK.esl, KEK.esl and db.esl",
	Doc: "Written by cairn's helper as OVMF's EnrollDefaultKeys leaves a store (Debian 12 has no virt-fw-vars): " +
		"db, KEK and PK as signature lists of X.509 certificates, SecureBootEnable set, CustomMode off; the " +
		"template's other variables kept. Only certificates go in, never keys: the store is public. Timestamps " +
		"are SOURCE_DATE_EPOCH and each signature's owner GUID is derived from its certificate, so the store " +
		"is the same bytes every build. Boot with it as qemu's second pflash drive; the .esl files are what " +
		"efi-updatevar or a firmware menu enrols on a real machine.",
	Example: `vars = efi_vars(template = pick(ovmf, "/usr/share/OVMF/OVMF_VARS_4M.fd"), pk = "keys/pk.pem", db = "keys/db.pem")`,
	fn:      efiVarsFn,
}

type efiVarsNode struct {
	at
	template, pk *Artifact
	kek, db      []*Artifact
	name         string
}

func efiVarsFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var template, pk, db starlark.Value
	var kek starlark.Value = starlark.None
	n := &efiVarsNode{at: at{callPos(t)}, name: "VARS.fd"}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "template", &template, "pk", &pk, "db", &db, "kek?", &kek, "name?", &n.name); err != nil {
		return nil, err
	}
	var err error
	if n.template, _, err = oneFile(t, n.at, "efi_vars", "template", template, "a variable store file: a project path or an artifact holding one file"); err != nil {
		return nil, err
	}
	const cert = "a certificate file: a project path or an artifact holding one file"
	if n.pk, _, err = oneFile(t, n.at, "efi_vars", "pk", pk, cert); err != nil {
		return nil, err
	}
	if n.db, err = fileList(t, n.at, "efi_vars", "db", db, cert); err != nil {
		return nil, err
	}
	if kek == starlark.None {
		n.kek = []*Artifact{n.pk}
	} else if n.kek, err = fileList(t, n.at, "efi_vars", "kek", kek, cert); err != nil {
		return nil, err
	}
	if err := checkFileName("efi_vars", n.name, `"VARS.fd"`); err != nil {
		return nil, err
	}
	if n.name == "PK.esl" || n.name == "KEK.esl" || n.name == "db.esl" {
		return nil, errParam("efi_vars", "name", quote(n.name), "a name other than the signature lists' (PK.esl, KEK.esl, db.esl)")
	}
	return newArtifact(n, fmt.Sprintf("efi_vars(%s)", quote(n.name))), nil
}

// fileList is one file argument or a non-empty list of them.
func fileList(t *starlark.Thread, pos at, fn, param string, v starlark.Value, want string) ([]*Artifact, error) {
	l, ok := v.(*starlark.List)
	if !ok {
		a, _, err := oneFile(t, pos, fn, param, v, want)
		return []*Artifact{a}, err
	}
	if l.Len() == 0 {
		return nil, errParam(fn, param, "[]", "at least one: "+want)
	}
	var out []*Artifact
	for i := range l.Len() {
		a, _, err := oneFile(t, pos, fn, fmt.Sprintf("%s[%d]", param, i), l.Index(i), want)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (n *efiVarsNode) compile(c *Compiler) (llb.State, error) {
	req := request.EFIVars{Template: "/in/template", PK: "/in/pk", Out: "/out", Name: n.name, Epoch: c.epoch}
	files := []fileInput{{"/in/template", n.template}, {"/in/pk", n.pk}}
	for i, a := range n.kek {
		p := fmt.Sprintf("/in/kek/%d", i)
		req.KEK, files = append(req.KEK, p), append(files, fileInput{p, a})
	}
	for i, a := range n.db {
		p := fmt.Sprintf("/in/db/%d", i)
		req.DB, files = append(req.DB, p), append(files, fileInput{p, a})
	}
	return c.fileStep(n.p, "efi_vars", req, files, "efi_vars "+n.name+" (Secure Boot keys enrolled)")
}

// fileInput is one file of an artifact mounted at a path in a helper step.
type fileInput struct {
	at string
	a  *Artifact
}

// fileStep runs the helper on req with each input file mounted read-only
// at its path, no network, and returns what it wrote under /out.
func (c *Compiler) fileStep(p syntax.Position, fn string, req request.Request, files []fileInput, name string) (llb.State, error) {
	root, err := c.helperState(fn)
	if err != nil {
		return llb.State{}, errAt(p, "", err)
	}
	opts := []llb.RunOption{llb.Network(pb.NetMode_NONE), llb.Platform(c.helper.Platform), llb.WithCustomName(name), c.loc(p)}
	for _, f := range files {
		st, err := c.State(f.a)
		if err != nil {
			return llb.State{}, err
		}
		opts = append(opts, llb.AddMount(f.at, st, llb.SourcePath(path.Join("/", f.a.File())), llb.Readonly))
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(p, fn, err)
	}
	return root.Run(append(opts, llb.Args(args))...).AddMount("/out", llb.Scratch()), nil
}
