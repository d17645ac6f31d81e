package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// Refreshing a configuration with thousands of kasm_user resources would cost one get_user call
// per user. The user directory notices when many user reads arrive close together, which is
// what a refresh looks like, and then serves them from one snapshot of get_users (every page)
// instead. A listing is only worth it when more reads come than it has pages: a handful of
// reads, or a small configuration in a large estate, keeps reading users one by one.
const (
	// userDirectoryThreshold is how many user reads within userDirectoryWindow make the
	// directory look at the size of the estate (one get_users call for the first page). The
	// full listing is loaded once the reads in the window also reach its number of pages, so a
	// listing is only paid for by a burst of reads at least as large.
	userDirectoryThreshold = 16
	// userDirectoryWindow is how close together reads must be to count towards the threshold.
	userDirectoryWindow = 5 * time.Second
	// userDirectorySnapshotTTL bounds how stale a snapshot may be. A refresh is a point-in-time
	// view anyway; the bound only keeps a long-running command from serving old data.
	userDirectorySnapshotTTL = 30 * time.Second
	// userDirectoryPageSize is the page size of the snapshot listing.
	userDirectoryPageSize = 500
)

// userReader is the part of the Kasm client the directory needs.
type userReader interface {
	GetUser(ctx context.Context, ref kasm.UserRef) (*kasm.User, error)
	GetUsers(ctx context.Context, opts kasm.GetUsersOptions) ([]kasm.User, error)
	GetUsersPage(ctx context.Context, page, pageSize int, opts kasm.GetUsersOptions) ([]kasm.User, int, error)
}

// userDirectory serves user reads for one configured provider. It is safe for concurrent use,
// because Terraform reads resources in parallel.
//
// Correctness rules:
//   - every write the provider makes to a user calls invalidate, so a snapshot never hides
//     the provider's own changes;
//   - a user missing from the snapshot is confirmed with get_user before it is declared gone
//     (it may have been created after the listing, or a concurrent deletion may have shifted a
//     page);
//   - get_users leaves groups empty for an API key without the Groups View permission, and
//     every user is at least in All Users, so a user listed without groups is read with
//     get_user to learn its group ids. A snapshot in which no user has groups is discarded and
//     the directory stops listing until the snapshot lifetime has passed.
type userDirectory struct {
	client    userReader
	now       func() time.Time
	threshold int
	window    time.Duration
	ttl       time.Duration
	pageSize  int

	mu sync.Mutex
	// recent holds the times of the reads inside the window, oldest first.
	recent []time.Time
	// snapshot is the current listing, or nil.
	snapshot *userSnapshot
	// loading is the listing in flight, or nil; concurrent reads wait for it instead of
	// listing again.
	loading *snapshotLoad
	// generation counts invalidations, so that a listing started before a write is not kept.
	generation uint64
	// pausedUntil stops listing after a listing failed or proved useless (no groups visible).
	pausedUntil time.Time
	// pages is the number of pages a listing takes, learnt from the first page at
	// pagesLearnt; 0 while unknown.
	pages       int
	pagesLearnt time.Time
}

// userSnapshot is one listing of every (non-anonymous) user, by normalised id.
type userSnapshot struct {
	users    map[string]kasm.User
	loadedAt time.Time
}

// snapshotLoad is a listing in flight. done is closed when it finishes; snapshot is nil when it
// failed, was not worth loading yet, or was invalidated meanwhile.
type snapshotLoad struct {
	done     chan struct{}
	snapshot *userSnapshot
}

// newUserDirectory returns a directory with the production tuning.
func newUserDirectory(client userReader) *userDirectory {
	return &userDirectory{
		client:    client,
		now:       time.Now,
		threshold: userDirectoryThreshold,
		window:    userDirectoryWindow,
		ttl:       userDirectorySnapshotTTL,
		pageSize:  userDirectoryPageSize,
	}
}

// invalidate drops the snapshot. Every create, update and delete of a user calls it.
func (d *userDirectory) invalidate() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.generation++
	d.snapshot = nil
}

// user returns the user with the given id (either form). An unknown user matches
// kasm.ErrNotFound, as get_user reports it.
func (d *userDirectory) user(ctx context.Context, id string) (*kasm.User, error) {
	key, err := kasm.NormalizeID(id)
	if err != nil {
		return d.client.GetUser(ctx, kasm.UserRef{ID: id})
	}

	snapshot := d.snapshotFor(ctx)
	if snapshot != nil {
		if u, ok := snapshot.users[key]; ok && len(u.Groups) > 0 {
			return &u, nil
		}
		tflog.Trace(ctx, "Kasm user not served by the snapshot, reading it directly", map[string]any{"user_id": key})
	}
	return d.client.GetUser(ctx, kasm.UserRef{ID: key})
}

// snapshotFor records a read and returns the snapshot to serve it from, loading one when the
// reads have become frequent enough, or nil to read directly.
func (d *userDirectory) snapshotFor(ctx context.Context) *userSnapshot {
	d.mu.Lock()
	now := d.now()
	d.recordLocked(now)

	if d.snapshot != nil && now.Sub(d.snapshot.loadedAt) < d.ttl {
		snapshot := d.snapshot
		d.mu.Unlock()
		return snapshot
	}
	d.snapshot = nil

	if load := d.loading; load != nil {
		d.mu.Unlock()
		select {
		case <-load.done:
			return load.snapshot
		case <-ctx.Done():
			return nil
		}
	}
	if len(d.recent) < d.triggerLocked(now) || now.Before(d.pausedUntil) {
		d.mu.Unlock()
		return nil
	}

	load := &snapshotLoad{done: make(chan struct{})}
	d.loading = load
	generation := d.generation
	d.mu.Unlock()

	snapshot, failed := d.load(ctx, now)

	d.mu.Lock()
	d.loading = nil
	switch {
	case failed:
		d.pausedUntil = now.Add(d.ttl)
	case snapshot == nil:
		// Not worth listing yet: more reads must come first.
	case d.generation != generation:
		// A write happened while the pages were read: the listing may predate it.
		snapshot = nil
	default:
		d.snapshot = snapshot
	}
	load.snapshot = snapshot
	d.mu.Unlock()
	close(load.done)
	return snapshot
}

// triggerLocked is how many reads within the window make a listing worthwhile: the threshold,
// or the number of pages of the listing when that is known and larger.
func (d *userDirectory) triggerLocked(now time.Time) int {
	if d.pages > 0 && now.Sub(d.pagesLearnt) < d.ttl {
		return max(d.threshold, d.pages)
	}
	return d.threshold
}

// recordLocked adds a read at now and forgets reads that left the window. Only as many reads
// as the trigger matter, so no more are kept.
func (d *userDirectory) recordLocked(now time.Time) {
	cutoff := now.Add(-d.window)
	drop := 0
	for drop < len(d.recent) && !d.recent[drop].After(cutoff) {
		drop++
	}
	if excess := len(d.recent) - drop + 1 - d.triggerLocked(now); excess > 0 {
		drop += excess
	}
	d.recent = append(d.recent[:0], d.recent[drop:]...)
	d.recent = append(d.recent, now)
}

// load lists every user for a snapshot. A nil snapshot means no listing this time: failed is
// true when the listing failed or shows no groups at all (the API key lacks Groups View, so
// every read needs get_user anyway), and false when the estate takes more pages than reads have
// come so far.
func (d *userDirectory) load(ctx context.Context, now time.Time) (snapshot *userSnapshot, failed bool) {
	start := d.now()
	opts := kasm.GetUsersOptions{PageSize: d.pageSize}
	d.mu.Lock()
	sizeKnown := d.pages > 0 && now.Sub(d.pagesLearnt) < d.ttl
	d.mu.Unlock()

	var users []kasm.User
	var err error
	if sizeKnown {
		users, err = d.client.GetUsers(ctx, opts)
	} else {
		var worthwhile bool
		users, worthwhile, err = d.firstPage(ctx, now, opts)
		if err == nil && !worthwhile {
			return nil, false
		}
	}
	if err != nil {
		tflog.Debug(ctx, "Listing Kasm users for the user directory failed, reading users one by one", map[string]any{
			"error": err.Error(),
		})
		return nil, true
	}

	snapshot = &userSnapshot{users: make(map[string]kasm.User, len(users)), loadedAt: now}
	groupsVisible := false
	for _, u := range users {
		snapshot.users[u.ID] = u
		groupsVisible = groupsVisible || len(u.Groups) > 0
	}
	if !groupsVisible && len(users) > 0 {
		tflog.Debug(ctx, "Kasm user listing carries no groups (API key without Groups View), reading users one by one",
			map[string]any{"users": len(users)})
		return nil, true
	}
	tflog.Debug(ctx, "Loaded Kasm user snapshot", map[string]any{
		"users":       len(users),
		"duration_ms": d.now().Sub(start).Milliseconds(),
	})
	return snapshot, false
}

// firstPage reads the first page of the listing, which tells how many pages the estate takes.
// When that page holds everyone it is the whole listing; otherwise the remaining pages are read
// only when the reads in the window already reach their number, and worthwhile is false when
// they do not.
func (d *userDirectory) firstPage(ctx context.Context, now time.Time, opts kasm.GetUsersOptions) (
	users []kasm.User, worthwhile bool, err error,
) {
	users, total, err := d.client.GetUsersPage(ctx, 0, d.pageSize, opts)
	if err != nil {
		return nil, false, err
	}
	if len(users) >= total {
		return users, true, nil
	}
	pages := (total + d.pageSize - 1) / d.pageSize
	d.mu.Lock()
	d.pages, d.pagesLearnt = pages, now
	worthwhile = len(d.recent) >= d.triggerLocked(now)
	d.mu.Unlock()
	if !worthwhile {
		tflog.Debug(ctx, "Kasm user listing not worth its pages yet, reading users one by one", map[string]any{
			"users": total, "pages": pages,
		})
		return nil, false, nil
	}
	users, err = d.client.GetUsers(ctx, opts)
	return users, true, err
}
