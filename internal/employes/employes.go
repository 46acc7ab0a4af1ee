package employes

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/paths"
)

// Right is something an employee may be allowed to do.
type Right string

// The rights, in the order the screens show them.
const (
	Sauvegarder Right = "sauvegarder"
	Restaurer   Right = "restaurer"
	Archiver    Right = "archiver" // archive and cut fiscal years
	Configurer  Right = "configurer"
)

// Rights lists every right, in display order.
var Rights = []Right{Sauvegarder, Restaurer, Archiver, Configurer}

var rightLabels = map[Right]*i18n.Message{
	Sauvegarder: {ID: "EmployeDroitSauvegarder", Other: "Sauvegarder"},
	Restaurer:   {ID: "EmployeDroitRestaurer", Other: "Restaurer"},
	Archiver:    {ID: "EmployeDroitArchiver", Other: "Archiver / découper"},
	Configurer:  {ID: "EmployeDroitConfigurer", Other: "Configurer"},
}

// Label is the right's name for people.
func (r Right) Label() string {
	if m, ok := rightLabels[r]; ok {
		return i18n.T(m, nil)
	}
	return string(r)
}

// The lockout: after MaxFailures wrong codes in a row typed at one place
// (a Source), every code typed there is refused for LockoutDuration, so
// that a code cannot be guessed at the keyboard — while the other places
// stay open: wrong codes at the exit prompt do not lock the administrator
// out of the configuration.
const (
	MaxFailures     = 5
	LockoutDuration = 5 * time.Minute
	// MinCodeLength is the shortest code accepted when one is chosen.
	MinCodeLength = 4
)

// DefaultName and DefaultCode are the administrator created at first start;
// the code must be changed at first use of the configuration.
const (
	DefaultName = "ADMIN"
	DefaultCode = "ADMIN"
)

// ErrWrongCode is a code that is no employee's.
var ErrWrongCode = i18n.E(&i18n.Message{ID: "EmployeCodeIncorrect", Other: "Code incorrect."}, nil, nil)

var (
	msgLocked      = &i18n.Message{ID: "EmployeBloque", Other: "Trop de codes incorrects : réessayez dans {{.Minutes}} min."}
	msgShortCode   = &i18n.Message{ID: "EmployeCodeCourt", Other: "Le code doit avoir au moins {{.Min}} caractères."}
	msgSameCode    = &i18n.Message{ID: "EmployeCodeIdentique", Other: "Choisissez un code différent du code actuel."}
	msgDefaultCode = &i18n.Message{ID: "EmployeCodeParDefaut", Other: "Le code ADMIN est le code d'origine : choisissez-en un autre."}
	msgCodeTaken   = &i18n.Message{ID: "EmployeCodePris", Other: "Ce code est déjà celui d'un autre employé : choisissez-en un autre."}
	msgBadName     = &i18n.Message{ID: "EmployeNomInvalide", Other: "Indiquez le nom de l'employé (40 caractères au plus)."}
	msgNameTaken   = &i18n.Message{ID: "EmployeNomPris", Other: "Un employé s'appelle déjà « {{.Name}} »."}
	msgUnknown     = &i18n.Message{ID: "EmployeInconnu", Other: "Employé « {{.Name}} » introuvable."}
	msgLastAdmin   = &i18n.Message{ID: "EmployeDernierAdmin", Other: "Il faut garder au moins un employé ayant le droit « Configurer »."}
	msgNeedCode    = &i18n.Message{ID: "EmployeCodeRequis", Other: "Indiquez un code pour le nouvel employé."}
	msgBadFile     = &i18n.Message{ID: "EmployeFichierIllisible", Other: "Le fichier des employés « {{.File}} » est illisible : {{.Detail}}"}
)

// Source is where a code is typed; each has its own count of wrong codes
// and its own lockout.
type Source string

const (
	// AtExit is the exit-time prompt (a code typed, or given by the
	// management software: quitter --employe).
	AtExit Source = "fin-de-journee"
	// AtConfig is the Configuration window.
	AtConfig Source = "configuration"
	// AtWizard is the wizard, before an operation that needs a right.
	AtWizard Source = "assistant"
)

// ErrLocked is the error (wrapped) while the lockout lasts.
var ErrLocked = errors.New("employes: locked out")

// Employee is one person who may use Coffre.
type Employee struct {
	Name   string  `json:"nom"`
	Rights []Right `json:"droits"`
	// Email receives the alerts the employee subscribed to.
	Email string `json:"email,omitempty"`
	Alert bool   `json:"alerte_email,omitempty"`
	// MustChange is set on the default administrator: its code must be
	// changed before the configuration can be used.
	MustChange bool `json:"doit_changer_code,omitempty"`
	Code       hash `json:"code"`
}

// Has reports whether e has right r.
func (e Employee) Has(r Right) bool { return slices.Contains(e.Rights, r) }

// hash is an argon2id hash with its own salt and parameters, so that the
// parameters can grow later without invalidating stored codes.
type hash struct {
	Salt    []byte `json:"sel"`
	Key     []byte `json:"cle"`
	Time    uint32 `json:"temps"`
	Memory  uint32 `json:"memoire_kio"`
	Threads uint8  `json:"fils"`
}

// Argon2id cost: OWASP's minimum (19 MiB, 2 passes, 1 lane).
var params = hash{Time: 2, Memory: 19 * 1024, Threads: 1}

func newHash(code string) hash {
	h := params
	h.Salt = make([]byte, 16)
	if _, err := rand.Read(h.Salt); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	h.Key = argon2.IDKey([]byte(code), h.Salt, h.Time, h.Memory, h.Threads, 32)
	return h
}

func (h hash) matches(code string) bool {
	if len(h.Salt) == 0 || len(h.Key) == 0 {
		return false
	}
	k := argon2.IDKey([]byte(code), h.Salt, h.Time, h.Memory, h.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(k, h.Key) == 1
}

// file is what is stored on disk.
type file struct {
	Version   int        `json:"version"`
	Employees []Employee `json:"employes"`
	// Lockouts are the wrong codes in a row of each Source.
	Lockouts map[Source]*lockout `json:"blocages,omitempty"`
}

// lockout counts wrong codes in a row at one Source; LockedUntil is set
// when it reaches MaxFailures.
type lockout struct {
	Failures    int       `json:"echecs,omitempty"`
	LockedUntil time.Time `json:"bloque_jusqua,omitzero"`
}

// Store is the employees file. Every call re-reads the file and writes it
// back atomically, so two Coffre processes see each other's changes; calls
// from several goroutines are serialised.
type Store struct {
	path string
	mu   sync.Mutex
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// FileName is the employees file in the configuration folder.
const FileName = "employes.json"

// Open opens the employees file of dir, creating it with the default
// administrator (ADMIN / ADMIN, code to change) the first time.
func Open(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, FileName)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(s.path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		f := &file{Version: 1, Employees: []Employee{{
			Name: DefaultName, Rights: slices.Clone(Rights), MustChange: true, Code: newHash(DefaultCode),
		}}}
		if err := s.write(f); err != nil {
			return nil, err
		}
	}
	if _, err := s.read(); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenDefault opens the employees of the user's configuration folder.
func OpenDefault() (*Store, error) { return Open(paths.ConfigDir()) }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) read() (*file, error) {
	b, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, i18n.E(msgBadFile, map[string]any{"File": s.path, "Detail": err.Error()}, err)
	}
	return &f, nil
}

func (s *Store) write(f *file) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(s.path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return err
	}
	return tmp.Commit(true)
}

// update reads the file, applies fn and writes the result back.
func (s *Store) update(fn func(f *file) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	return s.write(f)
}

// List returns the employees, in the file's order, without their codes.
func (s *Store) List() ([]Employee, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	out := make([]Employee, len(f.Employees))
	for i, e := range f.Employees {
		e.Code = hash{}
		e.Rights = slices.Clone(e.Rights)
		out[i] = e
	}
	return out, nil
}

// Authenticate finds the employee whose code is code, typed at src. A wrong
// code counts towards src's lockout; during it every code typed at src is
// refused with an error wrapping ErrLocked (the other sources are not).
func (s *Store) Authenticate(src Source, code string) (Employee, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return Employee{}, err
	}
	now := s.now()
	l := f.Lockouts[src]
	if l != nil && now.Before(l.LockedUntil) {
		return Employee{}, lockedError(l.LockedUntil.Sub(now))
	}
	for _, e := range f.Employees {
		if e.Code.matches(code) {
			if l != nil {
				delete(f.Lockouts, src)
				if err := s.write(f); err != nil {
					return Employee{}, err
				}
			}
			e.Code = hash{}
			return e, nil
		}
	}
	if l == nil {
		l = &lockout{}
		if f.Lockouts == nil {
			f.Lockouts = map[Source]*lockout{}
		}
		f.Lockouts[src] = l
	}
	l.Failures++
	locked := l.Failures >= MaxFailures
	if locked {
		l.Failures, l.LockedUntil = 0, now.Add(LockoutDuration)
	}
	if err := s.write(f); err != nil {
		return Employee{}, err
	}
	if locked {
		return Employee{}, lockedError(LockoutDuration)
	}
	return Employee{}, ErrWrongCode
}

func lockedError(left time.Duration) error {
	minutes := int((left + time.Minute - 1) / time.Minute)
	return i18n.E(msgLocked, map[string]any{"Minutes": minutes}, ErrLocked)
}

// checkNewCode applies the rules a newly chosen code must follow; self is
// the index of the employee it is for (-1 for a new one).
func checkNewCode(f *file, self int, code string) error {
	if len([]rune(strings.TrimSpace(code))) < MinCodeLength {
		return i18n.E(msgShortCode, map[string]any{"Min": MinCodeLength}, nil)
	}
	if strings.EqualFold(code, DefaultCode) {
		return i18n.E(msgDefaultCode, nil, nil)
	}
	for i, e := range f.Employees {
		if e.Code.matches(code) {
			if i == self {
				return i18n.E(msgSameCode, nil, nil)
			}
			return i18n.E(msgCodeTaken, nil, nil)
		}
	}
	return nil
}

func find(f *file, name string) int {
	for i, e := range f.Employees {
		if strings.EqualFold(e.Name, name) {
			return i
		}
	}
	return -1
}

func configurers(f *file) int {
	n := 0
	for _, e := range f.Employees {
		if e.Has(Configurer) {
			n++
		}
	}
	return n
}

// ChangeCode sets the code of employee name and clears its must-change flag.
func (s *Store) ChangeCode(name, code string) error {
	return s.update(func(f *file) error {
		i := find(f, name)
		if i < 0 {
			return i18n.E(msgUnknown, map[string]any{"Name": name}, nil)
		}
		if err := checkNewCode(f, i, code); err != nil {
			return err
		}
		f.Employees[i].Code = newHash(code)
		f.Employees[i].MustChange = false
		return nil
	})
}

// Save adds e, or updates the employee previously named oldName (name,
// rights, e-mail). code sets a new code; it may be "" when editing, to keep
// the current one.
func (s *Store) Save(oldName string, e Employee, code string) error {
	e.Name = strings.TrimSpace(e.Name)
	return s.update(func(f *file) error {
		if e.Name == "" || len([]rune(e.Name)) > 40 {
			return i18n.E(msgBadName, nil, nil)
		}
		i := -1
		if oldName != "" {
			if i = find(f, oldName); i < 0 {
				return i18n.E(msgUnknown, map[string]any{"Name": oldName}, nil)
			}
		}
		if j := find(f, e.Name); j >= 0 && j != i {
			return i18n.E(msgNameTaken, map[string]any{"Name": e.Name}, nil)
		}
		var rights []Right
		for _, r := range Rights {
			if e.Has(r) {
				rights = append(rights, r)
			}
		}
		e.Rights = rights
		if i < 0 {
			if code == "" {
				return i18n.E(msgNeedCode, nil, nil)
			}
			if err := checkNewCode(f, -1, code); err != nil {
				return err
			}
			e.Code, e.MustChange = newHash(code), false
			f.Employees = append(f.Employees, e)
			return nil
		}
		cur := f.Employees[i]
		if cur.Has(Configurer) && !e.Has(Configurer) && configurers(f) == 1 {
			return i18n.E(msgLastAdmin, nil, nil)
		}
		e.Code, e.MustChange = cur.Code, cur.MustChange
		if code != "" {
			if err := checkNewCode(f, i, code); err != nil {
				return err
			}
			e.Code, e.MustChange = newHash(code), false
		}
		f.Employees[i] = e
		return nil
	})
}

// Remove deletes employee name; the last one allowed to configure stays.
func (s *Store) Remove(name string) error {
	return s.update(func(f *file) error {
		i := find(f, name)
		if i < 0 {
			return i18n.E(msgUnknown, map[string]any{"Name": name}, nil)
		}
		if f.Employees[i].Has(Configurer) && configurers(f) == 1 {
			return i18n.E(msgLastAdmin, nil, nil)
		}
		f.Employees = slices.Delete(f.Employees, i, i+1)
		return nil
	})
}

// Allows authenticates code, typed at src, and reports whether its employee has right r:
// the exit-time prompt offers a backup only to a code with Sauvegarder, and
// the configuration opens only for Configurer.
func (s *Store) Allows(src Source, code string, r Right) (Employee, bool, error) {
	e, err := s.Authenticate(src, code)
	if err != nil {
		return Employee{}, false, err
	}
	return e, e.Has(r), nil
}
