package report

import (
	"coffre/internal/admin"
	"coffre/internal/archive"
	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/i18n"
	"coffre/internal/transfer"
)

var phaseLabels = map[dossier.Phase]*i18n.Message{
	dossier.PhaseLecture:      {ID: "PhaseLecture", Other: "lecture"},
	dossier.PhaseCompression:  {ID: "PhaseCompression", Other: "compression"},
	dossier.PhaseVerification: {ID: "PhaseVerification", Other: "vérification"},
	dossier.PhaseControle:     {ID: "PhaseControle", Other: "contrôle de la base"},
	dossier.PhaseExtraction:   {ID: "PhaseExtraction", Other: "extraction"},
	dossier.PhaseSecurite:     {ID: "PhaseSecurite", Other: "sauvegarde de sécurité"},
	dossier.PhaseBascule:      {ID: "PhaseBascule", Other: "mise en place"},
	archive.PhaseArchivage:    {ID: "PhaseArchivage", Other: "archivage"},
	archive.PhaseDesarchivage: {ID: "PhaseDesarchivage", Other: "remise en place"},
	cut.PhaseDecoupe:          {ID: "PhaseDecoupe", Other: "découpe"},
	transfer.PhaseApplication: {ID: "PhaseApplication", Other: "application des changements"},
	admin.PhaseAdministration: {ID: "PhaseAdministration", Other: "préparation de la copie"},
	fec.PhaseFEC:              {ID: "PhaseFEC", Other: "écriture du FEC"},
}

// PhaseLabel is the French (or English) name of a phase.
func PhaseLabel(p dossier.Phase) string {
	if m, ok := phaseLabels[p]; ok {
		return i18n.T(m, nil)
	}
	return string(p)
}
