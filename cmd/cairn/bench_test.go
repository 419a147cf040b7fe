package main

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkCachedBuild times a no-op rebuild of the example, all targets
// from cache: the fixed cost of a cairn build (process start, recipe
// evaluation, engine round trips, export). It uses an engine of its own.
func BenchmarkCachedBuild(b *testing.B) {
	c := freshEngine(b)
	out := filepath.Join(b.TempDir(), "out")
	args := []string{"build", "-f", helloExample, "-o", out, "--progress", "quiet"}
	c.ok(b, args...) // warm-up: starts the engine and fills the cache
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		r := c.exec(b.Context(), args...)
		total += time.Since(start)
		if r.code != 0 {
			b.Fatalf("%s", r)
		}
		n++
	}
	b.ReportMetric(total.Seconds()/float64(n), "s/build")
}
