// Package cli implements the cairn command line: one small function per
// command, a shared flag parser that accepts flags after positional
// arguments, and one place (exit.go) that turns errors into exit codes.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/suggest"
)

// env is what every command gets: its arguments and where to write.
type env struct {
	ctx    context.Context
	args   []string
	stdout io.Writer
	stderr io.Writer
	// flags, when set, collects the flag sets the command makes (cairn
	// completion asks each command for its flags this way).
	flags *[]*flag.FlagSet
}

type command struct {
	summary string
	run     func(e *env) error
}

func commands() map[string]command {
	return map[string]command{
		"build":      {"build targets of a recipe into ./out/<target>", runBuild},
		"targets":    {"list a recipe's targets and their docs", runTargets},
		"graph":      {"print a target's LLB as JSON or dot (no engine needed)", runGraph},
		"shell":      {"open a shell in the inputs of a target's command step at a recipe line", runShell},
		"vm":         {"build a target and boot its image in qemu-system (the console on the terminal, or --expect for CI)", runVM},
		"watch":      {"build a target, and again each time a file it reads changes (--vm boots it after each build)", runWatch},
		"why":        {"say why the last build of a target ran what it ran, at recipe lines", runWhy},
		"lock":       {"resolve every target's packages and write cairn.lock", runLock},
		"engine":     {"manage the embedded BuildKit engine: status | stop | prune | du", runEngine},
		"docs":       {"write the generated recipe reference (docs/reference.md)", runDocs},
		"completion": {"print a shell completion script: bash, zsh or fish", runCompletion},
		"fmt":        {"format .star files as buildifier does (--check for CI)", runFmt},
		"lint":       {"report buildifier's Starlark lints in .star files", runLint},
		"version":    {"print versions", runVersion},
	}
}

// Main runs cairn with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	switch args[0] {
	case "--version":
		args[0] = "version"
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		args = []string{args[1], "--help"} // cairn help build
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cairn: unknown command %q%s\n", args[0], suggestCommand(args[0]))
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(&env{ctx: ctx, args: args[1:], stdout: stdout, stderr: stderr})
	if i, ok := interruptedBy(ctx); ok && err != nil {
		return reportInterrupt(stderr, i, err)
	}
	return report(stderr, err)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: cairn COMMAND [flags]\n\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'cairn COMMAND -h' for a command's synopsis, examples and flags; 'cairn --version' for versions.")
}

// suggestCommand names the command s abbreviates or misspells.
func suggestCommand(s string) string {
	names := make([]string, 0, len(commands()))
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasPrefix(n, s) || strings.HasPrefix(s, n) {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	if n := suggest.One(s, names); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}
