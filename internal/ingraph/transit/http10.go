package transit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// answer is one HTTP response: its status code and line, and its body.
type answer struct {
	code   int
	status string
	body   []byte
}

// maxAnswer bounds what the service may send back.
const maxAnswer = 1 << 20

// roundTrip sends one HTTP/1.0 request (no chunked answers, the
// connection closed after it) over TCP, within timeout, and reads the
// whole answer. It is all of HTTP the signing step needs. net/http, and
// even crypto/tls, would grow the helper past what the gateway frontend
// can send inline in a graph (two helpers under gRPC's 16 MiB message
// limit), so TLS is a local proxy's job (vault proxy, Vault Agent).
func roundTrip(method, rawURL string, header [][2]string, body []byte, timeout time.Duration) (answer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return answer{}, err
	}
	host, port := u.Hostname(), u.Port()
	switch {
	case u.Scheme == "https" && port == "":
		port = "443"
	case u.Scheme == "http" && port == "":
		port = "80"
	case u.Scheme != "https" && u.Scheme != "http":
		return answer{}, fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	deadline := time.Now().Add(timeout)
	conn, err := (&net.Dialer{Deadline: deadline}).Dial("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return answer{}, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return answer{}, err
	}
	if u.Scheme == "https" {
		return answer{}, errors.New("the signing step speaks http only: reach the service through a local TLS proxy (vault proxy, Vault Agent's API proxy)")
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.0\r\nHost: %s\r\nContent-Length: %d\r\n", method, u.RequestURI(), u.Host, len(body))
	for _, h := range header {
		fmt.Fprintf(&req, "%s: %s\r\n", h[0], h[1])
	}
	req.WriteString("\r\n")
	req.Write(body)
	if _, err := conn.Write(req.Bytes()); err != nil {
		return answer{}, err
	}
	raw, err := io.ReadAll(io.LimitReader(conn, maxAnswer+1))
	if err != nil {
		return answer{}, err
	}
	if len(raw) > maxAnswer {
		return answer{}, errors.New("the answer is over 1 MiB")
	}
	head, rest, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return answer{}, errors.New("the answer ends before its headers do")
	}
	lines := strings.Split(string(head), "\r\n")
	proto, status, _ := strings.Cut(lines[0], " ")
	code, err := strconv.Atoi(strings.SplitN(status, " ", 2)[0])
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil {
		return answer{}, fmt.Errorf("not an HTTP answer: %q", lines[0])
	}
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(l, ":")
		if strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n < len(rest) {
				rest = rest[:n]
			}
		}
	}
	return answer{code: code, status: status, body: rest}, nil
}
