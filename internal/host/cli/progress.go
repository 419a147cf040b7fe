package cli

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/util/progress/progressui"
	digest "github.com/opencontainers/go-digest"
)

// progress fans the status of concurrent target builds into one BuildKit
// progress display, and remembers each step's state and log tail so a
// failure can be explained after the display is done.
type progress struct {
	stderr io.Writer
	main   chan *client.SolveStatus
	fwd    sync.WaitGroup
	done   chan struct{}
	// warnings are the builds' warnings, as the display collected them.
	warnings []client.VertexWarning
	// mask hides the values of --secret in step logs (see mask.go).
	mask *masker
	// failedDir is where a failed step's whole log is written.
	failedDir string

	mu       sync.Mutex
	vertices map[digest.Digest]*client.Vertex
	logs     map[digest.Digest]*tail
	execs    map[digest.Digest]bool
	// cached is each vertex's first outcome: true when it came from the
	// cache, false when it completed otherwise (see record).
	cached map[digest.Digest]bool
	// logged are the log chunks forwarded, so that a step two targets
	// share prints its log once (see dedup).
	logged map[logKey]bool
}

// logKey names a log chunk: its step, stream, time and content.
type logKey struct {
	vertex digest.Digest
	stream int
	at     int64
	sum    [8]byte
}

// checkProgressMode reports a --progress mode the display cannot show,
// before anything is started.
func checkProgressMode(e *env, mode string) error {
	_, err := display(e, mode)
	return err
}

func display(e *env, mode string) (progressui.Display, error) {
	d, err := progressui.NewDisplay(e.stderr, progressui.DisplayMode(mode))
	if err != nil {
		return d, errUsage("--progress %q: want auto, plain, tty, rawjson or quiet (%s)", mode, err)
	}
	return d, nil
}

func newProgress(e *env, mode string) (*progress, error) {
	d, err := display(e, mode)
	if err != nil {
		return nil, err
	}
	p := &progress{
		stderr:   e.stderr,
		main:     make(chan *client.SolveStatus, 16),
		done:     make(chan struct{}),
		vertices: map[digest.Digest]*client.Vertex{},
		logs:     map[digest.Digest]*tail{},
		execs:    map[digest.Digest]bool{},
		cached:   map[digest.Digest]bool{},
		logged:   map[logKey]bool{},
	}
	go func() {
		p.warnings, _ = d.UpdateFrom(context.Background(), p.main)
		close(p.done)
	}()
	return p, nil
}

// channel returns a status channel for one build; the build closes it.
func (p *progress) channel() chan *client.SolveStatus {
	ch := make(chan *client.SolveStatus)
	p.fwd.Add(1)
	go func() {
		defer p.fwd.Done()
		for s := range ch {
			p.dedup(s)
			p.mask.status(s)
			p.record(s)
			p.main <- s
		}
		if s := p.mask.flush(); s != nil {
			p.record(s)
			p.main <- s
		}
	}()
	return ch
}

// wait returns when every build's channel is closed and the display is
// done, and prints the builds' warnings (what compiling found doubtful,
// see stdlib.Warning), each once.
func (p *progress) wait() {
	p.fwd.Wait()
	close(p.main)
	<-p.done
	seen := map[string]bool{}
	for _, w := range p.warnings {
		msg := string(w.Short)
		if !seen[msg] {
			seen[msg] = true
			fmt.Fprintf(p.stderr, "cairn: warning: %s\n", msg)
		}
	}
}

// dedup drops the log chunks another build's channel forwarded already:
// every solve that shares a step streams that step's log.
func (p *progress) dedup(s *client.SolveStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	logs := s.Logs[:0]
	for _, l := range s.Logs {
		sum := sha256.Sum256(l.Data)
		k := logKey{l.Vertex, l.Stream, l.Timestamp.UnixNano(), [8]byte(sum[:8])}
		if !p.logged[k] {
			p.logged[k] = true
			logs = append(logs, l)
		}
	}
	s.Logs = logs
}

func (p *progress) record(s *client.SolveStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range s.Vertexes {
		p.vertices[v.Digest] = v
		p.noteOutcome(v)
	}
	for _, l := range s.Logs {
		t := p.logs[l.Vertex]
		if t == nil {
			t = &tail{}
			p.logs[l.Vertex] = t
		}
		t.Write(l.Data)
	}
}

// noteOutcome keeps the first outcome of a vertex. A step loaded from an
// imported cache is reported cached, then again, not cached, while its
// layers are pulled for the export; a step one target ran is reported
// cached to the targets that share it later. The first word is the truth.
func (p *progress) noteOutcome(v *client.Vertex) {
	if _, ok := p.cached[v.Digest]; ok {
		return
	}
	if v.Cached || v.Completed != nil {
		p.cached[v.Digest] = v.Cached
	}
}

// observe notes which vertices of a definition are exec steps: the ones
// whose cache hits matter. (Sources and file ops without inputs report
// "done" even on a no-op rebuild: BuildKit only computed their keys.)
func (p *progress) observe(def *llb.Definition) {
	ops, err := llbdump.Ops(def)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range ops {
		if o.Op.GetExec() != nil {
			p.execs[o.Digest] = true
		}
	}
}

// counts returns how many exec steps the builds had and how many of them
// came from cache.
func (p *progress) counts() (total, cached int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for d := range p.vertices {
		if !p.execs[d] {
			continue
		}
		total++
		if p.cached[d] {
			cached++
		}
	}
	return total, cached
}

// tail keeps a step's output, up to its last tailSize bytes: the whole log
// of a failed step is written out (see explain), and BuildKit clips a
// step's log at 2 MiB by default anyway.
type tail struct {
	b       []byte
	clipped bool
}

const tailSize = 8 << 20

func (t *tail) Write(p []byte) {
	t.b = append(t.b, p...)
	if len(t.b) > tailSize {
		t.b = append(t.b[:0:0], t.b[len(t.b)-tailSize:]...)
		t.clipped = true
	}
}
