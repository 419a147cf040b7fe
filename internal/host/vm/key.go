package vm

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/atomicfile"

	"golang.org/x/crypto/ssh"
)

// Key is the ssh key `cairn vm --login` logs in with: generated once per
// cairn home, its public half served to builds (vm_ssh_key()) from a
// directory of its own so the private half never reaches an engine.
type Key struct {
	// Private is the OpenSSH private key file, 0600.
	Private string
	// Dir holds authorized_keys, the public key: the named context
	// vm_ssh_key() reads.
	Dir string
}

// KeyIn is the key kept in home (the engine's cairn home), generated on
// first use.
func KeyIn(home string) (Key, error) {
	d := filepath.Join(home, "vm-ssh")
	k := Key{Private: filepath.Join(d, "id_ed25519"), Dir: filepath.Join(d, "public")}
	if _, err := os.Stat(filepath.Join(k.Dir, "authorized_keys")); err == nil {
		if _, err := os.Stat(k.Private); err == nil {
			return k, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := generate(k); err != nil {
		return k, fmt.Errorf("generating cairn vm's ssh key in %s: %w", d, err)
	}
	return k, nil
}

func generate(k Key) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := ssh.MarshalPrivateKey(priv, "cairn vm")
	if err != nil {
		return err
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(k.Dir, 0o700); err != nil {
		return err
	}
	// Written beside, then renamed: a build that runs meanwhile reads
	// either no key or a whole one.
	if err := atomicfile.WriteFile(k.Private, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(sshPub)), "\n") + " cairn vm\n"
	return atomicfile.WriteFile(filepath.Join(k.Dir, "authorized_keys"), []byte(line), 0o644)
}
