package request

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
)

// everyRequest holds one filled-in request of each type.
var everyRequest = []Request{
	Tar{Src: "/src", Out: "/out/a.tar", Epoch: 315532800, Prefix: "opt", KeepOwners: true},
	Cpio{Src: "/src", Out: "/out/initrd.img", Epoch: 1, KeepOwners: true, Compress: "zstd"},
	DebUnpack{Epoch: 2, MergedUsr: true, Arch: "arm64", Packages: []Deb{{File: "/deb/0/a.deb", Out: "/out/0"}, {File: "/deb/1/b.deb", Out: "/out/1"}}},
	OCI{Out: "/out", Epoch: 3, Ref: "demo:1", SBOM: "/sbom/s.json", Images: []OCIImage{{OS: "linux", Architecture: "arm", Variant: "v7", Root: "/in/0"}}},
	ISO{Src: "/src", Out: "/out", Epoch: 4, Name: "disc", VolumeID: "CAIRN", VolumeSetID: "SET", BIOSImage: "isolinux/isolinux.bin",
		EFIImage: "/efi/fs.img", MaxVolumeSize: 1 << 30, First: []string{"README", "pool"}},
	Mkfs{Src: "/src", Out: "/out/fs.img", Epoch: 5, Type: "ext4", Label: "root", Size: 1 << 30, Offset: 1 << 20, IDSalt: "disk/root"},
	Disk{Name: "sd", Table: GPT, Size: 0, Align: 1 << 20, Compression: Zstd, Bmap: true,
		Partitions: []Partition{{Name: "boot", Type: "esp", Bootable: true, Image: "/in/p0/fs.img"}, {Name: "swap", Type: "swap", Size: 1 << 20}},
		RawWrites:  []RawWrite{{Offset: 0, File: "/in/r0/mbr.bin"}}, Out: "/out"},
	Kmods{Root: "/k", KernelVersion: "6.1.0-1-amd64", Out: "/out", Epoch: 6, Modules: []string{"ext4", "virtio_blk"}},
	EFISign{In: "/in/image", Signer: Signer{Cert: "/in/cert", Transit: &Transit{Addr: "https://vault:8200", Key: "db", Token: "/run/secrets/t"}}, Out: "/out/BOOTX64.EFI", Epoch: 7},
	UKI{Stub: "/in/stub", Linux: "/in/linux", Initrd: "/in/initrd", Cmdline: "console=ttyS0", Out: "/out/linux.efi", Epoch: 8},
	EFIVars{Template: "/in/template", PK: "/in/pk", KEK: []string{"/in/kek/0"}, DB: []string{"/in/db/0", "/in/db/1"}, Out: "/out", Name: "VARS.fd", Epoch: 9},
	ModSign{In: "/in", Signer: Signer{Cert: "/in/cert", Agent: &Agent{Socket: "/run/a.sock", ID: "hsm"}}, Out: "/out", Epoch: 11},
	AttestSign{In: []string{"/in/provenance.json", "/in/sbom.json"}, Signer: Signer{Cert: "/in/cert", Key: "/run/secrets/k"}, Out: "/out/t.intoto.jsonl", Epoch: 12},
	Sums{Src: "/src", Out: "/out", Name: "SHA256SUMS", Transit: &Transit{Addr: "http://127.0.0.1:8200", Key: "release", Token: "/t", OpenPGP: "/in/cert.asc"}, Epoch: 10},
}

// fresh returns a new zero request of r's type, as a pointer.
func fresh(r Request) Request {
	return reflect.New(reflect.TypeOf(r)).Interface().(Request)
}

// TestRoundTrip: what Args writes, Decode reads back as the same request,
// and writing it twice gives the same bytes.
func TestRoundTrip(t *testing.T) {
	for _, r := range everyRequest {
		args, err := Args("/cairn-helper", r)
		if err != nil {
			t.Fatalf("%s: %v", r.Command(), err)
		}
		if len(args) != 4 || args[0] != "/cairn-helper" || args[1] != r.Command() || args[2] != Flag {
			t.Fatalf("%s: args %q", r.Command(), args)
		}
		for range 100 {
			if again, _ := Args("/cairn-helper", r); !reflect.DeepEqual(again, args) {
				t.Fatalf("%s: two encodings differ:\n%s\n%s", r.Command(), args[3], again[3])
			}
		}
		back := fresh(r)
		if err := Decode(args[3], back); err != nil {
			t.Fatalf("%s: decode %s: %v", r.Command(), args[3], err)
		}
		if got := reflect.ValueOf(back).Elem().Interface(); !reflect.DeepEqual(got, r) {
			t.Errorf("%s: round trip gives %+v, want %+v", r.Command(), got, r)
		}
	}
}

// TestWireForm pins the JSON of one request, so a change to the format is
// a deliberate one (and the helper's version is bumped with it).
func TestWireForm(t *testing.T) {
	args, err := Args("/cairn-helper", Cpio{Src: "/src", Out: "/out/initrd.img", Epoch: epoch.Default, Compress: "zstd"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"src":"/src","out":"/out/initrd.img","epoch":315532800,"compress":"zstd"}`
	if args[3] != want {
		t.Errorf("got  %s\nwant %s", args[3], want)
	}
}

func TestDecodeStrict(t *testing.T) {
	for _, bad := range []string{
		`{"src":"/s","out":"/o","epoch":1,"prefix":"x"}`,     // a tar field in a cpio request
		`{"src":"/s","out":"/o","epoch":1} {}`,               // trailing data
		`{"src":"/s","out":"/o","epoch":-1}`,                 // negative epoch
		`{"src":"/s","out":"/o","epoch":1.5}`,                // fractional epoch
		`{"src":"/s","out":"/o","epoch":null}`,               // null epoch
		`{"src":"/s","out":"/o","epoch":1,"compress":"lz4"}`, // unknown compression
		`{"src":"/s","epoch":1}`,                             // no out
		`{"src":"/s","out":"/s/initrd","epoch":1}`,           // out inside src
		`["/s","/o"]`, // not an object
	} {
		var r Cpio
		if err := Decode(bad, &r); err == nil {
			t.Errorf("accepted %s as %+v", bad, r)
		}
	}
}

// TestDiskDecode is the disk spec's strict reading: the spec lives here,
// once, for the compiler and the helper.
func TestDiskDecode(t *testing.T) {
	good := `{"name":"x","table":"gpt","size":0,"align":1048576,"compression":"zstd","bmap":true,
		"partitions":[{"name":"boot","type":"esp","size":0,"offset":0,"bootable":false,"image":"/in/p0/boot.img"}],
		"raw_writes":[{"offset":0,"file":"/in/r0/mbr.bin"}],"out":"/out"}`
	var d Disk
	if err := Decode(good, &d); err != nil || d.Partitions[0].Image != "/in/p0/boot.img" || d.RawWrites[0].File != "/in/r0/mbr.bin" || d.Out != "/out" {
		t.Fatalf("%+v, %v", d, err)
	}
	for _, bad := range []string{
		`{"name":"x","table":"gpt","label":"y","out":"/o"}`,
		`{"name":"x","table":"gpt","partitions":[{"type":"esp","size":0,"fs":"vfat"}],"out":"/o"}`,
		`{"name":"x","table":"gpt","out":"/o"} {}`,
		`{"name":"../x","table":"gpt","out":"/o"}`,
		`{"name":"x","table":"gpt","compression":"gzip","out":"/o"}`,
		`{"name":"x","table":"gpt","size":1000,"out":"/o"}`,
		`{"name":"x","table":"gpt","partitions":[{"name":"a","type":"linux","offset":1000,"image":"/i"}],"out":"/o"}`,
		`{"name":"x","table":"gpt"}`,
	} {
		var d Disk
		if err := Decode(bad, &d); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// TestEpochFallback: a request written by hand without an epoch gets
// SOURCE_DATE_EPOCH, or the default; one with an epoch keeps it, even 0.
func TestEpochFallback(t *testing.T) {
	decode := func(doc string) (epoch.Epoch, error) {
		var r Tar
		err := Decode(doc, &r)
		return r.Epoch, err
	}
	noEpoch, zero := `{"src":"/s","out":"/o"}`, `{"src":"/s","out":"/o","epoch":0}`
	for _, tc := range []struct {
		env, doc string
		want     epoch.Epoch
		fails    bool
	}{
		{"", noEpoch, epoch.Default, false},
		{"123", noEpoch, 123, false},
		{"junk", noEpoch, 0, true},
		{"junk", zero, 0, false},
		{"123", zero, 0, false},
	} {
		t.Setenv("SOURCE_DATE_EPOCH", tc.env)
		got, err := decode(tc.doc)
		if (err != nil) != tc.fails || err == nil && got != tc.want {
			t.Errorf("SOURCE_DATE_EPOCH=%q %s: %d, %v; want %d (fails %v)", tc.env, tc.doc, got, err, tc.want, tc.fails)
		}
	}
}

func TestChecks(t *testing.T) {
	src := t.TempDir()
	for _, tc := range []struct {
		r    Request
		want string
	}{
		{Tar{Out: "/o"}, "src is required"},
		{Tar{Src: src, Out: filepath.Join(src, "a.tar")}, "is inside source directory"},
		{Cpio{Src: src, Out: "/o", Compress: "lz4"}, `compress "lz4": want none, gzip, zstd or xz`},
		{DebUnpack{}, "packages is empty"},
		{DebUnpack{Packages: []Deb{{File: "/a.deb"}}}, "package out is required"},
		{OCI{Out: "/o"}, "images is empty"},
		{OCI{Out: "/o", Images: []OCIImage{{OS: "linux", Root: "/r"}}}, "image architecture is required"},
		{ISO{Src: src, Out: "/o"}, "volume_id is required"},
		{ISO{Src: src, Out: "/o", VolumeID: "X", MaxVolumeSize: -1}, "max_volume_size must not be negative"},
		{Mkfs{Src: src, Out: "/o", Type: "zfs"}, `type "zfs": want fat, fat32, ext4 or squashfs`},
		{Mkfs{Src: src, Out: "/o", Type: "fat", Offset: -512}, "offset must not be negative"},
		{Kmods{Root: "/k", Out: "/o"}, "modules is empty"},
		{Kmods{Out: "/o", Modules: []string{"ext4"}}, "root is required"},
		{Disk{Name: "d", Table: GPT}, "out is required"},
		{Disk{Name: "d", Table: "apm", Out: "/o"}, `table is "apm"`},
		{EFISign{In: "/i", Out: "/o", Signer: Signer{Cert: "/c"}}, "want one of key, transit and agent"},
		{EFISign{In: "/i", Out: "/o", Signer: Signer{Cert: "/c", Key: "/k", Transit: &Transit{}}}, "want one of key, transit and agent"},
		{EFISign{In: "/i", Out: "/o", Signer: Signer{Cert: "/c", Agent: &Agent{Socket: "/s"}}}, "agent wants socket and id"},
		{EFISign{In: "/i", Out: "/o", Signer: Signer{Cert: "/c", Transit: &Transit{Addr: "https://v", Key: "db"}}}, "transit.token is required"},
		{UKI{Stub: "/s", Out: "/o"}, "linux is required"},
		{ModSign{In: "/in", Out: "/in/o", Signer: Signer{Cert: "/c", Key: "/k"}}, "is inside in"},
		{ModSign{In: "/in", Out: "/o", Signer: Signer{Cert: "/c"}}, "want one of key, transit and agent"},
		{EFIVars{Template: "/t", PK: "/p", Out: "/o", Name: "V.fd", KEK: []string{"/k"}}, "kek and db need a certificate each"},
		{Sums{Src: src, Out: "/o", Name: "S", Transit: &Transit{Addr: "https://v", Key: "k", Token: "/t"}}, "transit.openpgp is required"},
	} {
		if err := tc.r.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: %v, want %q", tc.r.Command(), tc.r, err, tc.want)
		}
	}
	for _, r := range everyRequest {
		if r.Command() == "tar" || r.Command() == "cpio" || r.Command() == "iso" || r.Command() == "mkfs" || r.Command() == "sums" {
			continue // their Src does not exist here, which Check does not mind
		}
		if err := r.Check(); err != nil {
			t.Errorf("%s: %v", r.Command(), err)
		}
	}
}

func TestTooLong(t *testing.T) {
	many := make([]string, 20000)
	for i := range many {
		many[i] = "module_name"
	}
	if _, err := Args("/cairn-helper", Kmods{Root: "/k", Out: "/o", Modules: many}); err == nil || !strings.Contains(err.Error(), "over the 131071 bytes") {
		t.Errorf("a 260 KB request: %v", err)
	}
}

// TestNoMaps: every request type is structs, slices and scalars (and
// optional structs, by pointer: null or the struct), so its JSON has one
// field order and the LLB is deterministic.
func TestNoMaps(t *testing.T) {
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, at string) {
		if ty.Kind() == reflect.Pointer && ty.Elem().Kind() == reflect.Struct {
			ty = ty.Elem()
		}
		switch ty.Kind() {
		case reflect.Map, reflect.Interface, reflect.Pointer, reflect.Func, reflect.Chan, reflect.Float32, reflect.Float64:
			t.Errorf("%s is a %s", at, ty.Kind())
		case reflect.Slice:
			walk(ty.Elem(), at+"[]")
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				if f.Anonymous && f.Type.Kind() == reflect.Struct {
					walk(f.Type, at) // embedded: its fields are the request's
					continue
				}
				if tag := f.Tag.Get("json"); tag == "" || tag == "-" {
					t.Errorf("%s.%s has no JSON name", at, f.Name)
				}
				walk(f.Type, at+"."+f.Name)
			}
		}
	}
	for _, r := range everyRequest {
		walk(reflect.TypeOf(r), r.Command())
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("%s: %v", r.Command(), err)
		}
	}
}
