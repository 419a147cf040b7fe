package cli

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

// A step that prints a secret puts it in its log: BuildKit streams it to
// the client and keeps it in the engine's build history like any output.
// cairn cannot clean the engine's copy, but it knows the values given with
// --secret, so its own display, failure reports and logs show **** in
// their place. Values shorter than minMasked are not masked (masking
// every "a" would garble the log and hide nothing); multi-line values are
// masked whole and line by line.

const (
	maskText  = "****"
	minMasked = 4
)

// masker replaces known secret values in step logs. A value split across
// two log messages is still found: the last len-1 bytes of each stream
// wait for the next message (or the step's end) before they are shown.
type masker struct {
	mu      sync.Mutex // builds of several targets share the masker
	values  [][]byte   // longest first
	hold    int
	pending map[streamKey][]byte
}

type streamKey struct {
	vertex digest.Digest
	stream int
}

// newMasker returns a masker for values, or nil when none can be masked.
func newMasker(values []string) *masker {
	seen := map[string]bool{}
	var vs [][]byte
	add := func(v string) {
		if len(v) >= minMasked && !seen[v] {
			seen[v] = true
			vs = append(vs, []byte(v))
		}
	}
	for _, v := range values {
		add(v)
		add(strings.TrimSpace(v))
		for line := range strings.SplitSeq(v, "\n") {
			add(strings.TrimSpace(line))
		}
	}
	if len(vs) == 0 {
		return nil
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	return &masker{values: vs, hold: len(vs[0]) - 1, pending: map[streamKey][]byte{}}
}

// status masks s in place: its logs and its vertices' errors.
func (m *masker) status(s *client.SolveStatus) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var logs []*client.VertexLog
	for _, l := range s.Logs {
		if data := m.write(streamKey{l.Vertex, l.Stream}, l.Data); len(data) > 0 {
			c := *l
			c.Data = data
			logs = append(logs, &c)
		}
	}
	for _, v := range s.Vertexes {
		v.Error = string(m.replace([]byte(v.Error)))
		if v.Completed != nil {
			logs = append(logs, m.flushVertex(v.Digest, *v.Completed)...)
		}
	}
	s.Logs = logs
}

// write adds data to a stream and returns what can be shown now.
func (m *masker) write(k streamKey, data []byte) []byte {
	buf := append(m.pending[k], data...)
	cut := max(len(buf)-m.hold, 0)
	for _, v := range m.values {
		for i := 0; i < cut; {
			j := bytes.Index(buf[i:], v)
			if j < 0 || i+j >= cut {
				break
			}
			cut = max(cut, i+j+len(v))
			i += j + len(v)
		}
	}
	m.pending[k] = append([]byte(nil), buf[cut:]...)
	return m.replace(buf[:cut])
}

// flushVertex returns the held-back bytes of a finished vertex's streams.
func (m *masker) flushVertex(d digest.Digest, at time.Time) []*client.VertexLog {
	var out []*client.VertexLog
	for k, b := range m.pending {
		if k.vertex != d && d != "" {
			continue
		}
		delete(m.pending, k)
		if len(b) > 0 {
			out = append(out, &client.VertexLog{Vertex: k.vertex, Stream: k.stream, Data: m.replace(b), Timestamp: at})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stream < out[j].Stream })
	return out
}

// flush returns a status holding every held-back byte, or nil.
func (m *masker) flush() *client.SolveStatus {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if logs := m.flushVertex("", time.Now()); len(logs) > 0 {
		return &client.SolveStatus{Logs: logs}
	}
	return nil
}

// replace masks every known value in b.
func (m *masker) replace(b []byte) []byte {
	for _, v := range m.values {
		b = bytes.ReplaceAll(b, v, []byte(maskText))
	}
	return b
}

// secretValues reads the values of the --secret flags, to mask them.
func (f *sessionFlags) secretValues() []string {
	var out []string
	for _, s := range f.secrets {
		switch {
		case s.Env != "":
			out = append(out, os.Getenv(s.Env))
		case s.FilePath != "":
			if b, err := os.ReadFile(s.FilePath); err == nil {
				out = append(out, string(b))
			}
		}
	}
	return out
}
