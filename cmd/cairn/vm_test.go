package main

// cairn vm on an image with no system: the firmware the profile names
// starts and reports on the serial console, which --expect reads; a
// pattern that never shows fails with the console's last lines; the
// output is never written. (The edge example's systems boot through
// cairn vm in TestEdgeImages.)

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

const vmRecipe = `
blank = files({"blank.img": "not a bootable disk\n"})
target("blank", vm_profile(blank, file = "blank.img", system = "qemu-system-x86_64", machine = "q35"))
target("plain", blank)
`

func TestVMFirmware(t *testing.T) {
	c := shared(t)
	proj := newProject(t, vmRecipe)
	out := filepath.Join(t.TempDir(), "out")
	vm := func(args ...string) result {
		return c.run(t, append([]string{"vm", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain"}, args...)...)
	}
	// OVMF finds nothing to boot on the disk and says so.
	r := vm("blank", "--expect", "BdsDxe: failed to load", "--timeout", bootTimeout.String())
	if r.code != 0 || !strings.Contains(r.stdout, "BdsDxe") || !strings.Contains(r.stderr, "-snapshot") {
		t.Fatalf("cairn vm --expect: %s", r)
	}
	before := treeSums(t, filepath.Join(out, "blank"))
	r = vm("blank", "--no-build", "--expect", "NEVER-PRINTED", "--timeout", "20s")
	if r.code != 1 || !strings.Contains(r.stderr, "the bound fired") || !strings.Contains(r.stderr, "BdsDxe") {
		t.Errorf("cairn vm --expect a line that never shows: %s", r)
	}
	if after := treeSums(t, filepath.Join(out, "blank")); !maps.Equal(before, after) {
		t.Error("booting changed the output")
	}
	if r := vm("plain"); r.code != 1 || !strings.Contains(r.stderr, "cairn.star:4:1: target plain has no emulator profile") {
		t.Errorf("cairn vm of a target without a profile: %s", r)
	}
	if r := vm("blank", "--firmware", "bios", "--no-build"); r.code != 1 || !strings.Contains(r.stderr, "this image boots with uefi") {
		t.Errorf("cairn vm --firmware bios: %s", r)
	}
}
