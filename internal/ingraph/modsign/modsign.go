// Package modsign signs Linux kernel modules as the kernel's
// scripts/sign-file does: the module, then a detached PKCS#7 SignedData
// over it (SHA-256, RSA, no signed attributes, no certificates: the kernel
// finds the key by issuer and serial number in its trusted keyring), a
// struct module_signature naming it, and the magic string. modinfo reads
// the signer from it; a kernel with CONFIG_MODULE_SIG verifies it on load.
// Nothing in it depends on time, so the same module and key give the same
// bytes.
package modsign

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/cms"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/signer"
)

// Magic ends a signed module.
const Magic = "~Module signature appended~\n"

// pkeyIDPKCS7 is struct module_signature's id_type for a PKCS#7 message.
const pkeyIDPKCS7 = 2

// ErrSigned says a module carries a signature already.
var ErrSigned = errors.New("the module is signed already")

// Sign returns module with signer's signature appended; cert is the
// signer's certificate, as the kernel's keyring holds it.
func Sign(module []byte, cert *x509.Certificate, s crypto.Signer) ([]byte, error) {
	if bytes.HasSuffix(module, []byte(Magic)) {
		return nil, ErrSigned
	}
	p7, err := cms.Detached(module, cert, s)
	if err != nil {
		return nil, err
	}
	// struct module_signature: algo, hash, id_type, signer_len,
	// key_id_len, three bytes of padding, then sig_len big-endian; all
	// but id_type and sig_len are zero for PKCS#7.
	var info [12]byte
	info[2] = pkeyIDPKCS7
	binary.BigEndian.PutUint32(info[8:], uint32(len(p7)))
	out := make([]byte, 0, len(module)+len(p7)+len(info)+len(Magic))
	out = append(append(append(append(out, module...), p7...), info[:]...), Magic...)
	return out, nil
}

// Run signs every *.ko under r.In into the same path under r.Out.
func Run(r request.ModSign) error {
	cert, key, err := signer.Open(r.Signer)
	if err != nil {
		return err
	}
	n := 0
	err = filepath.WalkDir(r.In, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(p, ".ko") {
			return err
		}
		if r.Subdir != "" && filepath.Base(filepath.Dir(p)) != r.Subdir {
			return nil
		}
		rel, _ := filepath.Rel(r.In, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		signed, err := Sign(data, cert, key)
		switch {
		case errors.Is(err, cms.ErrKeyMismatch):
			return signer.Mismatch(r.Signer, cert)
		case errors.Is(err, ErrSigned):
			return fmt.Errorf("%s: %w: a prebuilt module signed elsewhere; drop key and cert from this kernel_module(), or give it unsigned", rel, err)
		case err != nil:
			return fmt.Errorf("%s: %w", rel, err)
		}
		n++
		fmt.Printf("cairn: signed %s for %q\n", rel, cert.Subject)
		return r.Epoch.WriteFile(filepath.Join(r.Out, rel), signed)
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("no kernel modules (*.ko) under %s to sign", r.In)
	}
	if err != nil {
		return err
	}
	// The directories WriteFile made: stamped too, so the tree repeats.
	return filepath.WalkDir(r.Out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return os.Chtimes(p, r.Epoch.Time(), r.Epoch.Time())
	})
}
