package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sync"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// stateStore keeps the mock's documents in a JSON file.
type stateStore struct {
	path string
	mock *mockmarketplace.Mock
	mu   sync.Mutex // one save at a time, so the newest snapshot is the one left on disk
}

func (s *stateStore) load() error {
	if s.path == "" {
		return nil
	}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var state map[string]mockmarketplace.ProductState
	if err := json.Unmarshal(data, &state); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return s.mock.Restore(state)
}

// persist writes the documents as a change would leave them; the mock makes the change
// only when this succeeds.
func (s *stateStore) persist(state map[string]mockmarketplace.ProductState) error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := json.MarshalIndent(state, "", "  ")
	if err == nil {
		err = writeFileAtomic(s.path, data)
	}
	if err != nil {
		log.Printf("saving %s: %v", s.path, err)
	}
	return err
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and renames it
// over path: a crash leaves either the old file or the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() //nolint:gosec // the user names the file (-state-file, -url-file)
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path) //nolint:gosec // the user names the file (-state-file, -url-file)
}
