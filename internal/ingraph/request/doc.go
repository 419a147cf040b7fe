// Package request is the contract between cairn's compiler (stdlib), which
// writes helper invocations into the build graph, and the in-graph helper
// (cmd/cairn-helper), which carries them out: one typed request per helper
// subcommand. Both sides use these structs, so a field exists once; nothing
// is printed into a flag by one side and parsed back by the other, and the
// SOURCE_DATE_EPOCH travels as an epoch.Epoch, not as text.
//
// The wire form is one exec argument: `cairn-helper COMMAND --request JSON`,
// written by [Args] and read by [Decode]. An argument rather than a file
// mounted into the step, because the request then sits in the exec op
// itself: it is part of the op's cache key with no extra file op, it reads
// plainly in the golden LLB dumps, and the helper needs no path to find it.
// The JSON is deterministic, so the LLB is: encoding/json writes struct
// fields in declaration order and no request holds a map.
//
// Decode is strict (an unknown field is an error, so a helper older than the
// compiler fails loudly instead of ignoring what it was asked) and runs each
// request's Check, which rejects what the helper cannot serve before any file
// is touched. The package holds types and their checks only, importing
// nothing but the standard library and internal/epoch, so stdlib links none
// of the writers and the helper stays small.
package request
