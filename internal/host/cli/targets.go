package cli

import (
	"fmt"
	"text/tabwriter"
)

func runTargets(e *env) error {
	fs := newFlags("targets", e)
	rf := addRecipeFlags(fs)
	if err := parseNone(fs, e.args); err != nil {
		return err
	}
	p, err := loadRecipe(e.ctx, rf, e.stderr)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, t := range p.recipe.Targets() {
		fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Doc)
	}
	return tw.Flush()
}
