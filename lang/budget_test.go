package lang

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// endless never finishes in practice: 10^18 iterations.
const endless = "def spin():\n    n = 0\n    for i in range(1000000000):\n        for j in range(1000000000):\n            n += 1\n    return n\n\nx = spin()\n"

func TestBudgetStopsAtTheLine(t *testing.T) {
	ev := New(Options{
		Project:    project("cairn.star", `load("spin.star", "x")`+"\ny = x\n", "spin.star", endless),
		MaxSteps:   100_000,
		BudgetHint: "raise it with --max-steps N",
	})
	_, err := ev.Load("cairn.star")
	var be *BudgetError
	if !errors.As(err, &be) || be.Steps != 100_000 {
		t.Fatalf("err = %v, want a *BudgetError of 100000 steps", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "spin.star:4:") && !strings.HasPrefix(msg, "spin.star:5:") {
		t.Errorf("message is not positioned in the loop:\n%s", msg)
	}
	for _, want := range []string{"evaluation stopped here after 100000 steps", "raise it with --max-steps N", "loaded by cairn.star:1:1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

// TestBudgetIsShared: the steps of every module count against one budget,
// so many loaded modules cannot each spend a whole one.
func TestBudgetIsShared(t *testing.T) {
	loop := "n = [i for i in range(600)]\n"
	ev := New(Options{
		Project:  project("cairn.star", `load("a.star", a = "n")`+"\n"+`load("b.star", b = "n")`+"\n", "a.star", loop, "b.star", loop),
		MaxSteps: 1000,
	})
	var be *BudgetError
	if _, err := ev.Load("cairn.star"); !errors.As(err, &be) {
		t.Fatalf("err = %v, want the shared budget spent", err)
	}
	ev = New(Options{Project: project("cairn.star", `load("a.star", a = "n")`+"\n"+`load("b.star", b = "n")`+"\n", "a.star", loop, "b.star", loop)})
	if _, err := ev.Load("cairn.star"); err != nil {
		t.Fatalf("the default budget: %v", err)
	}
}

func TestCancelStopsEvaluation(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	stop := errors.New("interrupted by SIGINT")
	ev := New(Options{Project: project("cairn.star", endless), Context: ctx, MaxSteps: 1 << 62})
	time.AfterFunc(200*time.Millisecond, func() { cancel(stop) })
	start := time.Now()
	_, err := ev.Load("cairn.star")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("evaluation took %s to stop after cancel", d)
	}
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the cancel cause", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "evaluation interrupted here") || !strings.HasPrefix(msg, "cairn.star:4:") && !strings.HasPrefix(msg, "cairn.star:5:") {
		t.Errorf("message: %s", err)
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ev := New(Options{Project: project("cairn.star", "x = 1\n"), Context: ctx})
	if _, err := ev.Load("cairn.star"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
