package diskimg

import (
	"fmt"
	"math"
	"strings"
)

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int64) int64 {
	return (n + m - 1) / m * m
}

// humanSize renders n bytes with binary units and one decimal, dropping a
// trailing ".0": "512 B", "1.5 KiB", "1 GiB", "1.2 GiB". exact reports
// whether no rounding happened.
func humanSize(n int64) (s string, exact bool) {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d B", n), true
	}
	// Dividing by powers of two is exact in floating point.
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v, u = v/1024, u+1
	}
	s = strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	return s + " " + units[u:u+1] + "iB", v*10 == math.Trunc(v*10)
}

// sizeShort renders n bytes as humanSize does, adding the exact count
// when the short form is rounded: "1 GiB", "1.2 GiB (1288490188 bytes)".
func sizeShort(n int64) string {
	if s, exact := humanSize(n); exact {
		return s
	}
	return sizeText(n)
}

// sizeText renders n bytes as "1.2 GiB (1288490188 bytes)".
func sizeText(n int64) string {
	s, _ := humanSize(n)
	return fmt.Sprintf("%s (%d bytes)", s, n)
}
