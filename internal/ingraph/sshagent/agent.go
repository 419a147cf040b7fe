// Package sshagent signs with a key held by an SSH agent, forwarded into
// the signing step through the BuildKit session (`cairn build --ssh ID`):
// neither the key nor a token reaches the engine. An agent fronts what
// holds the key: OpenSSH's ssh-agent loads a PKCS#11 module (`ssh-add -s`)
// and signs on the token, and BuildKit's own agent serves key files kept
// on the client.
//
// An RSA agent key signs RSASSA-PKCS1-v1_5 over SHA-256 of the data it is
// sent (the rsa-sha2-256 flag), the scheme Authenticode uses. The agent
// hashes the data itself, so the Signer takes messages
// (crypto.MessageSigner), not digests.
//
// The agent protocol (draft-miller-ssh-agent) is spoken here directly, in
// a few dozen lines, rather than linking x/crypto/ssh into the helper.
package sshagent

import (
	"bytes"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
)

// Message numbers and flags of the agent protocol.
const (
	agentFailure          = 5
	requestIdentities     = 11
	identitiesAnswer      = 12
	signRequest           = 13
	signResponse          = 14
	flagRSASHA256         = 2
	maxMessage            = 256 << 10 // OpenSSH's limit
	sigAlgorithmRSASHA256 = "rsa-sha2-256"
)

// Agent is a connection to an agent socket.
type Agent struct {
	conn net.Conn
	// Socket names the agent in messages.
	Socket string
}

// Dial connects to the agent at the unix socket path.
func Dial(path string) (*Agent, error) {
	c, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("ssh agent: %w (was the build given --ssh with this agent?)", err)
	}
	return &Agent{conn: c, Socket: path}, nil
}

// Close ends the connection.
func (a *Agent) Close() error { return a.conn.Close() }

// Identity is a key the agent holds.
type Identity struct {
	Blob    []byte
	Comment string
	// Public is the key, when it is RSA; nil for other kinds.
	Public *rsa.PublicKey
	Type   string
}

// Identities lists the agent's keys.
func (a *Agent) Identities() ([]Identity, error) {
	reply, err := a.call([]byte{requestIdentities})
	if err != nil {
		return nil, err
	}
	r := &reader{b: reply}
	if r.byte() != identitiesAnswer {
		return nil, errors.New("ssh agent: unexpected answer to the identities request")
	}
	n := r.uint32()
	var ids []Identity
	for i := uint32(0); i < n && r.err == nil; i++ {
		id := Identity{Blob: r.string(), Comment: string(r.string())}
		id.Type, id.Public = parseKey(id.Blob)
		ids = append(ids, id)
	}
	if r.err != nil {
		return nil, fmt.Errorf("ssh agent: identities: %w", r.err)
	}
	return ids, nil
}

// parseKey reads an ssh-rsa public key blob; other kinds are named only.
func parseKey(blob []byte) (string, *rsa.PublicKey) {
	r := &reader{b: blob}
	typ := string(r.string())
	if typ != "ssh-rsa" {
		return typ, nil
	}
	e, n := new(big.Int).SetBytes(r.string()), new(big.Int).SetBytes(r.string())
	if r.err != nil || !e.IsInt64() {
		return typ, nil
	}
	return typ, &rsa.PublicKey{N: n, E: int(e.Int64())}
}

// sign asks the agent for an rsa-sha2-256 signature of data by the key.
func (a *Agent) sign(blob, data []byte) ([]byte, error) {
	var m bytes.Buffer
	m.WriteByte(signRequest)
	putString(&m, blob)
	putString(&m, data)
	binary.Write(&m, binary.BigEndian, uint32(flagRSASHA256))
	reply, err := a.call(m.Bytes())
	if err != nil {
		return nil, err
	}
	r := &reader{b: reply}
	switch r.byte() {
	case signResponse:
	case agentFailure:
		return nil, errors.New("ssh agent: the agent refused to sign (a token that needs its PIN again, or a confirm-only key?)")
	default:
		return nil, errors.New("ssh agent: unexpected answer to the sign request")
	}
	sig := &reader{b: r.string()}
	alg, blobSig := string(sig.string()), sig.string()
	if r.err != nil || sig.err != nil {
		return nil, errors.New("ssh agent: malformed signature")
	}
	if alg != sigAlgorithmRSASHA256 {
		return nil, fmt.Errorf("ssh agent: signed with %s, not %s", alg, sigAlgorithmRSASHA256)
	}
	return blobSig, nil
}

// call sends one message and reads the reply.
func (a *Agent) call(msg []byte) ([]byte, error) {
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(msg)))
	if _, err := a.conn.Write(append(hdr[:], msg...)); err != nil {
		return nil, fmt.Errorf("ssh agent: %w", err)
	}
	if _, err := io.ReadFull(a.conn, hdr[:]); err != nil {
		return nil, fmt.Errorf("ssh agent: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxMessage {
		return nil, fmt.Errorf("ssh agent: a reply of %d bytes", n)
	}
	reply := make([]byte, n)
	if _, err := io.ReadFull(a.conn, reply); err != nil {
		return nil, fmt.Errorf("ssh agent: %w", err)
	}
	return reply, nil
}

func putString(w *bytes.Buffer, s []byte) {
	binary.Write(w, binary.BigEndian, uint32(len(s)))
	w.Write(s)
}

// reader reads the protocol's fields, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || len(r.b) < n {
		r.err = errors.New("truncated message")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) uint32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) string() []byte { return r.take(int(r.uint32())) }

// describe lists identities for messages: "RSA 2048 COMMENT, ...".
func describe(ids []Identity) string {
	if len(ids) == 0 {
		return "no keys"
	}
	var l []string
	for _, id := range ids {
		what := id.Type
		if id.Public != nil {
			what = fmt.Sprintf("RSA %d", id.Public.N.BitLen())
		}
		l = append(l, strings.TrimSpace(what+" "+id.Comment))
	}
	return strings.Join(l, ", ")
}
