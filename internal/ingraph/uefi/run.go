package uefi

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/signer"
)

// RunUKI writes the unified kernel image r asks for. The sections are
// laid out as ukify lays them: .osrel, .cmdline, .initrd, and the kernel
// last.
func RunUKI(r request.UKI) error {
	stub, err := os.ReadFile(r.Stub)
	if err != nil {
		return fmt.Errorf("stub: %w", err)
	}
	osrel := []byte(DefaultOSRelease(filepath.Base(r.Out)))
	if r.OSRelease != "" {
		if osrel, err = os.ReadFile(r.OSRelease); err != nil {
			return fmt.Errorf("os-release: %w", err)
		}
	}
	secs := []Section{{".osrel", osrel}}
	if r.Cmdline != "" {
		secs = append(secs, Section{".cmdline", []byte(r.Cmdline)})
	}
	if r.Initrd != "" {
		b, err := os.ReadFile(r.Initrd)
		if err != nil {
			return fmt.Errorf("initrd: %w", err)
		}
		secs = append(secs, Section{".initrd", b})
	}
	linux, err := os.ReadFile(r.Linux)
	if err != nil {
		return fmt.Errorf("kernel: %w", err)
	}
	if len(linux) < 2 || string(linux[:2]) != "MZ" {
		return fmt.Errorf("kernel %s is not an EFI-stub image (no MZ header): a compressed vmlinuz must be unpacked first", filepath.Base(r.Linux))
	}
	secs = append(secs, Section{".linux", linux})
	uki, err := UKI(stub, secs)
	if err != nil {
		return err
	}
	return r.Epoch.WriteFile(r.Out, uki)
}

// DefaultOSRelease is the .osrel section of a UKI given none: systemd-boot
// lists a UKI only when its os-release names it and a version.
func DefaultOSRelease(file string) string {
	name := strings.TrimSuffix(file, filepath.Ext(file))
	return fmt.Sprintf("NAME=cairn\nID=cairn\nPRETTY_NAME=%q\nVERSION_ID=1\n", name)
}

// RunVars writes the variable store and signature lists r asks for.
func RunVars(r request.EFIVars) error {
	template, err := os.ReadFile(r.Template)
	if err != nil {
		return fmt.Errorf("variable store template: %w", err)
	}
	pk, err := certDER(r.PK)
	if err != nil {
		return err
	}
	lists := map[string][][]byte{"PK.esl": {pk}}
	for _, l := range []struct {
		name  string
		files []string
	}{{"KEK.esl", r.KEK}, {"db.esl", r.DB}} {
		for _, f := range l.files {
			der, err := certDER(f)
			if err != nil {
				return err
			}
			lists[l.name] = append(lists[l.name], der)
		}
	}
	vars, err := SecureBoot(pk, lists["KEK.esl"], lists["db.esl"], r.Epoch.Time())
	if err != nil {
		return err
	}
	store, err := Enroll(template, vars)
	if err != nil {
		return fmt.Errorf("variable store template: %w", err)
	}
	for name, certs := range lists {
		esl, err := SignatureLists(certs)
		if err != nil {
			return err
		}
		if err := r.Epoch.WriteFile(filepath.Join(r.Out, name), esl); err != nil {
			return err
		}
	}
	return r.Epoch.WriteFile(filepath.Join(r.Out, r.Name), store)
}

// certDER reads a certificate file, PEM or DER, as DER.
func certDER(p string) ([]byte, error) {
	c, err := signer.ReadCert(p)
	if err != nil {
		return nil, err
	}
	return c.Raw, nil
}
