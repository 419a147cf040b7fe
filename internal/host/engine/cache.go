package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/buildkit/client"
)

// PruneOptions narrow a prune, as buildctl prune's flags do.
type PruneOptions struct {
	// All also deletes internal and frontend records (everything not in
	// use), like `buildctl prune --all`.
	All bool
	// KeepDuration keeps the records used within it.
	KeepDuration time.Duration
	// KeepStorage keeps this many bytes of cache (BuildKit's reserved
	// space), deleting the least recently used first.
	KeepStorage int64
	// Filters are BuildKit's (`type==regular`, `description~=apt`).
	Filters []string
}

// Prune deletes the engine's unused build cache that o selects and
// returns the bytes freed.
func Prune(ctx context.Context, c *client.Client, o PruneOptions) (int64, error) {
	var opts []client.PruneOption
	if o.All {
		opts = append(opts, client.PruneAll)
	}
	if o.KeepDuration != 0 || o.KeepStorage != 0 {
		opts = append(opts, client.WithKeepOpt(o.KeepDuration, o.KeepStorage, 0, 0))
	}
	if len(o.Filters) > 0 {
		opts = append(opts, client.WithFilter(o.Filters))
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
