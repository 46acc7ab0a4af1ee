package cli

import (
	"strings"
	"testing"
	"time"

	"coffre/internal/i18n"
	"coffre/internal/service"
)

// TestRemoteCheckLineSealed: a copy encrypted for an age key this
// workstation does not hold is said identical to what was validated, and
// how to read its content — not merely « intacte ».
func TestRemoteCheckLineSealed(t *testing.T) {
	i18n.SetLanguage("fr")
	got := remoteCheckLine(service.Check{Name: "001-SOC_20260301_2130.pbf", Took: time.Second, Sealed: true})
	if !strings.Contains(got, "identique à ce qui a été validé") || !strings.Contains(got, "--identite-fichier") {
		t.Errorf("sealed copy: %q", got)
	}
	if got := remoteCheckLine(service.Check{Name: "x.pbf", Took: time.Second}); !strings.Contains(got, "intacte") || strings.Contains(got, "identite") {
		t.Errorf("plain copy: %q", got)
	}
}
