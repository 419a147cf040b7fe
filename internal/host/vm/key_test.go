package vm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestKeyIn: the key is generated once, reused after, the private half
// 0600 outside the directory served to builds, the public half a line
// sshd's authorized_keys takes and matching the private one.
func TestKeyIn(t *testing.T) {
	home := t.TempDir()
	k, err := KeyIn(home)
	if err != nil {
		t.Fatal(err)
	}
	if rel, _ := filepath.Rel(k.Dir, k.Private); !strings.HasPrefix(rel, "..") {
		t.Errorf("the private key %s is inside the served directory %s", k.Private, k.Dir)
	}
	st, err := os.Stat(k.Private)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("private key: %v, mode %v", err, st.Mode())
	}
	pem, _ := os.ReadFile(k.Private)
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := os.ReadFile(filepath.Join(k.Dir, "authorized_keys"))
	pub, comment, _, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil || comment != "cairn vm" || string(pub.Marshal()) != string(signer.PublicKey().Marshal()) {
		t.Errorf("authorized_keys %q: %v, comment %q, or not the private key's", line, err, comment)
	}
	entries, _ := os.ReadDir(k.Dir)
	if len(entries) != 1 {
		t.Errorf("the served directory holds %d entries, want authorized_keys only", len(entries))
	}
	again, err := KeyIn(home)
	if err != nil {
		t.Fatal(err)
	}
	if line2, _ := os.ReadFile(filepath.Join(again.Dir, "authorized_keys")); string(line2) != string(line) {
		t.Errorf("a second KeyIn made a new key")
	}
}
