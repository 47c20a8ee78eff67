package marketplace

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
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
	recordMagic = 0x4d50_5032 // "MPP2"

	idleAfter = maxPlateau       // a record nobody wrote for this long is resumed, not followed
	maxSkew   = time.Minute      // a record written further ahead than this is from another clock
	maxHold   = 15 * time.Minute // the longest Retry-After a record may hold
	maxLook   = 2 * time.Second  // the longest a waiting request sleeps before looking again
)

// openSharedPacing opens the slot file at path; nil when it cannot be opened, or on a
// system without flock. Records of other API roots and accounts nobody used for a day
// (each test's emulator has a root of its own) are removed from its folder.
func openSharedPacing(path string) *sharedPacing {
	f, err := openSlotFile(path)
	if err != nil {
		return nil
	}
	sweepSlots(filepath.Dir(path), filepath.Base(path), time.Now().Add(-slotLifetime))
	return &sharedPacing{file: f}
}

// slotLifetime is how long a record nobody wrote stays in the folder.
const slotLifetime = 24 * time.Hour

// sweepSlots removes the records in dir, other than keep, last written before cutoff.
func sweepSlots(dir, keep string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == keep || !e.Type().IsRegular() || !strings.HasPrefix(name, "pacing-") || !strings.HasSuffix(name, ".slot") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
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
	if getInt(b, 0) != recordMagic || getInt(b, recordSize-8) != int64(crc32.ChecksumIEEE(b[:recordSize-8])) {
		return
	}
	updated := unixTime(getInt(b, 8))
	if updated.After(now.Add(maxSkew)) || now.Sub(updated) > storeLifetime {
		return
	}
	p.notBefore, p.budget, p.last = unixTime(getInt(b, 16)), time.Duration(getInt(b, 24)), unixTime(getInt(b, 32))
	p.started = perSecond{unixTime(getInt(b, 40)), int(getInt(b, 48)), int(getInt(b, 56))}
	p.mode, p.rate, p.raisedAt = pacingMode(getInt(b, 64)), getFloat(b, 72), unixTime(getInt(b, 80))
	p.peak, p.cutAt, p.plateau = getFloat(b, 88), unixTime(getInt(b, 96)), time.Duration(getInt(b, 104))
	p.margin = getFloat(b, 112)
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
	p.budget, p.started = 0, perSecond{}
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
	for off, v := range [...]int64{
		recordMagic, unixNano(now), unixNano(p.notBefore), int64(p.budget), unixNano(p.last),
		unixNano(p.started.win), int64(p.started.cur), int64(p.started.prev), int64(p.mode),
		0, unixNano(p.raisedAt), 0, unixNano(p.cutAt), int64(p.plateau),
	} {
		putInt(b, 8*off, v)
	}
	// The two rates, at 72 and 88, and the margin, at 112, are floats.
	putFloat(b, 72, p.rate)
	putFloat(b, 88, p.peak)
	putFloat(b, 112, p.margin)
	putInt(b, recordSize-8, int64(crc32.ChecksumIEEE(b[:recordSize-8])))
}

// unixNano is t on the wall clock, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func unixTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// The record is little-endian 64-bit words; signed values round-trip through their bits.
func putInt(b []byte, off int, v int64) { binary.LittleEndian.PutUint64(b[off:], uint64(v)) } //nolint:gosec // bits, not a value

func getInt(b []byte, off int) int64 { return int64(binary.LittleEndian.Uint64(b[off:])) } //nolint:gosec // bits, not a value

func putFloat(b []byte, off int, v float64) {
	binary.LittleEndian.PutUint64(b[off:], math.Float64bits(v))
}

func getFloat(b []byte, off int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
}
