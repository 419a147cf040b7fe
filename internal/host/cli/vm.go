package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/stdlib"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/cairn-build/cairn/internal/host/vm"
)

func runVM(e *env) error {
	fs := newFlags("vm", e.stderr)
	var f buildFlags
	addBuildFlags(fs, &f, "auto")
	vf := addVMFlags(fs)
	noBuild := fs.Bool("no-build", false, "boot the output as it is, without building it first")
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
  cairn vm ... qemu --expect 'CAIRN-SYSTEM-UP' --halt             # ... then power it off

flags:
`)
		fs.PrintDefaults()
	}
	name, err := oneTarget(fs, e.args, "cairn vm [-f FILE] [-o DIR] TARGET [flags]")
	if err != nil {
		return err
	}
	re, err := vf.pattern()
	if err != nil {
		return err
	}
	if vf.halt && re == nil {
		return errUsage("--halt powers off after --expect matched: give --expect REGEX")
	}
	plan, err := planBuild(e, f, []string{name})
	if err != nil {
		return err
	}
	if _, err := plan.vmProfile(name); err != nil {
		return err
	}
	if !*noBuild {
		if err := plan.run(e); err != nil {
			return err
		}
	}
	boot, err := plan.vmBoot(e, name, vf)
	if err != nil {
		return err
	}
	defer boot.cleanup()
	if re != nil {
		start := time.Now()
		var halt func(string)
		if vf.halt {
			halt = func(how string) { fmt.Fprintf(e.stderr, "\ncairn vm: the guest %s\n", how) }
		}
		if err := vm.Expect(e.ctx, e.stdout, re, vf.timeout, halt, boot.qemu, boot.args...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(e.stderr, "\ncairn vm: %q after %s\n", vf.expect, time.Since(start).Round(time.Second))
		return nil
	}
	fmt.Fprintln(e.stderr, "cairn vm: the serial console follows; Ctrl-A X quits qemu")
	return vm.Interactive(e.ctx, os.Stdin, e.stdout, e.stderr, boot.qemu, boot.args...)
}

// vmFlags are cairn vm's boot flags (cairn watch --vm takes them too).
type vmFlags struct {
	o       vm.Options
	expect  string
	timeout time.Duration
	noKVM   bool
	halt    bool
}

func addVMFlags(fs *flag.FlagSet) *vmFlags {
	vf := &vmFlags{}
	fs.IntVar(&vf.o.Memory, "memory", 0, "guest memory in `MiB` (default: the board's, 1024)")
	fs.IntVar(&vf.o.CPUs, "cpus", 1, "guest `CPUs`")
	fs.IntVar(&vf.o.SSHPort, "ssh-port", 0, "forward 127.0.0.1:`PORT` to the guest's ssh port (22)")
	fs.StringVar(&vf.o.Firmware, "firmware", "", "`uefi` or `bios`, for an image that boots with both (an ISO); default the board's first")
	fs.StringVar(&vf.o.Vars, "vars", "", "UEFI variable store `FILE` to start from (a Secure Boot image needs one enrolling its key); copied, never written")
	fs.StringVar(&vf.expect, "expect", "", "for CI: exit 0 once a console line matches `REGEX`, 1 with the last console lines if qemu stops or --timeout passes first")
	fs.DurationVar(&vf.timeout, "timeout", 10*time.Minute, "with --expect, how long to wait (TCG on a busy 2-core machine boots in minutes)")
	fs.BoolVar(&vf.noKVM, "no-kvm", false, "emulate (TCG) even when /dev/kvm is usable")
	fs.BoolVar(&vf.halt, "halt", false, "with --expect, power the guest off after the match (the ACPI power button, then SysRq s, u, o over the serial console) instead of stopping qemu; fails if it does not power off")
	return vf
}

func (vf *vmFlags) pattern() (*regexp.Regexp, error) {
	if vf.expect == "" {
		return nil, nil
	}
	re, err := regexp.Compile(vf.expect)
	if err != nil {
		return nil, errUsage("--expect %q: %v", vf.expect, err)
	}
	return re, nil
}

// vmProfile is the target's emulator profile, or why it has none.
func (b *buildPlan) vmProfile(name string) (*stdlib.VMProfile, error) {
	t := b.project.recipe.Target(name)
	if prof := t.VM(); prof != nil {
		return prof, nil
	}
	return nil, fmt.Errorf("%s: target %s has no emulator profile: cairn vm boots the images of boards that declare how qemu runs them (board(emulator = {...}) in the board's .star file; raspberrypi has none, as qemu cannot emulate it) and artifacts wrapped in vm_profile() (docs/loop.md)", t.Pos, name)
}

// boot is a qemu command ready to run, and its scratch directory.
type boot struct {
	qemu    string
	args    []string
	cleanup func()
}

// vmBoot prepares the boot of target name's built image.
func (b *buildPlan) vmBoot(e *env, name string, vf *vmFlags) (*boot, error) {
	prof, err := b.vmProfile(name)
	if err != nil {
		return nil, err
	}
	matches, _ := filepath.Glob(filepath.Join(b.outDir(name), prof.File))
	sort.Strings(matches)
	if len(matches) == 0 {
		return nil, fmt.Errorf("%s has no %s to boot: build it (without --no-build)", b.outDir(name), prof.File)
	}
	o := vf.o
	o.Profile, o.Image = *prof, matches[0]
	o.KVM = !vf.noKVM && vm.KVMUsable(*prof)
	if o.Scratch, err = os.MkdirTemp("", "cairn-vm-"); err != nil {
		return nil, err
	}
	cleanup := func() { os.RemoveAll(o.Scratch) }
	qemu, args, err := vm.Command(o)
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	accel := "emulated (TCG)"
	if o.KVM {
		accel = "KVM"
	}
	fmt.Fprintf(e.stderr, "cairn vm: %s, %s\n  %s %s\n", o.Image, accel, qemu, strings.Join(args, " "))
	return &boot{qemu, args, cleanup}, nil
}
