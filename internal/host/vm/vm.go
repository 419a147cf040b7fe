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
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

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
	// Image is the image file.
	Image string
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

// KVMUsable says whether KVM can run a guest of the profile's system here.
func KVMUsable(p stdlib.VMProfile) bool {
	host := map[string]string{"amd64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}[runtime.GOARCH]
	if host != p.System {
		return false
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Command is the qemu binary and its arguments for o.
func Command(o Options) (string, []string, error) {
	p := o.Profile
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
	mem := o.Memory
	if mem == 0 {
		mem = p.Memory
	}
	cpus := max(o.CPUs, 1)
	machine := p.Machine
	var args []string
	if p.SecureBoot && p.System == "qemu-system-x86_64" {
		// OVMF's Secure Boot build keeps its variables in SMM.
		machine += ",smm=on"
		args = append(args, "-global", "driver=cfi.pflash01,property=secure,value=on")
	}
	args = append([]string{"-M", machine, "-m", strconv.Itoa(mem), "-smp", strconv.Itoa(cpus), "-nographic", "-no-reboot"}, args...)
	if o.KVM {
		args = append(args, "-enable-kvm", "-cpu", "host")
	} else if p.System == "qemu-system-aarch64" || p.CPU != "max" {
		// x86_64 TCG keeps qemu's default CPU unless the profile names one.
		args = append(args, "-cpu", p.CPU)
	}
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
	// The image is read through a snapshot: the output is never written.
	args = append(args, "-snapshot")
	switch {
	case p.Media == "cdrom":
		args = append(args, "-drive", "media=cdrom,readonly=on,format=raw,file="+o.Image)
	case p.Bus == "nvme":
		args = append(args, "-drive", "if=none,id=disk0,format=raw,file="+o.Image, "-device", "nvme,serial=cairn,drive=disk0")
	default:
		args = append(args, "-drive", "if="+p.Bus+",format=raw,file="+o.Image)
	}
	// User-mode networking; the NIC carries no option ROM, so the
	// firmware does not try to boot from the network before the disk.
	netdev := "user,id=net0"
	if o.SSHPort != 0 {
		netdev += ",hostfwd=tcp:127.0.0.1:" + strconv.Itoa(o.SSHPort) + "-:22"
	}
	args = append(args, "-netdev", netdev, "-device", "virtio-net-pci,netdev=net0,romfile=")
	return p.System, args, nil
}

func copyFile(from, to string) (string, error) {
	data, err := os.ReadFile(from)
	if err != nil {
		return "", err
	}
	return to, os.WriteFile(to, data, 0o644)
}
