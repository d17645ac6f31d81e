package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
)

// Poll timing for session start and deletion. A container session usually runs within a few
// seconds, an autoscaled one within minutes: polling starts fast and backs off so that neither
// case floods Kasm with requests.
const (
	sessionPollInitialWait = 250 * time.Millisecond
	sessionPollMaxWait     = 4 * time.Second
)

// Session states as Kasm names them (operational_status).
const (
	sessionStatusRunning = "running"
)

// sessionStartingStatuses are the states of a session on its way to running: an autoscaled
// session walks all four, one on an existing agent only the last.
var sessionStartingStatuses = []string{"requested", "provisioning", "assigned", "starting"}

// sessionDeletingStatuses are the states of a session Kasm is removing; such a session is as
// good as gone.
var sessionDeletingStatuses = []string{
	"delete_pending", "admin_delete_pending", "user_delete_pending", "deleting", "destroying",
}

func sessionIsStarting(status string) bool {
	return slices.Contains(sessionStartingStatuses, status)
}

func sessionIsDeleting(status string) bool {
	return slices.Contains(sessionDeletingStatuses, status)
}

// sessionPoller waits for a session to reach a state, polling with exponential backoff. The
// sleep function is replaceable so that unit tests need no real waiting.
type sessionPoller struct {
	initialWait time.Duration
	maxWait     time.Duration
	sleep       func(ctx context.Context, d time.Duration) error
}

func newSessionPoller() sessionPoller {
	return sessionPoller{initialWait: sessionPollInitialWait, maxWait: sessionPollMaxWait, sleep: sessionSleep}
}

// sessionSleep waits for d or until ctx ends, whichever comes first.
func sessionSleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// backoff returns the wait before poll number attempt (0 for the first wait): the initial wait,
// doubled each time, capped at the maximum.
func (p sessionPoller) backoff(attempt int) time.Duration {
	wait := p.initialWait
	for range attempt {
		wait *= 2
		if wait >= p.maxWait {
			return p.maxWait
		}
	}
	return min(wait, p.maxWait)
}

// errSessionWaitTimedOut marks a wait that ran out of time; it wraps the context's error.
var errSessionWaitTimedOut = errors.New("timed out")

// sessionStateError reports a session that reached a state it cannot leave on its own, such
// as stopped while it was starting.
type sessionStateError struct {
	Status  string
	Message string
}

func (e *sessionStateError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("the session is %s (%s)", e.Status, e.Message)
	}
	return "the session is " + e.Status
}

// errSessionVanished reports a session that disappeared while the provider waited for it to run.
var errSessionVanished = errors.New("the session no longer exists: Kasm removed it while it was starting")

// waitForRunning polls get_kasm_status (through status) until the session runs and returns
// that final answer, whose kasm_url carries the only session token still valid. The error
// wraps errSessionWaitTimedOut when ctx ended first, and names the last state seen.
func (p sessionPoller) waitForRunning(ctx context.Context, kasmID string,
	status func(ctx context.Context) (*kasm.KasmStatus, error),
) (*kasm.KasmStatus, error) {
	lastStatus := "requested"
	for attempt := 0; ; attempt++ {
		answer, err := status(ctx)
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("%w waiting for the session to run (last status %q): %w",
				errSessionWaitTimedOut, lastStatus, ctx.Err())
		case errors.Is(err, kasm.ErrNotFound):
			return nil, errSessionVanished
		case err != nil:
			return nil, err
		}
		lastStatus = answer.OperationalStatus
		tflog.Debug(ctx, "Polled Kasm session status", map[string]any{
			"kasm_id": kasmID, "status": lastStatus, "attempt": attempt + 1,
		})
		switch {
		case lastStatus == sessionStatusRunning && answer.Kasm != nil:
			return answer, nil
		case lastStatus == sessionStatusRunning, sessionIsStarting(lastStatus):
			// Still on its way (a running state without the session object only appears
			// while Kasm finishes the start).
		default:
			return nil, &sessionStateError{Status: lastStatus, Message: answer.OperationalMessage}
		}
		if err := p.sleep(ctx, p.backoff(attempt)); err != nil {
			return nil, fmt.Errorf("%w waiting for the session to run (last status %q): %w",
				errSessionWaitTimedOut, lastStatus, err)
		}
	}
}

// waitForGone polls the session list (through list) until the session is no longer in it.
// The error wraps errSessionWaitTimedOut when ctx ended first.
func (p sessionPoller) waitForGone(ctx context.Context, kasmID string,
	list func(ctx context.Context) ([]kasm.Kasm, error),
) error {
	for attempt := 0; ; attempt++ {
		kasms, err := list(ctx)
		if ctx.Err() != nil {
			return fmt.Errorf("%w waiting for the session to be deleted: %w", errSessionWaitTimedOut, ctx.Err())
		}
		if err != nil {
			return err
		}
		current := findSession(kasms, kasmID)
		if current == nil {
			return nil
		}
		tflog.Debug(ctx, "Waiting for Kasm session to be deleted", map[string]any{
			"kasm_id": kasmID, "status": current.OperationalStatus, "attempt": attempt + 1,
		})
		if err := p.sleep(ctx, p.backoff(attempt)); err != nil {
			return fmt.Errorf("%w waiting for the session to be deleted (last status %q): %w",
				errSessionWaitTimedOut, current.OperationalStatus, err)
		}
	}
}

// destroyAndWait destroys a session and waits until Kasm no longer lists it. A session that
// is already gone is success. Kasm refuses to destroy a session that is in the middle of a
// transition ("not in a valid state to be deleted"); the request is then repeated, with
// backoff, until Kasm accepts it or the session is deleting anyway.
func (p sessionPoller) destroyAndWait(ctx context.Context, client kasm.SessionsAPI, kasmID, userID string) error {
	for attempt := 0; ; attempt++ {
		err := client.DestroyKasm(ctx, kasmID, userID)
		if ctx.Err() != nil {
			return fmt.Errorf("%w destroying the session: %w", errSessionWaitTimedOut, ctx.Err())
		}
		if errors.Is(err, kasm.ErrNotFound) {
			return nil
		}
		if err == nil {
			break
		}
		if !isInvalidDeleteState(err) {
			return err
		}
		kasms, listErr := client.GetKasms(ctx)
		if listErr != nil {
			return listErr
		}
		current := findSession(kasms, kasmID)
		if current == nil {
			return nil
		}
		if sessionIsDeleting(current.OperationalStatus) {
			break
		}
		tflog.Debug(ctx, "Kasm cannot destroy the session in its current state yet; trying again", map[string]any{
			"kasm_id": kasmID, "status": current.OperationalStatus, "attempt": attempt + 1,
		})
		if err := p.sleep(ctx, p.backoff(attempt)); err != nil {
			return fmt.Errorf("%w destroying the session (last status %q): %w",
				errSessionWaitTimedOut, current.OperationalStatus, err)
		}
	}
	return p.waitForGone(ctx, kasmID, client.GetKasms)
}

// isInvalidDeleteState recognises destroy_kasm's answer for a session that is already being
// deleted or is still changing state.
func isInvalidDeleteState(err error) bool {
	var apiErr *kasm.APIError
	return errors.As(err, &apiErr) &&
		strings.Contains(strings.ToLower(apiErr.Message), "not in a valid state to be deleted")
}

// findSession returns the session with the given id from a get_kasms list, or nil.
func findSession(kasms []kasm.Kasm, kasmID string) *kasm.Kasm {
	want, err := kasm.NormalizeID(kasmID)
	if err != nil {
		return nil
	}
	for i := range kasms {
		if kasms[i].ID == want {
			return &kasms[i]
		}
	}
	return nil
}

// sessionIDsOfUser returns the ids of the listed sessions that belong to userID.
func sessionIDsOfUser(kasms []kasm.Kasm, userID string) map[string]bool {
	ids := make(map[string]bool)
	for _, k := range kasms {
		if k.UserID == userID {
			ids[k.ID] = true
		}
	}
	return ids
}

// adoptableSession picks the session a request_kasm with a lost answer created: a session of
// userID (on imageID, when one was requested) that did not exist before the request was
// sent. When several qualify (another client requested one at the same moment) the newest
// wins. It returns nil when there is none, which means the request created nothing.
func adoptableSession(kasms []kasm.Kasm, userID, imageID string, before map[string]bool) *kasm.Kasm {
	var newest *kasm.Kasm
	for i := range kasms {
		k := &kasms[i]
		if k.UserID != userID || before[k.ID] || sessionIsDeleting(k.OperationalStatus) {
			continue
		}
		if imageID != "" && k.ImageID != imageID {
			continue
		}
		if newest == nil || startedAfter(k, newest) {
			newest = k
		}
	}
	return newest
}

// startedAfter reports whether a started after b; a session without a start date sorts first.
func startedAfter(a, b *kasm.Kasm) bool {
	switch {
	case a.StartDate == nil:
		return false
	case b.StartDate == nil:
		return true
	default:
		return a.StartDate.After(*b.StartDate)
	}
}
