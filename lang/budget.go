package lang

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.starlark.net/starlark"
)

// A recipe cannot loop forever (no while, no recursion), but a loop over
// range(10**9) inside another runs for hours, and Starlark checks neither
// signals nor clocks. So an evaluation gets a step budget, shared by every
// module it loads, and a context: when the context is done, the running
// thread is cancelled at its next step.

// budget is the step allowance and cancellation of one Evaluator.
type budget struct {
	ctx  context.Context
	max  uint64
	used uint64

	mu      sync.Mutex
	running *starlark.Thread // the thread now evaluating, if any
	stopped error            // why the context ended, once it has
}

// watch cancels the running thread when the context ends, until the
// returned function is called.
func (b *budget) watch() func() {
	if b.ctx == nil {
		return func() {}
	}
	stop := context.AfterFunc(b.ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.stopped = context.Cause(b.ctx)
		if b.running != nil {
			b.running.Cancel("interrupted")
		}
	})
	return func() { stop() }
}

// start gives t what is left of the budget and makes it the running
// thread; a context already done cancels it before its first step.
func (b *budget) start(t *starlark.Thread) {
	left := uint64(1)
	if b.used < b.max {
		left = b.max - b.used
	}
	t.SetMaxExecutionSteps(left)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running = t
	if b.stopped == nil && b.ctx != nil && b.ctx.Err() != nil {
		b.stopped = context.Cause(b.ctx)
	}
	if b.stopped != nil {
		t.Cancel("interrupted")
	}
}

// end charges t's steps to the budget and returns why the context ended,
// if it did.
func (b *budget) end(t *starlark.Thread) error {
	b.used += t.ExecutionSteps()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running = nil
	return b.stopped
}

// exhausted reports whether the budget is spent.
func (b *budget) exhausted() bool { return b.used >= b.max }

// BudgetError is an evaluation stopped because it used its step budget.
type BudgetError struct {
	Steps uint64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("evaluation used its budget of %d steps", e.Steps)
}

// evalError turns a failed module evaluation into an Error, telling an
// interruption or a spent budget from the recipe's own failures.
func (e *Evaluator) evalError(err error, stopped error) *Error {
	out := errEval(err, e.CallStart)
	switch {
	case stopped != nil:
		out.Msg = "evaluation interrupted here"
		out.Err = errors.Join(stopped, err)
	case e.budget.exhausted():
		out.Msg = fmt.Sprintf("evaluation stopped here after %d steps, its budget: a loop here runs too long", e.budget.max)
		if e.opts.BudgetHint != "" {
			out.Msg += "; " + e.opts.BudgetHint
		}
		out.Err = errors.Join(&BudgetError{Steps: e.budget.max}, err)
	}
	return out
}
