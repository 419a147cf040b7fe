package stdlib

import (
	"testing"

	"go.starlark.net/starlark"
)

// TestInlineFragment: an inline dict is written as a fragment file,
// sorted, CONFIG_ added where missing, "n" in Kconfig's spelling.
func TestInlineFragment(t *testing.T) {
	d := starlark.NewDict(3)
	d.SetKey(starlark.String("SWAP"), starlark.String("n"))
	d.SetKey(starlark.String("CONFIG_SERIAL_8250"), starlark.String("y"))
	d.SetKey(starlark.String("CMDLINE"), starlark.String(`"console=ttyS0"`))
	got, err := inlineFragment(d)
	want := "# CONFIG_SWAP is not set\nCONFIG_CMDLINE=\"console=ttyS0\"\nCONFIG_SERIAL_8250=y\n"
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
}
