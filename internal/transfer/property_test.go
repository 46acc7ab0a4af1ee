package transfer_test

import (
	"database/sql"
	"fmt"
	"math/rand"
	"testing"

	"coffre/internal/store/sqlitestore"
)

// mutator makes random changes to a schema-v1 dossier the way the
// management software would: foreign keys enforced, triggers firing.
type mutator struct {
	t      *testing.T
	rng    *rand.Rand
	db     *sql.DB
	nextID int64
}

func (m *mutator) exec(q string, args ...any) {
	m.t.Helper()
	if _, err := m.db.Exec(q, args...); err != nil {
		m.t.Fatalf("%s %v: %v", q, args, err)
	}
}

func (m *mutator) pick(q string) (int64, bool) {
	var id sql.NullInt64
	m.db.QueryRow(q).Scan(&id)
	return id.Int64, id.Valid
}

func (m *mutator) blob() []byte {
	b := make([]byte, m.rng.Intn(3000))
	m.rng.Read(b)
	return b
}

// step makes one random change.
func (m *mutator) step() {
	m.t.Helper()
	m.nextID++
	id := 200000 + m.nextID
	switch m.rng.Intn(12) {
	case 0, 1: // a new balanced entry
		ex := 1 + m.rng.Int63n(12)
		var num int64
		m.db.QueryRow(`SELECT COALESCE(MAX(numero), 0) + 1 FROM ecritures WHERE exercice_id = ?`, ex).Scan(&num)
		amount := 1 + m.rng.Int63n(100000)
		m.exec(`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle) VALUES (?, ?, 'OD', ?, '2020-06-30', ?)`, id, ex, num, fmt.Sprintf("Aléatoire %d ✓", id))
		m.exec(`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, debit, credit) VALUES (?, ?, '606100', NULL, ?, 0), (?, ?, '401000', 3, 0, ?)`, 10*id+1, id, amount, 10*id+2, id, amount)
	case 2: // a line's lettering
		if l, ok := m.pick(`SELECT id FROM lignes ORDER BY random() LIMIT 1`); ok {
			m.exec(`UPDATE lignes SET lettrage = ?, date_lettrage = ? WHERE id = ?`, fmt.Sprintf("L%d", m.rng.Intn(99)), nil, l)
		}
	case 3: // delete an entry without annexes
		if e, ok := m.pick(`SELECT id FROM ecritures WHERE id NOT IN (SELECT ecriture_id FROM annexes) ORDER BY random() LIMIT 1`); ok {
			m.exec(`DELETE FROM lignes WHERE ecriture_id = ?`, e)
			m.exec(`DELETE FROM ecritures WHERE id = ?`, e)
		}
	case 4: // tiers: new, renamed, or two codes swapped
		switch m.rng.Intn(3) {
		case 0:
			m.exec(`INSERT INTO tiers (id, code, nom, type, compte) VALUES (?, ?, 'Nouveau tiers', 'C', '411000')`, id, fmt.Sprintf("C%d", id))
		case 1:
			if x, ok := m.pick(`SELECT id FROM tiers ORDER BY random() LIMIT 1`); ok {
				m.exec(`UPDATE tiers SET nom = ?, email = NULL WHERE id = ?`, fmt.Sprintf("Tiers renommé %d", m.rng.Intn(1000)), x)
			}
		case 2:
			var c1, c2 string
			m.db.QueryRow(`SELECT code FROM tiers WHERE id = 1`).Scan(&c1)
			m.db.QueryRow(`SELECT code FROM tiers WHERE id = 2`).Scan(&c2)
			m.exec(`UPDATE tiers SET code = 'échange' WHERE id = 1`)
			m.exec(`UPDATE tiers SET code = ? WHERE id = 2`, c1)
			m.exec(`UPDATE tiers SET code = ? WHERE id = 1`, c2)
		}
	case 5: // annexes: new, changed, deleted
		switch m.rng.Intn(3) {
		case 0:
			if e, ok := m.pick(`SELECT id FROM ecritures ORDER BY random() LIMIT 1`); ok {
				m.exec(`INSERT INTO annexes (id, ecriture_id, nom_fichier, contenu) VALUES (?, ?, 'pièce.pdf', ?)`, id, e, m.blob())
			}
		case 1:
			if a, ok := m.pick(`SELECT id FROM annexes ORDER BY random() LIMIT 1`); ok {
				m.exec(`UPDATE annexes SET contenu = ? WHERE id = ?`, m.blob(), a)
			}
		case 2:
			if a, ok := m.pick(`SELECT id FROM annexes ORDER BY random() LIMIT 1`); ok {
				m.exec(`DELETE FROM annexes WHERE id = ?`, a)
			}
		}
	case 6: // a TEXT-keyed table the schema does not know, with its trigger
		switch m.rng.Intn(3) {
		case 0:
			m.exec(`INSERT INTO notes_internes (cle, texte, montant) VALUES (?, ?, ?)`, fmt.Sprintf("note-%d", id), "note", m.rng.Float64())
		case 1:
			m.exec(`UPDATE notes_internes SET texte = ? WHERE cle = (SELECT cle FROM notes_internes ORDER BY random() LIMIT 1)`, fmt.Sprintf("modifiée %d", id))
		case 2:
			m.exec(`DELETE FROM notes_internes WHERE cle = (SELECT cle FROM notes_internes ORDER BY random() LIMIT 1)`)
		}
	case 7: // comptes: new, renamed
		if m.rng.Intn(2) == 0 {
			m.exec(`INSERT INTO comptes (numero, libelle) VALUES (?, 'Compte créé')`, fmt.Sprintf("6%05d", id%100000))
		} else {
			m.exec(`UPDATE comptes SET libelle = libelle || ' ·' WHERE numero = '626000'`)
		}
	case 8: // a line's amount moved within its entry
		if l, ok := m.pick(`SELECT id FROM lignes WHERE debit > 0 ORDER BY random() LIMIT 1`); ok {
			m.exec(`UPDATE lignes SET libelle = ? WHERE id = ?`, nil, l)
		}
	case 9: // an exercice closed
		m.exec(`UPDATE exercices SET cloture = 1 WHERE id = ?`, 1+m.rng.Int63n(12))
	case 10: // the dossier's own row
		m.exec(`UPDATE dossier SET raison_sociale = ?`, fmt.Sprintf("Société %d", m.rng.Intn(100)))
	case 11: // VACUUM renumbers the hidden rowids of TEXT-keyed tables
		m.exec(`VACUUM`)
	}
}

// TestPropertyChainsConverge: for several seeds, random changes then a
// transfer, several times over; after each import the receiving dossier is
// the source, row for row.
func TestPropertyChainsConverge(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := newSites(t, buildV1)
			db, err := sqlitestore.OpenRW(s.srcPath())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			m := &mutator{t: t, rng: rand.New(rand.NewSource(seed)), db: db}
			applied := 0
			for round := 0; round < 8; round++ {
				for i := 0; i < 1+m.rng.Intn(12); i++ {
					m.step()
				}
				res := s.export(t)
				if res.NoChange {
					continue
				}
				s.apply(t, res.Path)
				applied++
				s.assertConverged(t)
			}
			if applied < 5 {
				t.Fatalf("only %d transfers applied", applied)
			}
		})
	}
}
