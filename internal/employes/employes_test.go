package employes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFirstStartHasAdminToChange(t *testing.T) {
	s := open(t)
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != DefaultName || !list[0].MustChange {
		t.Fatalf("first start = %+v, want ADMIN to change", list)
	}
	for _, r := range Rights {
		if !list[0].Has(r) {
			t.Errorf("ADMIN lacks %s", r)
		}
	}
	e, err := s.Authenticate(AtConfig, DefaultCode)
	if err != nil || e.Name != DefaultName || !e.MustChange {
		t.Fatalf("Authenticate(ADMIN) = %+v, %v", e, err)
	}
	if err := s.ChangeCode(DefaultName, "admin"); err == nil {
		t.Error("the default code, in any case, was accepted as the new code")
	}
	if err := s.ChangeCode(DefaultName, "s3cret"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(AtConfig, DefaultCode); !errors.Is(err, ErrWrongCode) {
		t.Errorf("old code still accepted: %v", err)
	}
	e, err = s.Authenticate(AtConfig, "s3cret")
	if err != nil || e.MustChange {
		t.Fatalf("after change: %+v, %v", e, err)
	}
}

func TestCodesAreSaltedArgon2id(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("", Employee{Name: "Julie", Rights: []Right{Sauvegarder}}, "1234"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "1234") || strings.Count(string(b), "ADMIN") != 1 {
		t.Errorf("a code is stored in clear:\n%s", b)
	}
	f, err := s.read()
	if err != nil {
		t.Fatal(err)
	}
	a, j := f.Employees[0].Code, f.Employees[1].Code
	if string(a.Salt) == string(j.Salt) || len(a.Salt) < 16 || a.Memory < 19*1024 {
		t.Errorf("salts or parameters: %+v %+v", a, j)
	}
	if info, err := os.Stat(filepath.Join(dir, FileName)); err != nil || info.Mode().Perm()&0o002 != 0 {
		t.Errorf("file mode: %v %v", info.Mode(), err)
	}
}

func TestLockoutAfterFiveWrongCodes(t *testing.T) {
	s := open(t)
	now := time.Date(2026, 11, 21, 21, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	for i := 1; i < MaxFailures; i++ {
		if _, err := s.Authenticate(AtConfig, "nope"); !errors.Is(err, ErrWrongCode) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := s.Authenticate(AtConfig, "nope"); !errors.Is(err, ErrLocked) {
		t.Fatalf("5th wrong code: %v, want locked", err)
	}
	// Even the right code is refused while locked, and the lock survives
	// reopening the file (another process).
	s2, err := Open(filepath.Dir(s.path))
	if err != nil {
		t.Fatal(err)
	}
	s2.Now = s.Now
	now = now.Add(4 * time.Minute)
	if _, err := s2.Authenticate(AtConfig, DefaultCode); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "1 min") {
		t.Fatalf("right code during lockout: %v", err)
	}
	now = now.Add(time.Minute + time.Second)
	if _, err := s2.Authenticate(AtConfig, DefaultCode); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// A success resets the count: four more wrong codes do not lock.
	for i := 0; i < MaxFailures-1; i++ {
		s2.Authenticate(AtConfig, "nope")
	}
	if _, err := s2.Authenticate(AtConfig, DefaultCode); err != nil {
		t.Fatalf("count not reset by a success: %v", err)
	}
}

func TestSaveAndRemoveRules(t *testing.T) {
	s := open(t)
	tests := []struct {
		name    string
		old     string
		e       Employee
		code    string
		wantErr bool
	}{
		{"new employee", "", Employee{Name: "Julie", Rights: []Right{Sauvegarder}}, "1234", false},
		{"no code for a new one", "", Employee{Name: "Paul"}, "", true},
		{"short code", "", Employee{Name: "Paul"}, "12", true},
		{"code of another", "", Employee{Name: "Paul"}, "1234", true},
		{"duplicate name", "", Employee{Name: "julie"}, "9999", true},
		{"empty name", "", Employee{Name: "  "}, "9999", true},
		{"rename and rights, keep code", "Julie", Employee{Name: "Julie M", Rights: []Right{Sauvegarder, Restaurer}}, "", false},
		{"last configurer keeps the right", DefaultName, Employee{Name: DefaultName, Rights: []Right{Sauvegarder}}, "", true},
	}
	for _, tt := range tests {
		err := s.Save(tt.old, tt.e, tt.code)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, wantErr %v", tt.name, err, tt.wantErr)
		}
	}
	e, err := s.Authenticate(AtConfig, "1234")
	if err != nil || e.Name != "Julie M" || !e.Has(Restaurer) || e.Has(Configurer) {
		t.Fatalf("edited employee: %+v, %v", e, err)
	}
	if err := s.Remove(DefaultName); err == nil {
		t.Error("removed the last employee allowed to configure")
	}
	if err := s.Remove("Julie M"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(AtConfig, "1234"); !errors.Is(err, ErrWrongCode) {
		t.Errorf("removed employee still authenticates: %v", err)
	}
}

// TestLockoutIsPerSource: five wrong codes at the exit prompt lock the exit
// prompt only; the configuration still takes the administrator's code.
func TestLockoutIsPerSource(t *testing.T) {
	s := open(t)
	for i := 0; i < MaxFailures; i++ {
		s.Authenticate(AtExit, "nope")
	}
	if _, err := s.Authenticate(AtExit, DefaultCode); !errors.Is(err, ErrLocked) {
		t.Fatalf("exit prompt after %d wrong codes: %v", MaxFailures, err)
	}
	for _, src := range []Source{AtConfig, AtWizard} {
		if _, err := s.Authenticate(src, DefaultCode); err != nil {
			t.Fatalf("%s locked by the exit prompt's wrong codes: %v", src, err)
		}
	}
}
