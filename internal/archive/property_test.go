package archive_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/ledger"
	"coffre/internal/store/sqlitestore"
)

// randomDossier writes at path a schema-v1 dossier drawn from seed: 2 to 6
// exercices (all but the last closed), a few tiers, 0 to 14 balanced
// entries per exercice with 2 to 5 lines on random comptes and tiers, ids
// with gaps, NULLs, lettering, currencies and annexes. It returns the codes
// of the closed exercices.
func randomDossier(t *testing.T, path string, seed uint64) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rwc&_foreign_keys=on"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	run := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(q, args...); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, q)
		}
	}
	run(dossier.SchemaV1)
	run(`INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES ('001', 'SOC', ?, '123456789', ?)`, fmt.Sprintf("Aléa n° %d", seed), fmt.Sprintf("id-%d", seed))
	run(`INSERT INTO journaux VALUES ('AN', 'À-nouveaux', 'AN'), ('VEN', 'Ventes', 'VEN'), ('ACH', 'Achats', 'ACH'), ('BQ', 'Banque', 'FIN'), ('OD', 'Opérations diverses', 'OD')`)
	comptes := []string{"101000", "401000", "411000", "445660", "445710", "512000", "606000", "706000", "627000", "120000"}
	for _, c := range comptes {
		run(`INSERT INTO comptes VALUES (?, ?)`, c, "Compte "+c+" é")
	}
	nTiers := r.IntN(5)
	for i := 1; i <= nTiers; i++ {
		var email any
		if r.IntN(2) == 0 {
			email = fmt.Sprintf("t%d@example.fr", i)
		}
		run(`INSERT INTO tiers (id, code, nom, type, compte, email) VALUES (?, ?, ?, ?, ?, ?)`, i*3, fmt.Sprintf("T%03d", i), fmt.Sprintf("Tiers « %d »", i), []string{"C", "F"}[i%2], []string{"411000", "401000"}[i%2], email)
	}
	nEx := 2 + r.IntN(5)
	first := 2005 + r.IntN(10)
	var closed []string
	entryID, lineID, annexID := int64(r.IntN(50)), int64(r.IntN(500)), int64(0)
	for x := 0; x < nEx; x++ {
		y := first + x
		exID := int64(10 + 7*x)
		isClosed := x < nEx-1
		run(`INSERT INTO exercices (id, code, debut, fin, cloture) VALUES (?, ?, ?, ?, ?)`, exID, fmt.Sprint(y), fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y), isClosed)
		if isClosed {
			closed = append(closed, fmt.Sprint(y))
		}
		nEntries := r.IntN(15)
		for n := 1; n <= nEntries; n++ {
			entryID += 1 + int64(r.IntN(3))
			var ref any
			if r.IntN(3) > 0 {
				ref = fmt.Sprintf("P%d-%d", y, n)
			}
			origine := "SAISIE"
			journal := []string{"VEN", "ACH", "BQ", "OD"}[r.IntN(4)]
			if n == 1 && x > 0 {
				origine, journal = "ANOUVEAU", "AN"
			}
			run(`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, piece_ref, libelle, date_validation, origine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				entryID, exID, journal, n, fmt.Sprintf("%d-%02d-%02d", y, 1+r.IntN(12), 1+r.IntN(28)), ref, fmt.Sprintf("Écriture %d ☕", n), fmt.Sprintf("%d-12-31", y), origine)
			nLines := 2 + r.IntN(4)
			var sum int64
			for l := 0; l < nLines; l++ {
				lineID += 1 + int64(r.IntN(2))
				amount := int64(r.IntN(1_000_000))
				if l == nLines-1 {
					amount = -sum
				} else if r.IntN(2) == 0 {
					amount = -amount
				}
				sum += amount
				var d, c int64
				if amount >= 0 {
					d = amount
				} else {
					c = -amount
				}
				var tiers, lettrage, montant, devise any
				compte := comptes[r.IntN(len(comptes))]
				if nTiers > 0 && r.IntN(2) == 0 {
					tiers = (1 + r.IntN(nTiers)) * 3
				}
				if r.IntN(4) == 0 {
					lettrage = "AB"
				}
				if r.IntN(6) == 0 {
					montant, devise = amount*11/10, "USD"
				}
				run(`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, libelle, debit, credit, lettrage, montant_devise, devise) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					lineID, entryID, compte, tiers, nil, d, c, lettrage, montant, devise)
			}
			if r.IntN(5) == 0 {
				annexID++
				blob := make([]byte, r.IntN(300))
				for i := range blob {
					blob[i] = byte(r.IntN(256))
				}
				run(`INSERT INTO annexes (id, ecriture_id, nom_fichier, contenu) VALUES (?, ?, ?, ?)`, annexID, entryID, fmt.Sprintf("pièce %d.pdf", annexID), blob)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return closed
}

// exerciceTotals reads every exercice's figures, keyed by code.
func exerciceFigures(t *testing.T, path string) map[string]dossier.ExerciceTotals {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, _ := sqlitestore.Tables(context.Background(), db)
	st, err := ledger.Compute(context.Background(), db, tables)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]dossier.ExerciceTotals{}
	for _, e := range st.Exercices {
		out[e.Code] = e
	}
	return out
}

// TestPropertyArchiveIdentity: for random dossiers and random choices of
// closed exercices, archiving keeps the trial balance (per compte and per
// (compte, tiers)) and the other exercices' figures, and de-archiving — all
// at once or in random steps — gives back the exact rows.
func TestPropertyArchiveIdentity(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 8
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			var closed []string
			e := newEnv(t, func(t *testing.T, path string) { closed = randomDossier(t, path, seed) })
			r := rand.New(rand.NewPCG(seed, 7))
			var chosen []string
			for len(chosen) == 0 {
				for _, c := range closed {
					if r.IntN(2) == 0 {
						chosen = append(chosen, c)
					}
				}
			}
			before := dossiertest.Dump(t, e.path)
			tb := trialBalance(t, e.path)
			figures := exerciceFigures(t, e.path)

			res, err := e.archive(t, chosen...)
			if err != nil {
				t.Fatalf("archive %v: %v", chosen, err)
			}
			sameTrial(t, "after archiving", tb, trialBalance(t, e.path))
			now := exerciceFigures(t, e.path)
			for code, f := range figures {
				g := now[code]
				if contains(chosen, code) {
					if !g.Archive || g.Ecritures != 1 || g.Debit != g.Credit {
						t.Fatalf("archived %s: %+v", code, g)
					}
					continue
				}
				if g != f {
					t.Fatalf("exercice %s changed: %+v → %+v", code, f, g)
				}
			}

			// Put them back, all at once or in random groups.
			left := append([]string(nil), chosen...)
			r.Shuffle(len(left), func(i, j int) { left[i], left[j] = left[j], left[i] })
			for len(left) > 0 {
				k := 1 + r.IntN(len(left))
				group := left[:k]
				left = left[k:]
				if len(group) == len(chosen) && r.IntN(2) == 0 {
					group = nil // no --exercices: all of them
				}
				if _, err := e.restore(t, res.Path, true, group...); err != nil {
					t.Fatalf("restore %v: %v", group, err)
				}
				sameTrial(t, "after a restore", tb, trialBalance(t, e.path))
			}
			if d := dossiertest.Diff(before, dossiertest.Dump(t, e.path)); d != "" {
				sort.Strings(chosen)
				t.Fatalf("archive %s then restore is not the identity: %s", strings.Join(chosen, ","), d)
			}
			if _, err := os.Stat(res.Path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the .paf outlived the restore of all its exercices: %v", err)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
