package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/kasmsim"
)

// stateSaver keeps the -state file in step with the simulator: it saves on
// every change (coalesced), periodically, and once more at exit. Writes go
// to a temporary file that replaces the old one, so a crash mid-write never
// leaves a truncated state behind.
type stateSaver struct {
	path string
	root *os.Root // The state file's directory.
	name string   // The state file's name inside root.
	kick chan struct{}

	mu  sync.Mutex
	sim *kasmsim.Server
	seq int
}

func newStateSaver(path string) (*stateSaver, error) {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("open state directory: %w", err)
	}
	return &stateSaver{path: path, root: root, name: filepath.Base(path), kick: make(chan struct{}, 1)}, nil
}

func (s *stateSaver) close() { _ = s.root.Close() }

func (s *stateSaver) load() ([]byte, error) {
	data, err := s.root.ReadFile(s.name)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	return data, nil
}

// attach sets the simulator whose state is saved.
func (s *stateSaver) attach(sim *kasmsim.Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sim = sim
}

// notify is the simulator's OnChange: it asks for a save without waiting.
func (s *stateSaver) notify() {
	select {
	case s.kick <- struct{}{}:
	default: // A save is already pending; it will include this change.
	}
}

// loop saves after changes and every interval until ctx ends.
func (s *stateSaver) loop(ctx context.Context, interval time.Duration, stderr io.Writer) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-ticker.C:
		}
		if err := s.save(); err != nil {
			// Keep serving: the next change or tick tries again.
			_, _ = fmt.Fprintln(stderr, "kasmsim:", err)
		}
	}
}

// save writes the current state. The file holds API key secrets, so it is
// readable by its owner only.
func (s *stateSaver) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sim == nil {
		return nil
	}
	data, err := s.sim.Snapshot()
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	s.seq++
	tmp := fmt.Sprintf(".%s.%d.%d.tmp", s.name, os.Getpid(), s.seq)
	if err := s.root.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err := s.root.Rename(tmp, s.name); err != nil {
		_ = s.root.Remove(tmp)
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}
