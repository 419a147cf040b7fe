package main

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cairn-build/cairn/internal/ingraph/debunpack"
)

// runDebUnpack implements
// "deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR [DEB OUT_DIR]...".
// Several pairs unpack several packages in one exec step, each into its own
// directory (its own layer), concurrently: one container start for a group
// of packages instead of one each.
func runDebUnpack(e env, args []string) error {
	fs := newFlagSet("deb-unpack")
	merged := fs.Bool("merged-usr", false, "write bin, sbin, lib* below usr/")
	arch := fs.String("arch", "", "architecture the package must be for")
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "mtime of generated files, in `seconds` since 1970")
	if err := fs.Parse(args); err != nil {
		return usageErrorf("%s: %w", fs.Name(), err)
	}
	pos := fs.Args()
	if len(pos) == 0 || len(pos)%2 != 0 {
		return usageErrorf("%s: want DEB OUT_DIR pairs, got %d arguments", fs.Name(), len(pos))
	}
	seconds, err := epoch.resolve(e.lookup)
	if err != nil {
		return err
	}
	opts := debunpack.Options{MergedUsr: *merged, Arch: *arch, Epoch: seconds}
	errs := make([]error, len(pos)/2)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := 0; i < len(pos); i += 2 {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			if _, err := debunpack.UnpackFile(pos[i], pos[i+1], opts); err != nil {
				errs[i/2] = fmt.Errorf("%s: %w", pos[i], err)
			}
		}(i)
	}
	wg.Wait()
	return errors.Join(errs...)
}
