package stdlib

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

// Accounts are made by the system's own tools (useradd, groupadd,
// usermod from Debian's passwd package, Priority: required) in one step
// after the configure step and the recipe's files, so /etc/passwd, group,
// shadow and gshadow are what Debian itself would write. The step runs
// with SOURCE_DATE_EPOCH, which shadow's tools take as "today" for the
// password-change dates in /etc/shadow, so the files are the same bytes on
// every build. A password is a crypt(3) hash held in a build secret, set
// with usermod -p: never in the recipe, the graph or the cache key.

var userBuiltin = Builtin{
	Name:    "user",
	Summary: "An account for `rootfs(users = [...])`: made with useradd, or an existing one (root) changed.",
	Params: []Param{
		{Name: "name", Type: "string", Doc: `login name, e.g. "admin"; "root" (or any account the packages made) changes that account`},
		{Name: "uid", Type: "int", Default: "None", Doc: "user id; None takes the next free one (the same on every build of the same system)"},
		{Name: "groups", Type: "list of string", Default: "[]", Doc: `supplementary groups, made when the system has none of that name, e.g. ["sudo", "adm"]`},
		{Name: "shell", Type: "string", Default: `"/bin/bash"`, Doc: "login shell"},
		{Name: "home", Type: "string", Default: `"/home/NAME"`, Doc: "home directory, made from /etc/skel (`/root` for root)"},
		{Name: "comment", Type: "string", Default: `""`, Doc: "the GECOS field"},
		{Name: "system", Type: "bool", Default: "False", Doc: "a system account (uid below 1000, no aging)"},
		{Name: "authorized_keys", Type: "list of string", Default: "[]", Doc: "SSH public keys written to `~/.ssh/authorized_keys` (0600, `.ssh` 0700, owned by the user)"},
		{Name: "password", Type: "secret", Default: "None", Doc: "a build secret holding a crypt(3) hash (`mkpasswd -m yescrypt`, `openssl passwd -6`); None leaves new accounts locked (`!`) and existing ones as they are"},
	},
	Returns: "user",
	Doc: "The accounts are made in one step after `files`, before `run`, by Debian's useradd/groupadd/usermod in the " +
		"system, with SOURCE_DATE_EPOCH as the date shadow records: `/etc/shadow` is the same bytes on every build. " +
		"The password hash reaches the step as a secret (`--secret id=NAME,src=FILE`): the graph holds its name only. " +
		"As with every secret, changing its value does not invalidate the cache: build with `--no-cache` after changing it.",
	Example: `rootfs(repos = REPOS, packages = ["openssh-server", "sudo"], users = [user("admin", groups = ["sudo"], authorized_keys = [ADMIN_KEY]), user("root", password = secret("root-hash"))])`,
	fn:      userFn,
}

// User is the value user() returns.
type User struct {
	at
	name, shell, home, comment string
	uid                        int // -1: next free
	groups, keys               []string
	system                     bool
	password                   *Secret
}

var (
	accountNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]*\$?$`)
	sshKeyRE      = regexp.MustCompile(`^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\n]*)?$`)
)

func userFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	u := &User{at: at{callPos(t)}, shell: "/bin/bash", uid: -1}
	var uid starlark.Value = starlark.None
	groups, keys := stringList{}, stringList{}
	var password secretArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &u.name, "uid?", &uid, "groups?", &groups,
		"shell?", &u.shell, "home?", &u.home, "comment?", &u.comment, "system?", &u.system,
		"authorized_keys?", &keys, "password?", &password); err != nil {
		return nil, err
	}
	u.groups, u.keys, u.password = groups.v, keys.v, password.v
	if err := u.check(uid); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *User) check(uid starlark.Value) error {
	if !accountNameRE.MatchString(u.name) || len(u.name) > 32 {
		return errParam("user", "name", quote(u.name), `a login name like "admin" (lower-case letters, digits, "_" and "-", at most 32)`)
	}
	if uid != starlark.None {
		n, ok := starlark.AsInt32(uid)
		if _, isInt := uid.(starlark.Int); !isInt || ok != nil || n < 0 || n > 60000 {
			return errParam("user", "uid", repr(uid), "a user id from 0 to 60000, or None for the next free one")
		}
		u.uid = n
	}
	for _, g := range u.groups {
		if !accountNameRE.MatchString(g) {
			return errParam("user", "groups", quote(g), `group names like "sudo"`)
		}
	}
	for name, p := range map[string]string{"shell": u.shell, "home": u.home} {
		if p != "" && (!strings.HasPrefix(p, "/") || strings.ContainsAny(p, ":\n")) {
			return errParam("user", name, quote(p), "an absolute path without ':'")
		}
	}
	if strings.ContainsAny(u.comment, ":\n") {
		return errParam("user", "comment", quote(u.comment), "text without ':' or newlines")
	}
	for _, k := range u.keys {
		if !sshKeyRE.MatchString(strings.TrimSpace(k)) {
			return errParam("user", "authorized_keys", quote(k), `one SSH public key per entry, as in a .pub file ("ssh-ed25519 AAAA... comment")`)
		}
	}
	return nil
}

// String implements starlark.Value.
func (u *User) String() string { return fmt.Sprintf("<user %s>", u.name) }

// Type implements starlark.Value.
func (u *User) Type() string { return "user" }

// Freeze implements starlark.Value.
func (u *User) Freeze() {}

// Truth implements starlark.Value.
func (u *User) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (u *User) Hash() (uint32, error) { return starlark.String(u.name).Hash() }

// userList unpacks rootfs(users = [...]).
func userList(l *starlark.List) ([]*User, error) {
	if l == nil {
		return nil, nil
	}
	var out []*User
	seen := map[string]bool{}
	for i := 0; i < l.Len(); i++ {
		u, ok := l.Index(i).(*User)
		if !ok {
			return nil, errParam("rootfs", "users", "a list holding "+l.Index(i).Type(), "a list of user(...)")
		}
		if seen[u.name] {
			return nil, errParam("rootfs", "users", "user "+quote(u.name)+" twice", "each account once")
		}
		seen[u.name] = true
		out = append(out, u)
	}
	return out, nil
}

// script is the shell that makes or changes the account; secret is
// where its password hash is mounted.
func (u *User) script(secret string) string {
	var b strings.Builder
	name := shellQuote(u.name)
	for _, g := range u.groups {
		fmt.Fprintf(&b, "getent group %s >/dev/null || groupadd %s%s\n", shellQuote(g), sysFlag(u.system), shellQuote(g))
	}
	add := []string{"useradd", "--create-home", "--user-group", "--shell", shellQuote(u.shell)}
	if u.system {
		add = append(add, "--system")
	}
	if u.uid >= 0 {
		add = append(add, "--uid", fmt.Sprint(u.uid))
	}
	if u.home != "" {
		add = append(add, "--home-dir", shellQuote(u.home))
	}
	if u.comment != "" {
		add = append(add, "--comment", shellQuote(u.comment))
	}
	if len(u.groups) > 0 {
		add = append(add, "--groups", shellQuote(strings.Join(u.groups, ",")))
	}
	fmt.Fprintf(&b, "if getent passwd %s >/dev/null; then\n", name)
	mod := []string{"usermod", "--shell", shellQuote(u.shell)}
	if u.uid >= 0 {
		mod = append(mod, "--uid", fmt.Sprint(u.uid))
	}
	if u.home != "" {
		mod = append(mod, "--home", shellQuote(u.home), "--move-home")
	}
	if u.comment != "" {
		mod = append(mod, "--comment", shellQuote(u.comment))
	}
	if len(u.groups) > 0 {
		mod = append(mod, "--append", "--groups", shellQuote(strings.Join(u.groups, ",")))
	}
	fmt.Fprintf(&b, "  %s %s\nelse\n  %s %s\nfi\n", strings.Join(mod, " "), name, strings.Join(add, " "), name)
	if u.password != nil {
		fmt.Fprintf(&b, "usermod --password \"$(cat %s)\" %s\n", secret, name)
	}
	if len(u.keys) > 0 {
		keys := make([]string, len(u.keys))
		for i, k := range u.keys {
			keys[i] = strings.TrimSpace(k)
		}
		fmt.Fprintf(&b, "home=$(getent passwd %s | cut -d: -f6); owner=$(id -u %s):$(id -g %s)\n", name, name, name)
		b.WriteString("install -d -m 0700 -o \"${owner%:*}\" -g \"${owner#*:}\" \"$home/.ssh\"\n")
		fmt.Fprintf(&b, "printf '%%s\\n' %s > \"$home/.ssh/authorized_keys\"\n", shellQuoteAll(keys))
		b.WriteString("chmod 0600 \"$home/.ssh/authorized_keys\"; chown \"$owner\" \"$home/.ssh/authorized_keys\"\n")
	}
	return b.String()
}

func sysFlag(system bool) string {
	if system {
		return "--system "
	}
	return ""
}

func shellQuoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = shellQuote(s)
	}
	return strings.Join(q, " ")
}

// accounts runs the users' script in the system: one step for all.
func (n *rootfsNode) accounts(c *Compiler, root llb.State, arch string) llb.State {
	if len(n.users) == 0 {
		return root
	}
	script := "set -eu\n"
	opts := []llb.RunOption{}
	names := make([]string, len(n.users))
	for i, u := range n.users {
		secret := fmt.Sprintf("/run/cairn-secrets/password-%d", i)
		script += u.script(secret)
		if u.password != nil {
			opts = append(opts, secretMount(secret, u.password))
		}
		names[i] = u.name
	}
	// The tools' own backups (passwd-, shadow-, ...) hold the accounts as
	// they were: a real install leaves them too, but they would carry the
	// password hash twice; the configure step removed Debian's.
	script += "rm -f /etc/passwd- /etc/group- /etc/shadow- /etc/gshadow- /etc/subuid- /etc/subgid-\n"
	opts = append(opts,
		llb.Args([]string{"/bin/sh", "-c", script}),
		llb.AddEnv("SOURCE_DATE_EPOCH", fmt.Sprint(c.epoch)),
		llb.AddEnv("PATH", defaultPath),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(debArches[arch]),
		llb.WithCustomName("rootfs users "+strings.Join(names, " ")),
		c.loc(n.p))
	return root.Run(opts...).Root()
}
