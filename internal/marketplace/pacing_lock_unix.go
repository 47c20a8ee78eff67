//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package marketplace

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// slotFile is the shared pacing record, locked with flock: the kernel releases the lock
// when its process ends, however it ends.
type slotFile struct {
	f  *os.File
	fd int
}

func openSlotFile(path string) (*slotFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// The folder may be in a place every user can write (the temporary directory): it
	// must be this user's own, closed to others, and not a link somewhere else.
	if err := ownPrivateFolder(dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600) //nolint:gosec // the pacing folder and a hash, never user input
	if err != nil {
		return nil, err
	}
	return &slotFile{f: f, fd: int(f.Fd())}, nil
}

// errNotOwnFolder is a pacing folder that is not this user's, or that others could write.
var errNotOwnFolder = errors.New("the pacing folder is not this user's own")

func ownPrivateFolder(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || int(st.Uid) != os.Getuid() || info.Mode().Perm()&0o022 != 0 {
		return errNotOwnFolder
	}
	return nil
}

// lockTries bounds the wait for the lock: another process holds it for microseconds,
// unless it was stopped (SIGSTOP) while holding it; then this one paces alone.
const lockTries = 12

// lock takes the record's exclusive lock, or says it could not within about 25 ms.
func (s *slotFile) lock() bool {
	wait := 25 * time.Microsecond
	for i := 0; i < lockTries; i++ {
		err := syscall.Flock(s.fd, syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true
		case !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR):
			return false
		}
		time.Sleep(wait)
		wait = min(2*wait, 5*time.Millisecond)
	}
	return false
}

func (s *slotFile) close() { _ = s.f.Close() }

func (s *slotFile) unlock() { _ = syscall.Flock(s.fd, syscall.LOCK_UN) }

func (s *slotFile) readAt(b []byte) (int, error) { return s.f.ReadAt(b, 0) }

func (s *slotFile) writeAt(b []byte) { _, _ = s.f.WriteAt(b, 0) }
