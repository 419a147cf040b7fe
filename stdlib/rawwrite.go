package stdlib

import (
	"fmt"

	"go.starlark.net/starlark"
)

var rawWriteBuiltin = Builtin{
	Name:    "raw_write",
	Summary: "Bytes written at a fixed offset of a disk(), outside any partition: boot loaders such as U-Boot.",
	Params: []Param{
		{Name: "contents", Type: "artifact", Doc: "an artifact holding one file (from http(), package_files() through files(), ...)"},
		{Name: "offset", Type: "size", Doc: `byte offset, e.g. "8K" or 0 (the first 440 bytes of an MBR disk are boot code and may be written)`},
	},
	Returns: "raw_write",
	Doc:     "The write must not overlap a partition or the partition table; the message names what it overlaps.",
	Example: `uboot = raw_write(contents = http(url = UBOOT, sha256 = SUM), offset = "8K")`,
	fn:      rawWriteFn,
}

// RawWrite is the Starlark value raw_write() returns.
type RawWrite struct {
	at
	contents *Artifact
	offset   int64
}

func rawWriteFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	a := artifactArg{}
	var off sizeArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "contents", &a, "offset", &off); err != nil {
		return nil, err
	}
	if a.v.File() == "" {
		return nil, errParam("raw_write", "contents", a.v.String(), "an artifact holding one file (from http(), archive(), files({...}) of one file, ...)")
	}
	return &RawWrite{at: at{callPos(t)}, contents: a.v, offset: off.v}, nil
}

// String implements starlark.Value.
func (r *RawWrite) String() string {
	return fmt.Sprintf("<raw_write %s at %d>", r.contents.File(), r.offset)
}

// Type implements starlark.Value.
func (r *RawWrite) Type() string { return "raw_write" }

// Freeze implements starlark.Value.
func (r *RawWrite) Freeze() {}

// Truth implements starlark.Value.
func (r *RawWrite) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (r *RawWrite) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: raw_write") }
