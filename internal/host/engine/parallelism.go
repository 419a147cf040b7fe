package engine

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

// parallelism is how many steps the embedded engine runs at once:
// $CAIRN_ENGINE_PARALLELISM when set (0 lifts the bound), else
// parallelPerCPU per core the engine may use. BuildKit counts every exec,
// file and source op against the bound, downloads included.
func parallelism() (int, error) {
	if v, ok := os.LookupEnv("CAIRN_ENGINE_PARALLELISM"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("$CAIRN_ENGINE_PARALLELISM=%q: want a number of steps, or 0 for no bound", v)
		}
		return n, nil
	}
	return parallelPerCPU * runtime.NumCPU(), nil
}

// parallelPerCPU is measured, see docs/engine.md.
const parallelPerCPU = 2
