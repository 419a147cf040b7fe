package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

func TestMaskerHidesSecretsAcrossChunks(t *testing.T) {
	m := newMasker([]string{"hunter2-token", "abc", "-----BEGIN KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END KEY-----\n"})
	var shown strings.Builder
	feed := func(s *client.SolveStatus) {
		m.status(s)
		for _, l := range s.Logs {
			shown.Write(l.Data)
		}
	}
	chunks := []string{"token is hun", "ter2-tok", "en; abc stays\nkey line: c2VjcmV0LWtl", "eS1ieXRlcw==\nend\n"}
	for _, c := range chunks {
		feed(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:v", Data: []byte(c)}}})
	}
	now := time.Now()
	feed(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: "sha256:v", Completed: &now, Error: "exit 1: hunter2-token"}}})
	want := "token is ****; abc stays\nkey line: ****\nend\n"
	if shown.String() != want {
		t.Errorf("shown %q, want %q", shown.String(), want)
	}
	if s := m.flush(); s != nil {
		t.Errorf("bytes left after the vertex completed: %+v", s.Logs)
	}
	st := &client.SolveStatus{Vertexes: []*client.Vertex{{Digest: "sha256:w", Error: "failed: hunter2-token"}}}
	m.status(st)
	if st.Vertexes[0].Error != "failed: ****" {
		t.Errorf("vertex error %q", st.Vertexes[0].Error)
	}
	if newMasker([]string{"", "ab"}) != nil {
		t.Error("a masker for values too short to mask")
	}
}

func TestMaskerFlushesUnfinishedStreams(t *testing.T) {
	m := newMasker([]string{"s3cr3t-value"})
	s := &client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:v", Data: []byte("partial s3cr3t")}}}
	m.status(s)
	got := ""
	for _, l := range s.Logs {
		got += string(l.Data)
	}
	if f := m.flush(); f != nil {
		got += string(f.Logs[0].Data)
	}
	if got != "partial s3cr3t" {
		t.Errorf("shown %q", got)
	}
}
