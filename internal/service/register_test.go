package service

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Rotation deletes only registered, complete, verified backups beyond the
// newest keep: never a foreign file, never one that changed since written,
// never the newest good one.
func TestRotationOnlyDeletesItsOwnOlderFiles(t *testing.T) {
	dir := t.TempDir()
	r, err := loadRegister(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 21, 30, 0, 0, time.UTC)
	write := func(name string, content string, register, verified bool, age int) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if register {
			r.Local[p] = Written{Key: "001-SOC", Size: int64(len(content)), Created: t0.AddDate(0, 0, -age), Verified: verified}
		}
		return p
	}
	write("001-SOC_20251201_2130.pbf", "étranger", false, false, 0) // not ours
	changed := write("001-SOC_20251202_2130.pbf", "court", true, true, 30)
	os.WriteFile(changed, []byte("modifié depuis"), 0o644) // someone rewrote it
	unverified := write("001-SOC_20251203_2130.pbf", "pas vérifiée", true, false, 29)
	for i := 5; i >= 1; i-- {
		write("001-SOC_2025121"+string(rune('0'+i))+"_2130.pbf", "bonne", true, true, i)
	}
	other := write("002-AUTRE_20251210_2130.pbf", "autre dossier", true, true, 10)
	o := r.Local[other]
	o.Key = "002-AUTRE"
	r.Local[other] = o
	vanished := filepath.Join(dir, "001-SOC_20251101_2130.pbf")
	r.Local[vanished] = Written{Key: "001-SOC", Size: 3, Created: t0.AddDate(0, 0, -60), Verified: true}

	removed, err := r.rotateLocal(dir, "001-SOC", 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"001-SOC_20251213_2130.pbf", "001-SOC_20251214_2130.pbf", "001-SOC_20251215_2130.pbf"}
	slices.Sort(removed)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	for _, keep := range []string{"001-SOC_20251201_2130.pbf", filepath.Base(changed), filepath.Base(unverified),
		"001-SOC_20251211_2130.pbf", "001-SOC_20251212_2130.pbf", "002-AUTRE_20251210_2130.pbf"} {
		if !slices.Contains(left, keep) {
			t.Errorf("%s was deleted; left: %v", keep, left)
		}
	}
	if _, ok := r.Local[vanished]; ok {
		t.Errorf("a vanished file stays in the register")
	}

	// keep < 1 still keeps the newest good backup.
	removed, _ = r.rotateLocal(dir, "001-SOC", 0)
	if !slices.Equal(removed, []string{"001-SOC_20251212_2130.pbf"}) {
		t.Errorf("keep 0 removed %v", removed)
	}
	if _, err := os.Stat(filepath.Join(dir, "001-SOC_20251211_2130.pbf")); err != nil {
		t.Errorf("the newest good backup was deleted")
	}
}
