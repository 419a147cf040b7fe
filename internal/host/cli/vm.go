package cli

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cairn-build/cairn/internal/host/vm"
	"github.com/cairn-build/cairn/stdlib"
)

func runVM(e *env) error {
	fs := newFlags("vm", e)
	var f buildFlags
	addBuildFlags(fs, &f, "auto")
	vf := addVMFlags(fs)
	noBuild := fs.Bool("no-build", false, "boot the output as it is, without building it first")
	args, remote := e.args, []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		args, remote = args[:i], args[i+1:]
	}
	name, err := oneTarget(fs, args, "cairn vm [-f FILE] [-o DIR] TARGET [flags] [-- COMMAND...]")
	if err != nil {
		return err
	}
	re, err := vf.pattern()
	if err != nil {
		return err
	}
	switch {
	case vf.halt && re == nil:
		return errUsage("--halt powers off after --expect matched: give --expect REGEX")
	case vf.login && re != nil:
		return errUsage("--login and --expect: --login logs in over ssh, --expect watches the console; give one")
	case len(remote) > 0 && !vf.login:
		return errUsage("a command after -- runs in the guest over ssh: add --login")
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
	if vf.login && vf.o.SSHPort == 0 {
		if vf.o.SSHPort, err = vm.FreePort(); err != nil {
			return err
		}
	}
	boot, err := plan.vmBoot(e, name, vf)
	if err != nil {
		return err
	}
	defer boot.cleanup()
	if vf.login {
		return plan.vmLogin(e, name, vf, boot, remote)
	}
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

// provideVMKey serves cairn vm's public key as the context vm_ssh_key()
// reads, when the recipe calls it and --context did not give one.
func (f *buildFlags) provideVMKey(p *project) error {
	if !p.recipe.UsesVMSSHKey() {
		return nil
	}
	if _, given := f.contexts[stdlib.VMSSHKeyContext]; given {
		return nil
	}
	k, err := vm.KeyIn(homeOf(*f.engine))
	if err != nil {
		return err
	}
	if f.contexts == nil {
		f.contexts = contextFlag{}
	}
	f.contexts[stdlib.VMSSHKeyContext] = k.Dir
	f.recipe.opts.Contexts = f.contexts.states()
	return nil
}

// vmFlags are cairn vm's boot flags (cairn watch --vm takes them too).
type vmFlags struct {
	o       vm.Options
	expect  string
	timeout time.Duration
	noKVM   bool
	halt    bool
	// login is --login: ssh into the guest (--ssh is every building
	// command's ssh-agent forwarding, as in buildctl).
	login bool
}

func addVMFlags(fs *flag.FlagSet) *vmFlags {
	vf := &vmFlags{}
	fs.IntVar(&vf.o.Memory, "memory", 0, "guest memory in `MiB` (default: the board's, 1024)")
	fs.IntVar(&vf.o.CPUs, "cpus", 1, "guest `CPUs`")
	fs.IntVar(&vf.o.SSHPort, "ssh-port", 0, "forward 127.0.0.1:`PORT` to the guest's ssh port (22)")
	fs.StringVar(&vf.o.Firmware, "firmware", "", "`uefi` or `bios`, for an image that boots with both (an ISO); default the board's first")
	fs.StringVar(&vf.o.Vars, "vars", "", "UEFI variable store `FILE` to start from (a Secure Boot image needs one enrolling its key); copied, never written")
	fs.StringVar(&vf.expect, "expect", "", "for CI: exit 0 once a console line matches `REGEX`, 1 with the last console lines if qemu stops or --timeout passes first")
	fs.DurationVar(&vf.timeout, "timeout", 10*time.Minute, "with --expect or --login, how long to wait for the console line or the guest's sshd (TCG on a busy 2-core machine boots in minutes)")
	fs.BoolVar(&vf.noKVM, "no-kvm", false, "emulate (TCG) even when /dev/kvm is usable")
	fs.BoolVar(&vf.halt, "halt", false, "with --expect, power the guest off after the match (the ACPI power button, then SysRq s, u, o over the serial console) instead of stopping qemu; fails if it does not power off")
	fs.BoolVar(&vf.login, "login", false, "log in over ssh (as root, with the key cairn generated for this machine: the image's recipe adds vm_ssh_key()) once the guest's sshd answers, the console going to a file; a command after -- runs instead of a shell. --timeout bounds the wait")
	return vf
}

// vmLogin is cairn vm --login: boot in the background, log in, stop.
func (b *buildPlan) vmLogin(e *env, name string, vf *vmFlags, bt *boot, remote []string) error {
	k, err := vm.KeyIn(homeOf(*b.flags.engine))
	if err != nil {
		return err
	}
	l := vm.Login{Qemu: bt.qemu, Args: bt.args, Port: vf.o.SSHPort, Key: k.Private, User: "root",
		Console: filepath.Join(bt.scratch, "console.log"), Timeout: vf.timeout, Command: remote,
		Stdin: os.Stdin, Stdout: e.stdout, Stderr: e.stderr, Log: e.stderr}
	code, err := l.Run(e.ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if code != 0 {
		return fmt.Errorf("%s: the command in the guest exited with status %d", name, code)
	}
	return nil
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
	scratch string
	cleanup func()
}

// vmBoot prepares the boot of target name's built image.
func (b *buildPlan) vmBoot(e *env, name string, vf *vmFlags) (*boot, error) {
	prof, err := b.vmProfile(name)
	if err != nil {
		return nil, err
	}
	o := vf.o
	o.Profile = *prof
	for _, f := range []struct {
		glob string
		to   *string
	}{{prof.File, &o.Image}, {prof.Kernel, &o.Kernel}, {prof.Initrd, &o.Initrd}} {
		if f.glob == "" {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(b.outDir(name), f.glob))
		sort.Strings(matches)
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s has no %s to boot: build it (without --no-build)", b.outDir(name), f.glob)
		}
		*f.to = matches[0]
		if f.to == &o.Image && prof.Media == "cdrom" {
			o.Volumes = matches[1:] // a volume set: every volume in a drive
		}
	}
	var noKVM string
	if !vf.noKVM {
		o.KVM, noKVM = vm.KVMUsable(e.ctx, *prof)
	}
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
	if noKVM != "" {
		accel += "; KVM fails here: " + noKVM
	}
	if o.KVM {
		accel = "KVM"
	}
	fmt.Fprintf(e.stderr, "cairn vm: %s, %s\n  %s %s\n", cmp.Or(o.Kernel, o.Image), accel, qemu, strings.Join(args, " "))
	return &boot{qemu, args, o.Scratch, cleanup}, nil
}
