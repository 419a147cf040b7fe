package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/opencontainers/go-digest"

	"github.com/moby/buildkit/solver/errdefs"
)

// explain writes a failed build's error the way a recipe author wants it:
// the recipe position first (file:line:col from the op's source map), the
// recipe lines around it, then the tail of the failing step's output.
func (p *progress) explain(err error) error {
	var b strings.Builder
	srcs := errdefs.Sources(err)
	msg := shortenCommand(err.Error())
	if len(srcs) == 0 {
		fmt.Fprintf(&b, "%s\n", msg)
	}
	for _, s := range srcs {
		fmt.Fprintf(&b, "%s: %s\n", position(s), msg)
		s.Print(&b)
	}
	b.WriteString(p.failedLogs())
	fmt.Fprint(p.stderr, b.String())
	return &reported{err}
}

// failedCommand is BuildKit's message for a step that exited non-zero,
// which quotes the step's whole command: for cairn's steps a script of
// dozens of lines, burying the recipe line and the step's own output.
var failedCommand = regexp.MustCompile(`process "((?:[^"\\]|\\.)*)" did not complete successfully`)

// shortenCommand keeps a failed command's first line (at most 100
// characters); `cairn graph` shows the whole of it.
func shortenCommand(msg string) string {
	return failedCommand.ReplaceAllStringFunc(msg, func(m string) string {
		cmd := failedCommand.FindStringSubmatch(m)[1]
		short, cut := cmd, false
		if i := strings.Index(short, `\n`); i >= 0 {
			short, cut = short[:i], true
		}
		if len(short) > 100 {
			short, cut = short[:100], true
		}
		if !cut {
			return m
		}
		return fmt.Sprintf("process \"%s …\" (the whole command: cairn graph) did not complete successfully", short)
	})
}

func position(s *errdefs.Source) string {
	if s.Info == nil || len(s.Ranges) == 0 || s.Ranges[0].Start == nil {
		return "<unknown>"
	}
	r := s.Ranges[0].Start
	return fmt.Sprintf("%s:%d:%d", s.Info.Filename, r.Line, r.Character)
}

// failedLogs returns the output tails of the steps that failed, and
// writes each one's whole log to p.failedDir, saying where.
func (p *progress) failedLogs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	for d, v := range p.vertices {
		t := p.logs[d]
		if v.Error == "" || t == nil || len(t.b) == 0 || strings.Contains(v.Error, "context canceled") {
			continue
		}
		fmt.Fprintf(&b, "output of %s (last lines):\n", v.Name)
		for _, line := range lastLines(t.b, 20) {
			fmt.Fprintf(&b, "  %s\n", line)
		}
		if path, err := p.keepLog(d, t); err != nil {
			fmt.Fprintf(&b, "(the whole log could not be kept: %v)\n", err)
		} else if path != "" {
			fmt.Fprintf(&b, "the whole log: %s\n", path)
		}
	}
	return b.String()
}

// keepLog writes a failed step's log as failedDir/DIGEST.log.
func (p *progress) keepLog(d digest.Digest, t *tail) (string, error) {
	if p.failedDir == "" {
		return "", nil
	}
	if err := os.MkdirAll(p.failedDir, 0o755); err != nil {
		return "", err
	}
	name := d.Encoded()
	if len(name) > 12 {
		name = name[:12]
	}
	path := filepath.Join(p.failedDir, name+".log")
	data := t.b
	if t.clipped {
		data = append([]byte(fmt.Sprintf("[cairn: the first bytes were dropped; these are the last %d]\n", len(t.b))), t.b...)
	}
	return path, os.WriteFile(path, data, 0o644)
}

func lastLines(b []byte, n int) []string {
	lines := strings.Split(string(bytes.TrimRight(b, "\n")), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
