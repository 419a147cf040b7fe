package engine

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func linux(arch string) ocispecs.Platform {
	return ocispecs.Platform{OS: "linux", Architecture: arch}
}

// hostHandlerEnabled reads the host's binfmt_misc entry for handler.
func hostHandlerEnabled(handler string) bool {
	b, err := os.ReadFile(filepath.Join(binfmtDir, handler))
	return err == nil && strings.HasPrefix(string(b), "enabled\n")
}

func TestCheckPlatformsNative(t *testing.T) {
	ps := []ocispecs.Platform{{}, linux(runtime.GOARCH)}
	if runtime.GOARCH == "amd64" {
		ps = append(ps, linux("386"), ocispecs.Platform{OS: "linux", Architecture: "amd64", Variant: "v2"})
	}
	if err := CheckPlatforms(ps); err != nil {
		t.Errorf("CheckPlatforms(native %v): %v", ps, err)
	}
}

func TestCheckPlatformsArm64(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("arm64 is native here")
	}
	err := CheckPlatforms([]ocispecs.Platform{linux("arm64")})
	if hostHandlerEnabled("qemu-aarch64") {
		if err != nil {
			t.Errorf("CheckPlatforms(linux/arm64) with qemu-aarch64 enabled: %v", err)
		}
		return
	}
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Cause, "qemu-aarch64") {
		t.Errorf("CheckPlatforms(linux/arm64) without a handler: %v, want *SetupError naming qemu-aarch64", err)
	}
}

func TestCheckPlatformsMissingHandler(t *testing.T) {
	if runtime.GOARCH == "s390x" || hostHandlerEnabled("qemu-s390x") {
		t.Skip("this host runs s390x binaries")
	}
	err := CheckPlatforms([]ocispecs.Platform{linux(runtime.GOARCH), linux("s390x")})
	t.Logf("error:\n%v", err)
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("CheckPlatforms(linux/s390x): %v, want *SetupError", err)
	}
	if !strings.Contains(se.Cause, "linux/s390x") || se.Fix == "" {
		t.Errorf("SetupError = %q, want the platform and a fix", err)
	}
}

func TestCheckPlatformsNonLinux(t *testing.T) {
	var se *SetupError
	err := CheckPlatforms([]ocispecs.Platform{{OS: "windows", Architecture: "amd64"}})
	if !errors.As(err, &se) {
		t.Errorf("CheckPlatforms(windows/amd64): %v, want *SetupError", err)
	}
}

// fakeBinfmt writes a binfmt_misc-style directory: a status file and one
// file per handler.
func fakeBinfmt(t *testing.T, status string, handlers map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"status": status + "\n", "register": ""}
	for name, body := range handlers {
		files[name] = body
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandlerMatching(t *testing.T) {
	const debian = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\n"
	const static = "enabled\ninterpreter /usr/bin/qemu-arm-static\nflags: F\n"
	tests := []struct {
		name     string
		status   string
		handlers map[string]string
		q        string
		want     bool
	}{
		{"by name", "enabled", map[string]string{"qemu-aarch64": debian}, "aarch64", true},
		{"by interpreter", "enabled", map[string]string{"arm64-emu": debian}, "aarch64", true},
		{"static interpreter", "enabled", map[string]string{"arm": static}, "arm", true},
		{"no prefix confusion", "enabled", map[string]string{"x": static}, "armeb", false},
		{"handler disabled", "enabled", map[string]string{"qemu-aarch64": "disabled\ninterpreter /usr/bin/qemu-aarch64\n"}, "aarch64", false},
		{"binfmt_misc disabled", "disabled", map[string]string{"qemu-aarch64": debian}, "aarch64", false},
		{"other arch", "enabled", map[string]string{"qemu-aarch64": debian}, "s390x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeBinfmt(t, tt.status, tt.handlers)
			if got := handlerEnabled(dir, tt.q); got != tt.want {
				t.Errorf("handlerEnabled(%s) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestEmulatorFixWhenNotMounted(t *testing.T) {
	if _, err := os.Stat("/usr/share/binfmts/qemu-aarch64"); err != nil {
		t.Skip("qemu-user-static's binfmt entries are not installed")
	}
	fix := emulatorFix(filepath.Join(t.TempDir(), "unmounted"), "aarch64")
	if !strings.HasPrefix(fix, "mount -t binfmt_misc") || !strings.HasSuffix(fix, "update-binfmts --enable qemu-aarch64") {
		t.Errorf("emulatorFix = %q, want mount then update-binfmts", fix)
	}
}
