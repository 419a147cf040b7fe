package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/cairn-build/cairn/internal/host/vm"
)

func runVM(e *env) error {
	fs := newFlags("vm", e.stderr)
	f := buildFlags{recipe: addRecipeFlags(fs), engine: engineFlags(fs)}
	fs.StringVar(&f.out, "o", "out", "output `dir`: the target is built into and booted from DIR/<target>")
	fs.StringVar(&f.progress, "progress", "auto", "build progress `mode`: auto, plain, tty, rawjson or quiet")
	f.packages = addPackageFlags(fs, &f.recipe.opts, true)
	f.session = addSessionFlags(fs)
	f.cache = addCacheFlags(fs)
	var o vm.Options
	fs.IntVar(&o.Memory, "memory", 0, "guest memory in `MiB` (default: the board's, 1024)")
	fs.IntVar(&o.CPUs, "cpus", 1, "guest `CPUs`")
	fs.IntVar(&o.SSHPort, "ssh-port", 0, "forward 127.0.0.1:`PORT` to the guest's ssh port (22)")
	fs.StringVar(&o.Firmware, "firmware", "", "`uefi` or `bios`, for an image that boots with both (an ISO); default the board's first")
	fs.StringVar(&o.Vars, "vars", "", "UEFI variable store `FILE` to start from (a Secure Boot image needs one enrolling its key); copied, never written")
	expect := fs.String("expect", "", "for CI: exit 0 once a console line matches `REGEX`, 1 with the last console lines if qemu stops or --timeout passes first")
	timeout := fs.Duration("timeout", 10*time.Minute, "with --expect, how long to wait (TCG on a busy 2-core machine boots in minutes)")
	noBuild := fs.Bool("no-build", false, "boot the output as it is, without building it first")
	noKVM := fs.Bool("no-kvm", false, "emulate (TCG) even when /dev/kvm is usable")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, `usage: cairn vm [-f FILE] [-o DIR] TARGET [flags]

Builds TARGET if it is not up to date, then boots its image in qemu-system
as its board's profile says (vm_profile(), board(emulator = ...)): the
firmware (OVMF, AAVMF, SeaBIOS), the serial console on this terminal
(Ctrl-A X quits), user-mode networking, KVM when /dev/kvm is usable and
emulation otherwise. The image is opened read-only (-snapshot): the output
is never modified.

examples:
  cairn vm -f examples/edge/cairn.star -o out/edge --locked qemu
  cairn vm -f examples/edge/cairn.star -o out/edge --locked iso --firmware uefi --ssh-port 2222
  cairn vm -f examples/edge/cairn.star -o out/edge iso-sb --vars out/edge/sb-vars-amd64/VARS.fd \
    --secret id=edge-db-key,src=examples/edge/keys/db.key
  cairn vm ... qemu --expect 'CAIRN-SYSTEM-UP' --timeout 10m     # CI: exit 0 once booted

flags:
`)
		fs.PrintDefaults()
	}
	names, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return errUsage("usage: cairn vm [-f FILE] [-o DIR] TARGET [flags] (one target; cairn vm -h)")
	}
	var re *regexp.Regexp
	if *expect != "" {
		if re, err = regexp.Compile(*expect); err != nil {
			return errUsage("--expect %q: %v", *expect, err)
		}
	}
	plan, err := planBuild(e, f, names)
	if err != nil {
		return err
	}
	name := names[0]
	t := plan.project.recipe.Target(name)
	prof := t.VM()
	if prof == nil {
		return fmt.Errorf("%s: target %s has no emulator profile: cairn vm boots the images of boards that declare how qemu runs them (board(emulator = {...}) in the board's .star file; raspberrypi has none, as qemu cannot emulate it) and artifacts wrapped in vm_profile() (docs/loop.md)", t.Pos, name)
	}
	if !*noBuild {
		if err := plan.run(e); err != nil {
			return err
		}
	}
	matches, _ := filepath.Glob(filepath.Join(plan.outDir(name), prof.File))
	sort.Strings(matches)
	if len(matches) == 0 {
		return fmt.Errorf("%s has no %s to boot: build it (without --no-build)", plan.outDir(name), prof.File)
	}
	o.Profile, o.Image = *prof, matches[0]
	o.KVM = !*noKVM && vm.KVMUsable(*prof)
	if o.Scratch, err = os.MkdirTemp("", "cairn-vm-"); err != nil {
		return err
	}
	defer os.RemoveAll(o.Scratch)
	qemu, args, err := vm.Command(o)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	accel := "emulated (TCG)"
	if o.KVM {
		accel = "KVM"
	}
	fmt.Fprintf(e.stderr, "cairn vm: %s, %s\n  %s", o.Image, accel, qemu)
	for _, a := range args {
		fmt.Fprintf(e.stderr, " %s", a)
	}
	fmt.Fprintln(e.stderr)
	if re != nil {
		start := time.Now()
		if err := vm.Expect(e.ctx, e.stdout, re, *timeout, qemu, args...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(e.stderr, "\ncairn vm: %q after %s\n", *expect, time.Since(start).Round(time.Second))
		return nil
	}
	fmt.Fprintln(e.stderr, "cairn vm: the serial console follows; Ctrl-A X quits qemu")
	return vm.Interactive(e.ctx, os.Stdin, e.stdout, e.stderr, qemu, args...)
}
