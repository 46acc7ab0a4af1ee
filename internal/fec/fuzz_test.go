package fec

import (
	"database/sql"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// FuzzRecord feeds arbitrary libellés, codes and amounts to the line
// builder: the encoded line always has exactly 18 fields, ends with the one
// CR+LF, holds no tab or line break inside a field, and decodes back to the
// cleaned fields.
func FuzzRecord(f *testing.F) {
	f.Add("Café Noël ☕", "Règlement\treçu\r\n👍", "F\x00001", "411000", int64(120000), int64(-5), "EUR")
	f.Add("", "", "", "", int64(0), int64(0), "")
	f.Add("€ Œuvre — « ok »", "\u2028\u0085\u200d", "x\n", "\t", int64(-9223372036854775808), int64(9223372036854775807), "\xff\xfe")
	f.Fuzz(func(t *testing.T, entryLib, lineLib, pieceRef, compte string, debit, credit int64, devise string) {
		r := row{
			journal: "VEN", journalLib: ns(entryLib), numero: 7, seq: 3, date: "2024-03-15",
			pieceRef: ns(pieceRef), pieceDate: ns(lineLib), entryLib: entryLib, validation: ns("2024-03-31"),
			lineID: sql.NullInt64{Int64: 1, Valid: true}, compte: ns(compte), compteLib: ns(lineLib),
			tiersCode: ns(pieceRef), tiersNom: ns(entryLib), lineLib: ns(lineLib),
			debit: amount{v: debit, valid: true}, credit: amount{v: credit, valid: true},
			lettrage: ns(devise), dateLet: ns(entryLib), montantDevise: amount{v: debit, valid: true}, devise: ns(devise),
		}
		rec, _ := r.record()
		b := encode(nil, &rec)
		if !strings.HasSuffix(string(b), "\r\n") {
			t.Fatalf("line does not end with CR+LF: %q", b)
		}
		body := b[:len(b)-2]
		for _, c := range body {
			if c == '\r' || c == '\n' || c < 0x20 && c != '\t' || c == 0x7f {
				t.Fatalf("control byte %#x inside a line: %q", c, b)
			}
		}
		fields := strings.Split(string(body), "\t")
		if len(fields) != len(Columns) {
			t.Fatalf("%d fields: %q", len(fields), b)
		}
		dec, err := charmap.ISO8859_15.NewDecoder().String(string(body))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Join(rec[:], "\t"); dec != want {
			t.Fatalf("decodes to %q, want %q", dec, want)
		}
		for i, f := range rec {
			if f != strings.TrimSpace(f) || strings.Contains(f, "  ") {
				t.Fatalf("field %d %q not trimmed", i, f)
			}
		}
	})
}

func ns(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
