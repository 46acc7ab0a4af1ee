package pack

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// benchDossier returns a ~100 MB SQLite file shaped like an accounting
// dossier (entries with French labels, accounts, amounts in cents), built
// once and cached under os.TempDir().
func benchDossier(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), "coffre-pack-bench-v1.db")
	if st, err := os.Stat(path); err == nil && st.Size() > 90<<20 {
		return path
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	db, err := sql.Open("sqlite3", tmp)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`PRAGMA journal_mode=OFF`,
		`CREATE TABLE comptes (numero TEXT PRIMARY KEY, libelle TEXT NOT NULL)`,
		`CREATE TABLE ecritures (id INTEGER PRIMARY KEY, exercice TEXT, journal TEXT, numero INTEGER, date_ecriture TEXT, piece TEXT, libelle TEXT)`,
		`CREATE TABLE lignes (id INTEGER PRIMARY KEY, ecriture INTEGER, compte TEXT, tiers TEXT, libelle TEXT, debit INTEGER, credit INTEGER, lettrage TEXT)`,
		`CREATE INDEX lignes_compte ON lignes(compte)`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	accounts := []string{"401000", "411000", "445660", "445710", "512000", "606100", "607000", "613200", "625100", "626000", "701000", "706000"}
	labels := []string{"Facture", "Avoir", "Règlement", "Prélèvement", "Virement", "Remise de chèques", "Achat de marchandises", "Loyer", "Frais de déplacement", "Honoraires", "Téléphone", "Électricité"}
	names := []string{"DUPONT SARL", "Martin & Fils", "Boulangerie Lefèvre", "Garage Moreau", "SCI Les Tilleuls", "Cabinet Durand", "EDF", "Orange", "La Poste", "Transports Petit"}
	tx, _ := db.Begin()
	insE, _ := tx.Prepare(`INSERT INTO ecritures VALUES (?,?,?,?,?,?,?)`)
	insL, _ := tx.Prepare(`INSERT INTO lignes VALUES (NULL,?,?,?,?,?,?,?)`)
	for _, a := range accounts {
		tx.Exec(`INSERT INTO comptes VALUES (?,?)`, a, "Compte "+a)
	}
	for id := 1; ; id++ {
		if id%50000 == 0 {
			if st, err := os.Stat(tmp); err == nil && st.Size() > 100<<20 {
				break
			}
		}
		year := 2015 + id%10
		date := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))
		label := fmt.Sprintf("%s %s n° %d", labels[r.IntN(len(labels))], names[r.IntN(len(names))], r.IntN(100000))
		insE.Exec(id, fmt.Sprint(year), []string{"AC", "VE", "BQ", "OD"}[id%4], id, date, fmt.Sprintf("P%06d", id), label)
		amount := int64(r.IntN(1000000))
		insL.Exec(id, accounts[r.IntN(len(accounts))], names[r.IntN(len(names))], label, amount, 0, "")
		insL.Exec(id, accounts[r.IntN(len(accounts))], nil, label, 0, amount, fmt.Sprintf("AB%d", r.IntN(100)))
		if id%200000 == 0 {
			tx.Commit()
			tx, _ = db.Begin()
			insE, _ = tx.Prepare(`INSERT INTO ecritures VALUES (?,?,?,?,?,?,?)`)
			insL, _ = tx.Prepare(`INSERT INTO lignes VALUES (NULL,?,?,?,?,?,?,?)`)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	db.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// countWriter counts bytes and discards them.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func benchWrite(b *testing.B, path string, level int) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var out countWriter
	start := time.Now()
	for b.Loop() {
		out = countWriter{}
		_, err := Write(context.Background(), &out, testManifest(),
			[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}},
			WriteOptions{Level: level})
		if err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(float64(len(data))/1e6/secs, "MB/s")
	b.ReportMetric(float64(len(data))/float64(out.n), "ratio")
}

// BenchmarkWrite packs the dossier at the default level on every core.
func BenchmarkWrite(b *testing.B) { benchWrite(b, benchDossier(b), 0) }

// BenchmarkRead verifies a packed dossier (Read without a callback).
func BenchmarkRead(b *testing.B) {
	src := benchDossier(b)
	data, _ := os.ReadFile(src)
	path := filepath.Join(b.TempDir(), "f.pbf")
	f, _ := os.Create(path)
	if _, err := Write(context.Background(), f, testManifest(),
		[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}}, WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(int64(len(data)))
	start := time.Now()
	for b.Loop() {
		if _, err := Read(context.Background(), path, ReadOptions{}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data))/1e6/(time.Since(start).Seconds()/float64(b.N)), "MB/s")
}

// BenchmarkLevels compares the levels with `zstd -3 -T2`, the reference of
// the product goal (docs/FORMAT.md records the figures).
func BenchmarkLevels(b *testing.B) {
	path := benchDossier(b)
	for _, level := range []int{1, 2, 3, 5} {
		b.Run(fmt.Sprintf("niveau-%d", level), func(b *testing.B) { benchWrite(b, path, level) })
	}
	b.Run("zstd-3-T2", func(b *testing.B) {
		if _, err := exec.LookPath("zstd"); err != nil {
			b.Skip("zstd not installed")
		}
		st, _ := os.Stat(path)
		b.SetBytes(st.Size())
		var out countWriter
		start := time.Now()
		for b.Loop() {
			out = countWriter{}
			cmd := exec.Command("zstd", "-3", fmt.Sprintf("-T%d", min(2, runtime.NumCPU())), "-c", path)
			cmd.Stdout = &out
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
		secs := time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(st.Size())/1e6/secs, "MB/s")
		b.ReportMetric(float64(st.Size())/float64(out.n), "ratio")
	})
}
