package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// `cairn completion SHELL` prints a completion script generated from the
// command table and each command's own flag set, so a new flag completes
// without anyone editing a script.

// completed is what a shell completes for one command.
type completed struct {
	name, summary string
	flags         []*flag.Flag
}

// completions asks every command for its flags: each is run with --help,
// which returns once its flags are parsed, its help going nowhere.
func completions(ctx context.Context) []completed {
	var out []completed
	cmds := commands()
	for _, name := range slices.Sorted(maps.Keys(cmds)) {
		var sets []*flag.FlagSet
		cmds[name].run(&env{ctx: ctx, args: []string{"--help"}, stdout: io.Discard, stderr: io.Discard, flags: &sets})
		c := completed{name: name, summary: cmds[name].summary}
		for _, fs := range sets {
			fs.VisitAll(func(f *flag.Flag) { c.flags = append(c.flags, f) })
		}
		out = append(out, c)
	}
	return out
}

// words are the completions of a command's arguments that are not flags.
func words(cmd string) string {
	switch cmd {
	case "engine":
		return "status stop prune du"
	case "completion":
		return "bash zsh fish"
	case "build", "vm", "watch", "shell", "graph", "why":
		return "@targets"
	}
	return ""
}

func runCompletion(e *env) error {
	fs := newFlags("completion", e)
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errUsage("usage: cairn completion bash|zsh|fish (cairn completion -h)")
	}
	cs := completions(e.ctx)
	switch args[0] {
	case "bash":
		return writeBash(e.stdout, cs)
	case "zsh":
		// zsh runs the bash function through bashcompinit.
		fmt.Fprintln(e.stdout, "#compdef cairn\nautoload -U +X bashcompinit && bashcompinit")
		return writeBash(e.stdout, cs)
	case "fish":
		return writeFish(e.stdout, cs)
	}
	return errUsage("cairn completion: %q: want bash, zsh or fish", args[0])
}

// targetsOf is the shell code listing the targets of the recipe the
// command line names with -f (cairn.star by default).
const bashTargets = `_cairn_targets() {
    local f=cairn.star i
    for ((i = 2; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -f|--f|-file|--file) f="${COMP_WORDS[i+1]}" ;;
        esac
    done
    cairn targets -f "$f" 2>/dev/null | awk '{print $1}'
}
`

func writeBash(w io.Writer, cs []completed) error {
	var names []string
	var b strings.Builder
	b.WriteString("# bash completion for cairn: eval \"$(cairn completion bash)\"\n")
	b.WriteString(bashTargets)
	b.WriteString("_cairn() {\n    local cur=\"${COMP_WORDS[COMP_CWORD]}\" flags= args=\n")
	b.WriteString("    case \"${COMP_WORDS[1]}\" in\n")
	for _, c := range cs {
		names = append(names, c.name)
		var fl []string
		for _, f := range c.flags {
			fl = append(fl, dashed(f.Name))
		}
		fmt.Fprintf(&b, "        %s) flags=%q args=%q ;;\n", c.name, strings.Join(append(fl, "--help"), " "), words(c.name))
	}
	b.WriteString("    esac\n")
	fmt.Fprintf(&b, `    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W %q -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [ "$args" = @targets ]; then
        COMPREPLY=($(compgen -W "$(_cairn_targets)" -- "$cur"))
    elif [ -n "$args" ]; then
        COMPREPLY=($(compgen -W "$args" -- "$cur"))
    fi
}
complete -o default -F _cairn cairn
`, strings.Join(append(names, "help", "--help", "--version"), " "))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFish(w io.Writer, cs []completed) error {
	var b strings.Builder
	b.WriteString("# fish completion for cairn: cairn completion fish | source\n")
	b.WriteString("function __cairn_targets\n    set -l f cairn.star\n    set -l words (commandline -opc)\n" +
		"    for i in (seq (count $words))\n        if contains -- $words[$i] -f --f -file --file; and test $i -lt (count $words)\n" +
		"            set f $words[(math $i + 1)]\n        end\n    end\n    cairn targets -f $f 2>/dev/null | string replace -r '\\s.*' ''\nend\n")
	b.WriteString("complete -c cairn -f\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "complete -c cairn -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
		cond := "'__fish_seen_subcommand_from " + c.name + "'"
		for _, f := range c.flags {
			usage, _ := flag.UnquoteUsage(f)
			opt := "-l"
			if len(f.Name) == 1 {
				opt = "-s"
			}
			fmt.Fprintf(&b, "complete -c cairn -n %s %s %s -d %s\n", cond, opt, f.Name, fishQuote(firstSentence(usage)))
		}
		switch a := words(c.name); a {
		case "":
		case "@targets":
			fmt.Fprintf(&b, "complete -c cairn -n %s -a '(__cairn_targets)'\n", cond)
		default:
			fmt.Fprintf(&b, "complete -c cairn -n %s -a %s\n", cond, fishQuote(a))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dashed is a flag as its help shows it: -f, --locked.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ":;("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
