package resolve

import "testing"

// A files request takes the named packages and only the dependencies that
// match Follow: from a kernel metapackage to the kernel, not to kmod.
func TestFilesFollow(t *testing.T) {
	u := universe(
		mk(t, "linux-image-arm64", "6.1.176-1", "Depends: linux-image-6.1.0-50-arm64 (= 6.1.176-1)"),
		mk(t, "linux-image-6.1.0-50-arm64", "6.1.176-1", "Depends: kmod, linux-base (>= 4.3~), initramfs-tools | linux-initramfs-tool"),
		mk(t, "kmod", "30+20221128-1"),
		mk(t, "linux-base", "4.9"),
		mk(t, "initramfs-tools", "0.142"),
		mk(t, "raspi-firmware", "1.20220830+ds-1", "Depends: dosfstools"),
		mk(t, "dosfstools", "4.2-1"),
	)
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{Install: []string{"linux-image-arm64"}, FilesOnly: true, Follow: []string{"linux-image-*"}}, "linux-image-6.1.0-50-arm64=6.1.176-1 linux-image-arm64=6.1.176-1"},
		{Request{Install: []string{"linux-image-arm64"}, FilesOnly: true}, "linux-image-arm64=6.1.176-1"},
		{Request{Install: []string{"raspi-firmware", "kmod"}, FilesOnly: true}, "kmod=30+20221128-1 raspi-firmware=1.20220830+ds-1"},
	} {
		if got := resolveOK(t, u, c.req); got != c.want {
			t.Errorf("%v follow %v: got %s, want %s", c.req.Install, c.req.Follow, got, c.want)
		}
	}
	if err := resolveErr(t, u, Request{Install: []string{"linux-image-amd64"}, FilesOnly: true}); err == nil {
		t.Error("an unknown package must fail in files mode too")
	}
}
