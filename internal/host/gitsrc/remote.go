package gitsrc

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// remoteRef is one ref as the remote lists it.
type remoteRef struct {
	// name is the full ref name ("refs/tags/v1.2", "refs/heads/main",
	// "HEAD").
	name string
	// object is what the ref points at: the commit, or for an annotated
	// tag the tag object.
	object string
	// commit is the commit it names (the peeled tag for an annotated tag).
	commit string
}

func (r remoteRef) annotatedTag() bool { return r.object != r.commit }

func (r remoteRef) isTag() bool { return strings.HasPrefix(r.name, "refs/tags/") }

// lsRemote asks the remote which ref ref names and where it points.
// A short name may be a branch or a tag, but not both.
func (s *Source) lsRemote(ctx context.Context, req Request, ref string) (remoteRef, error) {
	out, err := s.git(ctx, req, "", "ls-remote", "--", req.URL, ref, ref+"^{}")
	if err != nil {
		return remoteRef{}, err
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if sha, name, ok := strings.Cut(line, "\t"); ok {
			listed[name] = sha
		}
	}
	name, err := pickRef(req, ref, listed)
	if err != nil {
		return remoteRef{}, err
	}
	r := remoteRef{name: name, object: listed[name], commit: listed[name]}
	if peeled, ok := listed[name+"^{}"]; ok {
		r.commit = peeled
	}
	return r, nil
}

// pickRef chooses the listed ref that ref names: itself when it is a full
// name, else the branch or the tag of that name.
func pickRef(req Request, ref string, listed map[string]string) (string, error) {
	if ref == "HEAD" || strings.HasPrefix(ref, "refs/") {
		if _, ok := listed[ref]; !ok {
			return "", errNoRef(req, ref)
		}
		return ref, nil
	}
	branch, tag := "refs/heads/"+ref, "refs/tags/"+ref
	_, isBranch := listed[branch]
	_, isTag := listed[tag]
	switch {
	case isBranch && isTag:
		return "", errAmbiguousRef(req, ref)
	case isBranch:
		return branch, nil
	case isTag:
		return tag, nil
	}
	return "", errNoRef(req, ref)
}

// tagObject fetches the annotated tag r into a scratch repository and
// returns the raw tag object. The fetch asks for no trees
// (--filter=tree:0) and no history (--depth=1); servers that ignore the
// filter send the tagged commit's tree as well.
func (s *Source) tagObject(ctx context.Context, req Request, r remoteRef) ([]byte, error) {
	dir, err := s.scratchRepo(ctx, req, "cairn-git-tag-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	spec := "+" + r.name + ":" + r.name
	if _, err := s.git(ctx, req, dir, "fetch", "--quiet", "--depth=1", "--filter=tree:0", "--no-tags", "--", req.URL, spec); err != nil {
		return nil, err
	}
	return s.git(ctx, req, dir, "cat-file", "tag", r.object)
}

// scratchRepo makes an empty bare repository in a new temporary
// directory; the caller removes it.
func (s *Source) scratchRepo(ctx context.Context, req Request, prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if _, err := s.git(ctx, req, "", "init", "--quiet", "--bare", dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// git runs the git program, in the bare repository dir when it is set,
// with the request's credentials, and returns its standard output.
func (s *Source) git(ctx context.Context, req Request, dir string, args ...string) ([]byte, error) {
	if dir != "" {
		args = append([]string{"--git-dir", dir}, args...)
	}
	cmd := exec.CommandContext(ctx, s.program(), args...)
	env, err := s.env(req)
	if err != nil {
		return nil, err
	}
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, errGitFailed(req, args, err, stderr.String())
	}
	return stdout.Bytes(), nil
}

func (s *Source) program() string {
	if s.cfg.Git != "" {
		return s.cfg.Git
	}
	return "git"
}

// env is the host environment made non-interactive and restricted to the
// transports git() accepts, plus the request's Authorization header. The
// header goes through GIT_CONFIG_* variables, not the command line, so
// that no process listing shows it.
func (s *Source) env(req Request) ([]string, error) {
	env := append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never",
		"GIT_ALLOW_PROTOCOL=https:http:git:ssh", "GIT_CONFIG_COUNT=0", "LC_ALL=C")
	if os.Getenv("GIT_SSH_COMMAND") == "" && os.Getenv("GIT_SSH") == "" {
		env = append(env, "GIT_SSH_COMMAND=ssh -o BatchMode=yes")
	}
	header, err := s.authHeader(req)
	if err != nil || header == "" {
		return env, err
	}
	scope, err := scopeOf(req.URL)
	if err != nil {
		return nil, err
	}
	return append(env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http."+scope+".extraHeader",
		"GIT_CONFIG_VALUE_0=Authorization: "+header), nil
}

// authHeader is the Authorization value from the request's secrets, as
// BuildKit's git source builds it: the header secret verbatim, else the
// token as basic auth. A secret the build was not given is no header.
func (s *Source) authHeader(req Request) (string, error) {
	if s.cfg.Secret == nil {
		return "", nil
	}
	if id := req.Auth.HeaderSecret; id != "" {
		if v, ok := s.cfg.Secret(id); ok {
			return strings.TrimSpace(string(v)), nil
		}
	}
	if id := req.Auth.TokenSecret; id != "" {
		if v, ok := s.cfg.Secret(id); ok {
			tok := strings.TrimSpace(string(v))
			return "basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+tok)), nil
		}
	}
	return "", nil
}

// scopeOf limits a header to the remote's scheme and host, so a redirect
// elsewhere does not carry it.
func scopeOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("auth= applies to http:// and https:// URLs, got %q", raw)
	}
	return u.Scheme + "://" + u.Host + "/", nil
}
