package rpm

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// vercmpCases are rpm's own (tests/rpmvercmp.at of rpm 4.18).
var vercmpCases = []struct {
	a, b string
	want int
}{
	{"1.0", "1.0", 0}, {"1.0", "2.0", -1}, {"2.0", "1.0", 1},
	{"2.0.1", "2.0.1", 0}, {"2.0", "2.0.1", -1}, {"2.0.1", "2.0", 1},
	{"2.0.1a", "2.0.1a", 0}, {"2.0.1a", "2.0.1", 1}, {"2.0.1", "2.0.1a", -1},
	{"5.5p1", "5.5p1", 0}, {"5.5p1", "5.5p2", -1}, {"5.5p2", "5.5p1", 1},
	{"5.5p10", "5.5p10", 0}, {"5.5p1", "5.5p10", -1}, {"5.5p10", "5.5p1", 1},
	{"10xyz", "10.1xyz", -1}, {"10.1xyz", "10xyz", 1},
	{"xyz10", "xyz10", 0}, {"xyz10", "xyz10.1", -1}, {"xyz10.1", "xyz10", 1},
	{"xyz.4", "xyz.4", 0}, {"xyz.4", "8", -1}, {"8", "xyz.4", 1}, {"xyz.4", "2", -1}, {"2", "xyz.4", 1},
	{"5.5p2", "5.6p1", -1}, {"5.6p1", "5.5p2", 1}, {"5.6p1", "6.5p1", -1}, {"6.5p1", "5.6p1", 1},
	{"6.0.rc1", "6.0", 1}, {"6.0", "6.0.rc1", -1},
	{"10b2", "10a1", 1}, {"10a2", "10b2", -1},
	{"1.0aa", "1.0aa", 0}, {"1.0a", "1.0aa", -1}, {"1.0aa", "1.0a", 1},
	{"10.0001", "10.0001", 0}, {"10.0001", "10.1", 0}, {"10.1", "10.0001", 0},
	{"10.0001", "10.0039", -1}, {"10.0039", "10.0001", 1},
	{"4.999.9", "5.0", -1}, {"5.0", "4.999.9", 1},
	{"20101121", "20101121", 0}, {"20101121", "20101122", -1}, {"20101122", "20101121", 1},
	{"2_0", "2_0", 0}, {"2.0", "2_0", 0}, {"2_0", "2.0", 0},
	{"a", "a", 0}, {"a+", "a+", 0}, {"a+", "a_", 0}, {"a_", "a+", 0},
	{"+a", "+a", 0}, {"+a", "_a", 0}, {"_a", "+a", 0},
	{"+_", "+_", 0}, {"_+", "+_", 0}, {"_+", "_+", 0}, {"+", "_", 0}, {"_", "+", 0},
	{"1.0~rc1", "1.0~rc1", 0}, {"1.0~rc1", "1.0", -1}, {"1.0", "1.0~rc1", 1},
	{"1.0~rc1", "1.0~rc2", -1}, {"1.0~rc2", "1.0~rc1", 1},
	{"1.0~rc1~git123", "1.0~rc1~git123", 0}, {"1.0~rc1~git123", "1.0~rc1", -1}, {"1.0~rc1", "1.0~rc1~git123", 1},
	{"1.0^", "1.0^", 0}, {"1.0^", "1.0", 1}, {"1.0", "1.0^", -1},
	{"1.0^git1", "1.0^git1", 0}, {"1.0^git1", "1.0", 1}, {"1.0", "1.0^git1", -1},
	{"1.0^git1", "1.0^git2", -1}, {"1.0^git2", "1.0^git1", 1},
	{"1.0^git1", "1.01", -1}, {"1.01", "1.0^git1", 1},
	{"1.0^20160101", "1.0^20160101", 0}, {"1.0^20160101", "1.0.1", -1}, {"1.0.1", "1.0^20160101", 1},
	{"1.0^20160101^git1", "1.0^20160101^git1", 0}, {"1.0^20160102", "1.0^20160101^git1", 1}, {"1.0^20160101^git1", "1.0^20160102", -1},
	{"1.0~rc1^git1", "1.0~rc1^git1", 0}, {"1.0~rc1^git1", "1.0~rc1", 1}, {"1.0~rc1", "1.0~rc1^git1", -1},
	{"1.0^git1~pre", "1.0^git1~pre", 0}, {"1.0^git1", "1.0^git1~pre", 1}, {"1.0^git1~pre", "1.0^git1", -1},
	{"1b.fc17", "1b.fc17", 0}, {"1b.fc17", "1.fc17", -1}, {"1.fc17", "1b.fc17", 1},
	{"1g.fc17", "1g.fc17", 0}, {"1g.fc17", "1.fc17", 1}, {"1.fc17", "1g.fc17", -1},
}

func TestVercmp(t *testing.T) {
	for _, c := range vercmpCases {
		if got := Vercmp(c.a, c.b); got != c.want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestEVR(t *testing.T) {
	for _, c := range []struct {
		s    string
		want EVR
	}{
		{"1.0-1", EVR{"", "1.0", "1"}},
		{"2:1.0-1.fc40", EVR{"2", "1.0", "1.fc40"}},
		{"1.0", EVR{"", "1.0", ""}},
		{"a:b-c-d", EVR{"", "a:b-c", "d"}},
	} {
		if got := ParseEVR(c.s); got != c.want || (c.s != "a:b-c-d" && got.String() != c.s) {
			t.Errorf("ParseEVR(%q) = %+v (%s), want %+v", c.s, got, got, c.want)
		}
	}
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1:1.0-1", "2.0-1", 1}, {"0:1.0-1", "1.0-1", 0}, {"01:1.0-1", "1:1.0-1", 0},
		{"1.0", "1.0-5", 0}, {"1.0-5", "1.0-6", -1}, {"1.0-10", "1.0-9", 1},
	} {
		if got := CompareEVR(ParseEVR(c.a), ParseEVR(c.b)); got != c.want {
			t.Errorf("CompareEVR(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestVercmpAgainstRPM orders random versions built from the characters
// that matter (digits, letters, separators, '~', '^') with rpm's own
// labelCompare (python3-rpm, as make setup installs it) and with Vercmp.
func TestVercmpAgainstRPM(t *testing.T) {
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil || exec.Command(py, "-c", "import rpm").Run() != nil {
		t.Skip("python3-rpm is not installed (make setup installs it)")
	}
	r := rand.New(rand.NewPCG(17, 4))
	const alphabet = "0012399aabz.._~^"
	gen := func() string {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	type pair struct{ a, b string }
	var pairs []pair
	var in bytes.Buffer
	for range 5000 {
		p := pair{gen(), gen()}
		pairs = append(pairs, p)
		fmt.Fprintf(&in, "%s\t%s\n", p.a, p.b)
	}
	cmd := exec.Command(py, "-c", `import rpm, sys
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    try:
        print(rpm.labelCompare(("0", a, "1"), ("0", b, "1")))
    except ValueError:
        print("invalid")`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	answers := strings.Fields(string(out))
	if len(answers) != len(pairs) {
		t.Fatalf("rpm answered %d of %d pairs", len(answers), len(pairs))
	}
	wrong, compared := 0, 0
	for i, p := range pairs {
		want, err := strconv.Atoi(answers[i])
		if err != nil {
			continue // a version rpm refuses to parse
		}
		compared++
		if got := Vercmp(p.a, p.b); got != want && wrong < 20 {
			wrong++
			t.Errorf("Vercmp(%q, %q) = %d, rpm says %d", p.a, p.b, got, want)
		}
	}
	t.Logf("%d pairs compared with rpm, %d it refused to parse", compared, len(pairs)-compared)
	if compared < len(pairs)/2 {
		t.Errorf("rpm compared only %d of %d pairs", compared, len(pairs))
	}
}
