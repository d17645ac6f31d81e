package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// fakeUserReader is an in-memory userReader that counts calls (every page of a listing is a
// get_users call) and can hold a listing until released, to test concurrency.
type fakeUserReader struct {
	mu        sync.Mutex
	order     []string
	users     map[string]kasm.User
	getUser   int
	getUsers  int
	listErr   error
	noGroups  bool          // List users without groups, as Kasm does for a key without Groups View.
	listGate  chan struct{} // When set, listing waits for it to close.
	listEnter chan struct{} // When set, listing signals it on entry.
}

func newFakeUserReader(n int) *fakeUserReader {
	f := &fakeUserReader{users: map[string]kasm.User{}}
	for i := range n {
		f.add(idOf(i), fmt.Sprintf("user%d@example.com", i))
	}
	return f
}

// add creates or replaces a user.
func (f *fakeUserReader) add(id, username string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, exists := f.users[id]; !exists {
		f.order = append(f.order, id)
	}
	f.users[id] = kasm.User{ID: id, Username: username, Groups: []kasm.GroupRef{{ID: "68d557ac4cac42cca9f31c7c853de0f3"}}}
}

func (f *fakeUserReader) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, id)
	f.order = slices.DeleteFunc(f.order, func(o string) bool { return o == id })
}

func (f *fakeUserReader) GetUser(_ context.Context, ref kasm.UserRef) (*kasm.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.getUser++
	u, ok := f.users[ref.ID]
	if !ok {
		return nil, fmt.Errorf("kasm: get_user: %w", kasm.ErrNotFound)
	}
	return &u, nil
}

func (f *fakeUserReader) GetUsersPage(ctx context.Context, page, pageSize int, _ kasm.GetUsersOptions) ([]kasm.User, int, error) {
	all, err := f.list(ctx, 1)
	if err != nil {
		return nil, 0, err
	}
	start := min(page*pageSize, len(all))
	return all[start:min(start+pageSize, len(all))], len(all), nil
}

func (f *fakeUserReader) GetUsers(ctx context.Context, opts kasm.GetUsersOptions) ([]kasm.User, error) {
	f.mu.Lock()
	pages := max(1, (len(f.order)+opts.PageSize-1)/opts.PageSize)
	f.mu.Unlock()
	return f.list(ctx, pages)
}

// list returns every user in creation order, counting calls get_users calls.
func (f *fakeUserReader) list(ctx context.Context, calls int) ([]kasm.User, error) {
	f.mu.Lock()
	f.getUsers += calls
	enter, gate := f.listEnter, f.listGate
	f.mu.Unlock()
	if enter != nil {
		enter <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := make([]kasm.User, 0, len(f.order))
	for _, id := range f.order {
		u := f.users[id]
		if f.noGroups {
			u.Groups = nil
		}
		out = append(out, u)
	}
	return out, nil
}

func (f *fakeUserReader) counts() (getUser, getUsers int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.getUser, f.getUsers
}

// fakeClock is a settable clock for the directory.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestDirectory(reader userReader) (*userDirectory, *fakeClock) {
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	d := newUserDirectory(reader)
	d.now = clock.Now
	d.threshold = 4
	return d, clock
}

func idOf(i int) string { return fmt.Sprintf("%032x", i+1) }

func mustRead(t *testing.T, d *userDirectory, id string) *kasm.User {
	t.Helper()
	u, err := d.user(t.Context(), id)
	if err != nil {
		t.Fatalf("reading %s: %v", id, err)
	}
	if u.ID != id {
		t.Fatalf("reading %s returned %s", id, u.ID)
	}
	return u
}

// mustReadFirst reads the users idOf(0) to idOf(n-1) in turn.
func mustReadFirst(t *testing.T, d *userDirectory, n int) {
	t.Helper()
	for i := range n {
		mustRead(t, d, idOf(i))
	}
}

func expectCounts(t *testing.T, f *fakeUserReader, wantGetUser, wantGetUsers int) {
	t.Helper()
	if getUser, getUsers := f.counts(); getUser != wantGetUser || getUsers != wantGetUsers {
		t.Fatalf("get_user %d and get_users %d calls, want %d and %d", getUser, getUsers, wantGetUser, wantGetUsers)
	}
}

func TestUserDirectoryFewReadsAreDirect(t *testing.T) {
	reader := newFakeUserReader(10)
	d, clock := newTestDirectory(reader)
	mustReadFirst(t, d, 3)
	// Reads spread out in time never reach the threshold.
	for i := range 5 {
		clock.Advance(userDirectoryWindow)
		mustRead(t, d, idOf(i))
	}
	expectCounts(t, reader, 8, 0)
}

func TestUserDirectoryServesBurstsFromOneListing(t *testing.T) {
	reader := newFakeUserReader(100)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 100)
	// Three direct reads, then the fourth loads the listing that serves the rest.
	expectCounts(t, reader, 3, 1)
}

func TestUserDirectoryWaitsForAsManyReadsAsPages(t *testing.T) {
	reader := newFakeUserReader(100)
	d, _ := newTestDirectory(reader)
	d.pageSize = 10
	mustReadFirst(t, d, 9)
	// The fourth read looked at the first page: ten pages are more than four reads, so the
	// directory kept reading directly.
	expectCounts(t, reader, 9, 1)
	for i := 9; i < 100; i++ {
		mustRead(t, d, idOf(i))
	}
	// The tenth read listed the ten pages, which served the rest.
	expectCounts(t, reader, 9, 11)

	// A small configuration in this estate never pays for a listing.
	small := newFakeUserReader(100)
	d, clock := newTestDirectory(small)
	d.pageSize = 10
	for round := range 3 {
		mustReadFirst(t, d, 9)
		clock.Advance(userDirectoryWindow + time.Second)
		if round == 0 {
			expectCounts(t, small, 9, 1)
		}
	}
	// The estate size is remembered for the snapshot lifetime: no second look at the first page.
	expectCounts(t, small, 27, 1)
}

func TestUserDirectoryListsOnceUnderConcurrentReads(t *testing.T) {
	reader := newFakeUserReader(200)
	d, _ := newTestDirectory(reader)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = idOf(i)
	}
	if err := refreshUsers(t.Context(), d, ids); err != nil {
		t.Fatal(err)
	}
	if getUser, getUsers := reader.counts(); getUsers != 1 || getUser >= d.threshold {
		t.Fatalf("get_user %d and get_users %d calls, want fewer than %d and 1", getUser, getUsers, d.threshold)
	}
}

func TestUserDirectoryWaitersShareTheListingInFlight(t *testing.T) {
	reader := newFakeUserReader(20)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 3)
	reader.listEnter, reader.listGate = make(chan struct{}), make(chan struct{})

	var wg sync.WaitGroup
	errs := make(chan error, 6)
	read := func(i int) {
		defer wg.Done()
		if _, err := d.user(t.Context(), idOf(i)); err != nil {
			errs <- err
		}
	}
	wg.Add(1)
	go read(3)
	<-reader.listEnter
	// The listing is held in flight: these reads either wait for it or, if they arrive after
	// it, are served by it. Neither lists again nor reads directly.
	for i := 4; i < 9; i++ {
		wg.Add(1)
		go read(i)
	}
	close(reader.listGate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	expectCounts(t, reader, 3, 1)
}

func TestUserDirectoryInvalidateDropsTheSnapshot(t *testing.T) {
	reader := newFakeUserReader(10)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 5)
	expectCounts(t, reader, 3, 1)

	// A write renames a user; the next read must not serve the old name.
	d.invalidate()
	reader.add(idOf(0), "renamed@example.com")
	if u := mustRead(t, d, idOf(0)); u.Username != "renamed@example.com" {
		t.Fatalf("read %q after the write", u.Username)
	}
	expectCounts(t, reader, 3, 2)
}

func TestUserDirectoryDiscardsAListingOverlappingAWrite(t *testing.T) {
	reader := newFakeUserReader(10)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 3)
	reader.listEnter, reader.listGate = make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := d.user(t.Context(), idOf(3))
		done <- err
	}()
	<-reader.listEnter
	d.invalidate()
	close(reader.listGate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The overlapping listing was not kept; the read went to get_user instead.
	d.mu.Lock()
	kept := d.snapshot != nil
	d.mu.Unlock()
	if kept {
		t.Fatal("a listing that overlapped a write was kept")
	}
	expectCounts(t, reader, 4, 1)
}

func TestUserDirectoryConfirmsMissingUsers(t *testing.T) {
	reader := newFakeUserReader(10)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 4)
	expectCounts(t, reader, 3, 1)

	// Created after the listing: found by get_user.
	reader.add(idOf(50), "late@example.com")
	mustRead(t, d, idOf(50))
	// Deleted: confirmed gone by get_user.
	reader.remove(idOf(60))
	if _, err := d.user(t.Context(), idOf(60)); !errors.Is(err, kasm.ErrNotFound) {
		t.Fatalf("reading a missing user: %v, want ErrNotFound", err)
	}
	expectCounts(t, reader, 5, 1)
}

func TestUserDirectoryWithoutGroupsReadsDirectly(t *testing.T) {
	reader := newFakeUserReader(10)
	reader.noGroups = true
	d, clock := newTestDirectory(reader)
	for i := range 10 {
		if u := mustRead(t, d, idOf(i)); len(u.Groups) == 0 {
			t.Fatalf("user %d read without groups", i)
		}
	}
	// One listing proved useless; it is not repeated until the snapshot lifetime has passed.
	expectCounts(t, reader, 10, 1)

	clock.Advance(userDirectorySnapshotTTL)
	mustReadFirst(t, d, 4)
	expectCounts(t, reader, 14, 2)
}

func TestUserDirectoryListingFailureFallsBack(t *testing.T) {
	reader := newFakeUserReader(10)
	reader.listErr = fmt.Errorf("kasm: get_users: %w", kasm.ErrUnauthorized)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 10)
	expectCounts(t, reader, 10, 1)
}

func TestUserDirectorySnapshotExpires(t *testing.T) {
	reader := newFakeUserReader(10)
	d, clock := newTestDirectory(reader)
	mustReadFirst(t, d, 5)
	expectCounts(t, reader, 3, 1)

	clock.Advance(userDirectorySnapshotTTL - time.Second)
	reader.add(idOf(0), "renamed@example.com")
	if u := mustRead(t, d, idOf(0)); u.Username == "renamed@example.com" {
		t.Fatal("a fresh snapshot was not used")
	}
	clock.Advance(time.Second)
	// Expired: the read counts towards a new burst (the window forgot the old reads).
	if u := mustRead(t, d, idOf(0)); u.Username != "renamed@example.com" {
		t.Fatalf("an expired snapshot served %q", u.Username)
	}
	expectCounts(t, reader, 4, 1)
}

func TestUserDirectoryCancelledWaiterGivesUp(t *testing.T) {
	reader := newFakeUserReader(10)
	d, _ := newTestDirectory(reader)
	mustReadFirst(t, d, 3)
	reader.listEnter, reader.listGate = make(chan struct{}), make(chan struct{})
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		_, _ = d.user(t.Context(), idOf(3))
	}()
	<-reader.listEnter

	// The listing is still held, yet a read whose context is done returns: it stopped
	// waiting and went to get_user (which the fake serves whatever the context).
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if u, err := d.user(ctx, idOf(4)); err != nil || u.ID != idOf(4) {
		t.Fatalf("reading with a cancelled context: %v, %v", u, err)
	}
	expectCounts(t, reader, 4, 1)
	close(reader.listGate)
	<-loaded
}

func TestUserDirectoryAgainstTheSimulator(t *testing.T) {
	bench := newUsersBench(t, 600, 0)
	ids := firstUserIDs(t, bench.sim, 500)
	bench.sim.ResetCounts()
	if err := refreshUsers(t.Context(), newUserDirectory(bench.client), ids); err != nil {
		t.Fatal(err)
	}
	// Fifteen direct reads; the sixteenth reads the first page, which says the 602 users take
	// two pages, no more than the reads so far, so both pages are listed.
	if got := bench.sim.RequestCounts(); got["get_users"] != 3 || got["get_user"] >= userDirectoryThreshold {
		t.Fatalf("refreshing %d users took %v", len(ids), got)
	}
}

func TestUserDirectoryAgainstTheSimulatorWithoutGroupsView(t *testing.T) {
	bench := newUsersBench(t, 100, 0, kasmsim.PermUsersView)
	ids := firstUserIDs(t, bench.sim, 100)
	bench.sim.ResetCounts()
	if err := refreshUsers(t.Context(), newUserDirectory(bench.client), ids); err != nil {
		t.Fatal(err)
	}
	// The listing shows no groups, so every read needs get_user; it is not listed again.
	if got := bench.sim.RequestCounts(); got["get_users"] != 1 || got["get_user"] != len(ids) {
		t.Fatalf("refreshing %d users took %v", len(ids), got)
	}
}
