package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/diskimg"
)

// runDisk implements "disk --spec SPEC.json OUT_DIR": it assembles the
// disk image the spec describes into OUT_DIR and prints a one-line JSON
// summary (diskimg.Result) on stdout.
func runDisk(e env, args []string) error {
	fs := newFlagSet("disk")
	specPath := fs.String("spec", "", "JSON `file` describing the disk, as cairn's compiler writes it")
	pos, err := parseArgs(fs, args, 1)
	if err != nil {
		return err
	}
	if *specPath == "" {
		return usageErrorf("disk: --spec is required")
	}
	spec, err := readDiskSpec(*specPath)
	if err != nil {
		return fmt.Errorf("disk: %w", err)
	}
	res, err := diskimg.Build(spec, pos[0])
	if err != nil {
		return fmt.Errorf("disk: %w", err)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", line)
	return err
}

// readDiskSpec decodes the spec file strictly.
func readDiskSpec(path string) (*diskimg.Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	spec, err := diskimg.DecodeSpec(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return spec, nil
}
