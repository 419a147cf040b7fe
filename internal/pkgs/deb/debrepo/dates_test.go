package debrepo

import (
	"context"
	"testing"
	"time"
)

// testNow is the clock of the date tests: an hour ahead of the real one,
// so that the test keys and signatures (made at the real time) are in its
// past, cut to whole seconds as Release dates are.
func testNow() time.Time { return time.Now().Add(time.Hour).Truncate(time.Second).UTC() }

// releaseDate renders t as a Release's Date.
func releaseDate(t time.Time) string { return t.UTC().Format(time.RFC1123) }

// fetchAt fetches r with the client's clock stuck at now.
func fetchAt(t *testing.T, r Repo, now time.Time) error {
	t.Helper()
	c := &Client{CacheDir: t.TempDir(), Now: at(now)}
	_, err := c.Fetch(context.Background(), r)
	return err
}

// fakeAt serves a fake repository whose Release has the given Date and
// Valid-Until ("-" for no Date, "" for no Valid-Until).
func fakeAt(t *testing.T, date, validUntil string) Repo {
	t.Helper()
	return newFakeRepo(t, fakeSpec{date: date, validUntil: validUntil}).repo(t)
}

func TestFetchDateInFuture(t *testing.T) {
	now := testNow()
	date := releaseDate(now.Add(7*time.Hour + 27*time.Minute + 35*time.Second))
	r := fakeAt(t, date, "")
	e := wantErr[*NotYetValidError](t, fetchAt(t, r, now))
	want := "fake test: InRelease: Release file is not valid yet (Date: " + date + ", this machine's clock: " +
		releaseDate(now) + "; invalid for another 7h 27min 25s); the mirror's clock or this machine's is wrong: " +
		"fix the clock, or, for a repository dated ahead on purpose, set check_date = False on repo.deb()"
	if e.Error() != want || e.Ahead != 7*time.Hour+27*time.Minute+25*time.Second {
		t.Errorf("got %q (ahead %v)\nwant %q", e.Error(), e.Ahead, want)
	}
	r.IgnoreDate = true
	if err := fetchAt(t, r, now); err != nil {
		t.Fatalf("IgnoreDate: %v", err)
	}
}

// TestFetchDateSkew: apt's 10 s allowance, and not a second more.
func TestFetchDateSkew(t *testing.T) {
	now := testNow()
	for _, ok := range []time.Duration{-24 * time.Hour, 0, 5 * time.Second, maxFutureTime} {
		if err := fetchAt(t, fakeAt(t, releaseDate(now.Add(ok)), ""), now); err != nil {
			t.Errorf("Date now%+v: %v", ok, err)
		}
	}
	err := fetchAt(t, fakeAt(t, releaseDate(now.Add(maxFutureTime+time.Second)), ""), now)
	wantErr[*NotYetValidError](t, err, "invalid for another 1s)")
}

func TestFetchDateMissing(t *testing.T) {
	now := testNow()
	r := fakeAt(t, "-", "")
	err := fetchAt(t, r, now)
	e := wantErr[*DateError](t, err)
	want := `fake test: InRelease: Release file has no Date field, want an RFC 1123 date like "Sat, 01 Jun 2024 10:00:00 UTC"; ` +
		`without it the file's age cannot be judged (for a repository published without a Date, set check_date = False on repo.deb())`
	if e.Error() != want {
		t.Errorf("got %q\nwant %q", e.Error(), want)
	}
	r.IgnoreDate = true
	if err := fetchAt(t, r, now); err != nil {
		t.Fatalf("IgnoreDate: %v", err)
	}
}

func TestFetchDateInvalid(t *testing.T) {
	now := testNow()
	for _, date := range []string{"soon", "2024-06-01T10:00:00Z", "Sat, 01 Jun 2024"} {
		r := fakeAt(t, date, "")
		err := fetchAt(t, r, now)
		e := wantErr[*DateError](t, err, `fake test: InRelease: Release file has an invalid Date "`+date+`", want an RFC 1123 date like`,
			"set check_date = False on repo.deb()")
		if e.Date != date {
			t.Errorf("DateError.Date %q, want %q", e.Date, date)
		}
		r.IgnoreDate = true
		if err := fetchAt(t, r, now); err != nil {
			t.Fatalf("IgnoreDate: %v", err)
		}
	}
}

// TestFetchDateDetached: the detached form is judged the same, and named.
func TestFetchDateDetached(t *testing.T) {
	now := testNow()
	r := newFakeRepo(t, fakeSpec{detached: true, date: releaseDate(now.Add(time.Minute))}).repo(t)
	wantErr[*NotYetValidError](t, fetchAt(t, r, now), "fake test: Release: Release file is not valid yet", "invalid for another 50s")
}

// TestFetchDateAndValidUntil: each override turns off its own check only,
// and Valid-Until is judged by the client's clock as before.
func TestFetchDateAndValidUntil(t *testing.T) {
	now := testNow()
	expired := releaseDate(now.Add(-time.Second))
	r := fakeAt(t, releaseDate(now.Add(-time.Hour)), expired)
	wantErr[*ExpiredError](t, fetchAt(t, r, now), "fake test: InRelease: Release expired (Valid-Until: "+expired+")")
	r.IgnoreDate = true
	wantErr[*ExpiredError](t, fetchAt(t, r, now), "Release expired")
	r.IgnoreDate, r.IgnoreValidUntil = false, true
	if err := fetchAt(t, r, now); err != nil {
		t.Fatalf("IgnoreValidUntil: %v", err)
	}
	if err := fetchAt(t, r, now.Add(-2*time.Second)); err != nil {
		t.Fatalf("before Valid-Until: %v", err)
	}
	// Future-dated and expired: the Date is reported first; skipping the
	// Valid-Until check does not skip the Date check.
	r = fakeAt(t, releaseDate(now.Add(time.Hour)), expired)
	r.IgnoreValidUntil = true
	wantErr[*NotYetValidError](t, fetchAt(t, r, now), "invalid for another 59min 50s")
	r.IgnoreDate = true
	if err := fetchAt(t, r, now); err != nil {
		t.Fatalf("both overrides: %v", err)
	}
}

// TestFetchClockJudgesSignature: the client's clock also judges the
// signature, so a clock before the signing time refuses it.
func TestFetchClockJudgesSignature(t *testing.T) {
	r := fakeAt(t, "", "")
	e := wantErr[*SignatureError](t, fetchAt(t, r, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)))
	if e.Kind != ExpiredKey {
		t.Errorf("kind %v, want ExpiredKey", e.Kind)
	}
}

// TestFetchOfflineDate: a cached Release is judged again offline, by the
// clock of the offline fetch.
func TestFetchOfflineDate(t *testing.T) {
	now := testNow()
	f := newFakeRepo(t, fakeSpec{date: releaseDate(now)})
	dir := t.TempDir()
	online := &Client{CacheDir: dir, Now: at(now)}
	if _, err := online.Fetch(context.Background(), f.repo(t)); err != nil {
		t.Fatal(err)
	}
	f.srv.Close()
	offline := &Client{CacheDir: dir, Offline: true, Now: at(now.Add(-time.Minute))}
	_, err := offline.Fetch(context.Background(), f.repo(t))
	wantErr[*NotYetValidError](t, err, "invalid for another 50s")
}

func TestAptDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0s",
		1500 * time.Millisecond: "1s",
		60 * time.Second:        "60s",
		61 * time.Second:        "1min 1s",
		time.Hour:               "60min 0s",
		7*time.Hour + 27*time.Minute + 25*time.Second: "7h 27min 25s",
		48*time.Hour + time.Second:                    "2d 0h 0min 1s",
	} {
		if got := aptDuration(d); got != want {
			t.Errorf("aptDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
