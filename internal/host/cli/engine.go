package cli

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/suggest"
	"github.com/containerd/platforms"
	"github.com/docker/go-units"
	"github.com/moby/buildkit/client"
)

// engineOpts are the engine subcommands' own flags.
type engineOpts struct {
	prune   engine.PruneOptions
	verbose bool
}

var engineCommands = map[string]func(e *env, cfg engine.Config, o engineOpts) error{
	"status": engineStatus,
	"stop":   engineStop,
	"prune":  enginePrune,
	"du":     engineDU,
}

func runEngine(e *env) error {
	fs := newFlags("engine", e)
	cfg := engineFlags(fs)
	var o engineOpts
	fs.BoolVar(&o.prune.All, "all", false, "prune: remove all cache not in use, internal records too")
	fs.DurationVar(&o.prune.KeepDuration, "keep-duration", 0, "prune: keep the records used within this `duration` (24h: keep what the last day's builds used, such as the long configure layers)")
	keepStorage := fs.String("keep-storage", "", "prune: keep this much cache (`size`, like 10GB), removing the least recently used first")
	fs.Func("filter", "prune: BuildKit's `filter` (type==regular, description~=configure; repeatable)", func(v string) error {
		o.prune.Filters = append(o.prune.Filters, v)
		return nil
	})
	fs.BoolVar(&o.verbose, "verbose", false, "du: list every record, largest first: size, last use, uses, type and what made it")
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	switch {
	case len(args) == 0:
		return errUsage("usage: cairn engine status|stop|prune|du: name a subcommand (cairn engine -h)")
	case engineCommands[args[0]] == nil:
		names := slices.Sorted(maps.Keys(engineCommands))
		hint := ""
		if n := suggest.One(args[0], names); n != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", n)
		}
		return errUsage("cairn engine: unknown subcommand %q%s; the subcommands are %s", args[0], hint, strings.Join(names, ", "))
	case len(args) > 1:
		return errUsage("cairn engine %s takes no arguments, got %q", args[0], strings.Join(args[1:], " "))
	}
	if *keepStorage != "" {
		n, err := units.RAMInBytes(*keepStorage)
		if err != nil || n < 0 {
			return errUsage("cairn engine prune: --keep-storage %q: want a size like 10GB", *keepStorage)
		}
		o.prune.KeepStorage = n
	}
	cfg.Log = e.stderr
	return engineCommands[args[0]](e, *cfg, o)
}

func engineStatus(e *env, cfg engine.Config, _ engineOpts) error {
	info, err := engine.Status(e.ctx, cfg)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "running\t%t\nembedded\t%t\naddress\t%s\n", info.Running, info.Embedded, info.Address)
	if info.Embedded {
		fmt.Fprintf(tw, "pid\t%d\nstate\t%s\nlog\t%s\n", info.PID, info.StateDir, info.LogFile)
	}
	if info.Running {
		fmt.Fprintf(tw, "version\t%s\n", info.Version)
		for _, p := range info.Platforms {
			fmt.Fprintf(tw, "platform\t%s\n", platforms.Format(p))
		}
	}
	return tw.Flush()
}

func engineStop(e *env, cfg engine.Config, _ engineOpts) error {
	return engine.Stop(e.ctx, cfg)
}

func enginePrune(e *env, cfg engine.Config, o engineOpts) error {
	c, err := engine.Connect(e.ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	n, err := engine.Prune(e.ctx, c, o.prune)
	if err != nil {
		return lostOr(e, cfg, err)
	}
	fmt.Fprintf(e.stdout, "freed %s\n", units.HumanSize(float64(n)))
	return nil
}

func engineDU(e *env, cfg engine.Config, o engineOpts) error {
	c, err := engine.Connect(e.ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	u, err := engine.DiskUsage(e.ctx, c)
	if err != nil {
		return lostOr(e, cfg, err)
	}
	fmt.Fprintf(e.stdout, "records\t%d\ntotal\t%s\nreclaimable\t%s\n", len(u.Records),
		units.HumanSize(float64(u.Total)), units.HumanSize(float64(u.Reclaimable)))
	if o.verbose {
		return listRecords(e.stdout, u.Records)
	}
	return nil
}

// listRecords prints the cache records, largest first.
func listRecords(w io.Writer, recs []*client.UsageInfo) error {
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b *client.UsageInfo) int { return cmp.Compare(b.Size, a.Size) })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nID\tSIZE\tLAST USED\tUSES\tTYPE\tIN USE\tDESCRIPTION")
	for _, r := range recs {
		last := "-"
		if r.LastUsedAt != nil {
			last = r.LastUsedAt.UTC().Format(time.DateTime)
		}
		id := r.ID
		if len(id) > 12 {
			id = id[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%t\t%s\n", id, units.HumanSize(float64(r.Size)), last, r.UsageCount, r.RecordType, r.InUse, oneLine(r.Description))
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// lostOr explains err as a lost engine when it is one (see engine.Lost),
// else returns it as is.
func lostOr(e *env, cfg engine.Config, err error) error {
	if lost := cfg.Lost(e.ctx, err); lost != nil {
		return lost
	}
	return err
}
