package cli

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestHelpGolden: `cairn COMMAND -h` (and --help, cairn help COMMAND)
// exits 0 with the command's synopsis, examples and flags on stdout, as
// testdata/help/COMMAND.txt has them (go test -run TestHelpGolden -update
// rewrites them).
func TestHelpGolden(t *testing.T) {
	names := append(slices.Sorted(maps.Keys(commands())), "cairn")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			args := []string{name, "-h"}
			if name == "cairn" {
				args = []string{"--help"}
			} else if helps[name] == "" {
				t.Fatalf("command %s has no help text in helps", name)
			}
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), args, &stdout, &stderr); code != 0 || stderr.Len() > 0 {
				t.Fatalf("cairn %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr.String())
			}
			golden := filepath.Join("testdata", "help", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -run TestHelpGolden -update writes it)", err)
			}
			if stdout.String() != string(want) {
				t.Errorf("cairn %s -h differs from %s (go test -run TestHelpGolden -update, then review):\n%s", name, golden, stdout.String())
			}
			if name != "cairn" && name != "version" && name != "docs" && !strings.Contains(stdout.String(), "example") {
				t.Errorf("cairn %s -h shows no example", name)
			}
			for _, other := range [][]string{{name, "--help"}, {"help", name}} {
				if name == "cairn" {
					continue
				}
				var again bytes.Buffer
				if code := Main(context.Background(), other, &again, &again); code != 0 || again.String() != stdout.String() {
					t.Errorf("cairn %s: exit %d, not the same help", strings.Join(other, " "), code)
				}
			}
		})
	}
}

// TestUsageErrors: bad command lines exit 2 with one line saying what is
// wrong, before anything is built or an engine is asked.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bild"}, `cairn: unknown command "bild" (did you mean "build"?)`},
		{[]string{"build", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"engine"}, "usage: cairn engine status|stop|prune|du: name a subcommand (cairn engine -h)"},
		{[]string{"engine", "stat"}, `cairn engine: unknown subcommand "stat" (did you mean "status"?); the subcommands are du, prune, status, stop`},
		{[]string{"engine", "status", "extra"}, `cairn engine status takes no arguments, got "extra"`},
		{[]string{"targets", "extra"}, `cairn targets takes no arguments, got "extra" (cairn targets -h)`},
		{[]string{"docs", "extra"}, `cairn docs takes no arguments, got "extra"`},
		{[]string{"version", "extra"}, `cairn version takes no arguments, got "extra"`},
		{[]string{"lock", "openssl"}, "usage: cairn lock [-f FILE] [--platform P] [--update [PKG...]]"},
		{[]string{"vm"}, "usage: cairn vm [-f FILE] [-o DIR] TARGET [flags] [-- COMMAND...] (one target; cairn vm -h)"},
		{[]string{"vm", "a", "b"}, "(one target; cairn vm -h)"},
		{[]string{"vm", "a", "--halt"}, "--halt powers off after --expect matched: give --expect REGEX"},
		{[]string{"vm", "a", "--login", "--expect", "x"}, "--login and --expect: --login logs in over ssh, --expect watches the console; give one"},
		{[]string{"vm", "a", "--", "true"}, "a command after -- runs in the guest over ssh: add --login"},
		{[]string{"vm", "a", "--expect", "("}, `--expect "(": error parsing regexp`},
		{[]string{"watch", "a", "--login"}, "cairn watch --vm boots with the console on this terminal: --login, --expect and --halt are cairn vm's"},
		{[]string{"watch"}, "(one target; cairn watch -h)"},
		{[]string{"shell", "a"}, "usage: cairn shell [-f FILE] TARGET --at LINE: give the step's recipe line"},
		{[]string{"why"}, "usage: cairn why"},
		{[]string{"graph"}, "usage: cairn graph [-f FILE] TARGET [--format json|dot] [--platform P]"},
		{[]string{"graph", "a", "--format", "svg"}, `cairn graph: --format "svg": want json or dot`},
		{[]string{"completion"}, "usage: cairn completion bash|zsh|fish (cairn completion -h)"},
		{[]string{"completion", "tcsh"}, `cairn completion: "tcsh": want bash, zsh or fish`},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), tc.args, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) || stdout.Len() > 0 {
			t.Errorf("cairn %s: exit %d (want 2), stderr:\n%s\nwant it to hold %q", strings.Join(tc.args, " "), code, stderr.String(), tc.want)
		}
	}
}

// TestCompletionBash: the generated script parses, and completes
// commands, a command's flags and the engine's subcommands.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	var script bytes.Buffer
	if code := Main(context.Background(), []string{"completion", "bash"}, &script, os.Stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	f := filepath.Join(t.TempDir(), "cairn.bash")
	if err := os.WriteFile(f, script.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for words, want := range map[string]string{
		"cairn bu":           "build",
		"cairn build --lock": "--locked",
		"cairn vm --log":     "--login",
		"cairn why -":        "-C -o --json --since --help",
		"cairn engine s":     "status stop",
		"cairn completion f": "fish",
	} {
		w := strings.Fields(words)
		prog := `source "$1"; COMP_WORDS=(` + strings.Join(w, " ") + `); COMP_CWORD=` + strconv.Itoa(len(w)-1) + `; _cairn; echo "${COMPREPLY[@]}"`
		out, err := exec.Command(bash, "-c", prog, "bash", f).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", words, err, out)
		}
		got := strings.Fields(string(out))
		for _, w := range strings.Fields(want) {
			if !slices.Contains(got, w) {
				t.Errorf("completing %q: got %q, want it to hold %s", words, got, w)
			}
		}
	}
	for _, sh := range []string{"zsh", "fish"} {
		var out bytes.Buffer
		if code := Main(context.Background(), []string{"completion", sh}, &out, os.Stderr); code != 0 || !strings.Contains(out.String(), "build") {
			t.Errorf("cairn completion %s: exit %d", sh, code)
		}
	}
}
