package stdlib_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
)

// boardsRecipe uses every board of the bundled library in every way, so a
// mistake in the library's Starlark fails here, without an engine.
const boardsRecipe = `load("@cairn//boards/raspberrypi.star", "raspberrypi")
load("@cairn//boards/qemu_virt_arm64.star", "qemu_virt_arm64")
load("@cairn//boards/pc_x86_64.star", "pc_x86_64")
load("@cairn//boards/uefi.star", "secure_boot", "uefi_secure_boot_vars")

SB = secure_boot(key = secret("db-key"), cert = "db.pem")
REPOS = [repo.deb(suite = "bookworm", components = ["main", "non-free-firmware"])]
arm = rootfs(repos = REPOS, arch = "arm64")
pc = rootfs(repos = REPOS, arch = "amd64")
for m in [3, 4, 5]:
    b = raspberrypi(model = m)
    target("rpi%d" % m, b.image(rootfs = arm, repos = REPOS, compression = "zstd"))
    target("rpi%d-ab" % m, b.ab_image(rootfs = arm, repos = REPOS, root_size = "1G"))
target("qemu", qemu_virt_arm64.image(rootfs = arm, repos = REPOS))
target("qemu-ab", qemu_virt_arm64.ab_image(rootfs = arm, repos = REPOS, root_size = "1G"))
target("pc", pc_x86_64.image(rootfs = pc, repos = REPOS))
target("pc-iso", pc_x86_64.iso(rootfs = pc, repos = REPOS, max_volume_size = "4G", extra = files({"README": "hi\n"})))
target("pc-sb", pc_x86_64.image(rootfs = pc, repos = REPOS, secure_boot = SB))
target("pc-iso-sb", pc_x86_64.iso(rootfs = pc, repos = REPOS, secure_boot = SB))
target("qemu-sb", qemu_virt_arm64.image(rootfs = arm, repos = REPOS, secure_boot = SB))
target("vars-amd64", uefi_secure_boot_vars("amd64", REPOS, pk = "db.pem", db = "db.pem"))
target("vars-arm64", uefi_secure_boot_vars("arm64", REPOS, pk = "db.pem", db = ["db.pem"], kek = ["db.pem"]))
`

func TestBoardsCompile(t *testing.T) {
	r, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(boardsRecipe)}, "db.pem": {Data: []byte("a certificate")}}, Library: recipes.FS})
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	if len(r.Targets()) != 15 {
		t.Fatalf("%d targets, want 15", len(r.Targets()))
	}
	for _, tg := range r.Targets() {
		c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Packages: fakePackages{}})
		def, err := c.Marshal(context.Background(), tg.Artifact)
		if err != nil {
			t.Errorf("%s: %v", tg.Name, err)
			continue
		}
		if len(def.Def) < 10 {
			t.Errorf("%s: %d ops, want a real graph", tg.Name, len(def.Def))
		}
	}
}

// TestSecureBootNeedsABoardThatSigns: a board without a signed boot chain
// refuses secure_boot = at the recipe's line instead of booting unsigned.
func TestSecureBootNeedsABoardThatSigns(t *testing.T) {
	src := `load("@cairn//boards/raspberrypi.star", "raspberrypi")
load("@cairn//boards/uefi.star", "secure_boot")
REPOS = [repo.deb(suite = "bookworm")]
b = raspberrypi(model = 4)
b.image(rootfs = rootfs(repos = REPOS, arch = "arm64"), repos = REPOS, secure_boot = secure_boot(key = secret("k"), cert = "db.pem"))
`
	_, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(src)}}, Library: recipes.FS})
	if err == nil || !strings.Contains(err.Error(), "board raspberrypi4 cannot sign its boot chain") || !strings.Contains(err.Error(), "cairn.star:5") {
		t.Errorf("err = %v, want the board named at cairn.star:5", err)
	}
	src = strings.Replace(src, "b.image(", "b.ab_image(root_size = \"1G\", ", 1)
	src = strings.Replace(src, "raspberrypi.star\", \"raspberrypi\")", "qemu_virt_arm64.star\", \"qemu_virt_arm64\")", 1)
	src = strings.Replace(src, "b = raspberrypi(model = 4)", "b = qemu_virt_arm64", 1)
	_, err = stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(src)}}, Library: recipes.FS})
	if err == nil || !strings.Contains(err.Error(), "ab_image() cannot sign its boot chain yet") {
		t.Errorf("ab_image with secure_boot: %v", err)
	}
	src = "load(\"@cairn//boards/uefi.star\", \"secure_boot\")\nsecure_boot(key = \"db.key\", cert = \"db.pem\")\n"
	_, err = stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(src)}}, Library: recipes.FS})
	if err == nil || !strings.Contains(err.Error(), "key must be a secret") {
		t.Errorf("a key file name as key: %v", err)
	}
}

func TestRaspberryPiUnknownModel(t *testing.T) {
	src := "load(\"@cairn//boards/raspberrypi.star\", \"raspberrypi\")\nb = raspberrypi(model = 6)\n"
	_, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(src)}}, Library: recipes.FS})
	if err == nil || !strings.Contains(err.Error(), "model 6 is not supported") || !strings.Contains(err.Error(), "cairn.star:2") {
		t.Errorf("err = %v, want the unsupported model named at cairn.star:2", err)
	}
}
