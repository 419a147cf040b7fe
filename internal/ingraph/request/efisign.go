package request

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// EFISign asks for the PE/COFF image In signed for UEFI Secure Boot with
// the RSA private key in the file Key (PEM, a secret mount), by the
// remote signer Transit, or by the SSH agent whose socket is Agent, the
// key's certificate being the file Cert (PEM or DER), written to Out.
type EFISign struct {
	In string `json:"in"`
	Signer
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
}

// Signer is an X.509 signer: the certificate file Cert and one of the
// key file Key (a secret mount), the remote signer Transit and the SSH
// agent Agent.
type Signer struct {
	Cert    string   `json:"cert"`
	Key     string   `json:"key,omitempty"`
	Transit *Transit `json:"transit,omitempty"`
	Agent   *Agent   `json:"agent,omitempty"`
	// Secret names the secret the key came from, for messages.
	Secret string `json:"secret,omitempty"`
}

func (s Signer) check(cmd string) error {
	if n := btoi(s.Key != "") + btoi(s.Transit != nil) + btoi(s.Agent != nil); n != 1 {
		return fmt.Errorf("%s request: want one of key, transit and agent", cmd)
	}
	if s.Agent != nil && (s.Agent.Socket == "" || s.Agent.ID == "") {
		return fmt.Errorf("%s request: agent wants socket and id", cmd)
	}
	if s.Transit != nil {
		return s.Transit.check(cmd)
	}
	return nil
}

// Command implements Request.
func (EFISign) Command() string { return "efi-sign" }

// Check implements Request.
func (r EFISign) Check() error {
	if err := required(r.Command(), "in", r.In, "cert", r.Cert, "out", r.Out); err != nil {
		return err
	}
	if err := r.Signer.check(r.Command()); err != nil {
		return err
	}
	if strings.HasSuffix(r.Out, "/") {
		return fmt.Errorf("%s request: out %q is a directory; want a file", r.Command(), r.Out)
	}
	return nil
}

func (r *EFISign) stamp() *epoch.Epoch { return &r.Epoch }

// Agent is an SSH agent forwarded into the step: its socket there, and
// the id the build was given it under (--ssh ID), for messages.
type Agent struct {
	Socket string `json:"socket"`
	ID     string `json:"id"`
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Transit names a key of a remote signing service with HashiCorp Vault's
// transit API: the service at Addr (a URL), the engine's Mount, the key's
// name and the file holding the token (a secret mount). OpenPGP is the
// file of the key's OpenPGP certificate, for OpenPGP signatures.
type Transit struct {
	Addr    string `json:"addr"`
	Mount   string `json:"mount,omitempty"`
	Key     string `json:"key"`
	Token   string `json:"token"`
	OpenPGP string `json:"openpgp,omitempty"`
}

func (t Transit) check(cmd string) error {
	return required(cmd, "transit.addr", t.Addr, "transit.key", t.Key, "transit.token", t.Token)
}

// checkPGPTransit checks an OpenPGP signer: a key file, a transit key
// with its OpenPGP certificate, or neither (unsigned).
func checkPGPTransit(cmd, key string, t *Transit) error {
	if t == nil {
		return nil
	}
	if key != "" {
		return fmt.Errorf("%s request: want one of key and transit", cmd)
	}
	if t.OpenPGP == "" {
		return fmt.Errorf("%s request: transit.openpgp is required for OpenPGP signatures", cmd)
	}
	return t.check(cmd)
}
