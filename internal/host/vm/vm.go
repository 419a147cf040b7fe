// Package vm boots a built image in qemu-system, the way its board's
// profile (stdlib.VMProfile, from the board's .star file) says: the
// firmware (OVMF, AAVMF or SeaBIOS; Secure Boot enforcing with an
// enrolled variable store), the machine, the disk or CD, the serial
// console on the terminal, user-mode networking with an optional ssh
// forward, KVM when it can and TCG otherwise. The image is opened with
// -snapshot, so the output is never written; a UEFI variable store is
// a copy in a scratch directory.
package vm

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-build/cairn/stdlib"
)

// Firmware files, from Debian's ovmf and qemu-efi-aarch64 packages.
var (
	ovmfCode       = "/usr/share/OVMF/OVMF_CODE_4M.fd"
	ovmfVars       = "/usr/share/OVMF/OVMF_VARS_4M.fd"
	ovmfSecureBoot = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
	aavmfCode      = "/usr/share/AAVMF/AAVMF_CODE.fd"
	aavmfVars      = "/usr/share/AAVMF/AAVMF_VARS.fd"
)

// Options are one boot.
type Options struct {
	Profile stdlib.VMProfile
	// Image is the image file (empty: a kernel booted without a disk).
	Image string
	// Volumes are the further volumes of a CD set (media cdrom), each in
	// a drive of its own after Image's.
	Volumes []string
	// Kernel and Initrd are the files of a profile that boots a kernel
	// directly.
	Kernel, Initrd string
	// Firmware is "uefi" or "bios"; empty for the profile's first.
	Firmware string
	// Vars is a UEFI variable store to start from (required with
	// Secure Boot: one enrolling the image's key); empty for the
	// firmware's own.
	Vars string
	// Memory in MiB (0: the profile's) and CPUs (0: 1).
	Memory, CPUs int
	// SSHPort, when not 0, forwards 127.0.0.1:SSHPort to the guest's 22.
	SSHPort int
	// KVM uses /dev/kvm: only for a guest of the host's architecture.
	KVM bool
	// Scratch is a directory for the variable store's copy.
	Scratch string
}

// KVMUsable says whether KVM can run a guest of the profile's system here,
// and when not, why (for the "emulated" notice; "" when there is no KVM
// to speak of). A /dev/kvm that opens is not enough: under nested
// virtualisation qemu can abort while it sets up the vCPU ("failed to
// set MSR"), so qemu itself is asked, for the profile's machine, stopped
// before the first instruction (-S), and told to quit at once.
func KVMUsable(ctx context.Context, p stdlib.VMProfile) (bool, string) {
	host := map[string]string{"amd64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}[runtime.GOARCH]
	if host != p.System {
		return false, ""
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false, ""
	}
	f.Close()
	ctx, cancel := context.WithTimeout(ctx, kvmProbeWait)
	defer cancel()
	args := []string{"-enable-kvm", "-cpu", "host", "-display", "none", "-nodefaults", "-S", "-monitor", "stdio", "-serial", "none"}
	if p.Machine != "" {
		args = append(args, "-M", p.Machine)
	}
	cmd := exec.CommandContext(ctx, p.System, args...)
	cmd.Stdin = strings.NewReader("quit\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr // stdout is the monitor's banner
	err = cmd.Run()
	if err == nil {
		return true, ""
	}
	why := strings.TrimSpace(stderr.String())
	if i := strings.IndexByte(why, '\n'); i >= 0 {
		why = why[:i]
	}
	if ctx.Err() != nil {
		why = fmt.Sprintf("qemu did not start within %s", kvmProbeWait)
	}
	return false, cmp.Or(why, err.Error())
}

// kvmProbeWait bounds KVMUsable's qemu, which answers in milliseconds.
var kvmProbeWait = 20 * time.Second

// Command is the qemu binary and its arguments for o.
func Command(o Options) (string, []string, error) {
	p := o.Profile
	if p.Kernel != "" {
		if o.Firmware != "" || o.Vars != "" {
			return "", nil, fmt.Errorf("--firmware, --vars: this target boots its kernel directly (vm_profile(kernel = ...)), without firmware")
		}
		return p.System, direct(o), nil
	}
	fw := o.Firmware
	if fw == "" {
		fw = p.Firmware[0]
		if p.SecureBoot {
			fw = "uefi"
		}
	}
	if !slices.Contains(p.Firmware, fw) {
		return "", nil, fmt.Errorf("--firmware %s: this image boots with %s", fw, strings.Join(p.Firmware, " or "))
	}
	if p.SecureBoot && fw != "uefi" {
		return "", nil, fmt.Errorf("--firmware %s: the image is Secure Boot signed; it boots with uefi", fw)
	}
	if p.SecureBoot && o.Vars == "" {
		return "", nil, fmt.Errorf("the image is Secure Boot signed: give --vars FILE, a UEFI variable store enrolling its key (efi_vars(), or a board's uefi_secure_boot_vars(); the edge example's sb-vars-amd64 and sb-vars-arm64 targets)")
	}
	machine := p.Machine
	var sb []string
	if p.SecureBoot && p.System == "qemu-system-x86_64" {
		// OVMF's Secure Boot build keeps its variables in SMM.
		machine += ",smm=on"
		sb = []string{"-global", "driver=cfi.pflash01,property=secure,value=on"}
	}
	args := append(machineArgs(o, machine), sb...)
	if fw == "uefi" {
		code, vars := ovmfCode, ovmfVars
		switch {
		case p.System == "qemu-system-aarch64":
			code, vars = aavmfCode, aavmfVars
		case p.SecureBoot:
			code = ovmfSecureBoot
		}
		if o.Vars != "" {
			vars = o.Vars
		}
		copyVars, err := copyFile(vars, filepath.Join(o.Scratch, "VARS.fd"))
		if err != nil {
			return "", nil, fmt.Errorf("UEFI variable store: %w (Debian packages ovmf, qemu-efi-aarch64; make setup installs them)", err)
		}
		if _, err := os.Stat(code); err != nil {
			return "", nil, fmt.Errorf("UEFI firmware: %w (Debian packages ovmf, qemu-efi-aarch64; make setup installs them)", err)
		}
		args = append(args, "-drive", "if=pflash,format=raw,readonly=on,file="+code, "-drive", "if=pflash,format=raw,file="+copyVars)
	}
	return p.System, append(args, devices(o)...), nil
}

// machineArgs are the machine, its memory, CPUs and accelerator.
func machineArgs(o Options, machine string) []string {
	p := o.Profile
	args := []string{"-M", machine, "-m", strconv.Itoa(cmp.Or(o.Memory, p.Memory)), "-smp", strconv.Itoa(max(o.CPUs, 1)), "-nographic", "-no-reboot"}
	if o.KVM {
		return append(args, "-enable-kvm", "-cpu", "host")
	}
	if p.System == "qemu-system-aarch64" || p.CPU != "max" {
		// x86_64 TCG keeps qemu's default CPU unless the profile names one.
		args = append(args, "-cpu", p.CPU)
	}
	return args
}

// direct is the command line of a kernel booted by qemu itself.
func direct(o Options) []string {
	p := o.Profile
	args := append(machineArgs(o, p.Machine), "-kernel", o.Kernel)
	if o.Initrd != "" {
		args = append(args, "-initrd", o.Initrd)
	}
	if p.Cmdline != "" {
		args = append(args, "-append", p.Cmdline)
	}
	return append(args, devices(o)...)
}

// devices are the disk, read through a snapshot so the output is never
// written, and the network.
func devices(o Options) []string {
	p := o.Profile
	args := []string{"-snapshot"}
	switch {
	case o.Image == "":
	case p.Media == "cdrom" && len(o.Volumes) > 0:
		for i, v := range append([]string{o.Image}, o.Volumes...) {
			args = append(args, "-drive", "media=cdrom,readonly=on,format=raw,index="+strconv.Itoa(i)+",file="+v)
		}
	case p.Media == "cdrom":
		args = append(args, "-drive", "media=cdrom,readonly=on,format=raw,file="+o.Image)
	case p.Bus == "nvme":
		args = append(args, "-drive", "if=none,id=disk0,format=raw,file="+o.Image, "-device", "nvme,serial=cairn,drive=disk0")
	case p.Bus == "virtio-mmio":
		args = append(args, "-drive", "if=none,id=disk0,format=raw,file="+o.Image, "-device", "virtio-blk-device,drive=disk0")
	default:
		args = append(args, "-drive", "if="+p.Bus+",format=raw,file="+o.Image)
	}
	// User-mode networking; the NIC carries no option ROM, so the
	// firmware does not try to boot from the network before the disk.
	netdev := "user,id=net0"
	if o.SSHPort != 0 {
		netdev += ",hostfwd=tcp:127.0.0.1:" + strconv.Itoa(o.SSHPort) + "-:22"
	}
	nic := "virtio-net-pci,netdev=net0,romfile="
	if p.Bus == "virtio-mmio" {
		nic = "virtio-net-device,netdev=net0"
	}
	return append(args, "-netdev", netdev, "-device", nic)
}

func copyFile(from, to string) (string, error) {
	data, err := os.ReadFile(from)
	if err != nil {
		return "", err
	}
	return to, os.WriteFile(to, data, 0o644)
}
