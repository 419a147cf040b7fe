package kconfig

import (
	"strings"
	"testing"
	"testing/fstest"
)

// tree is a small Kconfig tree in the kernel's shapes: source with
// $(SRCARCH), if/endif and menu blocks whose dependencies reach the
// entries inside, help text that mentions keywords, continuation lines.
var tree = fstest.MapFS{
	"Kconfig": {Data: []byte(`mainmenu "Test"
source "arch/$(SRCARCH)/Kconfig"
source "drivers/Kconfig"

config BLOCK
	bool "Block layer"
	help
	  config NOT_A_SYMBOL
	  depends on NOTHING

config EXPERT
	bool
`)},
	"arch/x86/Kconfig": {Data: []byte(`config X86
	def_bool y
	select HAVE_PCI
`)},
	"drivers/Kconfig": {Data: []byte(`menu "Drivers"
	depends on !EXPERT

config HAVE_PCI
	bool

config PCI
	bool "PCI"
	depends on HAVE_PCI

if PCI
source "drivers/virtio/Kconfig"
endif

endmenu
`)},
	"drivers/virtio/Kconfig": {Data: []byte(`config VIRTIO_BLK
	tristate "Virtio block" # the disk
	depends on BLOCK && \
		VIRTIO
	select SG_POOL

config VIRTIO
	tristate

config NAME
	string "a name"

config SG_POOL
	bool
`)},
}

func read(t *testing.T) *Kconfig {
	t.Helper()
	kc, err := Read(tree, map[string]string{"SRCARCH": "x86"})
	if err != nil {
		t.Fatal(err)
	}
	return kc
}

func TestReadDefinitions(t *testing.T) {
	kc := read(t)
	for _, s := range []string{"BLOCK", "EXPERT", "X86", "HAVE_PCI", "PCI", "VIRTIO_BLK", "VIRTIO", "NAME"} {
		if !kc.Defines(s) {
			t.Errorf("%s not defined", s)
		}
	}
	if kc.Defines("NOT_A_SYMBOL") {
		t.Error("help text read as a definition")
	}
	if got := kc.defs["VIRTIO_BLK"][0].depends; strings.Join(got, " ; ") != "!EXPERT ; PCI ; BLOCK && VIRTIO" {
		t.Errorf("VIRTIO_BLK depends on %q", got)
	}
	if got := kc.defs["VIRTIO_BLK"][0].where; got != "drivers/virtio/Kconfig:1" {
		t.Errorf("VIRTIO_BLK at %s", got)
	}
}

func TestCheck(t *testing.T) {
	kc := read(t)
	frag, err := Parse(strings.NewReader("CONFIG_VIRTIO_BLK=y\nCONFIG_PCI=y\n# CONFIG_SG_POOL is not set\nCONFIG_TYPO=y\nCONFIG_NAME=\"edge\"\n"), "disk.cfg")
	if err != nil {
		t.Fatal(err)
	}
	later, _ := Parse(strings.NewReader("CONFIG_PCI=y\n"), "later.cfg")
	asked := Merge(frag, later)
	if asked["PCI"].Where != "later.cfg:1" {
		t.Errorf("the later fragment wins: %+v", asked["PCI"])
	}
	final, _ := Parse(strings.NewReader("CONFIG_X86=y\nCONFIG_HAVE_PCI=y\nCONFIG_PCI=y\nCONFIG_BLOCK=y\nCONFIG_SG_POOL=y\nCONFIG_VIRTIO_BLK=y\nCONFIG_NAME=\"edge\"\n# CONFIG_VIRTIO is not set\n"), ".config")
	got := Check(asked, Values(final), kc)
	var lines []string
	for _, m := range got {
		lines = append(lines, m.String())
	}
	want := []string{
		"CONFIG_SG_POOL: asked n at disk.cfg:3, got y: selected by VIRTIO_BLK=y",
		"CONFIG_TYPO: asked y at disk.cfg:4, got n: no Kconfig file defines it (misspelled, or not in this kernel version)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("mismatches:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// VIRTIO_BLK dropped because VIRTIO is off: the unmet dependency with
	// its symbols' values.
	final2 := Values(final)
	delete(final2, "VIRTIO_BLK")
	got = Check(map[string]Setting{"VIRTIO_BLK": asked["VIRTIO_BLK"]}, final2, kc)
	if len(got) != 1 || got[0].String() != "CONFIG_VIRTIO_BLK: asked y at disk.cfg:1, got n: unmet depends on BLOCK && VIRTIO (BLOCK=y, VIRTIO=n)" {
		t.Errorf("dropped VIRTIO_BLK: %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"CONFIG_A=\n":   "f.cfg:1: CONFIG_A has no value",
		"\nA=y\n":       `f.cfg:2: "A=y" is not a Kconfig setting`,
		"CONFIG_A y\n":  `f.cfg:1: "CONFIG_A y" is not a Kconfig setting`,
		"# comment\n\n": "",
	} {
		_, err := Parse(strings.NewReader(in), "f.cfg")
		if (err == nil) != (want == "") || err != nil && !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestEval(t *testing.T) {
	final := map[string]string{"A": "y", "B": "m", "S": `"x"`, "N": "4"}
	for expr, want := range map[string]int{
		"A": 2, "B": 1, "C": 0, "!B": 1, "A && B": 1, "B || C": 1, "!(A && C)": 2,
		`S = "x"`: 2, `S != "x"`: 0, "S != x": 2, "N >= 3": 2, "N < 3": 0, "A = y && B != n": 2, "S": 0,
	} {
		if got, err := eval(expr, final); err != nil || got != want {
			t.Errorf("eval(%q) = %d, %v; want %d", expr, got, err, want)
		}
	}
	for _, bad := range []string{"A &&", "(A", "A )", `S = "x`} {
		if _, err := eval(bad, final); err == nil {
			t.Errorf("eval(%q): no error", bad)
		}
	}
}
