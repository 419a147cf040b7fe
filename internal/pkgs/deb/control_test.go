package deb

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readAll reads every paragraph of s, rendering each as its fields.
func readAll(s string) ([][]Field, error) {
	r := NewReader(strings.NewReader(s))
	var out [][]Field
	for {
		p, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, p.Fields())
	}
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     [][]Field
	}{
		{"empty", "", nil},
		{"only blank lines", "\n \n\t\n", nil},
		{"one", "A: 1\nB: two words \n", [][]Field{{{"A", "1", 1}, {"B", "two words", 2}}}},
		{"no final newline", "A: 1\n\nB: 2", [][]Field{{{"A", "1", 1}}, {{"B", "2", 3}}}},
		{"many blank lines", "\n\nA: 1\n\n\n \t \nB: 2\n\n", [][]Field{{{"A", "1", 3}}, {{"B", "2", 7}}}},
		{"no space after colon", "A:1\nB:\n", [][]Field{{{"A", "1", 1}, {"B", "", 2}}}},
		{"colon in value", "URIs: http://mirror.example/debian\n", [][]Field{{{"URIs", "http://mirror.example/debian", 1}}}},
		{"continuation", "Description: short\n long one\n .\n\tthird  \nX: y\n",
			[][]Field{{{"Description", "short\n long one\n .\n\tthird", 1}, {"X", "y", 5}}}},
		{"empty first line", "SHA256:\n abc 1 f\n def 2 g\n", [][]Field{{{"SHA256", "\n abc 1 f\n def 2 g", 1}}}},
		{"comments", "# head\nTypes: deb\n# inside\nURIs: u\n#\n\n# between\n\nA: b\n",
			[][]Field{{{"Types", "deb", 2}, {"URIs", "u", 4}}, {{"A", "b", 9}}}},
		{"comment between continuations", "A: x\n y\n# c\n z\n", [][]Field{{{"A", "x\n y\n z", 1}}}},
		{"comment-only paragraph", "# a\n\n# b\n", nil},
		{"CRLF", "A: 1\r\nB: x\r\n y\r\n\r\nC: 3\r\n", [][]Field{{{"A", "1", 1}, {"B", "x\n y", 2}}, {{"C", "3", 5}}}},
		{"case kept", "pAcKaGe: x\n", [][]Field{{{"pAcKaGe", "x", 1}}}},
		{"whitespace-only line ends field", "A: x\n \nB: y\n", [][]Field{{{"A", "x", 1}}, {{"B", "y", 3}}}},
	} {
		got, err := readAll(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		msg  string
	}{
		{"A: 1\nno colon here\n", 2, "expected \"Name: value\""},
		{" leading: continuation\n", 1, "outside a field"},
		{"A: 1\n\n\tB: 2\n", 3, "outside a field"},
		{": empty name\n", 1, "is empty"},
		{"Bad Name: x\n", 1, "contains a space"},
		{"-----BEGIN PGP SIGNED MESSAGE-----\n", 1, "OpenPGP armor"},
		{"A: 1\n-B: 2\n", 2, "starts with '-'"},
		{"A: 1\nB: 2\na: 3\n", 3, "duplicate field \"a\" (first at line 1)"},
		{"A: 1\n\nA: 2\nX\xff: 1\n", 4, "non-ASCII"},
	} {
		_, err := readAll(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q: got %v, want line %d: ...%s...", tc.in, err, tc.line, tc.msg)
		}
	}
}

func TestReaderStickyError(t *testing.T) {
	r := NewReader(strings.NewReader("A: 1\n\nbad\n\nB: 2\n"))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Next()
	_, err2 := r.Next()
	if err1 == nil || err1 != err2 {
		t.Fatalf("errors %v then %v, want the same error twice", err1, err2)
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	got, err := readAll("A: " + long + "\n " + long + "\nB: 1\n")
	if err != nil || len(got) != 1 || got[0][0].Value != long+"\n "+long || got[0][1].Line != 3 {
		t.Fatalf("long lines: err %v, %d paragraphs", err, len(got))
	}
}

func TestParagraphAccessors(t *testing.T) {
	r := NewReader(strings.NewReader("\n# c\nPackage: hello\nDescription: greet\n the world\n .\n  kindly\n"))
	p, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if p.Get("package") != "hello" || p.Get("PACKAGE") != "hello" || p.Get("Missing") != "" || p.Line() != 3 {
		t.Errorf("Get/Line: %q %q %d", p.Get("package"), p.Get("Missing"), p.Line())
	}
	if _, ok := p.Lookup("missing"); ok {
		t.Error("Lookup found a missing field")
	}
	if got, want := p.Lines("description"), []string{"greet", "the world", "", " kindly"}; !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	want := "Package: hello\nDescription: greet\n the world\n .\n  kindly\n"
	if p.String() != want {
		t.Errorf("String = %q, want %q", p.String(), want)
	}
	p.Fields()[0].Name = "changed"
	if p.Get("Package") != "hello" {
		t.Error("Fields exposes the paragraph's storage")
	}
}

// TestReaderDpkgStatus reads the host's dpkg database and checks it
// against dpkg-query's view of the same file.
func TestReaderDpkgStatus(t *testing.T) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Package}:${Architecture} ${Version}\n").Output()
	if err != nil {
		t.Skipf("dpkg-query: %v", err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "\n")
	f, err := os.Open("/var/lib/dpkg/status")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var got []string
	r := NewReader(bufio.NewReader(f))
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Get("Package")+":"+p.Get("Architecture")+" "+p.Get("Version"))
		if _, err := PackageFromParagraph(p, "status"); err != nil {
			t.Error(err)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("status has %d packages, dpkg-query lists %d; first few: %q vs %q", len(got), len(want), got[:3], want[:3])
	}
}

// TestReaderHostRelease reads the Release part of apt's InRelease files:
// multi-line hash lists with an empty first line.
func TestReaderHostRelease(t *testing.T) {
	files, _ := filepath.Glob("/var/lib/apt/lists/*_InRelease")
	if len(files) == 0 {
		t.Skip("no InRelease files in /var/lib/apt/lists")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := readAll(signedText(string(data)))
		if err != nil || len(ps) != 1 {
			t.Fatalf("%s: %d paragraphs, %v", file, len(ps), err)
		}
		p := &Paragraph{fields: ps[0]}
		sums := p.Lines("SHA256")
		if p.Get("Suite") == "" || len(sums) < 3 || sums[0] != "" || len(strings.Fields(sums[1])) != 3 {
			t.Errorf("%s: Suite %q, SHA256 lines %q", file, p.Get("Suite"), sums[:min(3, len(sums))])
		}
	}
}

// signedText extracts the clear-signed text of an OpenPGP message.
func signedText(msg string) string {
	_, body, _ := strings.Cut(msg, "\n\n")
	body, _, _ = strings.Cut(body, "-----BEGIN PGP SIGNATURE-----")
	return strings.ReplaceAll(body, "\n- ", "\n")
}

// TestReaderHostSources reads apt's deb822 source lists, comments and all.
func TestReaderHostSources(t *testing.T) {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	if len(files) == 0 {
		t.Skip("no .sources files")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := readAll(string(data))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, fields := range ps {
			if p := (&Paragraph{fields: fields}); p.Get("URIs") == "" || p.Get("Suites") == "" {
				t.Errorf("%s: paragraph without URIs or Suites: %+v", file, fields)
			}
		}
	}
}
