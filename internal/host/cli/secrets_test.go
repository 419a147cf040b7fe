package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

func TestSecretFlag(t *testing.T) {
	tests := []struct {
		in, id, file, env, err string
	}{
		{in: "id=tok,src=/run/tok", id: "tok", file: "/run/tok"},
		{in: "id=tok,source=/run/tok", id: "tok", file: "/run/tok"},
		{in: "id=git-token,env=GIT_TOKEN", id: "git-token", env: "GIT_TOKEN"},
		{in: `id=tok,"src=/a,b"`, id: "tok", file: "/a,b"},
		{in: "src=/run/tok", err: `id "": want a name like git-token`},
		{in: "id=a/b,src=x", err: `id "a/b"`},
		{in: "id=tok", err: "want exactly one of src=FILE and env=VAR"},
		{in: "id=tok,src=x,env=Y", err: "want exactly one of src=FILE and env=VAR"},
		{in: "id=tok,type=file", err: `unknown key "type"`},
	}
	for _, tt := range tests {
		var f secretFlag
		err := f.Set(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || len(f) != 1 || f[0].ID != tt.id || f[0].FilePath != tt.file || f[0].Env != tt.env {
			t.Errorf("%q: got %+v, %v; want id %q file %q env %q", tt.in, f, err, tt.id, tt.file, tt.env)
		}
	}
	var f secretFlag
	f.Set("id=tok,env=A")
	if err := f.Set("id=tok,env=B"); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("a repeated id: error %v, want \"given twice\"", err)
	}
}

// TestSecretsCheckedBeforeBuild checks that unreadable values are usage
// errors (exit code 2) naming the flag as given.
func TestSecretsCheckedBeforeBuild(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 600*1024), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CAIRN_SET_SECRET", "v")
	tests := []struct{ in, want string }{
		{"id=a,src=" + filepath.Join(dir, "none"), "--secret id=a,src=" + filepath.Join(dir, "none") + ": stat"},
		{"id=a,src=" + dir, "is not a regular file"},
		{"id=a,src=" + big, "BuildKit passes at most 512000"},
		{"id=a,env=CAIRN_UNSET_SECRET_VAR", "environment variable CAIRN_UNSET_SECRET_VAR is not set"},
		{"id=a,env=CAIRN_SET_SECRET", ""},
	}
	for _, tt := range tests {
		f := &sessionFlags{}
		if err := f.secrets.Set(tt.in); err != nil {
			t.Fatal(err)
		}
		_, err := f.attachables()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.want == "":
		case err == nil || !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.want)
		default:
			if _, ok := err.(*usageError); !ok {
				t.Errorf("%s: error %T, want a usage error", tt.in, err)
			}
		}
	}
}

func TestSSHFlag(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tests := []struct {
		in, authSock, want string
	}{
		{"default", sock, ""},
		{"default=" + sock, "", ""},
		{"work=" + sock, "", ""},
		{"default", "", "--ssh default: SSH_AUTH_SOCK is not set"},
		{"default=/no/such/agent.sock", "", "--ssh: "},
		{"bad id=" + sock, "", `id "bad id"`},
	}
	for _, tt := range tests {
		t.Setenv("SSH_AUTH_SOCK", tt.authSock)
		f := &sessionFlags{}
		err := f.ssh.Set(tt.in)
		if err == nil {
			_, err = f.attachables()
		}
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("--ssh %s: %v", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("--ssh %s: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

// A signing secret's identity is its key's fingerprint, read from where
// --secret says, file or environment; anything else is an error naming
// the flag, and a secret not given has none.
func TestSignerIdentity(t *testing.T) {
	key, want := testutil.SigningKey(t, "Release")
	dir := t.TempDir()
	keyFile, junk := filepath.Join(dir, "key.asc"), filepath.Join(dir, "junk")
	os.WriteFile(keyFile, key, 0o600)
	os.WriteFile(junk, []byte("not a key"), 0o600)
	t.Setenv("CAIRN_TEST_SIGNING_KEY", string(key))
	var s secretFlag
	for _, v := range []string{"id=file,src=" + keyFile, "id=env,env=CAIRN_TEST_SIGNING_KEY", "id=junk,src=" + junk} {
		if err := s.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"file", "env"} {
		if got, err := s.signerIdentity(id); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %s", id, got, err, want)
		}
	}
	if _, err := s.signerIdentity("junk"); err == nil || !strings.Contains(err.Error(), "--secret id=junk") {
		t.Errorf("junk: error %v, want one naming the flag", err)
	}
	if got, err := s.signerIdentity("absent"); got != "" || err != nil {
		t.Errorf("absent: %q, %v; want no identity", got, err)
	}
}
