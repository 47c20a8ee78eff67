package marketplace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// pacingStore keeps what a pacer learnt in a small file, so that the next provider process
// for the same API and account starts from it: Terraform starts a provider process for
// each walk (a destroy's plan and its apply, a plan and the apply of its saved plan), and
// each one learning the limit anew from 429s cost up to 1.9 times the least time. What it
// keeps: the Retry-After still running and the peak. The next process starts just under
// that peak and probes above it after minPlateau, as after a 429: a peak learnt while
// another pipeline was busy is a starting point, never a ceiling. It is forgotten after
// storeLifetime, and every error reading or writing it is ignored: it only saves time.
type pacingStore struct {
	path      string // "": nothing kept
	slot      string // the shared pacing record (sharedPacing); "": not shared
	lastWrite time.Time
	written   pacingState
}

type pacingState struct {
	Saved     time.Time `json:"saved"`
	NotBefore time.Time `json:"not_before,omitzero"`
	Rate      float64   `json:"rate,omitempty"` // the pace when saved
	Peak      float64   `json:"peak,omitempty"` // the rate refused last
}

const storeLifetime = 5 * time.Minute

// newPacingStore is the store for one API root and account: what is kept in keepDir, the
// record the machine's processes share in shareDir; nil when both are "".
func newPacingStore(keepDir, shareDir, baseURL, email string) *pacingStore {
	if keepDir == "" && shareDir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(baseURL + "\x00" + email))
	name := "pacing-" + hex.EncodeToString(sum[:12])
	s := &pacingStore{}
	if keepDir != "" {
		s.path = filepath.Join(keepDir, name+".json")
	}
	if shareDir != "" {
		s.slot = filepath.Join(shareDir, name+".slot")
	}
	return s
}

// load starts p from the store, when what it holds is recent, and joins p to the pacing
// shared by the machine's processes for the same API and account (sharedPacing), which
// then prevails while it is recent.
func (s *pacingStore) load(p *pacer) {
	if s == nil {
		return
	}
	if p.shared == nil && s.slot != "" {
		p.shared = openSharedPacing(s.slot)
	}
	if s.path == "" {
		return
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return
	}
	var st pacingState
	now := p.now()
	if json.Unmarshal(data, &st) != nil || now.Sub(st.Saved) > storeLifetime || st.Saved.After(now.Add(time.Minute)) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st.NotBefore.After(now) {
		p.notBefore = st.NotBefore
	}
	// The pace may have climbed past the peak (probing found more room): that is what was
	// learnt last.
	if peak := max(st.Peak, st.Rate); peak >= minRate && st.Peak > 0 {
		p.mode, p.peak, p.plateau = climbing, peak, minPlateau
		p.cutAt = now.Add(-climbTime) // at settle of the peak, probing after the plateau
	}
	s.written = st
}

// save writes p's state (p.mu held) when it changed: at once after a 429, otherwise at
// most once a second.
func (s *pacingStore) save(p *pacer, now time.Time, urgent bool) {
	if s == nil || s.path == "" {
		return
	}
	st := pacingState{Saved: now, NotBefore: p.notBefore, Rate: p.pace(now), Peak: p.peak}
	if p.mode == notPacing {
		st.Peak = 0
	}
	if st.NotBefore.Equal(s.written.NotBefore) && st.Rate == s.written.Rate && st.Peak == s.written.Peak {
		return
	}
	if !urgent && now.Sub(s.lastWrite) < time.Second {
		return
	}
	data, err := json.Marshal(st)
	if err != nil {
		return
	}
	s.lastWrite, s.written = now, st
	if os.MkdirAll(filepath.Dir(s.path), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".pacing-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), s.path) != nil {
		_ = os.Remove(tmp.Name())
	}
}
