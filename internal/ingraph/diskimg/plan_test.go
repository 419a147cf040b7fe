package diskimg

import (
	"strings"
	"testing"
)

const (
	kib = int64(1) << 10
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// planSpec plans spec with the given image sizes and raw-write sizes.
func planSpec(spec *Spec, imageSizes, rawSizes []int64) (*layout, error) {
	if err := spec.CheckSpec(); err != nil {
		return nil, err
	}
	if rawSizes == nil {
		rawSizes = make([]int64, len(spec.RawWrites))
	}
	return plan(spec, imageSizes, rawSizes)
}

func TestPlanDefaults(t *testing.T) {
	spec := &Spec{Name: "d", Table: GPT, Partitions: []Partition{
		{Name: "esp", Type: "esp", Image: "a"},
		{Name: "root", Type: "linux", Image: "b"},
		{Name: "data", Type: "linux", Size: 8 * mib},
		{Name: "fixed", Type: "linux", Offset: 100 * mib, Image: "c"},
		{Name: "after", Type: "swap", Size: mib},
	}}
	l, err := planSpec(spec, []int64{3*mib + 1, 10 * mib, 0, 512, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int64{{mib, 4 * mib}, {5 * mib, 10 * mib}, {15 * mib, 8 * mib}, {100 * mib, mib}, {101 * mib, mib}}
	for i, p := range l.parts {
		if got := [2]int64{p.Offset, p.Size}; got != want[i] {
			t.Errorf("partition %d: offset, size = %v, want %v", i+1, got, want[i])
		}
	}
	// 102 MiB of partitions plus the backup GPT, rounded up to 1 MiB.
	if l.size != 103*mib {
		t.Errorf("disk size %d, want %d", l.size, 103*mib)
	}
}

func TestPlanSmallAlign(t *testing.T) {
	for _, tc := range []struct {
		table       string
		first, size int64
	}{
		{GPT, 34 * sector, (34 + 2 + 33) * sector},
		{MBR, sector, 3 * sector},
	} {
		spec := &Spec{Name: "d", Table: tc.table, Align: sector, Partitions: []Partition{{Type: "linux", Image: "x"}}}
		l, err := planSpec(spec, []int64{1000}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if l.parts[0].Offset != tc.first || l.size != tc.size {
			t.Errorf("%s: first partition at %d, disk %d; want %d, %d", tc.table, l.parts[0].Offset, l.size, tc.first, tc.size)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	five := make([]Partition, 5)
	for i := range five {
		five[i] = Partition{Type: "linux", Size: mib}
	}
	for name, tc := range map[string]struct {
		spec   Spec
		images []int64
		raws   []int64
		want   string
	}{
		"partition too small": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "root", Type: "linux", Size: gib, Image: "r"}}},
			[]int64{1288490188}, nil,
			`partition "root" needs at least 1.2 GiB (1288490188 bytes) for its contents; size is 1 GiB: raise size=`,
		},
		"disk too small": {
			Spec{Table: GPT, Size: 4 * mib, Partitions: []Partition{{Name: "root", Type: "linux", Size: 3 * mib}}},
			[]int64{0}, nil,
			`disk size is 4 MiB but the partitions, raw writes and table need at least 4 MiB (4211200 bytes): raise size=`,
		},
		"overlap": {
			Spec{Table: GPT, Partitions: []Partition{
				{Name: "a", Type: "linux", Size: 2 * mib, Offset: mib},
				{Name: "b", Type: "linux", Size: mib, Offset: 2 * mib}}},
			[]int64{0, 0}, nil,
			`partition "b" (bytes 2097152-3145727) overlaps partition "a" (bytes 1048576-3145727)`,
		},
		"partition over primary GPT": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "a", Type: "linux", Size: mib, Offset: 8192}}},
			[]int64{0}, nil,
			`partition "a" (bytes 8192-1056767) overlaps the primary GPT header and partition entries (bytes 512-17407)`,
		},
		"raw write over GPT": {
			Spec{Table: GPT, RawWrites: []RawWrite{{Offset: 8192, File: "/in/u-boot.bin"}}},
			nil, []int64{600000},
			`raw write "/in/u-boot.bin" (bytes 8192-608191) overlaps the primary GPT header and partition entries (bytes 512-17407)`,
		},
		"raw write over MBR table": {
			Spec{Table: MBR, RawWrites: []RawWrite{{Offset: 0, File: "mbr.bin"}}},
			nil, []int64{512},
			`raw write "mbr.bin" (bytes 0-511) overlaps the MBR partition table (bytes 440-511)`,
		},
		"raw write over partition": {
			Spec{Table: MBR, Partitions: []Partition{{Name: "p", Type: "linux", Size: mib}},
				RawWrites: []RawWrite{{Offset: 8192, File: "spl"}}},
			[]int64{0}, []int64{2 * mib},
			`partition "p" (bytes 1048576-2097151) overlaps raw write "spl" (bytes 8192-2105343)`,
		},
		"unknown GPT type": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "p", Type: "ext4", Size: mib}}},
			[]int64{0}, nil,
			`partition "p": unknown GPT partition type "ext4": want one of "bios-boot", "esp", "fat32", "linux", "linux-root-arm64", "linux-root-x86-64", "msdata", "swap", "xbootldr" or a non-zero GUID`,
		},
		"unknown MBR type": {
			Spec{Table: MBR, Partitions: []Partition{{Name: "p", Type: "xbootldr", Size: mib}}},
			[]int64{0}, nil,
			`partition "p": unknown MBR partition type "xbootldr": want one of "esp", "fat16", "fat32", "linux", "swap" or a literal like "0x0c"`,
		},
		"five MBR partitions": {
			Spec{Table: MBR, Partitions: five}, make([]int64, 5), nil,
			`an MBR table holds at most 4 partitions, the spec has 5: use table = "gpt"`,
		},
		"misaligned offset": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "p", Type: "linux", Size: mib, Offset: mib + 100}}},
			[]int64{0}, nil,
			`partition "p": offset 1048676 is not aligned to 512 bytes`,
		},
		"empty image": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "p", Type: "linux", Image: "/in/empty"}}},
			[]int64{0}, nil,
			`partition "p": image /in/empty is empty: give the partition a size`,
		},
		"no image no size": {
			Spec{Table: GPT, Partitions: []Partition{{Name: "p", Type: "linux"}}},
			[]int64{0}, nil,
			`partition "p" has no image and no size: give it a size`,
		},
		"long name": {
			Spec{Table: GPT, Partitions: []Partition{{Name: strings.Repeat("n", 37), Type: "linux", Size: mib}}},
			[]int64{0}, nil,
			`name is 37 UTF-16 code units long; GPT allows at most 36`,
		},
		"MBR beyond 2 TiB": {
			Spec{Table: MBR, Partitions: []Partition{{Name: "huge", Type: "linux", Size: 2048 * gib}}},
			[]int64{0}, nil,
			`partition "huge" ends at 2 TiB (2199024304128 bytes), beyond the 2 TiB an MBR can address: use table = "gpt"`,
		},
		"bad table": {Spec{Table: "apm"}, nil, nil, `table is "apm"; want "gpt" or "mbr"`},
		"bad align": {Spec{Table: GPT, Align: 1000}, nil, nil, `align 1000 is not a positive multiple of 512 bytes`},
	} {
		tc.spec.Name = "d"
		_, err := planSpec(&tc.spec, tc.images, tc.raws)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v\nwant it to contain %s", name, err, tc.want)
		}
	}
}

func TestPlanBootcodeRawWrite(t *testing.T) {
	for _, table := range []string{GPT, MBR} {
		spec := &Spec{Name: "d", Table: table, RawWrites: []RawWrite{{Offset: 0, File: "mbr.bin"}}}
		if _, err := planSpec(spec, nil, []int64{440}); err != nil {
			t.Errorf("%s: 440 bytes of boot code: %v", table, err)
		}
	}
}

func TestTypes(t *testing.T) {
	for _, tc := range []struct{ table, in, want string }{
		{GPT, "linux", "0FC63DAF-8483-4772-8E79-3D69D8477DE4"},
		{GPT, "msdata", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"},
		{GPT, "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"},
		{MBR, "fat32", "0x0c"},
		{MBR, "0xEF", "0xef"},
		{MBR, "0x7", "0x07"},
	} {
		got, err := resolveType(tc.table, tc.in)
		if err != nil || got.text != tc.want {
			t.Errorf("%s %q: %q, %v; want %q", tc.table, tc.in, got.text, err, tc.want)
		}
	}
	for _, tc := range []struct{ table, in string }{
		{GPT, "00000000-0000-0000-0000-000000000000"}, {GPT, "0FC63DAF84834772"}, {GPT, ""},
		{MBR, "0x00"}, {MBR, "0x05"}, {MBR, "0x100"}, {MBR, "83"}, {MBR, "0xzz"},
	} {
		if _, err := resolveType(tc.table, tc.in); err == nil {
			t.Errorf("%s %q: accepted", tc.table, tc.in)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 512: "512 B", 1536: "1.5 KiB", gib: "1 GiB", 1288490188: "1.2 GiB (1288490188 bytes)",
		3 * gib / 2: "1.5 GiB", 2048 * gib: "2 TiB", 4211200: "4 MiB (4211200 bytes)",
	} {
		if got := sizeShort(n); got != want {
			t.Errorf("sizeShort(%d) = %q, want %q", n, got, want)
		}
	}
}
