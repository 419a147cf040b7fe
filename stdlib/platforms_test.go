package stdlib_test

import (
	"strings"
	"testing"

	"github.com/cairn-build/cairn/stdlib"
	"github.com/containerd/platforms"
)

func TestPlatforms(t *testing.T) {
	var names []string
	for _, p := range stdlib.Platforms() {
		names = append(names, platforms.Format(p))
	}
	want := "linux/386 linux/amd64 linux/arm/v5 linux/arm/v7 linux/arm64 linux/ppc64le linux/riscv64 linux/s390x"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Platforms() = %s, want %s", got, want)
	}
}

func TestParsePlatforms(t *testing.T) {
	tests := []struct {
		in, want string // want: formatted platforms, space separated
	}{
		{"", ""},
		{"linux/arm64", "linux/arm64"},
		{"linux/arm64/v8, linux/amd64,linux/arm64", "linux/arm64 linux/amd64"},
		{"linux/arm,linux/arm/v7", "linux/arm/v7"},
		{"linux/arm/v5", "linux/arm/v5"},
		{"linux/i386", "linux/386"},
	}
	for _, tt := range tests {
		ps, err := stdlib.ParsePlatforms(tt.in)
		if err != nil {
			t.Errorf("ParsePlatforms(%q): %v", tt.in, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, platforms.Format(p))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("ParsePlatforms(%q) = %v, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParsePlatformsErrors(t *testing.T) {
	const known = "cairn builds for linux/386, linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64, linux/ppc64le, linux/riscv64, linux/s390x"
	tests := []struct{ in, want string }{
		{"linux/sparc99", "linux/sparc99: unknown platform; " + known},
		{"linux/amd64, linux/arm/v6", "linux/arm/v6: unknown platform; " + known},
		{"windows/amd64", "windows/amd64: unknown platform; " + known},
		{"linux//arm64", `"linux//arm64": want platforms like linux/amd64,linux/arm64`},
	}
	for _, tt := range tests {
		_, err := stdlib.ParsePlatforms(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParsePlatforms(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}
