//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package marketplace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The shared folder lives where every user can write (the temporary directory): a folder
// others may write, or a link to somewhere else, is not used; the process paces alone,
// and keeps what it learnt in its own cache folder all the same.
func TestSharedPacingOnlyInAFolderOfTheUsersOwn(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	open := filepath.Join(root, "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil { //nolint:gosec // the folder a test must refuse
		t.Fatal(err)
	}
	private := filepath.Join(root, "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(private, link); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(9000, 0)
	for _, c := range []struct {
		name, dir string
		shared    bool
	}{
		{"a folder others may write", open, false},
		{"a link to a private folder", link, false},
		{"a private folder", private, true},
		{"a new folder (made private)", filepath.Join(root, "new"), true},
	} {
		keep := t.TempDir()
		p := testPacer(&now)
		p.store = newPacingStore(keep, c.dir, "https://api.example.com", "a@example.com")
		p.store.load(p)
		if (p.shared != nil) != c.shared {
			t.Errorf("%s: shared %v, want %v", c.name, p.shared != nil, c.shared)
		}
		p.mode, p.peak, p.cutAt, p.plateau = climbing, 10, now, minPlateau
		p.store.save(p, now, true)
		if entries, _ := os.ReadDir(keep); len(entries) != 1 {
			t.Errorf("%s: the cache folder holds %d files, want what was learnt (1)", c.name, len(entries))
		}
	}
	if info, err := os.Stat(filepath.Join(root, "new")); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the new shared folder: %v %v, want made with 0700", info, err)
	}
}

// Records nobody wrote for a day (each test's emulator has an API root of its own) are
// removed when a process opens its own; recent ones, its own, and other files stay.
func TestSharedPacingSweepsOldRecords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := time.Now().Add(-slotLifetime - time.Hour)
	for _, name := range []string{"pacing-old.slot", "pacing-recent.slot", "pacing-old.json", "other.slot"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if name != "pacing-recent.slot" {
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Unix(9000, 0)
	p := testPacer(&now)
	p.store = newPacingStore("", dir, "https://api.example.com", "a@example.com")
	p.store.load(p)
	if p.shared == nil {
		t.Fatal("not shared")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	got := strings.Join(names, " ")
	if strings.Contains(got, "pacing-old.slot") || !strings.Contains(got, "pacing-recent.slot") ||
		!strings.Contains(got, "pacing-old.json") || !strings.Contains(got, "other.slot") || len(names) != 4 {
		t.Errorf("after the sweep: %s; want the old record gone, the recent one, the other files and this process's own", got)
	}
}
