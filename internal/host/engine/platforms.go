package engine

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// binfmtDir is where the kernel lists binfmt_misc handlers.
const binfmtDir = "/proc/sys/fs/binfmt_misc"

// CheckPlatforms returns a *SetupError if build steps for one of the
// requested platforms cannot run on this host: a non-Linux platform, or a
// non-native Linux one with no enabled binfmt_misc (QEMU) handler. Native is
// runtime.GOARCH, plus 386 on amd64. Empty fields mean the host's.
func CheckPlatforms(ps []ocispecs.Platform) error {
	for _, p := range ps {
		if err := checkPlatform(binfmtDir, p); err != nil {
			return err
		}
	}
	return nil
}

// checkPlatform checks one platform against the handlers listed in dir.
func checkPlatform(dir string, p ocispecs.Platform) error {
	if p.OS == "" {
		p.OS = "linux"
	}
	if p.Architecture == "" {
		p.Architecture = runtime.GOARCH
	}
	p = platforms.Normalize(p)
	if p.OS != "linux" {
		return errUnsupportedOS(p)
	}
	if native(p.Architecture) {
		return nil
	}
	q := qemuArch(p.Architecture)
	if handlerEnabled(dir, q) {
		return nil
	}
	return errNoEmulator(p, "qemu-"+q, emulatorFix(dir, q))
}

// native reports whether the host CPU runs arch without emulation.
func native(arch string) bool {
	return arch == runtime.GOARCH || (runtime.GOARCH == "amd64" && arch == "386")
}

// qemuArch maps a GOARCH-style architecture to QEMU's name for it, which
// names the binfmt_misc handler (qemu-aarch64) and its interpreter.
func qemuArch(arch string) string {
	switch arch {
	case "arm64":
		return "aarch64"
	case "amd64":
		return "x86_64"
	case "386":
		return "i386"
	case "mips64le":
		return "mips64el"
	case "mipsle":
		return "mipsel"
	case "loong64":
		return "loongarch64"
	}
	return arch // arm, ppc64le, riscv64, s390x, mips64, ...
}

// handlerEnabled reports whether binfmt_misc is on and one of its enabled
// handlers runs q binaries, going by the handler's name (qemu-<q>) or its
// interpreter's (qemu-<q>-static, <q>-binfmt-P, ...).
func handlerEnabled(dir, q string) bool {
	if status, err := os.ReadFile(filepath.Join(dir, "status")); err != nil || strings.TrimSpace(string(status)) != "enabled" {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Name() == "status" || e.Name() == "register" {
			continue
		}
		enabled, interp := readHandler(filepath.Join(dir, e.Name()))
		if enabled && (namesArch(e.Name(), q) || namesArch(filepath.Base(interp), q)) {
			return true
		}
	}
	return false
}

// readHandler parses a binfmt_misc handler file: its "enabled"/"disabled"
// first line and its "interpreter PATH" line.
func readHandler(path string) (enabled bool, interpreter string) {
	f, err := os.Open(path)
	if err != nil {
		return false, ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "enabled" {
			enabled = true
		}
		if rest, ok := strings.CutPrefix(line, "interpreter "); ok {
			interpreter = strings.TrimSpace(rest)
		}
	}
	return enabled, interpreter
}

// namesArch reports whether a handler or interpreter name is for QEMU
// architecture q: "qemu-q" or "q-binfmt..." exactly up to a separator, so
// qemu-arm does not match qemu-armeb.
func namesArch(name, q string) bool {
	for _, prefix := range []string{"qemu-" + q, q + "-binfmt"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok && (rest == "" || rest[0] == '-' || rest[0] == '.') {
			return true
		}
	}
	return false
}

// emulatorFix picks the command that would enable handler qemu-q: install
// QEMU if Debian's binfmt registry lacks it, mount binfmt_misc if it is not
// mounted, else just enable the handler.
func emulatorFix(dir, q string) string {
	enable := "update-binfmts --enable qemu-" + q
	if _, err := os.Stat(filepath.Join("/usr/share/binfmts", "qemu-"+q)); err != nil {
		return "apt-get install qemu-user-static binfmt-support"
	}
	if _, err := os.Stat(filepath.Join(dir, "status")); err != nil {
		return "mount -t binfmt_misc binfmt_misc " + dir + " && " + enable
	}
	return enable
}

// formatPlatform renders p as os/arch[/variant].
func formatPlatform(p ocispecs.Platform) string { return platforms.Format(p) }
