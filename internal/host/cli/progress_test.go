package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

// TestSharedStepLogsOnce: two builds that share a step both stream its
// log; plain progress prints each line once.
func TestSharedStepLogsOnce(t *testing.T) {
	var out bytes.Buffer
	p, err := newProgress(&env{ctx: context.Background(), stderr: &out}, "plain")
	if err != nil {
		t.Fatal(err)
	}
	d := digest.FromString("shared step")
	now := time.Unix(1700000000, 0)
	status := func() *client.SolveStatus {
		return &client.SolveStatus{
			Vertexes: []*client.Vertex{{Digest: d, Name: "shared step", Started: &now, Completed: &now}},
			Logs: []*client.VertexLog{
				{Vertex: d, Stream: 1, Data: []byte("configure: line one\n"), Timestamp: now},
				{Vertex: d, Stream: 1, Data: []byte("configure: line two\n"), Timestamp: now.Add(time.Millisecond)},
			},
		}
	}
	a, b := p.channel(), p.channel()
	a <- status()
	b <- status()
	close(a)
	close(b)
	p.wait()
	for _, l := range []string{"configure: line one", "configure: line two"} {
		if n := strings.Count(out.String(), l); n != 1 {
			t.Errorf("%q printed %d times:\n%s", l, n, out.String())
		}
	}
	if got := string(p.logs[d].b); got != "configure: line one\nconfigure: line two\n" {
		t.Errorf("the step's kept log: %q", got)
	}
}
