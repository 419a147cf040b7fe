package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Every command's help: its synopsis, what it does and examples, printed
// by `cairn COMMAND -h` (to stdout, exit 0) and, with the flags, after a
// usage error (to stderr, exit 2). The golden test in help_test.go keeps
// them all in view.
var helps = map[string]string{
	"build": `usage: cairn build [-f FILE] [-o DIR] [TARGET...] [flags]

Builds each TARGET (every target of the recipe when none is named) into
DIR/TARGET, solving on the engine (cairn's embedded buildkitd, or --addr);
a target whose inputs did not change since its last build into DIR is not
solved again. The last line counts the steps that ran and names the first
cause (cairn why TARGET tells the rest).

examples:
  cairn build -f examples/hello/cairn.star hello
  cairn build -f examples/edge/cairn.star -o out/edge --locked rpi4 qemu iso
  cairn build --platform linux/amd64,linux/arm64 image
  cairn build -f appliance.star image --secret id=db-key,src=keys/db.key --debug-on-fail
`,
	"targets": `usage: cairn targets [-f FILE]

Lists the recipe's targets and their docs, one a line.

example:
  cairn targets -f examples/edge/cairn.star
`,
	"graph": `usage: cairn graph [-f FILE] TARGET [--format json|dot] [--platform P]

Prints TARGET's BuildKit graph (LLB) without an engine: JSON, or dot for
graphviz.

examples:
  cairn graph -f examples/hello/cairn.star hello
  cairn graph -f examples/hello/cairn.star hello --format dot | dot -Tsvg > hello.svg
`,
	"shell": `usage: cairn shell [-f FILE] TARGET --at LINE

Opens /bin/sh in a container holding the inputs of TARGET's command step
at recipe line LINE, as the step would start: its root filesystem and
mounts, environment, working directory and platform. The inputs are built
first if they need to be; what the shell writes is thrown away.

example:
  cairn shell -f examples/edge/cairn.star --locked qemu --at cairn.star:40
`,
	"vm": `usage: cairn vm [-f FILE] [-o DIR] TARGET [flags] [-- COMMAND...]

Builds TARGET if it is not up to date, then boots its image in qemu-system
as its board's profile says (vm_profile(), board(emulator = ...)): the
firmware (OVMF, AAVMF, SeaBIOS) or the kernel itself, the serial console on
this terminal (Ctrl-A X quits), user-mode networking, KVM when /dev/kvm is
usable and emulation otherwise. The image is opened read-only (-snapshot):
the output is never modified.

With --login, the console goes to a file instead and cairn logs in over
the forwarded port with the key it generated for this machine, once the
guest's sshd answers; the image carries that key when its recipe adds
vm_ssh_key() to the root filesystem. A command after -- runs instead of a
login shell, and cairn vm fails with its status. Leaving ssh stops the
guest.

examples:
  cairn vm -f examples/edge/cairn.star -o out/edge --locked qemu
  cairn vm -f examples/edge/cairn.star -o out/edge --locked iso --firmware uefi --ssh-port 2222
  cairn vm -f examples/edge/cairn.star -o out/edge iso-sb --vars out/edge/sb-vars-amd64/VARS.fd \
    --secret id=edge-db-key,src=examples/edge/keys/db.key
  cairn vm ... qemu --expect 'CAIRN-SYSTEM-UP' --timeout 10m     # CI: exit 0 once booted
  cairn vm ... qemu --expect 'CAIRN-SYSTEM-UP' --halt             # ... then power it off
  cairn vm -f appliance.star dev --login                           # ssh: a shell in the guest
  cairn vm -f appliance.star dev --login -- systemctl --failed     # one command, its status
`,
	"watch": `usage: cairn watch [-f FILE] [-o DIR] TARGET [--vm [vm flags]] [flags]

Builds TARGET, then builds it again each time a file it reads changes: the
recipe, the project's .star files, the files of its local() trees and
named contexts. A burst of edits is one rebuild. With --vm, the image
boots after each successful build (as cairn vm), the previous boot stopped
first. Ctrl-C stops the build or the boot in progress and leaves nothing
running.

examples:
  cairn watch -f examples/edge/cairn.star -o out/edge --locked qemu
  cairn watch -f examples/edge/cairn.star -o out/edge --locked qemu --vm --ssh-port 2222
`,
	"why": `usage: cairn why [-o DIR] [--json] [--since RECORD] TARGET

Says why the last build of TARGET ran what it ran: the first steps whose
definition changed since the build before (or since RECORD), at their
recipe lines, in the terms of what changed, and how many steps below them
changed too.

example:
  $ cairn build image && cairn why image
  image: 14 exec steps ran; 16 of 212 steps are new since the build before
  └─ cairn.star:27: source "openssl" changed
       package openssl changed 3.0.15-1 -> 3.0.17-1 (cairn.lock:212)
       15 step(s) below it changed as a consequence
`,
	"lock": `usage: cairn lock [-f FILE] [--platform P] [--update [PKG...]]

Resolves every target's packages and git() refs and writes cairn.lock
beside the recipe; no engine is needed. Locked packages stay as they are
unless --update names them (or, with no names, re-resolves everything).

examples:
  cairn lock -f examples/edge/cairn.star
  cairn lock -f examples/edge/cairn.star --update openssl
`,
	"engine": `usage: cairn engine status|stop|prune|du [flags]

Manages the engine: cairn's embedded buildkitd (its state in $CAIRN_HOME),
or the one --addr names.

subcommands:
  status   whether it runs, where, its version and platforms
  stop     stop the embedded engine (its cache stays)
  prune    remove unused build cache (--all: all not in use); --keep-duration,
           --keep-storage and --filter keep what is still wanted
  du       the build cache's size and what could be reclaimed (--verbose:
           every record)

examples:
  cairn engine status
  cairn engine du --verbose | head -20
  cairn engine prune --keep-duration 168h     # keep what the last week used
  cairn engine prune --keep-storage 20GB      # keep 20 GB, least recently used go first
  cairn engine prune --all
`,
	"docs": `usage: cairn docs [--stubs]

Writes the recipe reference, generated from the builtin table, to stdout;
with --stubs, the builtins as a Python stub file for Starlark language
servers (docs/editors.md).

examples:
  cairn docs > docs/reference.md
  cairn docs --stubs > docs/editors/cairn_builtins.py
`,
	"completion": `usage: cairn completion bash|zsh|fish

Prints a completion script for the shell: commands, their flags, engine
subcommands and the recipe's targets (cairn targets -f FILE).

examples:
  eval "$(cairn completion bash)"                  # in ~/.bashrc
  cairn completion zsh > "${fpath[1]}/_cairn"
  cairn completion fish > ~/.config/fish/completions/cairn.fish
`,
	"fmt": `usage: cairn fmt [--check] [PATH...]

Formats the .star files under each PATH (default: the current directory;
hidden directories and out/ are skipped) as buildifier formats Starlark,
with buildifier's own packages: one style, the one Bazel users know.
--check changes nothing, lists the files that are not formatted and
fails if there are any.

examples:
  cairn fmt                      # the project's .star files, in place
  cairn fmt --check recipes/     # CI: fail on an unformatted file
`,
	"lint": `usage: cairn lint [PATH...]

Reports buildifier's lints that apply to any Starlark (unused variables
and loads, unreachable code, redefined names, integer division, loads not
on top, ...) in the .star files under each PATH, as FILE:LINE:COL:
CATEGORY: MESSAGE (URL); fails if there is any. Silence one finding with a
"# buildifier: disable=CATEGORY" comment on its line.

example:
  cairn lint examples/edge
`,
	"version": `usage: cairn version   (or cairn --version)

Prints cairn's version, the Go and BuildKit versions it was built with
and the digests of its helper binaries.
`,
}

// helpOut is a flag set's output: stderr, or stdout once help was asked
// for.
type helpOut struct {
	stdout, stderr io.Writer
	help           bool
}

func (h *helpOut) Write(p []byte) (int, error) {
	if h.help {
		return h.stdout.Write(p)
	}
	return h.stderr.Write(p)
}

// newFlags returns a FlagSet for command name: its usage is the command's
// help and flags; errors are usage errors.
func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("cairn "+name, flag.ContinueOnError)
	fs.SetOutput(&helpOut{stdout: e.stdout, stderr: e.stderr})
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), helps[name])
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	if e.flags != nil {
		*e.flags = append(*e.flags, fs)
	}
	return fs
}

// asksHelp says whether args (up to a --) ask for help; the help then
// goes to stdout.
func asksHelp(fs *flag.FlagSet, args []string) bool {
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" || a == "--h" {
			if h, ok := fs.Output().(*helpOut); ok {
				h.help = true
			}
			return true
		}
	}
	return false
}

// isHelp says whether err is a help request answered.
func isHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }

// parseNone parses the flags of a command that takes no arguments.
func parseNone(fs *flag.FlagSet, args []string) error {
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	return noArgs(fs, rest)
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return errUsage("%s takes no arguments, got %q (%s -h)", fs.Name(), strings.Join(args, " "), fs.Name())
	}
	return nil
}
