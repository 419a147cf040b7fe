package main

// The flagship example's bootable images, judged by independent tools
// (sfdisk, sgdisk, fsck.fat, mtools, e2fsck, debugfs, xorriso, isoinfo,
// cpio) and booted in qemu-system, then rebuilt on a fresh engine to the
// same bytes.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/signer"
	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

// edgeExample is the flagship example, as the tests reach it.
const edgeExample = "../../examples/edge/cairn.star"

// edgeTargets are its targets: the images, their Secure Boot signed
// variants (with the demo key as a secret, and through the transit
// service) and the variable stores enrolling the key.
var edgeTargets = []string{"rpi4", "qemu", "iso", "iso-sb", "qemu-sb", "iso-sb-service", "qemu-sb-service", "sb-vars-amd64", "sb-vars-arm64"}

// edgeKeys is the example's demo Secure Boot key and certificate.
const edgeKeys = "../../examples/edge/keys"

func TestEdgeImages(t *testing.T) {
	needEmulation(t, "arm64")
	// The service the example names (127.0.0.1:8100), holding the demo
	// key in a softhsm2 token, as a service that was given the key would.
	svc := transittest.Serve(t, "127.0.0.1:8100", "edge-db", filepath.Join(edgeKeys, "db.key"))
	token := filepath.Join(t.TempDir(), "token")
	writeFile(t, token, svc.Token+"\n")
	var sums [2]map[string]string
	for i := range sums {
		c := freshEngine(t)
		dir := filepath.Join(t.TempDir(), "out")
		r := c.ok(t, append([]string{"build", "-f", edgeExample, "-o", dir, "--locked", "--progress", "plain",
			"--secret", "id=edge-db-key,src=" + filepath.Join(edgeKeys, "db.key"), "--secret", "id=vault-token,src=" + token}, edgeTargets...)...)
		c.ok(t, "engine", "stop")
		sums[i] = treeSums(t, dir)
		if i == 0 {
			checkPackedExport(t, r.stderr, sums[i])
			checkEdgeImages(t, c, dir)
			checkEdgeSecureBoot(t, c, dir, sums[i])
			cert, err := signer.ReadCert(filepath.Join(edgeKeys, "db.pem"))
			testutil.Must(t, err)
			checkEnvelopes(t, dir, "iso-sb", cert)
			checkEnvelopes(t, dir, "qemu-sb-service", cert)
		}
	}
	if n := len(svc.Signed()); n != 12 {
		t.Errorf("the service signed %d digests, want 12 (systemd-boot and the UKI, for two architectures, and the arm64 image's two statements, in two engines)", n)
	}
	for p, s := range sums[0] {
		if sums[1][p] != s {
			t.Errorf("%s differs between fresh engines: %s vs %s", p, s, sums[1][p])
		}
	}
	for _, p := range []string{"rpi4/raspberrypi4.img", "qemu/qemu_virt_arm64.img", "iso/pc_x86_64.iso"} {
		if sums[0][p] == "" {
			t.Errorf("output lacks %s (have %v)", p, keys(sums[0]))
		}
	}
}

// diskReport is the disk helper's JSON line in the progress output: the
// image's name and the SHA-256 it had in the graph.
var diskReport = regexp.MustCompile(`\{"name":"([^"]+)","table":"[a-z]+","size":[0-9]+,"sha256":"([0-9a-f]{64})"`)

// checkPackedExport: the disk images crossed the export packed (their
// data alone, see stdlib.CompileOptions.PackSparse) and arrived with the
// bytes they had in the graph.
func checkPackedExport(t *testing.T, progress string, sums map[string]string) {
	if !strings.Contains(progress, "pack sparse files for export") {
		t.Error("no pack step in the progress output")
	}
	reports := diskReport.FindAllStringSubmatch(progress, -1)
	if len(reports) == 0 {
		t.Fatal("no disk helper report in the progress output")
	}
	// Images of one name (a board's, signed or not) are told apart by
	// their digests: each on the host must be one the graph reported.
	inGraph := map[string][]string{}
	for _, m := range reports {
		inGraph[m[1]] = append(inGraph[m[1]], m[2])
	}
	for name, graphSums := range inGraph {
		found := false
		for p, s := range sums {
			if strings.HasSuffix(p, "/"+name+".img") {
				found = true
				if !slices.Contains(graphSums, s) {
					t.Errorf("%s: sha256 %s on the host, none such in the graph (%v)", p, s, graphSums)
				}
			}
		}
		if !found {
			t.Errorf("no %s.img in the output (have %v)", name, keys(sums))
		}
	}
	for p := range sums {
		if strings.HasSuffix(p, ".cairn-sparse") {
			t.Errorf("%s: a packed file reached the host", p)
		}
	}
}

// checkEdgeSecureBoot: the signed images carry a boot chain sbverify
// accepts with the example's certificate, and signing through the
// service gives the same bytes as signing with the key file.
func checkEdgeSecureBoot(t *testing.T, c cairn, out string, sums map[string]string) {
	cert := filepath.Join(edgeKeys, "db.pem")
	checkSignedESP(t, filepath.Join(out, "qemu-sb", "qemu_virt_arm64.img"), "BOOTAA64.EFI", cert)
	for _, p := range []string{"iso-sb/pc_x86_64.iso", "qemu-sb/qemu_virt_arm64.img"} {
		service := strings.Replace(p, "-sb/", "-sb-service/", 1)
		if sums[p] == "" || sums[p] != sums[service] {
			t.Errorf("%s (%s) and %s (%s): want the same bytes from the same key", p, sums[p], service, sums[service])
		}
		unsigned := strings.Replace(p, "-sb/", "/", 1)
		if sums[p] == sums[unsigned] {
			t.Errorf("%s is the unsigned %s", p, unsigned)
		}
	}
	vars := checkVars(t, filepath.Join(out, "sb-vars-amd64"))
	checkVars(t, filepath.Join(out, "sb-vars-arm64"))
	t.Run("iso-sb boots enforcing", func(t *testing.T) {
		if log := bootEdgeVM(t, c, out, "iso-sb", bootMarker+" x86_64 edge", "--vars", vars); !strings.Contains(log, "Secure boot enabled") {
			t.Errorf("the kernel did not report Secure Boot enabled:\n%s", tail(log, 4000))
		}
	})
	if r := c.run(t, "vm", "-f", edgeExample, "-o", out, "--no-build", "iso-sb", "--expect", "x"); r.code != 1 || !strings.Contains(r.stderr, "give --vars FILE") {
		t.Errorf("cairn vm of a Secure Boot image without --vars: %s", r)
	}
}

func checkEdgeImages(t *testing.T, c cairn, out string) {
	// The export writes zero blocks as holes: the disk images cost the
	// host the disk their data needs, as the standard tools' would.
	for _, img := range []string{"rpi4/raspberrypi4.img", "qemu/qemu_virt_arm64.img"} {
		var st syscall.Stat_t
		if err := syscall.Stat(filepath.Join(out, img), &st); err != nil {
			t.Fatal(err)
		}
		if allocated := st.Blocks * 512; allocated*10 > st.Size*8 {
			t.Errorf("%s: %d of %d bytes allocated on the host; want its holes kept (at most 80%%)", img, allocated, st.Size)
		}
	}
	t.Run("rpi4", func(t *testing.T) { checkRPi(t, filepath.Join(out, "rpi4", "raspberrypi4.img")) })
	t.Run("qemu", func(t *testing.T) {
		checkQemuArm64(t, filepath.Join(out, "qemu", "qemu_virt_arm64.img"))
		// --halt: the edge init (a shell) ignores the ACPI power button;
		// the kernel powers off on SysRq o over the PL011 console.
		bootEdgeVM(t, c, out, "qemu", bootMarker+" aarch64 edge", "--halt")
	})
	t.Run("iso", func(t *testing.T) {
		checkLiveISO(t, filepath.Join(out, "iso", "pc_x86_64.iso"))
		for _, fw := range []string{"bios", "uefi"} {
			t.Run(fw, func(t *testing.T) { bootEdgeVM(t, c, out, "iso", bootMarker+" x86_64 edge", "--firmware", fw) })
		}
	})
	if r := c.run(t, "vm", "-f", edgeExample, "-o", out, "--no-build", "rpi4"); r.code != 1 || !strings.Contains(r.stderr, "has no emulator profile") {
		t.Errorf("cairn vm rpi4: %s", r)
	}
}

// sfdiskTable is `sfdisk --json`'s answer.
type sfdiskTable struct {
	PartitionTable struct {
		Label      string `json:"label"`
		Partitions []struct {
			Node     string `json:"node"`
			Start    int64  `json:"start"`
			Size     int64  `json:"size"`
			Type     string `json:"type"`
			Name     string `json:"name"`
			Bootable bool   `json:"bootable"`
		} `json:"partitions"`
	} `json:"partitiontable"`
}

func partitions(t *testing.T, img string) sfdiskTable {
	t.Helper()
	var tab sfdiskTable
	if err := json.Unmarshal([]byte(run(t, "sfdisk", "--json", img)), &tab); err != nil {
		t.Fatal(err)
	}
	return tab
}

// extract copies partition i (0-based) of img to a file and returns it.
func extract(t *testing.T, img string, tab sfdiskTable, i int) string {
	t.Helper()
	p := tab.PartitionTable.Partitions[i]
	dst := filepath.Join(t.TempDir(), "part.img")
	run(t, "dd", "if="+img, "of="+dst, "bs=512", "skip="+itoa(p.Start), "count="+itoa(p.Size), "conv=sparse", "status=none")
	return dst
}

func checkRPi(t *testing.T, img string) {
	tab := partitions(t, img)
	ps := tab.PartitionTable.Partitions
	if tab.PartitionTable.Label != "dos" || len(ps) != 2 || ps[0].Type != "c" || ps[1].Type != "83" || !ps[0].Bootable {
		t.Fatalf("want MBR with a bootable FAT32 (c) and a Linux (83) partition, got %+v", tab.PartitionTable)
	}
	boot := extract(t, img, tab, 0)
	run(t, "fsck.fat", "-n", boot)
	listing := run(t, "mdir", "-i", boot, "-b", "::/")
	for _, f := range []string{"config.txt", "cmdline.txt", "start4.elf", "fixup4.dat", "bcm2711-rpi-4-b.dtb", "vmlinuz", "initrd.img"} {
		if !strings.Contains(listing, "::/"+f) {
			t.Errorf("boot partition lacks %s:\n%s", f, listing)
		}
	}
	if cmd := run(t, "mtype", "-i", boot, "::/cmdline.txt"); !strings.Contains(cmd, "root=LABEL=root") {
		t.Errorf("cmdline.txt = %q, want root=LABEL=root", cmd)
	}
	checkRootExt4(t, extract(t, img, tab, 1))
}

func checkRootExt4(t *testing.T, root string) {
	t.Helper()
	run(t, "e2fsck", "-fn", root)
	if got := run(t, "debugfs", "-R", "cat /etc/hostname", root); strings.TrimSpace(got) != "edge" {
		t.Errorf("/etc/hostname on the root partition = %q, want edge", got)
	}
}

func checkQemuArm64(t *testing.T, img string) {
	tab := partitions(t, img)
	ps := tab.PartitionTable.Partitions
	if tab.PartitionTable.Label != "gpt" || len(ps) != 2 || ps[0].Name != "boot" || ps[1].Name != "root" {
		t.Fatalf("want GPT with boot and root, got %+v", tab.PartitionTable)
	}
	run(t, "sgdisk", "-v", img)
	esp := extract(t, img, tab, 0)
	run(t, "fsck.fat", "-n", esp)
	run(t, "mtype", "-i", esp, "::/loader/entries/cairn.conf")
	checkRootExt4(t, extract(t, img, tab, 1))
}

func checkLiveISO(t *testing.T, iso string) {
	el := run(t, "xorriso", "-indev", iso, "-report_el_torito", "plain")
	if !strings.Contains(el, "BIOS") || !strings.Contains(el, "UEFI") {
		t.Errorf("want BIOS and UEFI El Torito entries:\n%s", el)
	}
	if d := run(t, "isoinfo", "-d", "-i", iso); !strings.Contains(d, "Volume id: EDGE") {
		t.Errorf("isoinfo -d:\n%s", d)
	}
	files := run(t, "xorriso", "-indev", iso, "-find", "/", "-type", "f")
	for _, f := range []string{"/isolinux/isolinux.bin", "/boot/vmlinuz", "/boot/initrd.img", "/system/root.squashfs"} {
		if !strings.Contains(files, "'"+f+"'") {
			t.Errorf("ISO lacks %s:\n%s", f, files)
		}
	}
}

// edgeGreeting is what the edge systems' init prints from the hello the
// recipe built from source with its patch (natively for amd64, cross-built
// for arm64).
const edgeGreeting = "CAIRN-HELLO Hello from the cairn edge image!"

// bootEdgeVM boots a built edge target with `cairn vm --expect` until its
// marker, checks that the system's own hello greeted first and that the
// output was not written, and returns the console.
func bootEdgeVM(t *testing.T, c cairn, out, target, marker string, args ...string) string {
	t.Helper()
	console := vmExpect(t, c, edgeExample, out, target, marker, append([]string{"--locked"}, args...)...)
	if !strings.Contains(console, edgeGreeting) {
		t.Errorf("the console lacks %q before %q:\n%s", edgeGreeting, marker, tail(console, 3000))
	}
	return console
}

// copyImage is a scratch copy of a disk image qemu may write to.
func copyImage(t *testing.T, img string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(img))
	run(t, "cp", "--sparse=always", img, dst)
	return dst
}

// run runs a witness tool and returns its stdout, failing with its output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if e, ok := err.(*exec.ExitError); ok {
			stderr = e.Stderr
		}
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
