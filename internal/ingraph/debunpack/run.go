package debunpack

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// parallel is how many packages Run unpacks at once.
const parallel = 4

// Run unpacks every package req lists, each into its own directory (its
// own layer), several at a time: one container start for a group of
// packages instead of one each.
func Run(req request.DebUnpack) error {
	opts := Options{MergedUsr: req.MergedUsr, Arch: req.Arch, Epoch: req.Epoch.Unix()}
	errs := make([]error, len(req.Packages))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, p := range req.Packages {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := UnpackFile(p.File, p.Out, opts); err != nil {
				errs[i] = fmt.Errorf("%s: %w", p.File, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
