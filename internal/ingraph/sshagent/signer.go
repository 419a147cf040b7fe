package sshagent

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
)

// Signer signs with the agent's key for one RSA public key. It is a
// crypto.MessageSigner: the agent hashes what it signs, so Sign with a
// digest is refused and crypto.SignMessage must be used.
type Signer struct {
	agent *Agent
	id    Identity
}

// ErrNoKey says the agent holds no key for the public key asked for.
var ErrNoKey = errors.New("the ssh agent holds no such key")

// Signer finds the agent's key whose public half is pub.
func (a *Agent) Signer(pub crypto.PublicKey) (*Signer, error) {
	want, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("ssh agent: a %T certificate key; agent signing takes RSA", pub)
	}
	ids, err := a.Identities()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if id.Public != nil && id.Public.Equal(want) {
			return &Signer{agent: a, id: id}, nil
		}
	}
	return nil, fmt.Errorf("%w: it holds %s", ErrNoKey, describe(ids))
}

// Public implements crypto.Signer.
func (s *Signer) Public() crypto.PublicKey { return s.id.Public }

// Sign implements crypto.Signer, refusing: the agent takes messages.
func (s *Signer) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("ssh agent: signs messages, not digests (use crypto.SignMessage)")
}

// SignMessage implements crypto.MessageSigner: RSASSA-PKCS1-v1_5 over the
// SHA-256 of msg, checked against the key before it is returned.
func (s *Signer) SignMessage(_ io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts.HashFunc() != crypto.SHA256 {
		return nil, fmt.Errorf("ssh agent: signs SHA-256, not %v", opts.HashFunc())
	}
	if _, ok := opts.(*rsa.PSSOptions); ok {
		return nil, errors.New("ssh agent: signs PKCS#1 v1.5, not PSS")
	}
	sig, err := s.agent.sign(s.id.Blob, msg)
	if err != nil {
		return nil, err
	}
	h := crypto.SHA256.New()
	h.Write(msg)
	if err := rsa.VerifyPKCS1v15(s.id.Public, crypto.SHA256, h.Sum(nil), sig); err != nil {
		return nil, fmt.Errorf("ssh agent: the signature does not verify with the key: %w", err)
	}
	return sig, nil
}
