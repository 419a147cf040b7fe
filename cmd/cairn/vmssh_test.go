package main

// cairn vm --login: a development image whose recipe adds vm_ssh_key() is
// built with the key cairn generates for this machine, booted, logged into
// over the forwarded port, and a command's output and exit status come
// back; the private key reaches no output and the output is not written.
// The image carries no SSH host keys (the guest makes them at boot, as a
// first boot does), its accounts come from user() with a deterministic
// /etc/shadow, and a fresh engine builds it to the same bytes. The same
// system booted by systemd (the appliance) reaches a login prompt on its
// serial console, its host keys made by the first-boot unit.

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// vmSSHRecipe is a PC disk image running Debian's sshd from a shell init
// (networking as qemu's user mode hands it out), with cairn's key for root;
// and the same system booted by systemd: an appliance.
const vmSSHRecipe = vmSSHSystem + `target("dev", dev_image())
target("appliance", appliance_image())
`

// vmSSHSystem defines dev_image(), the image of vmSSHRecipe; the library
// test serves it as a vendor's board library, to the same graph.
const vmSSHSystem = `load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
load("@cairn//distros/debian.star", "debian")

INIT = """#!/bin/sh
mount -t proc proc /proc
# source and target both given: mount looks up no fstab entry (whose
# PARTLABEL= needs udev's links)
mount -o remount,rw "$(awk '$2 == "/" { print $1 }' /proc/mounts)" /
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
# Test only: on the console, before the serial getty starts, the root's
# size once it may have grown, whether the first-boot unit made the host
# keys, and whether sshd runs. ($$ is systemd's literal $.)
REPORT = """[Unit]
Description=cairn test: report the first boot
After=systemd-growfs-root.service local-fs.target cairn-ssh-host-keys.service ssh.service
Before=getty.target serial-getty@ttyS0.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'k=no; test -s /etc/ssh/ssh_host_ed25519_key && k=yes; echo "CAIRN-ROOT-KB $$(df -k --output=size / | tail -1 | tr -cd 0-9) CAIRN-HOSTKEYS $$k CAIRN-SSH $$(systemctl is-active ssh)" > /dev/console'
[Install]
WantedBy=multi-user.target
"""
system = debian.rootfs(arch = "amd64", packages = ["openssh-server", "iproute2", "systemd-sysv"] + pc_x86_64.console_packages, files = [
    files({"etc/hostname": "dev\n"}),
    files({"usr/sbin/cairn-init": INIT}, mode = 0o755),
    files({"etc/systemd/system/cairn-report-root.service": REPORT}),
    vm_ssh_key(),
], run = ["systemctl enable cairn-report-root.service"], users = [
    user("admin", groups = ["adm"], comment = "Admin", authorized_keys = ["` + adminKey + `"]),
    user("root", password = secret("root-hash")),
])
def dev_image():
    return pc_x86_64.image(rootfs = system, repos = debian.repos(), name = "dev", cmdline = "init=/usr/sbin/cairn-init")
def appliance_image():
    return pc_x86_64.image(rootfs = system, repos = debian.repos(), name = "appliance", grow_root = True)
`

// adminKey is the admin account's key, rootHash root's password hash,
// given to the build as a secret.
const (
	adminKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdZ5oPp0wz1n8y0nOqtnoJ4bK2c0DQ2tq0NfYb9u6hs admin@example.org"
	rootHash = "$6$cairnsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./0123456789abcdefghijklmn"
)

// rootHashSecret writes rootHash to a file and returns the --secret flag
// that gives it to a build.
func rootHashSecret(t *testing.T) string {
	f := filepath.Join(t.TempDir(), "root-hash")
	writeFile(t, f, rootHash+"\n")
	return "id=root-hash,src=" + f
}

func TestVMSSH(t *testing.T) {
	c := shared(t)
	proj := newProject(t, vmSSHRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	secret := rootHashSecret(t)
	c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--secret", secret, "dev", "appliance")
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
	t.Run("accounts", func(t *testing.T) {
		img := filepath.Join(out, "dev", "dev.img")
		root := extract(t, img, partitions(t, img), 1)
		cat := func(p string) string { return run(t, "debugfs", "-R", "cat "+p, root) }
		// 3652 days: SOURCE_DATE_EPOCH (1980-01-01), not the day of the build.
		shadow := cat("/etc/shadow")
		for _, want := range []string{"\nroot:" + rootHash + ":", "\nadmin:!:3652:"} {
			if !strings.Contains("\n"+shadow, want) {
				t.Errorf("/etc/shadow lacks %q:\n%s", want, shadow)
			}
		}
		if p := cat("/etc/passwd"); !strings.Contains(p, "\nadmin:x:1000:1000:Admin:/home/admin:/bin/bash\n") {
			t.Errorf("/etc/passwd:\n%s", p)
		}
		if g := cat("/etc/group"); !strings.Contains(g, "\nadm:x:4:admin\n") {
			t.Errorf("admin is not in group adm:\n%s", g)
		}
		if k := cat("/home/admin/.ssh/authorized_keys"); k != adminKey+"\n" {
			t.Errorf("admin's authorized_keys = %q", k)
		}
		if st := run(t, "debugfs", "-R", "stat /home/admin/.ssh/authorized_keys", root); !strings.Contains(st, "Mode:  0600") || !strings.Contains(st, "User:  1000") {
			t.Errorf("admin's authorized_keys is not 0600 and admin's:\n%s", st)
		}
		if ls := run(t, "debugfs", "-R", "ls /etc", root); strings.Contains(ls, "shadow-") {
			t.Errorf("/etc keeps a backup of the shadow file (the hash twice)")
		}
	})
	t.Run("appliance", func(t *testing.T) {
		// systemd with udev (the board's console_packages) reaches the
		// getty on the serial console: its issue line precedes the
		// prompt (which ends in no newline to match). On the way the
		// first-boot unit made the host keys, sshd started, and the root
		// grew to fill a disk 512 MiB larger than the image.
		img := filepath.Join(out, "appliance", "appliance.img")
		rootKB := partitions(t, img).PartitionTable.Partitions[1].Size / 2
		grown := filepath.Join(t.TempDir(), "out")
		testutil.Must(t, copyFile(img, filepath.Join(grown, "appliance", "appliance.img")))
		st, err := os.Stat(img)
		testutil.Must(t, err)
		testutil.Must(t, os.Truncate(filepath.Join(grown, "appliance", "appliance.img"), st.Size()+512<<20))
		r := c.run(t, "vm", "-f", recipe, "-o", grown, "--no-build", "appliance", "--timeout", bootTimeout.String(), "--expect", `^Debian GNU/Linux 12 dev ttyS0`)
		if r.code != 0 {
			t.Fatalf("the appliance did not reach its serial login prompt: %s", r)
		}
		// The report unit runs after the host-key unit and sshd, before
		// the serial getty: the order does not depend on timing.
		if !strings.Contains(r.stdout, "CAIRN-HOSTKEYS yes CAIRN-SSH active") {
			t.Errorf("the host keys were not made at first boot, or sshd does not run:\n%s", tailLines(r.stdout, 30))
		}
		m := regexp.MustCompile(`CAIRN-ROOT-KB ([0-9]+)`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("the console does not report the root's size:\n%s", tailLines(r.stdout, 30))
		}
		if kb, _ := strconv.ParseInt(m[1], 10, 64); kb < rootKB+256<<10 {
			t.Errorf("the root file system has %d KiB on a 512 MiB larger disk, its partition %d KiB in the image: it did not grow", kb, rootKB)
		}
		t.Logf("%s", lastLine(r.stderr))
	})
	t.Run("same bytes on a fresh engine", func(t *testing.T) {
		// The same key (this home's) through --context: the image depends
		// on whose key it carries, and on nothing else.
		again := filepath.Join(t.TempDir(), "out")
		f := freshEngine(t)
		f.ok(t, "build", "-f", recipe, "-o", again, "dev", "appliance", "--secret", secret, "--context", "cairn-vm-ssh="+filepath.Join(home, "vm-ssh", "public"))
		f.ok(t, "engine", "stop")
		for _, target := range []string{"dev", "appliance"} {
			if a, b := treeSums(t, filepath.Join(out, target)), treeSums(t, filepath.Join(again, target)); !maps.Equal(a, b) {
				t.Errorf("two engines built different %s images: %v vs %v", target, a, b)
			}
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
