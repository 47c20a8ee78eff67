//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package marketplace

import "errors"

// slotFile is not available without flock: each process paces alone, as before.
type slotFile struct{}

func openSlotFile(string) (*slotFile, error) { return nil, errors.ErrUnsupported }

func (*slotFile) lock() bool                 { return false }
func (*slotFile) close()                     {}
func (*slotFile) unlock()                    {}
func (*slotFile) readAt([]byte) (int, error) { return 0, errors.ErrUnsupported }
func (*slotFile) writeAt([]byte)             {}
