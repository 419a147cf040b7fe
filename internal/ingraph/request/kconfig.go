package request

// KconfigCheck asks whether the final .config at Config holds every
// symbol the Fragments asked for, reading the dependencies of those that
// were dropped from the kernel source tree at Source.
type KconfigCheck struct {
	Fragments []Fragment `json:"fragments"`
	Config    string     `json:"config"`
	Source    string     `json:"source"`
	// SrcArch is the kernel's name for the architecture (x86, arm64), for
	// $(SRCARCH) in Kconfig's source lines.
	SrcArch string `json:"srcarch"`
}

// A Fragment is a config fragment file and the name errors give it: its
// project path, or the recipe line of an inline fragment.
type Fragment struct {
	File string `json:"file"`
	Name string `json:"name"`
}

// Command implements Request.
func (KconfigCheck) Command() string { return "kconfig-check" }

// Check implements Request.
func (r KconfigCheck) Check() error {
	if err := required(r.Command(), "config", r.Config, "source", r.Source, "srcarch", r.SrcArch); err != nil {
		return err
	}
	for _, f := range r.Fragments {
		if err := required(r.Command(), "fragment file", f.File, "fragment name", f.Name); err != nil {
			return err
		}
	}
	return nil
}
