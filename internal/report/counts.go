package report

import "coffre/internal/i18n"

// Counts printed by the fiscal-year operations, each in its plural form
// (French: 0 and 1 take the singular), so that a sentence listing several
// never reads « 1 écritures ».
var (
	cntEcritures = &i18n.Message{ID: "NbEcritures", One: "{{.Count}} écriture", Other: "{{.Count}} écritures"}
	cntLignes    = &i18n.Message{ID: "NbLignes", One: "{{.Count}} ligne", Other: "{{.Count}} lignes"}
	cntAnnexes   = &i18n.Message{ID: "NbAnnexes", One: "{{.Count}} annexe", Other: "{{.Count}} annexes"}
	cntTables    = &i18n.Message{ID: "NbTables", One: "{{.Count}} table", Other: "{{.Count}} tables"}
	cntExercices = &i18n.Message{ID: "NbExercices", One: "{{.Count}} exercice", Other: "{{.Count}} exercices"}
	cntComptes   = &i18n.Message{ID: "NbComptes", One: "{{.Count}} compte", Other: "{{.Count}} comptes"}
	cntTiers     = &i18n.Message{ID: "NbTiers", One: "{{.Count}} tiers", Other: "{{.Count}} tiers"}
	cntChanged   = &i18n.Message{ID: "NbLignesChangees", One: "{{.Count}} ligne changée", Other: "{{.Count}} lignes changées"}
	cntCompared  = &i18n.Message{ID: "NbLignesComparees", One: "{{.Count}} comparée", Other: "{{.Count}} comparées"}
)

// count is n with its message, as message data: it takes its plural form
// and language when the sentence around it is rendered.
func count[N ~int | ~int64](m *i18n.Message, n N) i18n.Note {
	return i18n.NewNote(m, map[string]any{"Count": int64(n)})
}
