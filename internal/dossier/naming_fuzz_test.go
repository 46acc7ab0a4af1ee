package dossier

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseDBName: any file name found in a connexion folder is either
// refused or read into a number and a short name that rebuild it exactly,
// so a listing never shows one file under another's number.
func FuzzParseDBName(f *testing.F) {
	for _, s := range []string{"001SOC", "E001SOC", "Admin001SOC", "001SOC_CUT001", "001", "E", "Admin001SOC_CUT002",
		"999ZZZZZZZZZZZZZZZZZZZZ", "001SOC_CUT", "0001SOC", "001soc", "001SOC.db", "../001SOC", "001SOC\x00", "001SOCÉ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		p, ok := ParseDBName(base)
		if !ok {
			return
		}
		if !ValidNumero(p.Numero) || !ValidNom(p.Nom) {
			t.Fatalf("%q accepted as %+v", base, p)
		}
		var again string
		switch p.Kind {
		case KindDossier:
			again = DBName(p.Numero, p.Nom)
		case KindExport:
			again = ExportName(p.Numero, p.Nom)
		case KindAdmin:
			again = AdminName(p.Numero, p.Nom)
		case KindCut:
			if p.Cut < 0 || p.Cut > 999 {
				t.Fatalf("%q: cut %d", base, p.Cut)
			}
			again = CutName(p.Numero, p.Nom, p.Cut)
		default:
			t.Fatalf("%q: kind %d", base, p.Kind)
		}
		if again != base {
			t.Fatalf("%q parsed as %+v rebuilds as %q", base, p, again)
		}
		if strings.ContainsAny(base, `/\.:`) {
			t.Fatalf("%q accepted with a path character", base)
		}
	})
}

// FuzzParseBackupName: a name read as a backup names a valid dossier and a
// real minute, and the default name of that minute parses back the same.
func FuzzParseBackupName(f *testing.F) {
	for _, s := range []string{"001-SOC_20261121_2130", "001-SOC_20261121_2130_2", "001-SOC_20261321_2130", "001-SOC_20260229_2460",
		"001-SOC_00000000_0000", "1-SOC_20261121_2130", "001-_20261121_2130", "001-SOC_20261121_2130_999999999999999999999", "001-SOC_20261121"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		p, ok := ParseBackupName(base)
		if !ok {
			return
		}
		if !ValidNumero(p.Numero) || !ValidNom(p.Nom) {
			t.Fatalf("%q accepted as %+v", base, p)
		}
		name := BackupName(p.Numero, p.Nom, p.Taken)
		if !strings.HasPrefix(base, name) {
			t.Fatalf("%q parsed as %+v rebuilds as %q", base, p, name)
		}
		q, ok := ParseBackupName(name)
		if !ok || q.Numero != p.Numero || q.Nom != p.Nom || !q.Taken.Equal(p.Taken) || q.Taken.Second() != 0 {
			t.Fatalf("%q → %q → %+v", base, name, q)
		}
		if p.Taken.Location() != time.Local {
			t.Fatalf("%q: time not local", base)
		}
	})
}

// FuzzParseNumeros: whatever a user types after --dossier, the result is
// sorted, unique, three-digit numbers or an error wrapping ErrBadNumero.
func FuzzParseNumeros(f *testing.F) {
	for _, s := range []string{"1,2,15", "001, 2 ,2", "", ",", "0", "1000", "-1", "+5", "1e2", "٣", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		ns, err := ParseNumeros(list)
		if err != nil {
			return
		}
		for i, n := range ns {
			if !ValidNumero(n) || n == "000" || i > 0 && ns[i-1] >= n {
				t.Fatalf("%q → %v", list, ns)
			}
		}
	})
}
