package kmod

import "github.com/cairn-build/cairn/internal/suggest"

// maxSuggestions is how many near names an unknown-module error offers.
const maxSuggestions = 3

// nearest returns up to maxSuggestions of names closest to want, nearest
// first and ties in byte order (internal/suggest's distance).
func nearest(want string, names []string) []string {
	return suggest.Ranked(want, names, maxSuggestions)
}
