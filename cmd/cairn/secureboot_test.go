package main

// Secure Boot, end to end: a board's image with its boot chain signed
// (systemd-boot and a unified kernel image) and a firmware variable store
// with the key enrolled, both built by cairn; sbverify accepts the signed
// files, OVMF with Secure Boot enforcing boots the image to the system,
// and refuses the same image once its UKI is signed by another key.

import (
	"debug/pe"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

const secureBootRecipe = `load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
load("@cairn//boards/qemu_virt_arm64.star", "qemu_virt_arm64")
load("@cairn//boards/uefi.star", "secure_boot", "uefi_secure_boot_vars")
load("@cairn//distros/debian.star", "debian")

REPOS = debian.repos()
SYSTEM = [
    files({"etc/hostname": "edge\n"}),
    files({"usr/sbin/cairn-init": "#!/bin/sh\nmount -t proc proc /proc\necho \"CAIRN-SYSTEM-UP $(uname -m) $(cat /etc/hostname)\"\necho o > /proc/sysrq-trigger\n"}, mode = 0o755),
]
SB = secure_boot(key = secret("db-key"), cert = "keys/db.pem")
INIT = "init=/usr/sbin/cairn-init"
target("disk", pc_x86_64.image(rootfs = debian.rootfs(arch = "amd64", files = SYSTEM), repos = REPOS, name = "sb", cmdline = INIT, secure_boot = SB))
target("vars", uefi_secure_boot_vars("amd64", REPOS, pk = "keys/db.pem", db = "keys/db.pem"))
target("iso", pc_x86_64.iso(rootfs = debian.rootfs(arch = "amd64", files = SYSTEM), repos = REPOS, name = "sb", cmdline = INIT, secure_boot = SB))
target("disk-arm64", qemu_virt_arm64.image(rootfs = debian.rootfs(arch = "arm64", files = SYSTEM), repos = REPOS, name = "sb", cmdline = INIT, secure_boot = SB))
target("vars-arm64", uefi_secure_boot_vars("arm64", REPOS, pk = "keys/db.pem", db = "keys/db.pem"))
`

// ovmfSecureBoot is the OVMF build that enforces Secure Boot (it needs SMM).
const ovmfSecureBoot = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"

// refusal is what systemd-boot prints when the firmware will not load an
// image: LoadImage's EFI_ACCESS_DENIED (OVMF's answer to an image whose
// signer is not in db) or EFI_SECURITY_VIOLATION.
var refusal = regexp.MustCompile(`Error loading .*cairn\.efi.*(Security Violation|Access Denied)`)

// signedBuild builds targets of secureBootRecipe with a fresh db key and
// returns the output directory, the certificate and the key's directory.
func signedBuild(t *testing.T, targets ...string) (out, cert, keys string, p signedProject) {
	c := shared(t)
	proj := newProject(t, secureBootRecipe)
	testutil.Must(t, os.MkdirAll(filepath.Join(proj, "keys"), 0o755))
	keyPEM, certPEM := testutil.RSACert(t, "cairn test db")
	cert = filepath.Join(proj, "keys", "db.pem")
	writeFile(t, cert, string(certPEM))
	keys = t.TempDir()
	keyFile := filepath.Join(keys, "db.key")
	writeFile(t, keyFile, string(keyPEM))
	out = filepath.Join(t.TempDir(), "out")
	c.ok(t, append([]string{"build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain", "--secret", "id=db-key,src=" + keyFile}, targets...)...)
	if f := fileHolding(t, out, keyPEM[40:90]); f != "" {
		t.Errorf("%s holds the private key", f)
	}
	return out, cert, keys, signedProject{proj, keyFile, targets}
}

// signedProject is what rebuildFresh needs of a signedBuild.
type signedProject struct {
	dir, keyFile string
	targets      []string
}

// boot boots target's signed image in out with cairn vm, Secure Boot
// enforcing with the variable store vars, until marker; it returns the
// console.
func (p signedProject) boot(t *testing.T, out, target, marker, vars string) string {
	t.Helper()
	return vmExpect(t, shared(t), filepath.Join(p.dir, "cairn.star"), out, target, marker, "--vars", vars, "--secret", "id=db-key,src="+p.keyFile)
}

// rebuildFresh builds p's targets again on a fresh engine and fails
// unless every output file has the bytes it had in out.
func rebuildFresh(t *testing.T, p signedProject, out string) {
	c := freshEngine(t)
	again := filepath.Join(t.TempDir(), "out")
	c.ok(t, append([]string{"build", "-f", filepath.Join(p.dir, "cairn.star"), "-o", again, "--secret", "id=db-key,src=" + p.keyFile}, p.targets...)...)
	c.ok(t, "engine", "stop")
	want, got := treeSums(t, out), treeSums(t, again)
	for f, sum := range want {
		if strings.HasSuffix(f, ".cairn.json") {
			continue
		}
		if got[f] != sum {
			t.Errorf("%s differs between two engines: %s vs %s", f, sum, got[f])
		}
	}
}

// checkSignedESP checks the boot partition of img: a signed loader and
// UKI, nothing unsigned to boot; it returns the partition table and the
// UKI, copied out.
func checkSignedESP(t *testing.T, img, loaderName, cert string) (sfdiskTable, string) {
	tab := partitions(t, img)
	esp := extract(t, img, tab, 0)
	run(t, "fsck.fat", "-n", esp)
	if l := run(t, "mdir", "-i", esp, "-b", "-/", "::/"); strings.Contains(l, "vmlinuz") || strings.Contains(l, "initrd") || strings.Contains(l, "entries") {
		t.Errorf("the signed ESP holds an unsigned kernel, initramfs or a loader entry:\n%s", l)
	}
	dir := t.TempDir()
	loader, uki := filepath.Join(dir, loaderName), filepath.Join(dir, "cairn.efi")
	run(t, "mcopy", "-i", esp, "::/EFI/BOOT/"+loaderName, loader)
	run(t, "mcopy", "-i", esp, "::/EFI/Linux/cairn.efi", uki)
	for _, f := range []string{loader, uki} {
		run(t, "sbverify", "--cert", cert, f)
	}
	// The UKI carries what the stub boots: Go's debug/pe reads its sections.
	f, err := pe.Open(uki)
	if err != nil {
		t.Fatalf("the UKI: %v", err)
	}
	defer f.Close()
	for _, s := range []string{".osrel", ".cmdline", ".initrd", ".linux"} {
		if f.Section(s) == nil {
			t.Errorf("the UKI has no %s section", s)
		}
	}
	return tab, uki
}

// checkVars checks the enrolment material beside a variable store.
func checkVars(t *testing.T, dir string) string {
	for _, f := range []string{"PK.esl", "KEK.esl", "db.esl"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 100 {
			t.Errorf("%s: %v", f, err)
		}
	}
	return filepath.Join(dir, "VARS.fd")
}

func TestSecureBootEnforcing(t *testing.T) {
	out, cert, keys, proj := signedBuild(t, "disk", "vars")
	img := filepath.Join(out, "disk", "sb.img")
	tab, uki := checkSignedESP(t, img, "BOOTX64.EFI", cert)
	vars := checkVars(t, filepath.Join(out, "vars"))
	dir := t.TempDir()
	qemu := func(disk string) []string {
		return append([]string{"-M", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on"},
			append(pflash(ovmfSecureBoot, varsCopy(t, vars)), "-drive", "if=virtio,format=raw,file="+disk)...)
	}
	t.Run("boots", func(t *testing.T) {
		log := proj.boot(t, out, "disk", bootMarker+" x86_64 edge", vars)
		if m := regexp.MustCompile(`.*Secure boot enabled.*`).FindString(log); m != "" {
			t.Logf("the kernel: %q", strings.TrimSpace(m))
		} else {
			t.Errorf("the kernel did not report Secure Boot enabled:\n%s", tail(log, 4000))
		}
	})
	t.Run("refuses another key", func(t *testing.T) {
		// The same UKI, signed by sbsign with a key the firmware does not know.
		otherKey, otherCert := testutil.RSACert(t, "not enrolled")
		writeFile(t, filepath.Join(keys, "other.key"), string(otherKey))
		writeFile(t, filepath.Join(keys, "other.pem"), string(otherCert))
		bare, resigned := filepath.Join(dir, "bare.efi"), filepath.Join(dir, "resigned.efi")
		writeFile(t, bare, readFile(t, uki))
		run(t, "sbattach", "--remove", bare)
		run(t, "sbsign", "--key", filepath.Join(keys, "other.key"), "--cert", filepath.Join(keys, "other.pem"), "--output", resigned, bare)
		disk := copyImage(t, img)
		badESP := extract(t, disk, tab, 0)
		run(t, "mcopy", "-o", "-i", badESP, resigned, "::/EFI/Linux/cairn.efi")
		p := tab.PartitionTable.Partitions[0]
		run(t, "dd", "if="+badESP, "of="+disk, "bs=512", "seek="+itoa(p.Start), "conv=notrunc,sparse", "status=none")
		// Matched whole: qemu stops once the firmware's verdict is printed,
		// not halfway through its line.
		log := bootUntilMatch(t, refusal.String(), refusal.MatchString, "qemu-system-x86_64", qemu(disk)...)
		t.Logf("the refusal on the console: %q", refusal.FindString(log))
		if strings.Contains(log, bootMarker) || !refusal.MatchString(log) {
			t.Errorf("want the firmware to refuse the UKI signed by another key, and no system:\n%s", tail(log, 4000))
		}
	})
	// Signed images and the variable store are reproducible too: the same
	// bytes from a fresh engine, the same key.
	t.Run("same bytes on a fresh engine", func(t *testing.T) { rebuildFresh(t, proj, out) })
}

// TestSecureBootEnforcingArm64: the qemu arm64 board's signed image boots
// under AAVMF with the key enrolled by cairn's variable store.
func TestSecureBootEnforcingArm64(t *testing.T) {
	needEmulation(t, "arm64")
	out, cert, _, proj := signedBuild(t, "disk-arm64", "vars-arm64")
	img := filepath.Join(out, "disk-arm64", "sb.img")
	checkSignedESP(t, img, "BOOTAA64.EFI", cert)
	vars := checkVars(t, filepath.Join(out, "vars-arm64"))
	log := proj.boot(t, out, "disk-arm64", bootMarker+" aarch64 edge", vars)
	t.Logf("the console on Secure Boot: %q", regexp.MustCompile(`.*[Ss]ecure ?[Bb]oot.*`).FindAllString(log, -1))
	if !strings.Contains(log, "Secure boot enabled") {
		t.Errorf("the kernel did not report Secure Boot enabled:\n%s", tail(log, 4000))
	}
}

// TestSecureBootISO: the live ISO's UEFI boot chain is signed too, and
// boots from a CD with Secure Boot enforcing.
func TestSecureBootISO(t *testing.T) {
	out, _, _, proj := signedBuild(t, "iso", "vars")
	log := proj.boot(t, out, "iso", bootMarker+" x86_64 edge", filepath.Join(out, "vars", "VARS.fd"))
	if !strings.Contains(log, "Secure boot enabled") {
		t.Errorf("the kernel did not report Secure Boot enabled:\n%s", tail(log, 4000))
	}
}

// TestSecureBootTransit: the same image signed through a remote signing
// service (the Vault transit API, served by transittest on this host):
// the service is sent one digest per signed file and nothing else, the
// token reaches no output, and OVMF boots the image enforcing.
func TestSecureBootTransit(t *testing.T) {
	c := shared(t)
	svc := transittest.New(t, "cairn-db")
	recipe := strings.Replace(secureBootRecipe, `SB = secure_boot(key = secret("db-key"), cert = "keys/db.pem")`,
		`SB = secure_boot(key = signer.transit(url = "`+svc.URL+`", key = "cairn-db", token = secret("vault-token")), cert = "keys/db.pem")`, 1)
	proj := newProject(t, recipe)
	testutil.Must(t, os.MkdirAll(filepath.Join(proj, "keys"), 0o755))
	cert := filepath.Join(proj, "keys", "db.pem")
	der := testutil.SelfSigned(t, svc.Signer, "cairn transit db").Raw
	writeFile(t, cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	token := filepath.Join(t.TempDir(), "token")
	writeFile(t, token, svc.Token+"\n")
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain", "--secret", "id=vault-token,src="+token, "disk", "vars")
	if got := len(svc.Signed()); got != 2 {
		t.Errorf("the service signed %d digests, want 2 (systemd-boot and the UKI)", got)
	}
	if f := fileHolding(t, out, []byte(svc.Token)); f != "" || strings.Contains(r.stdout+r.stderr, svc.Token) {
		t.Errorf("the token reached the output (%s) or the log", f)
	}
	img := filepath.Join(out, "disk", "sb.img")
	checkSignedESP(t, img, "BOOTX64.EFI", cert)
	vars := checkVars(t, filepath.Join(out, "vars"))
	log := vmExpect(t, c, filepath.Join(proj, "cairn.star"), out, "disk", bootMarker+" x86_64 edge", "--vars", vars, "--secret", "id=vault-token,src="+token)
	if !strings.Contains(log, "Secure boot enabled") {
		t.Errorf("the kernel did not report Secure Boot enabled:\n%s", tail(log, 4000))
	}
}
