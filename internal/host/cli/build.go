package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/host/helperbin"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/tonistiigi/fsutil"
	"golang.org/x/sync/errgroup"
)

// buildFlags are cairn build's options.
type buildFlags struct {
	out, platform, progress string
	recipe                  *recipeFlags
	engine                  *engine.Config
	packages                *packageFlags
	session                 *sessionFlags
	cache                   *cacheFlags
	contexts                contextFlag
	// verify re-hashes every output file when checking whether an output
	// is up to date, instead of trusting unchanged stat data.
	verify bool
	// debugOnFail opens a shell in a failed run() step (debugshell.go).
	debugOnFail bool
}

// addBuildFlags registers the flags of every command that builds a
// target (build, vm, watch, shell): the recipe, the engine, the output
// directory, progress, packages, secrets and ssh, caches, named contexts.
// They are bound to f's fields, so f must be the caller's own.
func addBuildFlags(fs *flag.FlagSet, f *buildFlags, progress string) {
	f.recipe, f.engine = addRecipeFlags(fs), engineFlags(fs)
	fs.StringVar(&f.out, "o", "out", "output `dir`: each target is written to DIR/<target>")
	fs.StringVar(&f.progress, "progress", progress, "progress `mode`: auto, plain, tty, rawjson or quiet")
	f.packages = addPackageFlags(fs, &f.recipe.opts, true)
	f.session = addSessionFlags(fs)
	f.cache = addCacheFlags(fs)
	fs.Var(&f.contexts, "context", "named context `NAME=DIR`: the directory the recipe's context(\"NAME\") reads (repeatable)")
}

// oneTarget parses a command's arguments, which name exactly one target.
func oneTarget(fs *flag.FlagSet, args []string, usage string) (string, error) {
	names, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", errUsage("usage: %s (one target; %s -h)", usage, fs.Name())
	}
	return names[0], nil
}

// connect readies the package and git sources and the engine for a
// solve; the caller closes the client.
func (b *buildPlan) connect(e *env) (*client.Client, engine.Config, error) {
	cfg := *b.flags.engine
	cfg.Log = e.stderr
	var err error
	if b.helperDir, err = helperbin.Dir(homeOf(cfg)); err != nil {
		return nil, cfg, err
	}
	src, lf, err := newSource(b.project.dir, homeOf(cfg), b.opts.Mirrors, b.flags.packages, sourceOptions{}, e.stderr)
	if err != nil {
		return nil, cfg, err
	}
	b.opts.Packages, b.opts.Git = src, newGitSource(lf, b.flags.packages.locked, false, b.flags.session.secrets, e.stderr)
	c, err := engine.Connect(e.ctx, cfg)
	return c, cfg, err
}

func runBuild(e *env) error {
	routeClientLog(e.stderr)
	fs := newFlags("build", e)
	var f buildFlags
	addBuildFlags(fs, &f, "auto")
	fs.StringVar(&f.platform, "platform", "", "target `platforms`, comma separated (default: the engine's)")
	fs.BoolVar(&f.verify, "verify", false, "re-read every output file to decide whether it is up to date, instead of trusting the files whose size, times and inode are as the file index (OUT/.cairn-index) has them")
	fs.BoolVar(&f.debugOnFail, "debug-on-fail", false, "when a run() step fails, open a shell in it (its mounts as it left them, its environment and working directory); leaving the shell ends the build with the step's error. Needs a terminal; plain progress")
	names, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if f.debugOnFail && f.progress == "auto" {
		f.progress = "plain" // the tty display would draw over the shell
	}
	plan, err := planBuild(e, f, names)
	if err != nil {
		return err
	}
	return plan.run(e)
}

// buildPlan is everything decided before the engine is touched, so recipe
// mistakes fail fast, offline, with exit code 1.
type buildPlan struct {
	flags   buildFlags
	project *project
	targets []string
	// opts are the build's options, f.recipe's: every target's request
	// embeds them.
	opts      *frontends.Options
	helperDir string
	// attach serves --secret and --ssh to the engine.
	attach []session.Attachable
	// inputs are the recipe and lock, by digest, for the provenance.
	inputs inputs
	// shell, with --debug-on-fail, opens in a failed step.
	shell *debugShell
}

func planBuild(e *env, f buildFlags, names []string) (*buildPlan, error) {
	opts := &f.recipe.opts
	if err := f.recipe.setPlatforms(f.platform); err != nil {
		return nil, err
	}
	if err := f.recipe.readEnv(); err != nil {
		return nil, err
	}
	opts.Contexts = f.contexts.states()
	opts.Secrets = f.session.names()
	opts.SignerIdentity = f.session.secrets.signerIdentity
	if err := checkProgressMode(e, f.progress); err != nil {
		return nil, err
	}
	f.recipe.libs.locked, f.recipe.libs.secrets, f.recipe.libs.home = f.packages.locked, f.session.secrets, homeOf(*f.engine)
	p, err := loadRecipe(e.ctx, f.recipe, e.stderr)
	if err != nil {
		return nil, err
	}
	if err := applyConfig(f); err != nil {
		return nil, err
	}
	if err := f.provideVMKey(p); err != nil {
		return nil, err
	}
	attach, err := f.session.attachables()
	if err != nil {
		return nil, err
	}
	if a := f.cache.registryAuth(e.stderr); a != nil {
		attach = append(attach, a)
	}
	if len(names) == 0 {
		for _, t := range p.recipe.Targets() {
			names = append(names, t.Name)
		}
	}
	for _, n := range names {
		if _, err := frontends.FindTarget(p.recipe, n); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		_, err := frontends.FindTarget(p.recipe, "")
		return nil, err
	}
	in, err := readInputs(f.recipe.file, p.dir)
	if err != nil {
		return nil, err
	}
	return &buildPlan{flags: f, project: p, targets: names, opts: opts, attach: attach, inputs: in}, nil
}

// applyConfig fills what the flags left open from the environment and
// cairn.toml.
func applyConfig(f buildFlags) error {
	cfg, err := loadConfig(f.recipe.file)
	if err != nil {
		return err
	}
	cfg.applyEngine(f.engine)
	return cfg.applyCache(f.cache)
}

func (b *buildPlan) run(e *env) error {
	if err := engine.CheckPlatforms(b.opts.Platforms); err != nil {
		return err
	}
	c, cfg, err := b.connect(e)
	if err != nil {
		return err
	}
	defer c.Close()
	// Outputs are touched only once the engine answers.
	lock, err := lockOutputs(b.flags.out, e.stderr)
	if err != nil {
		return err
	}
	defer lock.release()
	prog, err := newProgress(e, b.flags.progress)
	if err != nil {
		return err
	}
	prog.mask = newMasker(b.flags.session.secretValues())
	if b.flags.debugOnFail {
		b.shell = &debugShell{stdin: os.Stdin, stdout: e.stdout, stderr: e.stderr}
	}
	// A failed step's whole log goes here; the last build's failures only.
	prog.failedDir = filepath.Join(b.flags.out, failedLogDir)
	if err := os.RemoveAll(prog.failedDir); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	start := time.Now()
	eg, ctx := errgroup.WithContext(e.ctx)
	if b.flags.cache.serial() {
		eg.SetLimit(1)
	}
	results := make([]*targetResult, len(b.targets))
	for i, name := range b.targets {
		eg.Go(func() (err error) {
			results[i], err = b.buildTarget(ctx, c, name, prog)
			return err
		})
	}
	err = eg.Wait()
	prog.wait()
	if lost := cfg.Lost(e.ctx, err); lost != nil { // the engine died: exit 2
		b.landed(e, results)
		return lost
	}
	if err != nil {
		b.landed(e, results)
		return prog.explain(err)
	}
	b.summary(e, results, prog, time.Since(start))
	return nil
}

// landed lists the targets written before another one failed.
func (b *buildPlan) landed(e *env, results []*targetResult) {
	for _, r := range results {
		if r != nil {
			fmt.Fprintf(e.stderr, "%s -> %s (tree digest %s); other targets failed:\n", r.Target, r.Dir, r.Digest)
		}
	}
}

func (b *buildPlan) summary(e *env, results []*targetResult, prog *progress, d time.Duration) {
	for _, r := range results {
		note := ""
		if r.Fresh {
			note = ", up to date"
		}
		fmt.Fprintf(e.stderr, "%s -> %s (tree digest %s, each file's sha256 in %s%s)\n", r.Target, r.Dir, r.Digest, filepath.Base(r.Dir)+".cairn.json", note)
		fmt.Fprintf(e.stderr, "  SBOM %s, provenance %s\n", r.Dir+sbomSuffix, r.Dir+provenanceSuffix)
		if len(r.Withheld) > 0 && !r.Fresh {
			fmt.Fprintf(e.stderr, "  %s: a directory output on the host %s (listed in %s; archive() or oci_image() keep them)\n",
				r.Target, summarize(r.Withheld), filepath.Base(r.Dir)+".cairn.json")
		}
	}
	total, cached := prog.counts()
	fmt.Fprintf(e.stderr, "built %d target(s) in %.1fs; %d of %d exec steps cached%s\n", len(results), d.Seconds(), cached, total, firstCause(results))
}

// solveOpt exports the result as a tar stream that untar unpacks into tmp
// (see untar.go for why not BuildKit's directory export); wait reports the
// unpacking's outcome, what it withheld from the host and the files' sums,
// once the solve has returned.
func (b *buildPlan) solveOpt(target, tmp string) (opt client.SolveOpt, wait func() (*exported, error), err error) {
	ctxFS, err := fsutil.NewFS(b.project.dir)
	if err != nil {
		return opt, nil, fmt.Errorf("project directory %s: %w", b.project.dir, err)
	}
	helperFS, err := fsutil.NewFS(b.helperDir)
	if err != nil {
		return opt, nil, fmt.Errorf("helper directory %s: %w", b.helperDir, err)
	}
	type unpacked struct {
		ex  *exported
		err error
	}
	var done chan unpacked
	output := func(map[string]string) (io.WriteCloser, error) {
		pr, pw := io.Pipe()
		done = make(chan unpacked, 1)
		go func() {
			ex, err := untar(pr, tmp)
			pr.CloseWithError(err)
			done <- unpacked{ex, err}
		}()
		return pw, nil
	}
	wait = func() (*exported, error) {
		if done == nil {
			return &exported{}, nil
		}
		u := <-done
		return u.ex, u.err
	}
	locals := map[string]fsutil.FS{stdlib.DefaultLocalName: ctxFS, frontends.HelperLocal: helperFS}
	if err := b.flags.contexts.mounts(locals); err != nil {
		return opt, nil, err
	}
	return client.SolveOpt{
		Exports: []client.ExportEntry{{
			Type:   client.ExporterTar,
			Output: output,
			Attrs:  map[string]string{"source-date-epoch": b.opts.Epoch.String()},
		}},
		LocalMounts: locals,
		// Not nil: the client adds the cache imports to it.
		FrontendAttrs: map[string]string{},
		Session:       b.attach,
		CacheExports:  b.flags.cache.to.forTarget(target),
		CacheImports:  b.flags.cache.from.forTarget(target),
	}, wait, nil
}

func (b *buildPlan) outDir(target string) string { return filepath.Join(b.flags.out, target) }

func homeOf(cfg engine.Config) string {
	if cfg.Home != "" {
		return cfg.Home
	}
	return engine.DefaultHome()
}
