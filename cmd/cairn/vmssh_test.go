package main

// cairn vm --login: a development image whose recipe adds vm_ssh_key() is
// built with the key cairn generates for this machine, booted, logged into
// over the forwarded port, and a command's output and exit status come
// back; the private key reaches no output and the output is not written.
// The image carries no SSH host keys (the guest makes them at boot, as a
// first boot does) and a fresh engine builds it to the same bytes.

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

// vmSSHRecipe is a PC disk image running Debian's sshd from a shell init
// (networking as qemu's user mode hands it out), with cairn's key for root.
const vmSSHRecipe = vmSSHSystem + `target("dev", dev_image())
`

// vmSSHSystem defines dev_image(), the image of vmSSHRecipe; the library
// test serves it as a vendor's board library, to the same graph.
const vmSSHSystem = `load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
load("@cairn//distros/debian.star", "debian")

INIT = """#!/bin/sh
mount -t proc proc /proc
mount -o remount,rw /
mount -t tmpfs tmpfs /run
mkdir -p /run/sshd /dev/pts
mount -t devpts devpts /dev/pts
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ssh-keygen -A
/usr/sbin/sshd -e
echo "CAIRN-SYSTEM-UP $(uname -m) $(cat /etc/hostname)"
exec /bin/sh
"""
system = debian.rootfs(arch = "amd64", packages = ["openssh-server", "iproute2"], files = [
    files({"etc/hostname": "dev\n"}),
    files({"usr/sbin/cairn-init": INIT}, mode = 0o755),
    vm_ssh_key(),
])
def dev_image():
    return pc_x86_64.image(rootfs = system, repos = debian.repos(), name = "dev", cmdline = "init=/usr/sbin/cairn-init")
`

func TestVMSSH(t *testing.T) {
	c := shared(t)
	proj := newProject(t, vmSSHRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "dev")
	home := suite.home
	pub := readFile(t, filepath.Join(home, "vm-ssh", "public", "authorized_keys"))
	// The fourth line of the key's base64 holds the private seed (the
	// lines before it, the header and public key every ed25519 key file
	// shares, the image's own host keys included).
	priv := strings.Split(readFile(t, filepath.Join(home, "vm-ssh", "id_ed25519")), "\n")[4]
	if f := fileHolding(t, out, []byte(priv)); f != "" {
		t.Errorf("%s holds the private key", f)
	}
	before := treeSums(t, filepath.Join(out, "dev"))
	login := func(t *testing.T, command string) result {
		return c.run(t, "vm", "-f", recipe, "-o", out, "--no-build", "dev", "--login", "--timeout", bootTimeout.String(), "--", command)
	}
	t.Run("command", func(t *testing.T) {
		r := login(t, "cat /etc/hostname; id -u; cat /root/.ssh/authorized_keys; test -s /etc/ssh/ssh_host_ed25519_key && echo made-at-boot")
		if r.code != 0 {
			t.Fatalf("cairn vm --login: %s", r)
		}
		if want := "dev\n0\n" + pub + "made-at-boot\n"; r.stdout != want {
			t.Errorf("the command printed %q, want %q", r.stdout, want)
		}
		t.Logf("%s", lastLine(r.stderr))
	})
	t.Run("exit status", func(t *testing.T) {
		r := login(t, "exit 3")
		if r.code != 1 || !strings.Contains(r.stderr, "the command in the guest exited with status 3") {
			t.Errorf("want exit 1 naming status 3; %s", r)
		}
	})
	if after := treeSums(t, filepath.Join(out, "dev")); !maps.Equal(before, after) {
		t.Errorf("cairn vm --login changed the output")
	}
	t.Run("no host keys", func(t *testing.T) {
		img := filepath.Join(out, "dev", "dev.img")
		root := extract(t, img, partitions(t, img), 1)
		if ls := run(t, "debugfs", "-R", "ls /etc/ssh", root); strings.Contains(ls, "ssh_host_") {
			t.Errorf("the image carries SSH host keys:\n%s", ls)
		}
		removed := run(t, "debugfs", "-R", "cat /usr/lib/cairn/removed-identities", root)
		if !strings.Contains(removed, "/etc/ssh/ssh_host_ed25519_key\n") {
			t.Errorf("/usr/lib/cairn/removed-identities = %q, want the host keys listed", removed)
		}
		if unit := run(t, "debugfs", "-R", "cat /etc/systemd/system/cairn-ssh-host-keys.service", root); !strings.Contains(unit, "ExecStart=/usr/bin/ssh-keygen -A") {
			t.Errorf("no first-boot unit for the host keys:\n%s", unit)
		}
	})
	t.Run("same bytes on a fresh engine", func(t *testing.T) {
		// The same key (this home's) through --context: the image depends
		// on whose key it carries, and on nothing else.
		again := filepath.Join(t.TempDir(), "out")
		f := freshEngine(t)
		f.ok(t, "build", "-f", recipe, "-o", again, "dev", "--context", "cairn-vm-ssh="+filepath.Join(home, "vm-ssh", "public"))
		f.ok(t, "engine", "stop")
		if a, b := treeSums(t, filepath.Join(out, "dev")), treeSums(t, filepath.Join(again, "dev")); !maps.Equal(a, b) {
			t.Errorf("two engines built different images: %v vs %v", a, b)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"dev", "--", "true"},
			{"dev", "--login", "--expect", "x"},
		} {
			r := c.run(t, append([]string{"vm", "-f", recipe, "-o", out, "--no-build"}, args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, "--login") {
				t.Errorf("cairn vm %v: want a usage error naming --login; %s", args, r)
			}
		}
	})
}
