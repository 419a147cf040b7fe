package stdlib

import (
	"net/url"
	"path"

	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
	"go.starlark.net/starlark"
)

var httpBuiltin = Builtin{
	Name:    "http",
	Summary: "A file downloaded over HTTP(S), pinned by its SHA-256.",
	Params: []Param{
		{Name: "url", Type: "string", Doc: "http:// or https:// URL"},
		{Name: "sha256", Type: "string", Doc: `expected digest, "sha256:<hex>" or bare hex; a download with another digest fails the build`},
		{Name: "name", Type: "string", Default: "last URL path element", Doc: "file name inside the artifact"},
	},
	Returns: "artifact holding one file",
	Doc: "The download runs inside BuildKit and is cached by digest. The file's mtime is " +
		"SOURCE_DATE_EPOCH, not the server's Last-Modified, so the output does not depend on when it was fetched.",
	Example: `kernel = http("https://example.org/vmlinuz", sha256 = "sha256:...")`,
	fn:      httpFn,
}

type httpNode struct {
	at
	url, sum, name string
}

func httpFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var rawURL string
	sum := sha256Sum{}
	name := relPath{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "url", &rawURL, "sha256", &sum, "name?", &name); err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errParam("http", "url", quote(rawURL), "an http:// or https:// URL")
	}
	if name.v == "" {
		name.v = path.Base(u.Path)
		if name.v == "/" || name.v == "." {
			return nil, errParam("http", "name", `""`, "a file name (the URL has no last path element to use)")
		}
	}
	n := &httpNode{at: at{callPos(t)}, url: rawURL, sum: sum.v, name: name.v}
	return newFileArtifact(n, "http("+quote(rawURL)+")", name.v), nil
}

func (n *httpNode) compile(c *Compiler) (llb.State, error) {
	if d, err := digest.Parse(n.sum); err == nil {
		c.recordSource(n.url, d.Algorithm().String(), d.Encoded())
	}
	src := llb.HTTP(n.url, llb.Checksum(digest.Digest(n.sum)), llb.Filename("f"),
		llb.WithCustomName("http "+n.url), c.loc(n.p))
	cp := llb.Copy(src, "/f", "/"+n.name, &llb.CopyInfo{CreateDestPath: true, ChownOpt: rootOwner()}, c.created())
	return llb.Scratch().File(cp, llb.WithCustomName("http "+n.name), c.loc(n.p)), nil
}
