package stdlib

import (
	"fmt"
	"slices"

	"github.com/cairn-build/cairn/internal/pkgs"
	"go.starlark.net/syntax"
)

// A warning is what compiling found doubtful but buildable: the build
// goes on, and the front door shows it (the CLI on stderr before the
// solve, the gateway frontend as BuildKit warnings) with its recipe line.

// Warning is one doubtful thing compiling found, at a recipe position.
type Warning struct {
	Pos syntax.Position
	Msg string
}

// String is "file.star:LINE:COL: message".
func (w Warning) String() string { return fmt.Sprintf("%s: %s", w.Pos, w.Msg) }

// Warnings returns what compiling found so far, once each, in the order
// found.
func (c *Compiler) Warnings() []Warning { return slices.Clone(c.shared.warnings) }

func (c *Compiler) warn(pos syntax.Position, format string, args ...any) {
	w := Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)}
	if !slices.Contains(c.shared.warnings, w) {
		c.shared.warnings = append(c.shared.warnings, w)
	}
}

// checkConsole warns when a set makes systemd the init system without
// udev: systemd's serial-getty@ binds to its tty's device unit, which
// only udev announces, so the console never shows a login prompt, and
// Recommends (which would bring udev) are not installed. Boards list what
// their consoles need as BOARD.console_packages.
func (c *Compiler) checkConsole(n *rootfsNode, set *pkgs.Set) {
	if n.call != "rootfs" || n.isTool(c) {
		return
	}
	has := func(name string) bool {
		return slices.ContainsFunc(set.Packages, func(p pkgs.Locked) bool { return p.Name == name })
	}
	if has("systemd-sysv") && !has("udev") {
		c.warn(n.p, `%s: systemd is the init system (systemd-sysv) but udev is not installed (Recommends are off): `+
			`the console's getty waits for a device only udev announces, so no login prompt appears; add "udev" to packages `+
			`(a board's console_packages lists what its console needs)`, n.call)
	}
}
