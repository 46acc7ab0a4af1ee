package odbcstore

import (
	"context"
	"strconv"
	"strings"

	"coffre/internal/dossier"
)

// Coffre's own databases during a switch: coffre_tmp_NNN_xxxxxxxx is a
// database being loaded, coffre_old_NNN_xxxxxxxx_<name> the database <name>
// set aside while the new one takes its name. NNN is the dossier whose lock
// the switching process holds.
const (
	tmpPrefix = "coffre_tmp_"
	oldPrefix = "coffre_old_"
)

func isTempName(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, tmpPrefix) || strings.HasPrefix(l, oldPrefix)
}

// parseTempName splits a temp database name into its dossier number and,
// for a set-aside database, the name it must go back to.
func parseTempName(name string) (numero, original string, old, ok bool) {
	l := strings.ToLower(name)
	var rest string
	switch {
	case strings.HasPrefix(l, tmpPrefix):
		rest = name[len(tmpPrefix):]
	case strings.HasPrefix(l, oldPrefix):
		rest, old = name[len(oldPrefix):], true
	default:
		return "", "", false, false
	}
	parts := strings.SplitN(rest, "_", 3)
	if len(parts) < 2 || len(parts[0]) != 3 {
		return "", "", false, false
	}
	if _, err := strconv.Atoi(parts[0]); err != nil {
		return "", "", false, false
	}
	if old {
		if len(parts) != 3 || parts[2] == "" {
			return "", "", false, false
		}
		original = parts[2]
	}
	return parts[0], original, old, true
}

// sweep finishes what a crashed switch left, for every dossier whose lock
// it can take (a live Coffre holds the lock for the whole switch, so its
// databases are left alone): a database being loaded is dropped; a
// set-aside one goes back to its name if nothing took it (the crash hit
// between the two renames: the dossier is as before), and is dropped
// otherwise (the new one was in place: the dossier is as after). Best
// effort: an error leaves things for the next Open.
func (s *Store) sweep(ctx context.Context) []string {
	all, err := s.cat.list(ctx)
	if err != nil {
		return nil
	}
	var done []string
	for name := range all {
		numero, original, old, ok := parseTempName(name)
		if !ok {
			continue
		}
		key, _ := strconv.Atoi(numero)
		unlock, held, err := s.cat.lock(ctx, int64(key))
		if err != nil || !held {
			continue
		}
		_, taken := all[original]
		switch {
		case old && !taken:
			err = s.cat.rename(ctx, name, original)
		default:
			err = s.cat.drop(ctx, name)
		}
		unlock()
		if err == nil {
			done = append(done, name)
		}
	}
	return done
}

// probe is what a database not named like a dossier holds.
type probe struct {
	numero, nom string
	ok          bool
}

// probeDB reads the dossier table of a database whose name does not follow
// the 001SOC convention: a schema-v1 database is the dossier its dossier
// row names. Unreadable databases are not dossiers (they are listed by
// nobody); the answer is kept for the life of the Store.
func (s *Store) probeDB(ctx context.Context, name string) probe {
	s.mu.Lock()
	p, ok := s.probes[name]
	s.mu.Unlock()
	if ok {
		return p
	}
	p = s.readProbe(ctx, name)
	if ctx.Err() != nil {
		return p
	}
	s.mu.Lock()
	if s.probes == nil {
		s.probes = map[string]probe{}
	}
	s.probes[name] = p
	s.mu.Unlock()
	return p
}

func (s *Store) readProbe(ctx context.Context, name string) probe {
	db, err := s.openDB(name)
	if err != nil {
		return probe{}
	}
	defer db.Close()
	tables, err := s.d.Tables(ctx, db)
	if err != nil || !hasDossierTable(tables) {
		return probe{}
	}
	var p probe
	if err := db.QueryRowContext(ctx, "SELECT numero, nom FROM dossier").Scan(&p.numero, &p.nom); err != nil {
		return probe{}
	}
	p.numero, p.nom = strings.TrimSpace(p.numero), strings.TrimSpace(p.nom)
	p.ok = dossier.ValidNumero(p.numero) && dossier.ValidNom(p.nom)
	return p
}

func hasDossierTable(tables []Table) bool {
	for _, t := range tables {
		if strings.EqualFold(t.Name, "dossier") {
			return true
		}
	}
	return false
}
