package vm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/stdlib"
)

func fakeFirmware(t *testing.T) string {
	dir := t.TempDir()
	for _, p := range []*string{&ovmfCode, &ovmfVars, &ovmfSecureBoot, &aavmfCode, &aavmfVars} {
		f := filepath.Join(dir, filepath.Base(*p))
		os.WriteFile(f, []byte("firmware"), 0o644)
		old := *p
		*p = f
		t.Cleanup(func() { *p = old })
	}
	return dir
}

// TestCommand: the command lines for each kind of image, as the boot
// tests ran them by hand before.
func TestCommand(t *testing.T) {
	fakeFirmware(t)
	arm := stdlib.VMProfile{File: "q.img", System: "qemu-system-aarch64", Machine: "virt", CPU: "max", Firmware: []string{"uefi"}, Media: "disk", Bus: "virtio", Memory: 1024}
	iso := stdlib.VMProfile{File: "pc.iso", System: "qemu-system-x86_64", Machine: "q35", CPU: "max", Firmware: []string{"bios", "uefi"}, Media: "cdrom", Bus: "virtio", Memory: 1024}
	kernel := stdlib.VMProfile{System: "qemu-system-x86_64", Machine: "pc", CPU: "max", Bus: "virtio", Memory: 512, Kernel: "boot/vmlinuz-*", Initrd: "initrd.img", Cmdline: "console=ttyS0 panic=-1"}
	kernelDisk := stdlib.VMProfile{File: "root.img", System: "qemu-system-aarch64", Machine: "virt", CPU: "cortex-a57", Bus: "virtio-mmio", Memory: 1024, Kernel: "Image"}
	scratch := t.TempDir()
	for _, tc := range []struct {
		name string
		o    Options
		want []string
		not  []string
	}{
		{"arm64 disk", Options{Profile: arm, Image: "/o/q.img", Scratch: scratch, SSHPort: 2222},
			[]string{"-M virt", "-cpu max", "if=pflash,format=raw,readonly=on,file=" + aavmfCode, "-snapshot", "-drive if=virtio,format=raw,file=/o/q.img", "hostfwd=tcp:127.0.0.1:2222-:22"}, []string{"-enable-kvm"}},
		{"iso bios", Options{Profile: iso, Image: "/o/pc.iso", Scratch: scratch},
			[]string{"-M q35", "-drive media=cdrom,readonly=on,format=raw,file=/o/pc.iso", "-netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile="}, []string{"pflash", "-cpu"}},
		{"iso uefi", Options{Profile: iso, Image: "/o/pc.iso", Scratch: scratch, Firmware: "uefi", KVM: true, Memory: 2048, CPUs: 2},
			[]string{"file=" + ovmfCode, "-enable-kvm -cpu host", "-m 2048", "-smp 2"}, nil},
		{"volume set", Options{Profile: iso, Image: "/o/set-1.iso", Volumes: []string{"/o/set-2.iso"}, Scratch: scratch},
			[]string{"-drive media=cdrom,readonly=on,format=raw,index=0,file=/o/set-1.iso -drive media=cdrom,readonly=on,format=raw,index=1,file=/o/set-2.iso"}, nil},
		{"kernel", Options{Profile: kernel, Kernel: "/o/boot/vmlinuz-6", Initrd: "/o/initrd.img", Scratch: scratch},
			[]string{"qemu-system-x86_64 -M pc -m 512", "-kernel /o/boot/vmlinuz-6 -initrd /o/initrd.img -append console=ttyS0 panic=-1 -snapshot -netdev"}, []string{"pflash", "-drive"}},
		{"kernel and disk", Options{Profile: kernelDisk, Kernel: "/o/Image", Image: "/o/root.img", Scratch: scratch},
			[]string{"-cpu cortex-a57", "-kernel /o/Image", "-drive if=none,id=disk0,format=raw,file=/o/root.img -device virtio-blk-device,drive=disk0", "-device virtio-net-device,netdev=net0"}, []string{"pflash", "-initrd", "-append"}},
	} {
		name, args, err := Command(tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		line := name + " " + strings.Join(args, " ")
		for _, w := range tc.want {
			if !strings.Contains(line, w) {
				t.Errorf("%s: lacks %q:\n%s", tc.name, w, line)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(line, w) {
				t.Errorf("%s: has %q:\n%s", tc.name, w, line)
			}
		}
	}

	sb := iso
	sb.SecureBoot = true
	if _, _, err := Command(Options{Profile: sb, Image: "x", Scratch: scratch}); err == nil || !strings.Contains(err.Error(), "--vars") {
		t.Errorf("Secure Boot without --vars: %v", err)
	}
	vars := filepath.Join(t.TempDir(), "VARS.fd")
	os.WriteFile(vars, []byte("enrolled"), 0o644)
	_, args, err := Command(Options{Profile: sb, Image: "x", Scratch: scratch, Vars: vars})
	if err != nil || !slices.Contains(args, "q35,smm=on") || !slices.Contains(args, "if=pflash,format=raw,readonly=on,file="+ovmfSecureBoot) {
		t.Errorf("Secure Boot: %v %q", err, args)
	}
	if _, _, err := Command(Options{Profile: sb, Image: "x", Scratch: scratch, Vars: vars, Firmware: "bios"}); err == nil {
		t.Error("Secure Boot with bios")
	}
	if _, _, err := Command(Options{Profile: stdlib.VMProfile{System: "qemu-system-x86_64", Machine: "pc", Kernel: "k"}, Kernel: "/k", Firmware: "uefi"}); err == nil || !strings.Contains(err.Error(), "boots its kernel directly") {
		t.Errorf("--firmware with a kernel profile: %v", err)
	}
	if _, _, err := Command(Options{Profile: arm, Image: "x", Scratch: scratch, Firmware: "bios"}); err == nil || !strings.Contains(err.Error(), "boots with uefi") {
		t.Errorf("bios on arm64: %v", err)
	}
}

// TestExpect runs a stand-in for qemu: a shell printing lines.
func TestExpect(t *testing.T) {
	ctx := context.Background()
	var echo strings.Builder
	if err := Expect(ctx, &echo, regexp.MustCompile(`^SYSTEM-UP x86_64$`), time.Minute, nil, "sh", "-c", "echo booting; printf 'SYSTEM-'; sleep 0.2; echo 'UP x86_64'; exec sleep 60"); err != nil {
		t.Fatalf("expect: %v", err)
	}
	if !strings.Contains(echo.String(), "booting") {
		t.Errorf("the console was not echoed: %q", echo.String())
	}
	err := Expect(ctx, nil, regexp.MustCompile(`never`), time.Minute, nil, "sh", "-c", "echo one; echo two; exit 3")
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "  two") {
		t.Errorf("qemu exiting first: %v", err)
	}
	err = Expect(ctx, nil, regexp.MustCompile(`never`), 300*time.Millisecond, nil, "sh", "-c", "echo waiting; exec sleep 60")
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "the bound fired") {
		t.Errorf("timeout: %v", err)
	}
}

// TestHalt: a stand-in guest that powers off on the monitor's
// system_powerdown, and one that only answers SysRq (u: the command
// has an o in it).
func TestHalt(t *testing.T) {
	old := haltWait
	haltWait = 2 * time.Second
	defer func() { haltWait = old }()
	ctx := context.Background()
	up := regexp.MustCompile("UP")
	var how string
	acpi := `echo UP; while read -r l; do case $l in *system_powerdown*) exit 0;; esac; done`
	if err := Expect(ctx, nil, up, time.Minute, func(s string) { how = s }, "sh", "-c", acpi); err != nil || !strings.Contains(how, "ACPI") {
		t.Errorf("ACPI: %v, %q", err, how)
	}
	sysrq := "echo UP; while true; do c=$(dd bs=1 count=1 2>/dev/null); [ \"$c\" = u ] && exit 0; [ -z \"$c\" ] && sleep 1; done"
	if err := Expect(ctx, nil, up, time.Minute, func(s string) { how = s }, "sh", "-c", sysrq); err != nil || !strings.Contains(how, "SysRq") {
		t.Errorf("SysRq: %v, %q", err, how)
	}
	if err := Expect(ctx, nil, up, time.Minute, func(string) {}, "sh", "-c", "echo UP; exec sleep 60"); err == nil || !strings.Contains(err.Error(), "did not power off") {
		t.Errorf("a guest that does not power off: %v", err)
	}
}

// TestKVMProbe: a /dev/kvm that opens is not enough; a qemu that aborts
// setting up the vCPU (nested virtualisation) means no KVM, and says why.
func TestKVMProbe(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the probe's fake qemu is qemu-system-x86_64")
	}
	if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err != nil {
		t.Skip("no usable /dev/kvm here: the probe is not reached")
	} else {
		f.Close()
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "qemu-system-x86_64")
	for _, tc := range []struct {
		script string
		ok     bool
		why    string
	}{
		{"#!/bin/sh\necho 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2\nkill -ABRT $$\n", false, "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"},
		{"#!/bin/sh\nread cmd; test \"$cmd\" = quit\n", true, ""},
	} {
		if err := os.WriteFile(fake, []byte(tc.script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
		ok, why := KVMUsable(context.Background(), stdlib.VMProfile{System: "qemu-system-x86_64", Machine: "q35"})
		if ok != tc.ok || why != tc.why {
			t.Errorf("KVMUsable = %v, %q; want %v, %q", ok, why, tc.ok, tc.why)
		}
	}
}

// TestLoginQemuDies: a qemu that exits before the guest's sshd answers
// ends the login with its reason at once, rather than at --timeout (or
// never: the wait once took qemu's exit status from the shutdown path).
func TestLoginQemuDies(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "qemu")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'qemu: KVM broke' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	l := Login{Qemu: fake, Port: port, Key: "k", User: "root", Console: filepath.Join(dir, "console.log"), Timeout: time.Minute, Log: &log}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = l.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "qemu exited (exit status 1) before the guest's sshd answered") || !strings.Contains(err.Error(), "qemu: KVM broke") {
		t.Errorf("Run = %v; want qemu's exit and its last console lines", err)
	}
	if ctx.Err() != nil {
		t.Error("Run waited for the test's deadline")
	}
}
