package resolve

import "testing"

// TestSplit: the base is what the variant alone pulls in, closed under
// dependencies even where a requested package needs the same packages;
// the rest is what the request adds, each part in configure order.
func TestSplit(t *testing.T) {
	u := universe(
		mk(t, "bash", "1", "Essential: yes", "Pre-Depends: libc"),
		mk(t, "libc", "1", "Priority: required"),
		mk(t, "apt", "1", "Depends: libc, libapt"),
		mk(t, "libapt", "1", "Depends: libz"),
		mk(t, "libz", "1"),
		mk(t, "hello", "1", "Depends: libc, libz, libhello"),
		mk(t, "libhello", "1"),
	)
	base := Request{Essential: true, Priorities: []string{"required"}, Install: []string{"apt"}}
	full := base
	full.Install = []string{"hello", "apt"}
	r, err := u.Resolve(full)
	if err != nil {
		t.Fatal(err)
	}
	first, rest := r.Split(base)
	if got, want := names(first), "libc=1 bash=1 libz=1 libapt=1 apt=1"; got != want {
		t.Errorf("first: got  %s\nwant %s", got, want)
	}
	if got, want := names(rest), "libhello=1 hello=1"; got != want {
		t.Errorf("rest: got  %s\nwant %s", got, want)
	}

	// Nothing to add, or no base: one part.
	r, _ = u.Resolve(base)
	if first, rest := r.Split(base); rest != nil || len(first) != 5 {
		t.Errorf("base alone: %s | %s", names(first), names(rest))
	}
	r, _ = u.Resolve(Request{Install: []string{"hello"}})
	if first, rest := r.Split(Request{}); rest != nil || len(first) != 4 {
		t.Errorf("no base: %s | %s", names(first), names(rest))
	}
}
