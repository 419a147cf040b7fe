package engine

import (
	"context"
	"fmt"

	"github.com/moby/buildkit/client"
)

// Prune deletes the engine's unused build cache and returns the bytes
// freed. With all set it also deletes internal and frontend records
// (everything not in use), like `buildctl prune --all`.
func Prune(ctx context.Context, c *client.Client, all bool) (int64, error) {
	var opts []client.PruneOption
	if all {
		opts = append(opts, client.PruneAll)
	}
	ch := make(chan client.UsageInfo)
	freed := make(chan int64)
	go func() {
		var n int64
		for u := range ch {
			n += u.Size
		}
		freed <- n
	}()
	err := c.Prune(ctx, ch, opts...)
	close(ch)
	n := <-freed
	if err != nil {
		return n, fmt.Errorf("prune engine cache: %w", err)
	}
	return n, nil
}

// Usage summarises the engine's build cache.
type Usage struct {
	// Records are the cache records, smallest first (the engine's order).
	Records []*client.UsageInfo
	// Total is the size of all records in bytes.
	Total int64
	// Reclaimable is the size of the records not in use, which Prune with
	// all set could free.
	Reclaimable int64
}

// DiskUsage reports the engine's build cache usage.
func DiskUsage(ctx context.Context, c *client.Client) (Usage, error) {
	recs, err := c.DiskUsage(ctx)
	if err != nil {
		return Usage{}, fmt.Errorf("engine disk usage: %w", err)
	}
	u := Usage{Records: recs}
	for _, r := range recs {
		u.Total += r.Size
		if !r.InUse {
			u.Reclaimable += r.Size
		}
	}
	return u, nil
}
