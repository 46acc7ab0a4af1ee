package transfer

import (
	"bytes"
	"testing"
)

// FuzzChanges feeds arbitrary bytes to the change-stream reader: it must
// return an error or counts, never panic nor allocate beyond the input.
func FuzzChanges(f *testing.F) {
	var b bytes.Buffer
	t := &table{Name: "lignes", Cols: []string{"id", "libelle", "montant", "piece"}, Rowid: "rowid"}
	k := &table{Name: "parametres", Cols: []string{"cle", "valeur"}, PK: []int{0}}
	w := newChangeWriter(&b, 2)
	w.table(t)
	w.record(t, &change{op: opInsert, rowid: 7, vals: []any{int64(7), "Écriture ✓", 12.5, []byte{0, 0xff}}})
	w.record(t, &change{op: opUpdate, rowid: 8, old: rowHash{1, 2, 3}, vals: []any{int64(8), nil, int64(-1), []byte{}}})
	w.record(t, &change{op: opDelete, rowid: 9, old: rowHash{9}})
	w.endTable()
	w.table(k)
	key, _ := appendValue(nil, "taux")
	w.record(k, &change{op: opDelete, keyRaw: key, old: rowHash{4}})
	w.record(k, &change{op: opInsert, vals: []any{"logo", []byte("png")}})
	w.endTable()
	if err := w.flush(); err != nil {
		f.Fatal(err)
	}
	valid := b.Bytes()
	got, err := countChanges(bytes.NewReader(valid), int64(len(valid)))
	if err != nil || len(got) != 2 || got[0].Total() != 3 || got[1].Total() != 2 {
		f.Fatalf("seed stream: %+v %v", got, err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte(changesMagic + "\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		countChanges(bytes.NewReader(data), int64(len(data)))
	})
}
