package marketplace

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"time"
)

// sharedPacing is one pacing for every provider process of the machine that calls the same
// API root with the same account: the pipelines of a vendor that run at once on one machine,
// and the several provider processes of one Terraform run. Paced apart, processes that
// cannot see each other collide whenever two of their requests fall within one interval of
// a strict limit (one request every 100 ms, no burst), and each collision costs a
// whole-second Retry-After. Shared, they are one pacer: each request takes the next start
// at the shared spacing, and what one process learns (a 429, its Retry-After, the peak, a
// probe accepted above it) paces all of them.
//
// The state lives in a small file of the pacing folder (pacing-<hash of the API root and
// the email>.slot: no credential in it, nor in its name), read and written whole under an
// exclusive file lock (flock) around each decision: a few microseconds. The kernel releases
// the lock of a process that dies; a record nobody wrote for idleAfter is resumed the way
// the next process resumes the kept state (just under the peak), one older than
// storeLifetime, or torn, or from a clock far ahead, is not used. A lock not taken
// within a few milliseconds, or a system without flock, leaves the process pacing alone:
// sharing saves time, it never fails a request.
type sharedPacing struct {
	file *slotFile
	buf  [recordSize]byte

	fallbacks int // decisions taken alone: the lock was not taken in time
}

const (
	recordSize  = 128
	recordMagic = 0x4d50_5031 // "MPP1"

	idleAfter = maxPlateau       // a record nobody wrote for this long is resumed, not followed
	maxSkew   = time.Minute      // a record written further ahead than this is from another clock
	maxHold   = 15 * time.Minute // the longest Retry-After a record may hold
	maxLook   = 2 * time.Second  // the longest a waiting request sleeps before looking again
)

// openSharedPacing opens the slot file at path (beside the kept state: pacingStore); nil
// when it cannot be opened, or on a system without flock.
func openSharedPacing(path string) *sharedPacing {
	f, err := openSlotFile(path)
	if err != nil {
		return nil
	}
	return &sharedPacing{file: f}
}

// update runs decide on p's state (p.mu held) at now: first brought up to date from the
// record, then written back when decide changed it. Without a record (nil s, or the lock
// not taken) decide runs on the process's own state.
func (s *sharedPacing) update(p *pacer, decide func(now time.Time) bool) {
	now := p.now()
	if s == nil {
		decide(now)
		return
	}
	if !s.file.lock() {
		s.fallbacks++
		decide(now)
		return
	}
	defer s.file.unlock()
	n, _ := s.file.readAt(s.buf[:])
	if n == recordSize {
		s.apply(p, now)
	}
	if decide(now) {
		s.encode(p, now)
		s.file.writeAt(s.buf[:])
	}
}

// apply brings p up to date from the record in s.buf, when it is sound and recent.
func (s *sharedPacing) apply(p *pacer, now time.Time) {
	b := s.buf[:]
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != recordMagic || le.Uint32(b[recordSize-4:]) != crc32.ChecksumIEEE(b[:recordSize-4]) {
		return
	}
	updated := unixTime(le.Uint64(b[8:]))
	if updated.After(now.Add(maxSkew)) || now.Sub(updated) > storeLifetime {
		return
	}
	p.notBefore = unixTime(le.Uint64(b[16:]))
	p.budget = time.Duration(le.Uint64(b[24:]))
	p.last = unixTime(le.Uint64(b[32:]))
	p.sentWin = unixTime(le.Uint64(b[40:]))
	p.sentCur, p.sentPrev = int(le.Uint32(b[48:])), int(le.Uint32(b[52:]))
	p.mode = pacingMode(le.Uint32(b[56:]))
	p.rate = math.Float64frombits(le.Uint64(b[64:]))
	p.raisedAt = unixTime(le.Uint64(b[72:]))
	p.peak = math.Float64frombits(le.Uint64(b[80:]))
	p.cutAt = unixTime(le.Uint64(b[88:]))
	p.plateau = time.Duration(le.Uint64(b[96:]))
	// A clock set back: nothing started later than now, no hold longer than maxHold.
	if p.last.After(now) {
		p.last = now
	}
	if p.notBefore.After(now.Add(maxHold)) {
		p.notBefore = now.Add(maxHold)
	}
	if now.Sub(later(updated, p.notBefore)) > idleAfter {
		p.resume(updated, now)
	}
}

// resume starts p from a state nobody used since updated, as the next process starts
// from the kept state (pacingStore.load): just under the peak, or the rate it had climbed
// to past it, probing above after the first plateau.
func (p *pacer) resume(updated, now time.Time) {
	peak := max(p.peak, p.pace(updated))
	p.budget, p.sentCur, p.sentPrev = 0, 0, 0
	if p.mode == notPacing || p.peak <= 0 || peak < minRate {
		p.mode = notPacing
		return
	}
	p.mode, p.peak, p.plateau = climbing, peak, minPlateau
	p.cutAt = now.Add(-climbTime)
}

// encode writes p's state, as of now, to s.buf.
func (s *sharedPacing) encode(p *pacer, now time.Time) {
	b := s.buf[:]
	clear(b)
	le := binary.LittleEndian
	le.PutUint32(b[0:], recordMagic)
	le.PutUint64(b[8:], unixNano(now))
	le.PutUint64(b[16:], unixNano(p.notBefore))
	le.PutUint64(b[24:], uint64(p.budget))
	le.PutUint64(b[32:], unixNano(p.last))
	le.PutUint64(b[40:], unixNano(p.sentWin))
	le.PutUint32(b[48:], uint32(min(p.sentCur, math.MaxUint32)))
	le.PutUint32(b[52:], uint32(min(p.sentPrev, math.MaxUint32)))
	le.PutUint32(b[56:], uint32(p.mode))
	le.PutUint64(b[64:], math.Float64bits(p.rate))
	le.PutUint64(b[72:], unixNano(p.raisedAt))
	le.PutUint64(b[80:], math.Float64bits(p.peak))
	le.PutUint64(b[88:], unixNano(p.cutAt))
	le.PutUint64(b[96:], uint64(p.plateau))
	le.PutUint32(b[recordSize-4:], crc32.ChecksumIEEE(b[:recordSize-4]))
}

// unixNano is t on the wall clock, 0 for the zero time.
func unixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano())
}

func unixTime(n uint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n))
}
