package stdlib

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var isoBuiltin = Builtin{
	Name:    "iso",
	Summary: "An ISO 9660 image (Rock Ridge, Joliet, El Torito), or a daisy-chained volume set past max_volume_size.",
	Params: []Param{
		{Name: "contents", Type: "artifact", Doc: "the tree to put on the disc"},
		{Name: "volume_id", Type: "string", Default: `"CAIRN"`, Doc: "volume identifier (up to 32 of A-Z 0-9 _); later volumes of a set get _2, _3, ..."},
		{Name: "name", Type: "string", Default: `"image"`, Doc: "file name without extension: NAME.iso, or NAME-1.iso ... NAME-N.iso for a volume set"},
		{Name: "boot", Type: "string", Default: `"none"`, Doc: `"none", "bios" (El Torito no-emulation, e.g. isolinux), "uefi" (El Torito EFI system partition image) or "both"`},
		{Name: "bios_image", Type: "string", Default: `"isolinux/isolinux.bin"`, Doc: "path inside contents of the BIOS boot image; its boot info table is filled in"},
		{Name: "efi", Type: "artifact", Default: "None", Doc: "the EFI system partition's tree (EFI/BOOT/BOOTX64.EFI, ...), made into a FAT image for the UEFI entry"},
		{Name: "max_volume_size", Type: "size", Default: "None", Doc: `split into a volume set of ISOs no larger than this, e.g. "4G"; None writes one ISO whatever its size`},
		{Name: "first", Type: "list of string", Default: "[]", Doc: "paths (files or directories) inside contents that must be on volume 1, the bootable one, besides the boot images"},
	},
	Returns: "artifact holding the ISO(s) and NAME.sha256",
	Doc: "Written by cairn's own deterministic ISO 9660 writer, inside BuildKit: every date is SOURCE_DATE_EPOCH, " +
		"files of 4 GiB and more are multi-extent files, Rock Ridge keeps long names, permissions and symlinks, " +
		"Joliet is there for other systems. A volume set shares one Volume Set Identifier; each volume has " +
		"its sequence number and carries `cairn-volumes.txt`, the list of every volume's files with their SHA-256, " +
		"so a boot volume's initramfs can find and verify the rest. NAME.sha256 lists the images' own SHA-256.",
	Example: `installer = iso(contents = tree, volume_id = "INSTALLER", boot = "both", efi = esp, max_volume_size = "4G")`,
	fn:      isoFn,
}

var (
	bootModes = []string{"none", "bios", "uefi", "both"}
	volumeID  = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)
)

type isoNode struct {
	at
	contents, efi              *Artifact
	volumeID, name, boot, bios string
	maxVolume                  int64
	first                      []string
}

func isoFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	n := &isoNode{at: at{callPos(t)}, volumeID: "CAIRN", name: "image", boot: "none"}
	contents := artifactArg{}
	bios := relPath{v: "isolinux/isolinux.bin"}
	var efi starlark.Value = starlark.None
	var maxVol sizeArg
	first := stringList{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "contents", &contents, "volume_id?", &n.volumeID, "name?", &n.name,
		"boot?", &n.boot, "bios_image?", &bios, "efi?", &efi, "max_volume_size?", &maxVol, "first?", &first); err != nil {
		return nil, err
	}
	n.contents, n.bios, n.maxVolume, n.first = contents.v, bios.v, maxVol.v, first.v
	if efi != starlark.None {
		a := artifactArg{}
		if err := unpackIn("iso", "efi", &a, efi); err != nil {
			return nil, err
		}
		n.efi = a.v
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	return newArtifact(n, fmt.Sprintf("iso(%q)", n.name)), nil
}

func (n *isoNode) check() error {
	switch {
	case !volumeID.MatchString(n.volumeID):
		return errParam("iso", "volume_id", quote(n.volumeID), "1 to 32 of A-Z, 0-9 and _")
	case n.name == "" || strings.ContainsAny(n.name, "/ "):
		return errParam("iso", "name", quote(n.name), `a file name without "/" or spaces`)
	case !contains(bootModes, n.boot):
		return errParam("iso", "boot", quote(n.boot), strings.Join(quoteAll(bootModes), ", "))
	case (n.boot == "uefi" || n.boot == "both") && n.efi == nil:
		return errParam("iso", "efi", "None", fmt.Sprintf("the EFI system partition's tree when boot = %q", n.boot))
	}
	for _, f := range n.first {
		if _, err := cleanRel(f); err != nil {
			return errParam("iso", "first", quote(f), err.Error())
		}
	}
	return nil
}

func (n *isoNode) compile(c *Compiler) (llb.State, error) {
	root, err := c.helperState("iso")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	src, err := c.State(n.contents)
	if err != nil {
		return llb.State{}, err
	}
	req := request.ISO{Src: "/src", Out: "/out", Epoch: c.epoch, Name: n.name, VolumeID: n.volumeID, MaxVolumeSize: n.maxVolume, First: n.first}
	opts := []llb.RunOption{llb.AddMount("/src", src, llb.Readonly)}
	if n.boot == "bios" || n.boot == "both" {
		req.BIOSImage = n.bios
	}
	if n.boot == "uefi" || n.boot == "both" {
		esp, err := n.espImage(c)
		if err != nil {
			return llb.State{}, err
		}
		opts = append(opts, llb.AddMount("/efi", esp, llb.Readonly))
		req.EFIImage = "/efi/" + fsImageFile
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	opts = append(opts, llb.Args(args), llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform), llb.WithCustomName(fmt.Sprintf("iso %s (%s, boot %s)", n.name, n.volumeID, n.boot)), c.loc(n.p))
	return root.Run(opts...).AddMount("/out", llb.Scratch()), nil
}

// espImage is the FAT image of the EFI tree for the El Torito UEFI entry.
func (n *isoNode) espImage(c *Compiler) (llb.State, error) {
	st, err := c.State(n.efi)
	if err != nil {
		return llb.State{}, err
	}
	return c.fsImage(n.p, fsSpec{fs: "fat", label: "EFIBOOT", salt: "iso/" + n.name + "/efi"}, st)
}
