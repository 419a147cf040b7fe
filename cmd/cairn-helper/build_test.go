package main

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// maxSize is the size budget of the stripped helper binary; the xz and
// zstd decoders, encoding/json and crypto/sha256 and crypto/md5 of
// deb-unpack and oci brought it from 2.1 MB to 3.3 MB; the image writers
// (ISO 9660, FAT, partition tables, the xz and zstd encoders, debug/elf
// for kernel modules, os/exec to drive mke2fs and mksquashfs) to 4.7 MB;
// OpenPGP signing of apt repositories (go-crypto's openpgp, which links
// every algorithm it can read) to 6.6 MB; Authenticode (PKCS#7, x509),
// the checksum lists, the sparse packer, UKIs and UEFI variable stores,
// all on the standard library, to 7.0 MB; the signing service's client
// (HTTP/1.0 over net, no net/http or crypto/tls) to 7.4 MB.
// It is mounted, never copied, so size costs little; the budget is there
// to notice a dependency that drags in much more. There is one hard
// limit: the gateway frontend sends the helper inline in the graph, two
// of them (amd64 and arm64) in a multi-platform build, under gRPC's
// 16 MiB message limit (TestFrontend/MultiPlatform).
const maxSize = 7_800_000

// buildHelper builds this package the way cairn does, for linux/goarch,
// with the given build cache, and returns the binary's contents.
func buildHelper(t *testing.T, goarch, cache string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cairn-helper")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOCACHE="+cache)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	testutil.Must(t, err)
	return b
}

// goEnv returns one value of "go env".
func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	testutil.Must(t, err)
	return strings.TrimSpace(string(out))
}

func TestReproducibleBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the helper four times")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	shared, fresh := goEnv(t, "GOCACHE"), t.TempDir()
	for _, goarch := range []string{"amd64", "arm64"} {
		a, b := buildHelper(t, goarch, shared), buildHelper(t, goarch, fresh)
		if sha256.Sum256(a) != sha256.Sum256(b) {
			t.Errorf("%s: two builds differ", goarch)
		}
		if len(a) > maxSize {
			t.Errorf("%s: binary is %d bytes, budget %d", goarch, len(a), maxSize)
		}
	}
}

// allowedDeps are the only non-standard packages the helper may import,
// with their subpackages (internal/layers holds the same rule for the
// whole tree).
var allowedDeps = []string{
	"github.com/cairn-build/cairn/cmd/cairn-helper",
	"github.com/cairn-build/cairn/internal/ingraph",
	"github.com/cairn-build/cairn/internal/epoch",
	"github.com/cairn-build/cairn/internal/suggest",
	"github.com/klauspost/compress",
	"github.com/therootcompany/xz",
	"github.com/ulikunitz/xz",
	"golang.org/x/sys/unix",
	// OpenPGP, to sign apt repositories inside the step that holds the key.
	"github.com/ProtonMail/go-crypto",
	"github.com/cloudflare/circl",
	"golang.org/x/crypto",
	"golang.org/x/sys/cpu",
}

func TestImportsStayMinimal(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	var stderr strings.Builder
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	for _, dep := range strings.Fields(string(out)) {
		if !slices.ContainsFunc(allowedDeps, func(p string) bool { return dep == p || strings.HasPrefix(dep, p+"/") }) {
			t.Errorf("non-standard dependency %q, want only %q and their subpackages", dep, allowedDeps)
		}
	}
}
