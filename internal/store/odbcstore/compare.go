package odbcstore

import (
	"context"
	"database/sql"
	"sort"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

var msgCompareOther = &i18n.Message{ID: "ODBCComparaisonPostgreSQL", Other: "La comparaison du contenu avec la base vivante n'est possible que sur PostgreSQL."}

// CompareImage compares the tables of the SQLite image at path (a backup
// of dossier numero, extracted) with the live base on the server, each by
// its row count and its content hash, both computed inside one snapshot of
// the base; it returns the tables that differ (none: the same content).
func (s *Store) CompareImage(ctx context.Context, numero, path string) ([]dossier.TableDifference, error) {
	if _, ok := s.d.(postgres); !ok {
		return nil, i18n.E(msgCompareOther, nil, nil)
	}
	img, err := sqlitestore.OpenRO(path)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	tables, err := imageTables(ctx, img)
	if err != nil {
		return nil, err
	}
	unlock, err := s.Lock(ctx, numero)
	if err != nil {
		return nil, err
	}
	defer unlock()
	snap, err := s.Snapshot(ctx, numero, store.SnapshotOptions{})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	sn := snap.(*snapshot)
	if sn.pg == nil {
		for _, q := range sessionSettings {
			if _, err := sn.tx.ExecContext(ctx, q); err != nil {
				return nil, s.wrap(sn.name, err)
			}
		}
	}
	live := map[string]bool{}
	for _, n := range sn.names {
		live[n] = true
	}
	var out []dossier.TableDifference
	for _, t := range tables {
		want, err := imageHash(ctx, img, t)
		if err != nil {
			return nil, err
		}
		d := dossier.TableDifference{Table: t.Image, FileRows: want.Rows}
		if !live[t.Image] {
			d.Missing = true
			out = append(out, d)
			continue
		}
		got, err := serverHash(ctx, sn.tx, t)
		if err != nil {
			return nil, s.wrap(sn.name, err)
		}
		if got != want {
			d.LiveRows = got.Rows
			out = append(out, d)
		}
	}
	// Tables of the base the backup does not have.
	have := map[string]bool{}
	for _, t := range tables {
		have[t.Image] = true
	}
	for _, n := range sn.names {
		if !have[n] {
			out = append(out, dossier.TableDifference{Table: n, Extra: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out, nil
}

// imageTables describes the image's tables as the server holds them: from
// its PostgreSQL schema when it is a PostgreSQL base's image, otherwise
// (a SQLite dossier put on the server by Coffre) each column by the kind
// of value it holds there.
func imageTables(ctx context.Context, img *sql.DB) ([]pgTable, error) {
	im, err := readPGImage(ctx, img)
	if err != nil {
		return nil, err
	}
	if im != nil {
		return im.tables, nil
	}
	names, err := sqlitestore.Tables(ctx, img)
	if err != nil {
		return nil, err
	}
	var out []pgTable
	for _, n := range names {
		src, err := readSourceTable(ctx, img, postgres{}, n)
		if err != nil {
			return nil, err
		}
		t := pgTable{Schema: "public", Name: n, Image: n}
		for _, c := range src.cols {
			pc := pgColumn{Name: c.Name}
			switch c.Kind {
			case kindInteger:
				pc.Store = storeInteger
			case kindReal:
				pc.Store = storeFloat
			case kindText:
				pc.Store = storeText
			case kindMixed:
				pc.Store, pc.Mixed = storeBytea, true
			default:
				pc.Store = storeBytea
			}
			t.Columns = append(t.Columns, pc)
		}
		out = append(out, t)
	}
	return out, nil
}
