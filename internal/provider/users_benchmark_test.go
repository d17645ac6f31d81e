package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasm"
	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// usersBench is a simulator over httptest with a client, for benchmarks and tests that count
// API calls.
type usersBench struct {
	sim    *kasmsim.Server
	client *kasm.Client
}

func newUsersBench(tb testing.TB, seeded int, latency time.Duration, perms ...kasmsim.Permission) *usersBench {
	tb.Helper()
	sim := kasmsim.New(kasmsim.Options{Latency: latency})
	server := httptest.NewServer(sim)
	tb.Cleanup(server.Close)
	key, secret := sim.AdminKey()
	if len(perms) > 0 {
		key, secret = sim.CreateAPIKey(kasmsim.APIKeySpec{Name: "restricted", Permissions: perms})
	}
	client, err := kasm.NewClient(kasm.Config{BaseURL: server.URL, APIKey: key, APIKeySecret: secret})
	if err != nil {
		tb.Fatalf("creating the client: %v", err)
	}
	if ids := sim.SeedUsers(seeded, "bench"); len(ids) != seeded {
		tb.Fatalf("seeded %d users, want %d", len(ids), seeded)
	}
	return &usersBench{sim: sim, client: client}
}

// calls is the number of API requests since the last ResetCounts.
func (b *usersBench) calls() int {
	total := 0
	for _, n := range b.sim.RequestCounts() {
		total += n
	}
	return total
}

// BenchmarkUsersDataSourceList measures what the kasm_users data source does for an estate of
// 10,000 users: list every page and convert the users into the Terraform list value.
func BenchmarkUsersDataSourceList(b *testing.B) {
	bench := newUsersBench(b, 10000, 0)
	ctx := b.Context()
	bench.sim.ResetCounts()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		users, err := bench.client.GetUsers(ctx, kasm.GetUsersOptions{PageSize: usersListPageSize})
		if err != nil {
			b.Fatal(err)
		}
		list, diags := usersListValue(users, usersFilter{}, anyUserHasGroups(users))
		if diags.HasError() || len(list.Elements()) != len(users) {
			b.Fatalf("converted %d of %d users: %v", len(list.Elements()), len(users), diags)
		}
	}
	b.ReportMetric(float64(bench.calls())/float64(b.N), "calls/op")
}

// BenchmarkUsersRefresh measures refreshing 2,000 kasm_user resources, ten at a time as
// Terraform does, with and without the user directory, in an estate of 10,000 users; once with
// the in-process simulator answering at once and once with 5ms of latency per request, closer
// to a real server.
func BenchmarkUsersRefresh(b *testing.B) {
	for _, latency := range []time.Duration{0, 5 * time.Millisecond} {
		for _, mode := range []string{"direct", "directory"} {
			b.Run(fmt.Sprintf("latency=%s/%s", latency, mode), func(b *testing.B) {
				bench := newUsersBench(b, 10000, latency)
				ids := firstUserIDs(b, bench.sim, 2000)
				ctx := b.Context()
				bench.sim.ResetCounts()
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					directory := newUserDirectory(bench.client)
					if mode == "direct" {
						directory.threshold = len(ids) + 1
					}
					if err := refreshUsers(ctx, directory, ids); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(bench.calls())/float64(b.N), "calls/op")
			})
		}
	}
}

// firstUserIDs returns the ids of the first n users the simulator holds.
func firstUserIDs(tb testing.TB, sim *kasmsim.Server, n int) []string {
	tb.Helper()
	users := sim.Users()
	if len(users) < n {
		tb.Fatalf("the simulator holds %d users, want at least %d", len(users), n)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = users[i].ID
	}
	return ids
}

// terraformParallelism is how many operations Terraform runs at once by default.
const terraformParallelism = 10

// refreshUsers reads every id through the directory, as many at once as Terraform does, and
// checks that each read returns the user with its groups.
func refreshUsers(ctx context.Context, directory *userDirectory, ids []string) error {
	parallelism := terraformParallelism
	work := make(chan string)
	errs := make(chan error, parallelism)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				u, err := directory.user(ctx, id)
				switch {
				case err != nil:
					errs <- err
					return
				case u.ID != id || len(u.Groups) == 0:
					errs <- fmt.Errorf("read %s: got id %s with %d groups", id, u.ID, len(u.Groups))
					return
				}
			}
		}()
	}
	var failed error
	for _, id := range ids {
		select {
		case work <- id:
			continue
		case failed = <-errs:
		}
		break
	}
	close(work)
	wg.Wait()
	close(errs)
	if failed != nil {
		return failed
	}
	return <-errs
}
