# cairn's recipe builtins as Python stubs, for Starlark language servers.
# Generated from the builtin table in stdlib/ by `make docs`; do not edit. See docs/editors.md.
# pylint: skip-file

class Artifact:
    """A filesystem tree the build graph produces: the value of local(), files(), rootfs(), ..."""

def apt_repo(packages, suite = "cairn", component = "main", origin = "cairn", architectures = None, signer = None):
    """A Debian archive (apt repository) of built packages, signed with a key that stays a secret.

    Written by cairn's helper inside the build: the same packages, epoch and key give the same bytes (Release `Date` is SOURCE_DATE_EPOCH; signatures are made at the epoch, or at the key's creation when that is later, without the random salt notation). The key is mounted for this one step as a BuildKit secret: it is never in the graph, the cache, logs or outputs. Serve the artifact over HTTP (or use it as `file:`) with `Signed-By: archive-key.asc`; inside the recipe, `repo.deb(tree = ...)` installs from it.

    Args:
        packages: list of artifact: `deb_package()` results (or any artifact with .deb files at its root; only `deb_package()` ones can be installed by `rootfs()` in this recipe)
        suite: string: the suite (and codename) under dists/
        component: string: the one component
        origin: string: Origin and Label of the Release
        architectures: list of string: Packages indexes to write, e.g. ["amd64", "arm64"]; "all" packages go into each (default: those of the packages)
        signer: secret or signer: an ASCII-armored OpenPGP secret key without passphrase, as `secret("ID")` given with `--secret id=ID,src=FILE`, or a `signer.transit(..., openpgp = ...)`; without it the repository is unsigned

    Returns:
        artifact: pool/, dists/SUITE/ (Release, InRelease and Release.gpg when signed, Packages, Packages.gz, Packages.xz, by-hash/) and archive-key.asc (the public key) when signed

    Example:

        built = apt_repo(packages = [hello], signer = secret("repo-key"))
    """
    ...

def archive(artifact, format = "tar", name = None, owners = "root"):
    """Pack an artifact into one deterministic tar or cpio file.

    Runs cairn's helper binary inside BuildKit. Entries are sorted, owned by 0:0 and stamped with SOURCE_DATE_EPOCH; inode numbers are assigned in order, so the same tree always gives the same bytes.

    Args:
        artifact: artifact: the tree to pack
        format: string: "tar" (PAX) or "cpio" (newc, the initramfs format)
        name: string: file name of the archive inside the resulting artifact (default: "archive.tar" or "archive.cpio")
        owners: string: "root" records every entry as 0:0; "keep" keeps each file's uid and gid (root filesystems from rootfs(), whose packages own files as other users)

    Returns:
        artifact holding one file

    Example:

        initrd = archive(rootfs, format = "cpio", name = "initrd.cpio")
    """
    ...

def checksums(contents, name = "SHA256SUMS", signer = None):
    """An artifact with a SHA256SUMS of its files beside them, signed with a key that stays a secret.

    Lists every regular file of contents by its path, sorted, in the format `sha256sum -c` reads (symbolic links are left out; sparse files are read by their data). Signed as apt_repo() signs: at SOURCE_DATE_EPOCH (or the key's creation when that is later), deterministically, the key mounted for this one step as a BuildKit secret and never in the graph, the cache, logs or outputs. Check a download with `gpgv --keyring KEYRING NAME.sign NAME` and `sha256sum -c NAME`. The contents are not copied: the list is merged beside them; contents that already hold a file of those names are an error.

    Args:
        contents: artifact: the tree to list: an iso(), a disk(), any output
        name: string: the checksum file's name, at the root of the result
        signer: secret or signer: an ASCII-armored OpenPGP secret key without passphrase, as `secret("ID")` given with `--secret id=ID,src=FILE`, or a `signer.transit(..., openpgp = ...)`; without it the list is unsigned

    Returns:
        artifact: contents, NAME, and when signed NAME.sign (an armored detached signature) and signing-key.asc (the public key)

    Example:

        target("iso", checksums(iso(contents = live), signer = secret("release-key")))
    """
    ...

def context(name):
    """A named build context, supplied at build time (`cairn build --context NAME=DIR`).

    The context's files are the artifact's tree, at its root. `cairn build --context NAME=DIR` serves a directory; BuildKit clients pass `--opt context:NAME=local:NAME --local NAME=DIR`, an `oci-layout://` or a `docker-image://` source instead. Building a target that reads a context the build was not given is an error; evaluating the recipe is not. As with local(), files are owned by 0:0 and stamped with SOURCE_DATE_EPOCH.

    Args:
        name: string: the context's name, as given to --context NAME=DIR (lower-case letters, digits, ".", "_", "-")

    Returns:
        artifact

    Example:

        target("docs", merge([context("site"), local("theme")]))
    """
    ...

def deb_package(source, repos, arch = None, profiles = [], options = [], version_suffix = "", indep = None, cross = None):
    """Binary .deb packages built from a Debian source with the real dpkg-buildpackage, inside BuildKit.

    The build root is a rootfs of the Essential set, `build-essential`, `fakeroot` and the source's Build-Depends (plus -Arch and -Indep as built), evaluated for the architecture and profiles as dpkg-checkbuilddeps does and resolved by cairn's resolver: a request of its own in `cairn.lock`. `dpkg-buildpackage -us -uc` (-B, -A or -b by what is built) runs as an unprivileged build user with `fakeroot`, without network, with SOURCE_DATE_EPOCH taken from debian/changelog as dpkg does. The step is cached on the source, the build root and the options: changing a patch rebuilds this package and what uses it, nothing else.

    Args:
        source: artifact: a `deb_source()` (its build dependencies come from the archive's index, or from `cairn.lock`), or a `local()` tree with a `debian/` directory (read while the recipe is evaluated)
        repos: list of repo: repositories the build root and the build dependencies are installed from; a `repo.deb(tree = apt_repo(...))` among them lets packages built in the recipe satisfy build dependencies (the build then follows theirs)
        arch: string: host architecture of the packages, as in rootfs(); a foreign one is cross-built (see `cross`) (default: the build's platform)
        profiles: list of string: build profiles (DEB_BUILD_PROFILES), e.g. ["nocheck"]; they also select the build dependencies (<!nocheck>)
        options: list of string: DEB_BUILD_OPTIONS, e.g. ["nocheck", "parallel=2"]
        version_suffix: string: appended to the version in a new debian/changelog entry (by the last entry's maintainer, dated one second after it), e.g. "+cairn1"
        indep: bool: also build the Architecture: all packages; default: when the source has any and `arch` is the engine's own
        cross: bool: build a foreign `arch` with the engine's own compilers (`crossbuild-essential-ARCH`, `dpkg-buildpackage --host-arch ARCH`, profiles `cross` and `nocheck`) rather than in an `arch` root under qemu-user (False); default: True when `arch` is not the engine's own. Host build dependencies are met by Multi-Arch: foreign packages of the engine's architecture or installed as `arch` Multi-Arch: same packages beside them; the lock names one that is neither: build that package with `cross = False`

    Returns:
        artifact: the .deb files, the .buildinfo, the .changes and build.log

    Example:

        hello = deb_package(source = deb_source("hello", repos = [debian]), repos = [debian], options = ["nocheck"])
    """
    ...

def deb_source(name, repos, patches = []):
    """A Debian source package from a signed archive, unpacked by dpkg-source and patched.

    The source is resolved at evaluation time from the repositories' `Sources` indexes (verified through the signed Release, as `Packages` indexes are) or from `cairn.lock`, which records the version, every file's SHA-256 and the build dependencies. The `.dsc` and its files are downloads pinned by those hashes; the real `dpkg-source -x` unpacks them inside the build (formats `3.0 (quilt)`, `3.0 (native)` and `1.0`), in a tools root of `dpkg-dev` from bookworm. A patch that does not apply fails the step naming the patch, the hunks `patch` rejected and this call's recipe line. Every file is stamped with SOURCE_DATE_EPOCH. The result is an artifact of its own, so a target can ask "does this series still apply" without building.

    Args:
        name: string: source package name, "name=version" pins a version
        repos: list of repo: repositories whose Sources indexes list it (see `repo.deb`); the highest version wins
        patches: list of string or artifact: patch files (project paths or one-file artifacts; unified diffs or `git format-patch` mails) applied in order with `patch -p1` on top of the unpacked source

    Returns:
        artifact: the unpacked, patched source tree (debian/ included)

    Example:

        src = deb_source("hello", repos = [debian], patches = ["patches/greeting.patch"])
    """
    ...

def disk(partitions, name = "disk", table = "gpt", size = None, raw_writes = [], compression = "none", bmap = True):
    """A whole-disk image: partition table, filesystems and boot-loader blobs, as a raw .img.

    Each filesystem is its own graph step, so changing one partition's contents rebuilds that filesystem and the final assembly only. The disk GUID, partition GUIDs and MBR signature are derived from the layout and the partitions' bytes. The image is written sparse: a 4G disk holding 300M of data takes 300M.

    Args:
        partitions: list of partition: the partitions, in table order (see `partition`)
        name: string: file name of the image without extension
        table: string: "gpt" or "mbr" (at most 4 partitions)
        size: size: total size like "4G"; None ends the disk after the last partition
        raw_writes: list of raw_write: blobs written at byte offsets, e.g. U-Boot (see `raw_write`)
        compression: string: "none" (NAME.img), "zstd" (NAME.img.zst) or "xz" (NAME.img.xz)
        bmap: bool: also write NAME.bmap, the block map `bmaptool copy` uses to skip unused space

    Returns:
        artifact holding NAME.img (or .img.zst / .img.xz) and NAME.bmap

    Example:

        sd = disk(name = "sdcard", table = "mbr", partitions = [boot, root])
    """
    ...

def efi_sign(image, key, cert, name = None):
    """A PE/COFF image (systemd-boot, a kernel's EFI stub, a UKI) signed for UEFI Secure Boot, with a key that stays a secret.

    Signed by cairn's helper as sbsign signs (Authenticode: SHA-256, RSA PKCS#1 v1.5, the certificate embedded), deterministically: no signing time, so the same image, certificate and key give the same bytes. The step is keyed by the image and the certificate; the key is mounted for this one step as a BuildKit secret and must match the certificate, or the step fails naming both. Check the result with `sbverify --cert CERT FILE`.

    Args:
        image: string or artifact: the unsigned image: a project path or an artifact holding one file (`pick(...)` of a package's `.efi`, a `kernel()`'s vmlinuz)
        key: secret, signer or ssh_agent: the RSA private key, PEM (PKCS#1 or PKCS#8) without passphrase, as `secret("ID")` given with `--secret id=ID,src=FILE`; or a `signer.transit(...)` holding it; or an `ssh_agent("ID")` holding it, given with `--ssh ID=SOCKET` (an ssh-agent in front of a PKCS#11 token: `ssh-add -s MODULE`) or `--ssh ID=KEYFILE` (the key stays on the client)
        cert: string or artifact: the key's X.509 certificate (PEM or DER): the db entry the firmware verifies with; public, so a project file
        name: string: the signed file's name (default: the image's name)

    Returns:
        artifact holding one file

    Example:

        boot = efi_sign(pick(systemd_boot, "usr/lib/systemd/boot/efi/systemd-bootx64.efi"), key = secret("db-key"), cert = "keys/db.pem")
    """
    ...

def efi_vars(template, pk, db, kek = [pk], name = "VARS.fd"):
    """A UEFI variable store (OVMF/AAVMF) with PK, KEK and db enrolled, so the firmware enforces Secure Boot from its first start; and the keys as EFI signature lists.

    Written by cairn's helper as OVMF's EnrollDefaultKeys leaves a store (Debian 12 has no virt-fw-vars): db, KEK and PK as signature lists of X.509 certificates, SecureBootEnable set, CustomMode off; the template's other variables kept. Only certificates go in, never keys: the store is public. Timestamps are SOURCE_DATE_EPOCH and each signature's owner GUID is derived from its certificate, so the store is the same bytes every build. Boot with it as qemu's second pflash drive; the .esl files are what efi-updatevar or a firmware menu enrols on a real machine.

    Args:
        template: string or artifact: the firmware's empty variable store, one file: `pick(package_files(repos = repos, packages = ["ovmf"], arch = "amd64"), "/usr/share/OVMF/OVMF_VARS_4M.fd")` (with `OVMF_CODE_4M.secboot.fd`), or qemu-efi-aarch64's `/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd` (its `AAVMF_VARS.fd` is unformatted flash; the snakeoil store's keys are replaced)
        pk: string or artifact: the platform key's X.509 certificate (PEM or DER)
        db: string, artifact or list: the certificates images are signed with (efi_sign()'s `cert`)
        kek: string, artifact or list: the key exchange keys' certificates
        name: string: the store's file name

    Returns:
        artifact: NAME, PK.esl, KEK.esl and db.esl

    Example:

        vars = efi_vars(template = pick(ovmf, "/usr/share/OVMF/OVMF_VARS_4M.fd"), pk = "keys/pk.pem", db = "keys/db.pem")
    """
    ...

def files(entries, mode = 0o644):
    """A tree assembled from text and other artifacts.

    Entries are written in sorted order of destination; parent directories are created (0o755). Everything is owned by 0:0 and stamped with SOURCE_DATE_EPOCH.

    Args:
        entries: dict of string to (string | bytes | artifact): destination path (`etc/motd`, or `/etc/motd`: a leading / is the tree's root) to content: text becomes a file; an artifact holding one file is copied to that path; any other artifact's contents are copied under that directory
        mode: int: permission of files created from text (copied files keep theirs)

    Returns:
        artifact

    Example:

        rootfs = files({"etc/hostname": "cairn\\n", "bin/hello": local("hello")}, mode = 0o644)
    """
    ...

def fs_image(contents, fs = "squashfs", name = "fs.img", label = "", size = None):
    """A filesystem image file (FAT, ext4, squashfs) of a tree, outside any disk: a live system's squashfs, an ESP image.

    Made the same way as partition() filesystems: content-derived IDs, SOURCE_DATE_EPOCH times.

    Args:
        contents: artifact: the tree to put in the filesystem
        fs: string: "fat", "fat32", "ext4" or "squashfs"
        name: string: file name of the image
        label: string: filesystem label
        size: size: size; None fits the contents

    Returns:
        artifact holding one file

    Example:

        squash = fs_image(base, fs = "squashfs", name = "root.squashfs")
    """
    ...

def git(url, ref = None, commit = None, auth = None, auth_header = None, keep_git_dir = False, submodules = True, verify = None, allowed_signers = [], known_hosts = None):
    """A git repository's tree at one commit, fetched inside BuildKit; a ref is pinned to its commit in `cairn.lock`, a signed tag verified first.

    Resolution runs `git ls-remote` on the machine running cairn (with the `auth` secret from `--secret`, or your SSH agent) and only when `cairn.lock` does not already pin the ref; `cairn lock` records the answers, `cairn build --locked` refuses to resolve. The fetch runs inside BuildKit, by commit, with `auth` as a session secret and, for ssh, the agent forwarded with `--ssh default`. Files are owned by 0:0 and stamped with SOURCE_DATE_EPOCH. See docs/git.md for the trust model.

    Args:
        url: string: the remote: https://, http://, git://, ssh:// or user@host:path (no password in it; see `auth`)
        ref: string: branch, tag or full ref name ("refs/tags/v1.2"); without ref and commit, the remote's default branch
        commit: string: full commit id (40 or 64 hex digits); alone it needs no resolution and no lock entry; with `ref`, the ref must name it
        auth: secret: for http(s): a token, sent as HTTP basic auth with user "x-access-token" (the way forges take access tokens), e.g. secret("git-token") with --secret id=git-token,env=GIT_TOKEN
        auth_header: secret: for http(s): a whole Authorization header value ("Bearer ..."); wins over auth
        keep_git_dir: bool: keep the .git directory (a shallow clone of the commit); its index holds file stat data, so the output is then not bit-for-bit reproducible
        submodules: bool: check out submodules too, at the commits the tree records
        verify: keyring: require `ref` to be an annotated tag with a good OpenPGP signature by a key of this keyring
        allowed_signers: list of string: with `verify`: only these keys may have signed the tag, by full fingerprint (primary key or subkey) or by e-mail address of a user ID; empty allows every key of the keyring
        known_hosts: string: for ssh: project path of a known_hosts file for the server; without it the engine trusts the host key ssh-keyscan finds when the graph is made

    Returns:
        artifact: the checked-out tree

    Example:

        src = git("https://example.org/tool.git", ref = "v1.2", verify = keyring("maintainers.asc"), allowed_signers = ["alice@example.org"])
    """
    ...

def http(url, sha256, name = None):
    """A file downloaded over HTTP(S), pinned by its SHA-256.

    The download runs inside BuildKit and is cached by digest. The file's mtime is SOURCE_DATE_EPOCH, not the server's Last-Modified, so the output does not depend on when it was fetched.

    Args:
        url: string: http:// or https:// URL
        sha256: string: expected digest, "sha256:<hex>" or bare hex; a download with another digest fails the build
        name: string: file name inside the artifact (default: last URL path element)

    Returns:
        artifact holding one file

    Example:

        kernel = http("https://example.org/vmlinuz", sha256 = "sha256:...")
    """
    ...

def initramfs(files = [], rootfs = None, kernel = None, modules = [], init = None, compression = "zstd", name = "initrd.img"):
    """A reproducible initramfs (newc cpio, compressed) from picked files, kernel modules and an init.

    The archive is built in steps keyed by what goes in: picking files from rootfs and selecting modules are keyed by the content of those paths, so a package change elsewhere in rootfs finds every step cached. Entries are sorted, owned by 0:0, stamped with SOURCE_DATE_EPOCH, inodes numbered in order. The tree starts from Debian's merged /usr links (/bin, /sbin, /lib) and empty /dev, /proc, /sys, /run and /tmp.

    Args:
        files: list of artifact or string: trees laid over the initramfs, and absolute paths (globs allowed) copied from rootfs, e.g. "/usr/bin/busybox"
        rootfs: artifact: the system string entries of files are copied from
        kernel: artifact: tree holding the kernel's modules under /usr/lib/modules/VERSION (package_files() or rootfs() of a linux-image package) and any firmware under /usr/lib/firmware (default: rootfs)
        modules: list of string: module names; their modules.dep closure, softdeps and firmware are included, with /usr/lib/modules/VERSION/cairn.load listing them in load order
        init: artifact or string: an artifact holding one file, installed as /init (mode 0755), or the absolute path inside the initramfs that /init links to
        compression: string: "zstd", "gzip", "xz" or "none"
        name: string: file name of the result

    Returns:
        artifact holding one file

    Example:

        initrd = initramfs(rootfs = base, files = ["/usr/bin/busybox"], kernel = kernel, modules = ["virtio_blk", "ext4"], init = local("init.sh"))
    """
    ...

def iso(contents, volume_id = "CAIRN", name = "image", boot = "none", bios_image = "isolinux/isolinux.bin", efi = None, max_volume_size = None, first = []):
    """An ISO 9660 image (Rock Ridge, Joliet, El Torito), or a daisy-chained volume set past max_volume_size.

    Written by cairn's own deterministic ISO 9660 writer, inside BuildKit: every date is SOURCE_DATE_EPOCH, files of 4 GiB and more are multi-extent files, Rock Ridge keeps long names, permissions and symlinks, Joliet is there for other systems. A volume set shares one Volume Set Identifier; each volume has its sequence number and carries `cairn-volumes.txt`, the list of every volume's files with their SHA-256, so a boot volume's initramfs can find and verify the rest. NAME.sha256 lists the images' own SHA-256.

    Args:
        contents: artifact: the tree to put on the disc
        volume_id: string: volume identifier (up to 32 of A-Z 0-9 _); later volumes of a set get _2, _3, ...
        name: string: file name without extension: NAME.iso, or NAME-1.iso ... NAME-N.iso for a volume set
        boot: string: "none", "bios" (El Torito no-emulation, e.g. isolinux), "uefi" (El Torito EFI system partition image) or "both"
        bios_image: string: path inside contents of the BIOS boot image; its boot info table is filled in
        efi: artifact: the EFI system partition's tree (EFI/BOOT/BOOTX64.EFI, ...), made into a FAT image for the UEFI entry
        max_volume_size: size: split into a volume set of ISOs no larger than this, e.g. "4G"; None writes one ISO whatever its size
        first: list of string: paths (files or directories) inside contents that must be on volume 1, the bootable one, besides the boot images

    Returns:
        artifact holding the ISO(s) and NAME.sha256

    Example:

        installer = iso(contents = tree, volume_id = "INSTALLER", boot = "both", efi = esp, max_volume_size = "4G")
    """
    ...

def kernel(source, arch = None, config = "defconfig", fragments = [], localversion = "", repos = None, module_cert = None):
    """A Linux kernel built from source with kbuild, its config checked against the fragments that asked for it.

    The config step runs the base config target, merges the fragments with the kernel's own merge_config.sh and runs `olddefconfig`; then cairn's helper compares every symbol a fragment set with the final .config. Kconfig drops a symbol whose dependencies are off without a word; here that fails the build naming the symbol, the value asked, the value got, the fragment file and line (or `fragments[N] (inline)`), and the unmet `depends on` read from the Kconfig files with the values of its symbols. The build step runs kbuild out of tree with KBUILD_BUILD_TIMESTAMP from SOURCE_DATE_EPOCH and a fixed user and host, without network; its object tree lives in a cache mount keyed by the source, the architecture and the tools, so a changed symbol recompiles only what it touches.

    Args:
        source: artifact: a kernel source tree (`git()`, `local()`), or a tree holding one tarball of it: `http(...)` of a kernel.org tarball, `package_files(repos, ["linux-source-6.1"])` for Debian's
        arch: string: Debian architecture, "amd64" or "arm64"; arm64 is cross-compiled with Debian's gcc-aarch64-linux-gnu, never emulated (default: the build's platform)
        config: string or artifact: the base config: a make target ("defconfig", "tinyconfig", "allnoconfig", "NAME_defconfig") or an artifact holding a full .config
        fragments: list of string, dict or artifact: config fragments merged in order, as scripts/kconfig/merge_config.sh does: project paths, one-file artifacts, or inline dicts like {"EXT4_FS": "y", "VIRTIO_BLK": "m"} (values y, m, n, numbers, or strings written with their quotes)
        localversion: string: appended to the kernel release (CONFIG_LOCALVERSION), e.g. "-edge"
        repos: list of repo: where the build tools come from (gcc, make, bison, flex, bc, libelf-dev, libssl-dev, kmod, the cross compiler); locked as any root (default: bookworm)
        module_cert: string or artifact: an X.509 certificate (PEM) the kernel trusts for module signatures: sets CONFIG_MODULE_SIG (SHA-256) with the certificate built in as its module key, no key generated (so the kernel repeats) and no in-tree module signed; sign modules with kernel_module(key = ..., cert = the same file), and add {"MODULE_SIG_FORCE": "y"} to refuse unsigned ones

    Returns:
        artifact: boot/vmlinuz-RELEASE (bzImage or Image), boot/System.map-RELEASE, boot/config-RELEASE, usr/lib/modules/RELEASE with depmod's indexes, and for arm64 the device trees under usr/lib/linux-image-RELEASE, the layout of Debian's linux-image packages

    Example:

        k = kernel(package_files([debian], ["linux-source-6.1"]), config = "tinyconfig", fragments = ["kernel/qemu.cfg", {"PRINTK": "y"}])
    """
    ...

def kernel_module(source, kernel, standalone = False, key = None, cert = None):
    """Out-of-tree kernel modules built against a kernel()'s headers, their vermagic checked against that kernel.

    The build runs `make -C usr/src/linux-headers-RELEASE M=...` in the kernel's own tools root, with its architecture and cross compiler, without network. Every module, built or prebuilt, must carry the vermagic a module built against the kernel's headers carries (release, SMP, preemption, module unloading, versions); a module built for another kernel fails the build naming both. Modules are stripped of debug sections. With `key` and `cert`, each module is then signed as the kernel's scripts/sign-file signs (PKCS#7, SHA-256, no signing time: the same bytes every build) by cairn's helper; `modinfo` shows the signer, and a kernel with CONFIG_MODULE_SIG that trusts the certificate loads them.

    Args:
        source: artifact: the module's source (a tree with a Kbuild or Makefile setting obj-m, as for `make M=`), or a tree of prebuilt `.ko` files, which are only checked
        kernel: artifact: a kernel() with modules (CONFIG_MODULES=y), or a kernel_module() of one
        standalone: bool: return only the modules (usr/lib/modules/RELEASE/updates/*.ko) instead of the kernel with them installed
        key: secret, signer or ssh_agent: sign the modules with this RSA key, as for efi_sign(): a `secret("ID")`, a `signer.transit(...)` or an `ssh_agent("ID")`; needs `cert`
        cert: string or artifact: the signing key's X.509 certificate, the one the kernel trusts (CONFIG_SYSTEM_TRUSTED_KEYS, or its module signing key)

    Returns:
        artifact: the kernel with the modules in usr/lib/modules/RELEASE/updates and depmod re-run, a kernel a board, initramfs() or another kernel_module() takes; or, standalone, the modules alone

    Example:

        k = kernel_module(local("drivers/hello"), kernel(linux, config = "tinyconfig", fragments = [{"MODULES": "y"}]))
    """
    ...

def keyring(path):
    """OpenPGP public keys from a project file, to verify signatures with (`git(verify = ...)`).

    The file is read and parsed when the recipe is evaluated, so a missing file or one without keys fails at this line. Only public keys are read; the file belongs in the project and in review like any source.

    Args:
        path: string: project path of the keys, binary or ASCII-armored (`gpg --export --armor KEYID... > maintainers.asc`)

    Returns:
        keyring, with fields `path` and `fingerprints` (the primary keys', upper-case hex)

    Example:

        maintainers = keyring("keys/maintainers.asc")
    """
    ...

def library(name, git = None, http = None, path = None, subdir = ""):
    """Declares a library of .star files the project loads as `@NAME//path.star`; only in `libraries.star`.

    Give exactly one of `git`, `http` and `path`. The file `libraries.star` beside the recipe holds the project's `library()` calls (it may `load()` project files and `@cairn//`, not other libraries). A library's files load their own files (relative, or `//path` from the library's root), `@cairn//` and the project's other libraries. `cairn` fetches a git or http library once into its home (`$CAIRN_HOME/libraries`); `--locked` builds take the commit from `cairn.lock` and need no network once the library was fetched. See docs/boards.md.

    Args:
        name: string: the name loads use: `load("@NAME//boards/x.star", ...)`; lower-case letters, digits and `_`, not `cairn`
        git: artifact: a `git()` source: a signed tag (`ref` with `verify`) or a `commit`; the ref is pinned in `cairn.lock` like any git() ref
        http: artifact: an `http()` file pinned by sha256: a tar archive, plain or compressed with gzip, xz or zstd
        path: string: a directory on this machine, absolute or relative to the project directory, read as it is (not pinned): for developing a library beside a project
        subdir: string: the library's root inside the tree or archive, e.g. `"acme-boards-1.2"` for an archive with a top directory

    Returns:
        None

    Example:

        library(name = "acme", git = git("https://git.example.org/acme/boards.git", ref = "v1.2", verify = keyring("keys/acme.asc")))
    """
    ...

def local(path, include = [], exclude = []):
    """Files from the project directory.

    A directory yields its contents at the artifact's root; a file yields that one file at the root, under its own name. Files are owned by 0:0 and stamped with SOURCE_DATE_EPOCH, so who checked the project out, and when, does not change the output.

    Args:
        path: string: file or directory, relative to the project directory (the directory of the main recipe); it must exist
        include: list of string: glob patterns (relative to `path`) to keep; empty keeps everything
        exclude: list of string: glob patterns (relative to `path`) to drop

    Returns:
        artifact

    Example:

        src = local("src", exclude = ["**/*.o"])
    """
    ...

def merge(artifacts):
    """Layer artifacts on top of each other.

    A BuildKit merge: no copying, and changing one input re-does only what depends on it.

    Args:
        artifacts: list of artifact: later entries win where paths collide

    Returns:
        artifact

    Example:

        rootfs = merge([base, local("overlay")])
    """
    ...

def oci_image(rootfs, platforms = None, ref = None, entrypoint = [], cmd = None, env = {}, workdir = None, user = None, ports = [], labels = {}):
    """An OCI image layout of a root filesystem, for one or several platforms.

    One layer per platform, a deterministic tar that keeps the files' owners and modes, with mtimes and the config's `created` from SOURCE_DATE_EPOCH, so digests repeat. When `rootfs` comes from `rootfs()`, its package list is attached to each manifest as an SPDX 2.3 SBOM (an OCI artifact whose subject is the image). Each image also carries its SLSA provenance the same way. `index.json` lists one entry, named by `ref`: one image index holding the images and what is attached to them (the artifacts carry no platform, as BuildKit's attestations), so `skopeo inspect oci:DIR` needs no tag. Load it with `skopeo copy oci:DIR ...` or push it with any OCI tool.

    Args:
        rootfs: artifact: the image's filesystem, usually from `rootfs()`; built once per platform
        platforms: list of string: platforms of the image, e.g. ["linux/amd64", "linux/arm64"]: one manifest each, listed in one index (default: the build's platform)
        ref: string: tag recorded as the index's `org.opencontainers.image.ref.name`
        entrypoint: list of string: the program the container runs (the config's `Entrypoint`)
        cmd: list of string: the command, or the entrypoint's arguments (`Cmd`); without both, `/bin/bash` or `/bin/sh` (default: a shell)
        env: dict of string to string: environment (`Env`) on top of the usual PATH (a PATH entry replaces it)
        workdir: string: the working directory (`WorkingDir`), absolute
        user: string: who runs it (`User`): `name`, `uid`, `uid:gid` or `name:group`
        ports: list of string: exposed ports (`ExposedPorts`): `8080`, `8080/tcp`, `53/udp`
        labels: dict of string to string: the config's `Labels`

    Returns:
        artifact: an OCI image layout (`oci-layout`, `index.json`, `blobs/`)

    Example:

        target("image", oci_image(base, platforms = ["linux/amd64", "linux/arm64"], ref = "edge:1",
                                     entrypoint = ["/usr/sbin/nginx", "-g", "daemon off;"], ports = ["80"], user = "www-data"))
    """
    ...

def package_files(repos, packages, follow = [], arch = None, merged_usr = True):
    """The files of some packages, unpacked but not installed: kernels, firmware, boot loaders.

    Resolved and locked like rootfs() (variant "files" in `cairn.lock`), fetched pinned by SHA-256 and unpacked by cairn's helper into one layer per package, shared with rootfs() builds that use the same package. Use it where a system would be too much: the kernel image and modules for an initramfs or a boot partition, Raspberry Pi firmware, `isolinux.bin`, `systemd-bootx64.efi`.

    Args:
        repos: list of repo: repositories to take the packages from (see `repo.deb`)
        packages: list of string: package names, "name=version" pins a version
        follow: list of string: shell patterns of dependencies to take as well, e.g. ["linux-image-*"] to go from the metapackage linux-image-arm64 to the kernel it depends on; no other dependency is taken
        arch: string: Debian architecture or platform, as in rootfs() (default: the build's platform)
        merged_usr: bool: move /bin, /sbin and /lib contents under /usr, as rootfs() does

    Returns:
        artifact: the packages' trees merged (no maintainer scripts run, no dpkg database)

    Example:

        kernel = package_files(repos = [debian], packages = ["linux-image-arm64"], follow = ["linux-image-*"], arch = "arm64")
    """
    ...

def partition(name, fs = "ext4", contents = None, size = None, type = None, bootable = False, offset = None, label = None):
    """One partition of a disk(): a filesystem built from a tree, or raw bytes.

    Filesystems are built inside BuildKit by cairn's helper (FAT) or by mke2fs and mksquashfs in a tools root filesystem cairn builds from the Debian archive. UUIDs, FAT serials and ext4 hash seeds are derived from the contents and the partition's name; every timestamp is SOURCE_DATE_EPOCH. A size too small for the contents fails with the size needed.

    Args:
        name: string: GPT partition name (PARTLABEL) and default filesystem label; unique within the disk
        fs: string: "fat" (FAT12/16/32 by size), "fat32", "ext4", "squashfs" or "raw" (contents is one file, written as is)
        contents: artifact: the tree to put in the filesystem (for raw: an artifact holding one file); None leaves it empty
        size: size: size like "512M" or "2G"; None fits the contents (plus some slack for writable filesystems)
        type: string: partition type: "esp", "linux", "fat32", "swap", "bios-boot", "linux-root-x86-64", "linux-root-arm64", "xbootldr", a GPT GUID or an MBR byte like "0x0c"; default "linux", or for FAT "msdata" (GPT) / "fat32" (MBR) (default: by fs and table)
        bootable: bool: MBR active flag; GPT legacy BIOS bootable attribute
        offset: size: byte offset on the disk; None places it after the previous partition, aligned to 1 MiB
        label: string: filesystem label (ext4: up to 16 bytes; FAT: up to 11 characters) (default: name)

    Returns:
        partition

    Example:

        boot = partition(name = "boot", fs = "fat32", size = "256M", contents = boot_files, type = "esp")
    """
    ...

def pick(artifact, path, name = None, dir = False):
    """One file (or one directory's contents) taken out of an artifact, by path or glob.

    The copy is keyed by the content of the picked path, not the whole artifact: a change elsewhere in it leaves everything built from the pick cached. A glob must match exactly one path; symlinks are followed.

    Args:
        artifact: artifact: the tree to take from
        path: string: absolute path inside it; globs allowed where a version is not known in advance, e.g. "/boot/vmlinuz-*"
        name: string: file name in the result (default: base name of path)
        dir: bool: path is a directory: the result is a tree of its contents instead of one file

    Returns:
        artifact holding one file (or, with dir = True, a tree)

    Example:

        vmlinuz = pick(kernel, "/boot/vmlinuz-*", name = "vmlinuz")
    """
    ...

def raw_write(contents, offset):
    """Bytes written at a fixed offset of a disk(), outside any partition: boot loaders such as U-Boot.

    The write must not overlap a partition or the partition table; the message names what it overlaps.

    Args:
        contents: artifact: an artifact holding one file (from http(), package_files() through files(), ...)
        offset: size: byte offset, e.g. "8K" or 0 (the first 440 bytes of an MBR disk are boot code and may be written)

    Returns:
        raw_write

    Example:

        uboot = raw_write(contents = http(url = UBOOT, sha256 = SUM), offset = "8K")
    """
    ...

def rootfs(repos, packages = [], variant = "minbase", arch = None, merged_usr = True, files = [], run = [], users = []):
    """A root filesystem installed from package repositories, inside BuildKit.

    The package set is resolved at evaluation time (from `cairn.lock` when it covers the request, else from the repositories' signed indexes). Every package file is a download pinned by SHA-256, unpacked by cairn's helper into its own layer; the layers are merged and a configure step runs the maintainer scripts (`preinst install` in dependency order, then `dpkg --configure -a`) without network, foreign architectures under qemu-user. The packages the recipe names are unpacked and configured on top of the configured variant (the base, shared by every rootfs of that variant and architecture), so adding one redoes that second stage only; the split is recorded in `cairn.lock`, and a cold build takes the same two stages. `dpkg -l` in the result lists exactly the resolved set.

    Args:
        repos: list of repo: repositories to install from (see `repo.deb`); a package's candidate is its highest version among them
        packages: list of string: packages to install besides the variant's base set; "name=version" pins a version
        variant: string: base set, as mmdebstrap names them: "none" (only packages), "essential" (Essential: yes), "minbase"/"required" (plus Priority: required and apt), "important", "standard"
        arch: string: Debian architecture ("amd64", "arm64", "armhf", ...) or platform ("linux/arm64") (default: the build's platform)
        merged_usr: bool: install with /bin, /sbin and /lib as symlinks into /usr, as Debian does since bookworm
        files: list of artifact: trees laid over the configured system, in order
        run: list of string: shell commands run inside the system after `files` and `users`, without network
        users: list of user: accounts to make or change (see `user`), after `files` and before `run`; `/etc/shadow` is deterministic

    Returns:
        artifact: the configured root filesystem

    Example:

        base = rootfs(repos = [debian], packages = ["openssh-server"], arch = "arm64")
    """
    ...

def run(cmd, rootfs = None, mounts = {}, env = {}, workdir = "/", network = False, platform = None, output = None):
    """An exec step: run a command in a root filesystem, inside BuildKit.

    The step is cached by BuildKit on its inputs. A failing command fails the build with the recipe line of this call and the tail of the command's output.

    Args:
        cmd: string | list of string: argv; a string runs as ["/bin/sh", "-c", cmd]
        rootfs: artifact: the root filesystem the command runs in (it must contain the program) (default: scratch())
        mounts: dict of string to artifact, secret or ssh_agent: absolute mount point to artifact, mounted read-only; to secret(), mounted as a file for this step only; or to ssh_agent(), the forwarded agent's socket
        env: dict of string to string: environment; SOURCE_DATE_EPOCH is always set, PATH defaults to the usual Unix one
        workdir: string: absolute working directory
        network: bool: allow network access; off by default so steps cannot depend on the outside world
        platform: string: run for this platform, e.g. "linux/arm64" (foreign platforms run under qemu-user) (default: the build's platform)
        output: string: absolute path of an empty directory mounted for the command to write; when set, the artifact is that directory instead of the root filesystem

    Returns:
        artifact: the root filesystem after the command, or the `output` directory

    Example:

        out = run(["/bin/hello", "/out/greeting"], rootfs = tools, output = "/out")
    """
    ...

def sbom(rootfs, platforms = None, name = "sbom.spdx.json"):
    """The SPDX 2.3 SBOM of a root filesystem's packages, as a file.

    Packages are listed with version, architecture, SHA-256 and a `pkg:deb` purl; the document's namespace and date derive from its content and SOURCE_DATE_EPOCH.

    Args:
        rootfs: artifact: an artifact from `rootfs()`
        platforms: list of string: platforms whose package sets to list (default: the build's platform)
        name: string: file name inside the artifact

    Returns:
        artifact holding one file

    Example:

        target("sbom", sbom(base))
    """
    ...

def scratch():
    """An empty tree.

    The starting point for trees built from nothing, e.g. a run() whose rootfs is assembled by files().

    Returns:
        artifact

    Example:

        empty = scratch()
    """
    ...

def secret(id, required = True):
    """A build secret by name, supplied at build time (`--secret id=NAME,...`), never stored in the graph.

    Mount it in `run(mounts = {"/run/secrets/token": secret("token")})`: the value is a file in a tmpfs for that step only. Only the name is part of the graph: the value never reaches the LLB, the cache, logs or outputs, and changing it does not invalidate the cache.

    Args:
        id: string: the secret's name, as given to --secret id=NAME
        required: bool: fail the step when the build was not given the secret

    Returns:
        secret

    Example:

        run("curl -H @/run/secrets/auth ...", rootfs = base, mounts = {"/run/secrets/auth": secret("auth")}, network = True)
    """
    ...

def ssh_agent(id = "default", required = True):
    """The SSH agent forwarded with `--ssh ID`, as a socket a run() step can mount.

    Mount it in `run(mounts = {"/run/ssh-agent.sock": ssh_agent()}, env = {"SSH_AUTH_SOCK": "/run/ssh-agent.sock"})`: the step can use the keys without ever seeing them; nothing of the agent enters the graph or the cache.

    Args:
        id: string: the agent's id, as given to --ssh ID[=PATH]
        required: bool: fail the step when the build was not given the agent

    Returns:
        ssh_agent

    Example:

        run("git clone git@example.invalid:team/repo.git /out/repo", rootfs = base, mounts = {"/run/ssh.sock": ssh_agent()}, env = {"SSH_AUTH_SOCK": "/run/ssh.sock"}, network = True, output = "/out")
    """
    ...

def target(name, artifact, doc = "", attest_key = None, attest_cert = None):
    """Declare what `cairn build NAME` produces.

    `cairn build NAME -o DIR` writes the artifact's tree into DIR (default ./out/NAME), replacing the previous output only when the build succeeds, and beside it DIR/NAME.spdx.json (SPDX 2.3 SBOM) and DIR/NAME.provenance.json (SLSA v1 provenance). With attest_key and attest_cert, a step after the build signs both, as in-toto statements, into DSSE envelopes in DIR/NAME.intoto.jsonl (see docs/provenance.md).

    Args:
        name: string: target name: lower-case letters, digits, '.', '_' and '-'
        artifact: artifact: the tree written to the output directory
        doc: string: one line shown by `cairn targets`
        attest_key: secret or signer: signs the output's SBOM and provenance (DSSE envelopes in `DIR/NAME.intoto.jsonl`): an RSA key as `secret("ID")`, a `signer.transit(...)` or an `ssh_agent("ID")`, as efi_sign() takes it
        attest_cert: string or artifact: the key's X.509 certificate (PEM or DER), a project path or an artifact holding one file; given with attest_key

    Returns:
        None

    Example:

        target("hello", out, doc = "a greeting, built by a static binary")
    """
    ...

def uki(stub, kernel, initrd = None, cmdline = "", os_release = None, name = "linux.efi"):
    """A unified kernel image: an EFI stub carrying the kernel, initramfs and command line, so one Secure Boot signature covers all three.

    Written by cairn's helper as ukify writes one (Debian 12 has no ukify): the stub's sections, then `.osrel`, `.cmdline`, `.initrd` and `.linux`, each at the next aligned address, the stub's headers updated. The result is unsigned: sign it with efi_sign(). systemd-boot lists a UKI it finds under `EFI/Linux/` on its partition without a loader entry.

    Args:
        stub: string or artifact: systemd's EFI stub, one file: `pick(package_files(repos = repos, packages = ["systemd-boot-efi"], arch = ARCH), "/usr/lib/systemd/boot/efi/linuxx64.efi.stub")` (`linuxaa64.efi.stub` for arm64)
        kernel: string or artifact: the kernel with its EFI stub, one file (a vmlinuz: x86 bzImage or an uncompressed arm64 Image)
        initrd: string or artifact: the initramfs, one file
        cmdline: string: the kernel command line; with Secure Boot on, the stub ignores any other
        os_release: string or artifact: an os-release file (the system's `pick(rootfs, "/usr/lib/os-release")`), which boot menus show; without it, `NAME=cairn`, `ID=cairn`, `PRETTY_NAME` the file name's stem and `VERSION_ID=1`: systemd-boot lists a UKI only when its os-release has a name and a version
        name: string: the image's file name

    Returns:
        artifact holding one file

    Example:

        linux = uki(stub = stub, kernel = vmlinuz, initrd = initrd, cmdline = "console=ttyS0 root=PARTLABEL=root")
    """
    ...

def user(name, uid = None, groups = [], shell = "/bin/bash", home = "/home/NAME", comment = "", system = False, authorized_keys = [], password = None):
    """An account for `rootfs(users = [...])`: made with useradd, or an existing one (root) changed.

    The accounts are made in one step after `files`, before `run`, by Debian's useradd/groupadd/usermod in the system, with SOURCE_DATE_EPOCH as the date shadow records: `/etc/shadow` is the same bytes on every build. The password hash reaches the step as a secret (`--secret id=NAME,src=FILE`): the graph holds its name only. As with every secret, changing its value does not invalidate the cache: build with `--no-cache` after changing it.

    Args:
        name: string: login name, e.g. "admin"; "root" (or any account the packages made) changes that account
        uid: int: user id; None takes the next free one (the same on every build of the same system)
        groups: list of string: supplementary groups, made when the system has none of that name, e.g. ["sudo", "adm"]
        shell: string: login shell
        home: string: home directory, made from /etc/skel (`/root` for root)
        comment: string: the GECOS field
        system: bool: a system account (uid below 1000, no aging)
        authorized_keys: list of string: SSH public keys written to `~/.ssh/authorized_keys` (0600, `.ssh` 0700, owned by the user)
        password: secret: a build secret holding a crypt(3) hash (`mkpasswd -m yescrypt`, `openssl passwd -6`); None leaves new accounts locked (`!`) and existing ones as they are

    Returns:
        user

    Example:

        rootfs(repos = REPOS, packages = ["openssh-server", "sudo"], users = [user("admin", groups = ["sudo"], authorized_keys = [ADMIN_KEY]), user("root", password = secret("root-hash"))])
    """
    ...

def vm_profile(artifact, file = "", system = ..., machine = ..., cpu = "max", firmware = ["uefi"], media = "disk", bus = "virtio", secure_boot = False, memory = 1024, kernel = "", initrd = "", cmdline = ""):
    """The artifact, marked as bootable in an emulator: what `cairn vm` boots it with.

    Boards call it from their .star file (board(emulator = {...})), so a vendor's board gets `cairn vm` by declaring how qemu runs it; a board without a profile is refused by `cairn vm` with that reason. The profile does not change the artifact or its graph.

    Args:
        artifact: artifact: the image: a disk(), an iso(), a board's image
        file: string: the image file inside the artifact (a glob: `*.iso`); may be empty when `kernel` is given
        system: string: the qemu system binary: `qemu-system-x86_64` or `qemu-system-aarch64`
        machine: string: qemu's machine: `pc`, `q35`, `virt`
        cpu: string: qemu's CPU model under emulation (`host` is used under KVM)
        firmware: list of string: what boots it, the first the default: `uefi` (OVMF on x86_64, AAVMF on arm64) or `bios` (x86_64)
        media: string: `disk` or `cdrom`
        bus: string: the disk's interface: `virtio` (PCI), `virtio-mmio` (virtio-blk-device, for kernels with only VIRTIO_MMIO), `ide`, `nvme`, `scsi`
        secure_boot: bool: the image's boot chain is signed: boot with Secure Boot enforcing, with a variable store enrolling its key (`cairn vm --vars`)
        memory: int: MiB of memory
        kernel: string: boot this kernel inside the artifact directly (a glob: `boot/vmlinuz-*`), qemu's -kernel, instead of firmware; `file`, when given, is then a disk beside it
        initrd: string: with `kernel`: the initramfs inside the artifact (a glob)
        cmdline: string: with `kernel`: its command line, like `console=ttyS0 panic=-1`

    Returns:
        artifact

    Example:

        target("disk", vm_profile(disk(name = "d", partitions = parts), file = "d.img", system = "qemu-system-x86_64", machine = "q35"))
        target("kernel", vm_profile(merge([k, initramfs]), kernel = "boot/vmlinuz-*", initrd = "initrd.img",
                                    cmdline = "console=ttyS0 panic=-1", system = "qemu-system-x86_64", machine = "pc"))
    """
    ...

def vm_ssh_key():
    """root's authorized_keys with the key `cairn vm --login` logs in with, generated on this machine.

    The tree `root/.ssh/authorized_keys` (0600, directories 0700, owned by 0:0) holding the public half of the key cairn generates once per machine in its home (`$CAIRN_HOME/vm-ssh`, default `~/.cache/cairn/vm-ssh`). Add it to a development image's root filesystem (`rootfs(files = [vm_ssh_key()])`) and `cairn vm --login TARGET` logs in as root over the forwarded port. The image then carries that machine's key: keep it out of release targets. The key is served as the named context `cairn-vm-ssh`, which `cairn build` provides by itself; other BuildKit clients pass a directory with an `authorized_keys` file as that context.

    Returns:
        artifact

    Example:

        target("dev", pc_x86_64.image(rootfs = rootfs(repos = REPOS, packages = ["openssh-server"], files = [vm_ssh_key()]), repos = REPOS))
    """
    ...

class repo:
    """The repo.* builtins."""

    @staticmethod
    def deb(name = "debian", suite = ..., components = ["main"], mirror = None, keyring = None, snapshot = None, check_date = True, check_valid_until = None, tree = None, trusted = False):
        """A Debian package repository (an apt archive), verified by its OpenPGP signature.

        Nothing is fetched here. When a `rootfs()` that uses the repository is built, cairn reads `cairn.lock`; only when the lock does not cover the request does it fetch `InRelease` (or `Release` + `Release.gpg`), verify the signature and the index hashes, and resolve. The mirror is never part of the lockfile or the cache keys: the same recipe builds from any mirror holding the same files. Neither are `check_date` and `check_valid_until`: they guard fetching metadata, and a locked build fetches none.

        Args:
            name: string: the repository's name in `cairn.lock` and in `--mirror NAME=URL`
            suite: string: suite or codename, e.g. "bookworm"
            components: list of string: archive components to read
            mirror: string: the repository's URL, when it is not a mirror of a public archive; `--mirror NAME=URL` still overrides it. Without it the mirror comes from the machine: `--mirror`, `CAIRN_MIRRORS`, else the host's apt sources for this suite
            keyring: string: project path of the keyring (binary or ASCII-armored) that must have signed the repository's InRelease; default: the host's Debian archive keyring
            snapshot: string: pin the archive to a point in time, e.g. "20250520T000000Z"; the mirror URL must then contain "{snapshot}"
            check_date: bool: refuse a Release without a valid `Date`, or dated more than 10 seconds ahead of this machine's clock (apt's `check-date`); False for a repository published without a Date or dated ahead on purpose
            check_valid_until: bool: refuse a Release past its `Valid-Until` date (apt's `check-valid-until`), the sign of a mirror serving stale metadata; a snapshot's metadata is old by design, so with `snapshot` it is not checked unless this is True (default: True, False with `snapshot`)
            tree: artifact: an `apt_repo()` of this recipe: `rootfs()` installs its `deb_package()` builds straight from the build (suite and components are the tree's; name defaults to "built")
            trusted: bool: accept an unsigned `tree` (apt's `[trusted=yes]`); a signed one needs no trust

        Returns:
            repo

        Example:

            debian = repo.deb(suite = "bookworm", components = ["main"])
        """
        ...

class signer:
    """The signer.* builtins."""

    @staticmethod
    def transit(url, key, token, mount = "transit", openpgp = None):
        """A key held by a remote signing service with HashiCorp Vault's transit API: only digests leave the build, the key never does.

        Accepted by efi_sign() and secure_boot() in place of a key secret, and with `openpgp` by apt_repo() and checksums(). The signing step reads the key's public half (`GET /v1/MOUNT/keys/KEY`), sends each SHA-256 digest to `POST /v1/MOUNT/sign/KEY/sha2-256` (`prehashed`, `pkcs1v15`) with the token, and checks every signature it gets back against the public key. It is the one kind of step that reaches the network for signing; the token is mounted for it as a BuildKit secret and never enters the graph, cache, logs or outputs. The step is keyed by what it signs and the certificate, and fails if the service's key is not the certificate's.

        Args:
            url: string: the service's address, `http://HOST:PORT`, as the engine reaches it: the signing step speaks plain HTTP, so a remote service is reached through a local TLS proxy (`vault proxy`, Vault Agent's API proxy)
            key: string: the transit key's name (an `rsa-2048`, `rsa-3072` or `rsa-4096` key for Secure Boot)
            token: secret: the service token, as `secret("ID")` given with `--secret id=ID,src=FILE`
            mount: string: where the transit engine is mounted
            openpgp: string or artifact: the key's OpenPGP certificate (public key, user ID, self-signature; `gpg --export --armor`), one file: needed to sign OpenPGP (apt_repo(), checksums()), whose signatures name the certificate's key

        Returns:
            signer

        Example:

            db = signer.transit(url = "http://127.0.0.1:8100", key = "secure-boot-db", token = secret("vault-token"))
        """
        ...

