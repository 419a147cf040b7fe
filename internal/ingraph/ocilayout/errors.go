package ocilayout

import (
	"fmt"
	"strconv"
)

// errPlatform reports a malformed platform.
func errPlatform(s string) error {
	return fmt.Errorf("ocilayout: invalid platform %s, want os/arch or os/arch/variant", strconv.Quote(s))
}

// errNoImages reports a call without images.
func errNoImages() error { return fmt.Errorf("ocilayout: no images") }

// errDuplicatePlatform reports two images for one platform.
func errDuplicatePlatform(p Platform) error {
	return fmt.Errorf("ocilayout: platform %s given twice", p)
}

// errNegativeEpoch reports a time before 1970.
func errNegativeEpoch(epoch int64) error {
	return fmt.Errorf("ocilayout: epoch %d is negative", epoch)
}

// errRefName reports an invalid reference name.
func errRefName(ref string) error {
	return fmt.Errorf("ocilayout: invalid reference name %s", strconv.Quote(ref))
}

// errSBOM reports an SBOM that is not JSON.
func errSBOM() error { return fmt.Errorf("ocilayout: SBOM is not valid JSON") }

// errProvenance reports a provenance predicate that is not JSON.
func errProvenance() error { return fmt.Errorf("ocilayout: provenance is not valid JSON") }

// errNotEmpty reports an output directory that already has content.
func errNotEmpty(dir string, err error) error {
	if err != nil {
		return fmt.Errorf("ocilayout: read %s: %w", dir, err)
	}
	return fmt.Errorf("ocilayout: output directory %s is not empty", dir)
}

// errLayer adds the root file system to a layer failure.
func errLayer(rootfs string, err error) error {
	return fmt.Errorf("ocilayout: layer of %s: %w", rootfs, err)
}

// errWrite adds the path to a write failure.
func errWrite(name string, err error) error {
	return fmt.Errorf("ocilayout: write %s: %w", name, err)
}

// wrapWrite is errWrite for a possibly nil error.
func wrapWrite(name string, err error) error {
	if err == nil {
		return nil
	}
	return errWrite(name, err)
}
