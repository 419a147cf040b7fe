package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/suggest"
	"github.com/containerd/platforms"
	"github.com/docker/go-units"
)

var engineCommands = map[string]func(e *env, cfg engine.Config, all bool) error{
	"status": engineStatus,
	"stop":   engineStop,
	"prune":  enginePrune,
	"du":     engineDU,
}

func runEngine(e *env) error {
	fs := newFlags("engine", e)
	cfg := engineFlags(fs)
	all := fs.Bool("all", false, "prune: remove all cache, not only what is unused")
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
	cfg.Log = e.stderr
	return engineCommands[args[0]](e, *cfg, *all)
}

func engineStatus(e *env, cfg engine.Config, _ bool) error {
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

func engineStop(e *env, cfg engine.Config, _ bool) error {
	return engine.Stop(e.ctx, cfg)
}

func enginePrune(e *env, cfg engine.Config, all bool) error {
	c, err := engine.Connect(e.ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	n, err := engine.Prune(e.ctx, c, all)
	if err != nil {
		return lostOr(e, cfg, err)
	}
	fmt.Fprintf(e.stdout, "freed %s\n", units.HumanSize(float64(n)))
	return nil
}

func engineDU(e *env, cfg engine.Config, _ bool) error {
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
	return nil
}

// lostOr explains err as a lost engine when it is one (see engine.Lost),
// else returns it as is.
func lostOr(e *env, cfg engine.Config, err error) error {
	if lost := cfg.Lost(e.ctx, err); lost != nil {
		return lost
	}
	return err
}
