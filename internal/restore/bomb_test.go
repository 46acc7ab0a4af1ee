package restore_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/faults"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

// bomb writes a well-formed backup whose database part declares size bytes
// that compress to almost nothing: after head, zeros. Its checksums and
// manifest are all consistent — only its size is hostile.
func bomb(t *testing.T, head []byte, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "001-SOC_20261121_2130.pbf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, size-int64(len(head))))
	m := &pack.Manifest{Kind: pack.KindPBF, Dossier: dossier.Identity{Numero: "001", Nom: "SOC", Identifiant: dossiertest.DefaultIdentifiant}}
	if _, err := pack.Write(context.Background(), f, m, []pack.PartSource{{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: size, R: r}}, pack.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// sqliteHeader is the first page of an empty database that says, in its
// own header, that it has pages pages of 4096 bytes.
func sqliteHeader(t *testing.T, pages uint32) []byte {
	t.Helper()
	h := make([]byte, 4096)
	copy(h, "SQLite format 3\x00")
	binary.BigEndian.PutUint16(h[16:], 4096)
	h[18], h[19], h[21], h[22], h[23] = 1, 1, 64, 32, 32
	binary.BigEndian.PutUint32(h[24:], 1)
	binary.BigEndian.PutUint32(h[28:], pages)
	binary.BigEndian.PutUint32(h[92:], 1)
	binary.BigEndian.PutUint32(h[96:], 3040000)
	h[100] = 13 // an empty table leaf: sqlite_schema
	return h
}

// TestDecompressionBombRefusedBeforeWriting: a 256 MiB database part that
// compresses to a few kilobytes, restored into (and verified on) a disk of
// 64 MiB. It is refused before a byte is written, in French, and the disk
// is left as it was — a bomb used to fill the temp folder and the
// connexion's disk before being refused. A part that is not SQLite at all
// is refused from its first bytes, whatever the disk.
func TestDecompressionBombRefusedBeforeWriting(t *testing.T) {
	const size = 256 << 20
	for _, c := range []struct {
		name, want string
		head       []byte
		disk       func(t *testing.T) string
	}{
		{"sqlite", "y demande 268,4\u00a0Mo", sqliteHeader(t, size/4096), func(t *testing.T) string { return faults.SmallDisk(t, 64<<20) }},
		{"zeros", "n'est pas une base SQLite", nil, func(t *testing.T) string { return t.TempDir() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			disk := c.disk(t)
			conn := filepath.Join(disk, "connexion")
			tmp := filepath.Join(disk, "tmp")
			os.Mkdir(conn, 0o755)
			os.Mkdir(tmp, 0o755)
			dossiertest.BuildV1(t, filepath.Join(conn, "002AUTRE.db"))
			s, err := sqlitestore.Open(conn)
			if err != nil {
				t.Fatal(err)
			}
			pbf := bomb(t, c.head, size)
			before := state(t, conn)
			free, _ := fsutil.FreeSpace(disk)
			_, err = restore.Run(context.Background(), restore.Request{File: pbf, Store: s, SafetyDir: t.TempDir()})
			if err == nil || !strings.Contains(i18n.Describe(err), c.want) {
				t.Fatalf("restore of a bomb: %v, want « %s »", err, c.want)
			}
			_, err = verify.File(context.Background(), pbf, verify.Options{TempDir: tmp})
			if err == nil || !strings.Contains(i18n.Describe(err), c.want) {
				t.Fatalf("verification of a bomb: %v, want « %s »", err, c.want)
			}
			if c.name == "zeros" && !errors.Is(err, dossier.ErrCorrupt) {
				t.Fatalf("a part that is not SQLite is not reported as damaged: %v", err)
			}
			if got := state(t, conn); got != before {
				t.Fatal("the connexion folder changed")
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Fatalf("the verification left %s", left[0].Name())
			}
			if after, _ := fsutil.FreeSpace(disk); c.name == "sqlite" && after < free {
				t.Fatalf("the bomb took %d bytes of the disk", free-after)
			}
		})
	}
}

// TestRestoreRefusesIndexThatDisagrees: a dossier whose index lignes_compte
// no longer matches its table (quick_check sees nothing) is backed up; its
// restore must not switch it in — queries through that index would answer
// wrongly — and says which index, in French.
func TestRestoreRefusesIndexThatDisagrees(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "001SOC.db")
	dossiertest.BuildV1(t, src)
	db, err := sqlitestore.OpenRW(src)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA writable_schema = ON",
		"UPDATE sqlite_master SET sql = 'CREATE INDEX lignes_compte ON lignes(libelle)' WHERE name = 'lignes_compte'",
		"PRAGMA writable_schema = OFF"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	s, _ := sqlitestore.Open(dir)
	res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir(), Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	conn := t.TempDir()
	target, _ := sqlitestore.Open(conn)
	_, err = restore.Run(context.Background(), restore.Request{File: res.Path, Store: target, SafetyDir: t.TempDir()})
	if !errors.Is(err, dossier.ErrCorrupt) || !strings.Contains(i18n.Describe(err), "lignes_compte") {
		t.Fatalf("restore of a dossier whose index disagrees: %v", err)
	} else {
		t.Log(i18n.Describe(err))
	}
	if left, _ := os.ReadDir(conn); len(left) > 1 {
		t.Fatalf("the restore left %s", left[0].Name())
	}
	if _, err := verify.File(context.Background(), res.Path, verify.Options{}); !errors.Is(err, dossier.ErrCorrupt) {
		t.Fatalf("verifier: %v", err)
	}
}
