package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/pgpsign"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
)

// Secrets and SSH agents reach a build only through the session between
// cairn and the engine: the engine asks for a secret by name while a step
// runs and mounts the answer in a tmpfs for that step. The recipe names the
// secret (secret("tok")); the command line says where its value is. So the
// value is never part of the graph, the cache keys, the build record or the
// output, and a changed value does not invalidate the cache.

// sessionFlags are --secret and --ssh.
type sessionFlags struct {
	secrets secretFlag
	ssh     sshFlag
}

func addSessionFlags(fs *flag.FlagSet) *sessionFlags {
	f := &sessionFlags{}
	fs.Var(&f.secrets, "secret", "build secret `id=NAME,src=FILE` or id=NAME,env=VAR, mounted where the recipe says secret(\"NAME\") (repeatable)")
	fs.Var(&f.ssh, "ssh", "forward an SSH agent to the build: `default`, default=PATH or ID=PATH, PATH an agent socket or key files (repeatable)")
	return f
}

// secretFlag collects --secret id=NAME,src=FILE|env=VAR.
type secretFlag []secretSource

// secretSource is one --secret: where a named secret's value comes from.
type secretSource struct {
	flag string // as given, for messages
	secretsprovider.Source
}

// secretName is what stdlib's secret() accepts as a name.
var secretName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (s *secretFlag) String() string { return "" }

func (s *secretFlag) Set(v string) error {
	kv, err := keyValues(v)
	if err != nil {
		return err
	}
	src := secretSource{flag: v}
	for _, p := range kv {
		switch p[0] {
		case "id":
			src.ID = p[1]
		case "src", "source":
			src.FilePath = p[1]
		case "env":
			src.Env = p[1]
		default:
			return fmt.Errorf("unknown key %q: want id=NAME,src=FILE or id=NAME,env=VAR", p[0])
		}
	}
	switch {
	case !secretName.MatchString(src.ID):
		return fmt.Errorf("id %q: want a name like git-token (letters, digits, '.', '_', '-'), as in secret(\"git-token\")", src.ID)
	case (src.FilePath == "") == (src.Env == ""):
		return errors.New("want exactly one of src=FILE and env=VAR after the id")
	}
	for _, o := range *s {
		if o.ID == src.ID {
			return fmt.Errorf("secret %q is given twice", src.ID)
		}
	}
	*s = append(*s, src)
	return nil
}

// check makes sure every value can be read now, so a typo fails before the
// engine is started rather than halfway through a build.
func (s secretSource) check() error {
	if s.Env != "" {
		if _, ok := os.LookupEnv(s.Env); !ok {
			return errUsage("cairn: --secret %s: environment variable %s is not set; export it, or use src=FILE", s.flag, s.Env)
		}
		return nil
	}
	fi, err := os.Stat(s.FilePath)
	switch {
	case err != nil:
		return errUsage("cairn: --secret %s: %s; create the file or point src= at the secret's file", s.flag, err)
	case !fi.Mode().IsRegular():
		return errUsage("cairn: --secret %s: %s is not a regular file; point src= at the secret's file", s.flag, s.FilePath)
	case fi.Size() > secretsprovider.MaxSecretSize:
		return errUsage("cairn: --secret %s: %s has %d bytes; BuildKit passes at most %d", s.flag, s.FilePath, fi.Size(), secretsprovider.MaxSecretSize)
	}
	f, err := os.Open(s.FilePath)
	if err != nil {
		return errUsage("cairn: --secret %s: %s; make the file readable by this user", s.flag, err)
	}
	return f.Close()
}

// sshFlag collects --ssh ID[=PATH[,PATH...]].
type sshFlag []sshprovider.AgentConfig

func (s *sshFlag) String() string { return "" }

func (s *sshFlag) Set(v string) error {
	id, paths, _ := strings.Cut(v, "=")
	if !secretName.MatchString(id) {
		return fmt.Errorf("id %q: want default, default=PATH or ID=PATH", id)
	}
	c := sshprovider.AgentConfig{ID: id}
	if paths != "" {
		c.Paths = strings.Split(paths, ",")
	}
	for _, o := range *s {
		if o.ID == id {
			return fmt.Errorf("ssh agent %q is given twice", id)
		}
	}
	*s = append(*s, c)
	return nil
}

// names returns the secret names the command line provides, in order.
func (f *sessionFlags) names() []string {
	out := make([]string, 0, len(f.secrets))
	for _, s := range f.secrets {
		out = append(out, s.ID)
	}
	return out
}

// attachables checks the secrets and agents and returns the session
// services that serve them to the engine.
func (f *sessionFlags) attachables() ([]session.Attachable, error) {
	var out []session.Attachable
	if len(f.secrets) > 0 {
		a, err := f.secretStore()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(f.ssh) > 0 {
		a, err := f.agents()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (f *sessionFlags) secretStore() (session.Attachable, error) {
	srcs := make([]secretsprovider.Source, 0, len(f.secrets))
	for _, s := range f.secrets {
		if err := s.check(); err != nil {
			return nil, err
		}
		srcs = append(srcs, s.Source)
	}
	store, err := secretsprovider.NewStore(srcs)
	if err != nil {
		return nil, errUsage("cairn: --secret: %s", err)
	}
	return secretsprovider.NewSecretProvider(store), nil
}

func (f *sessionFlags) agents() (session.Attachable, error) {
	for _, c := range f.ssh {
		if len(c.Paths) == 0 && os.Getenv("SSH_AUTH_SOCK") == "" {
			return nil, errUsage("cairn: --ssh %s: SSH_AUTH_SOCK is not set; start an agent (eval \"$(ssh-agent)\"; ssh-add) or pass --ssh %s=PATH", c.ID, c.ID)
		}
	}
	a, err := sshprovider.NewSSHAgentProvider(f.ssh)
	if err != nil {
		return nil, errUsage("cairn: --ssh: %s; pass an agent socket or readable, unencrypted key files", err)
	}
	return a, nil
}

// signerIdentity reads the secret named id, as the engine would be served
// it, for the fingerprint of the OpenPGP key it holds (see
// stdlib.CompileOptions.SignerIdentity). The value stays in this
// process; only the fingerprint, which is public, reaches the graph. A
// secret not given has no identity: checkSecrets reports it.
func (s secretFlag) signerIdentity(id string) (string, error) {
	for _, src := range s {
		if src.ID != id {
			continue
		}
		var data []byte
		if src.FilePath != "" {
			var err error
			if data, err = os.ReadFile(src.FilePath); err != nil {
				return "", fmt.Errorf("--secret %s: %w", src.flag, err)
			}
		} else {
			data = []byte(os.Getenv(src.Env))
		}
		fpr, err := pgpsign.Fingerprint(data)
		if err != nil {
			return "", fmt.Errorf("--secret %s: %w", src.flag, err)
		}
		return fpr, nil
	}
	return "", nil
}
