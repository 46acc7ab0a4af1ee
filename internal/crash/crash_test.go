package crash

import (
	"errors"
	"os"
	"strings"
	"testing"

	"coffre/internal/i18n"
)

func TestMaskHidesConnectionPasswords(t *testing.T) {
	for _, arg := range []string{
		"odbc:Driver={PostgreSQL Unicode};Server=db;Uid=u;Pwd=S3cret!;",
		"--connexion=odbc:DSN=compta;PASSWORD={a;b}",
		"Server=x;pwd=S3cret!",
	} {
		got := Mask(arg)
		if strings.Contains(got, "S3cret") || strings.Contains(got, "a;b") {
			t.Errorf("Mask(%q) = %q keeps the secret", arg, got)
		}
	}
	if got := Mask("/srv/compta"); got != "/srv/compta" {
		t.Errorf("Mask changed a plain argument: %q", got)
	}
}

func TestRecoverWritesAReport(t *testing.T) {
	t.Setenv("COFFRE_DATA", t.TempDir())
	SetCommandLine([]string{"coffre", "liste", "--connexion", "odbc:DSN=x;Pwd=S3cret!"})
	err := func() (err error) {
		defer Recover(&err)
		panic("boom")
	}()
	if !errors.Is(err, ErrInternal) {
		t.Fatalf("err = %v", err)
	}
	b, rerr := os.ReadFile(ReportFile(err))
	if rerr != nil {
		t.Fatal(rerr)
	}
	report := string(b)
	for _, want := range []string{"boom", "crash_test.go", "liste", "Coffre "} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "S3cret") {
		t.Error("report holds the password")
	}
	if !strings.Contains(i18n.Describe(err), ReportFile(err)) {
		t.Errorf("message %q does not name the report", i18n.Describe(err))
	}
}
