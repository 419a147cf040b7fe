package cli

import (
	"bytes"
	"fmt"
	"io"

	"github.com/sirupsen/logrus"
)

// The BuildKit client logs through logrus's standard logger, in logrus's
// own format, from the services it runs for the engine during a build (the
// content store a cache export writes to, the cache import). Its warnings
// are worth seeing, in cairn's format (a cache import that found nothing,
// say). Two are noise: the content service logs "(*service).Write failed"
// whenever the engine retries a blob another of its writers holds (a layer
// shared by two steps of a mode=max export; a write that really fails fails
// the build, with its error, anyway), and the local content store warns on
// every file system without fs-verity.
var clientLogNoise = map[string]bool{
	"(*service).Write failed":           true,
	"failed check for fsverity support": true,
}

// routeClientLog sends the client's warnings and errors to w.
func routeClientLog(w io.Writer) {
	logrus.SetOutput(w)
	logrus.SetLevel(logrus.WarnLevel)
	logrus.SetFormatter(clientLogFormat{})
}

// clientLogFormat writes "cairn: LEVEL: message: error", one line.
type clientLogFormat struct{}

func (clientLogFormat) Format(e *logrus.Entry) ([]byte, error) {
	if clientLogNoise[e.Message] {
		return nil, nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "cairn: %s: %s", e.Level, e.Message)
	if err, ok := e.Data[logrus.ErrorKey]; ok {
		fmt.Fprintf(&b, ": %v", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
