package debrepo

// Release dates are judged as apt judges them, by one clock (Client.Now):
//
//   - Date must be present, parsable, and not ahead of the clock by more than
//     maxFutureTime. A Release dated in the future means the mirror's clock
//     or this machine's is wrong; trusting it would also let a Release
//     signed "ahead" outlive the Valid-Until window it claims. apt only
//     warns about a missing or unparsable Date; cairn refuses it, since
//     without a Date neither check can be made. Repo.IgnoreDate (apt's
//     check-date=no) turns all three off.
//   - Valid-Until, when present, must not have passed: a mirror frozen in
//     the past would serve stale metadata and miss security updates.
//     Repo.IgnoreValidUntil (apt's check-valid-until=no) turns it off for
//     archive snapshots, whose metadata is old by design.
//
// Neither the lockfile nor a build reads these dates: they guard only the
// moment metadata is fetched, so a locked build is not affected by them.

import (
	"fmt"
	"time"
)

// maxFutureTime is how far a Release's Date may be ahead of the clock:
// apt's Acquire::Max-FutureTime default, to absorb small clock skew.
const maxFutureTime = 10 * time.Second

// checkDate rejects a Release without a parsable Date, or dated more than
// maxFutureTime after now.
func checkDate(at Where, rel *Release, now time.Time) error {
	if rel.Date == "" {
		return newDateError(at, "")
	}
	date, err := parseReleaseTime(rel.Date)
	if err != nil {
		return newDateError(at, rel.Date)
	}
	if ahead := date.Sub(now) - maxFutureTime; ahead > 0 {
		return newNotYetValidError(at, rel.Date, now, ahead)
	}
	return nil
}

// checkValidUntil rejects a Release whose Valid-Until, when it has one, is
// before now.
func checkValidUntil(at Where, rel *Release, now time.Time) error {
	if rel.ValidUntil == "" {
		return nil
	}
	until, err := parseReleaseTime(rel.ValidUntil)
	if err != nil {
		return newReleaseError(at, err)
	}
	if now.After(until) {
		return newExpiredError(at, rel.ValidUntil)
	}
	return nil
}

// aptDuration renders d as apt's TimeToStr does, in whole seconds:
// "7h 27min 25s", "2d 0h 0min 1s", "9s".
func aptDuration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s > 24*60*60:
		return fmt.Sprintf("%dd %dh %dmin %ds", s/86400, s/3600%24, s/60%60, s%60)
	case s > 60*60:
		return fmt.Sprintf("%dh %dmin %ds", s/3600, s/60%60, s%60)
	case s > 60:
		return fmt.Sprintf("%dmin %ds", s/60, s%60)
	}
	return fmt.Sprintf("%ds", s)
}
