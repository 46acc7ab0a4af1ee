package app

import (
	"coffre/internal/employes"
	"coffre/internal/i18n"
)

var (
	msgRightCode = &i18n.Message{ID: "UIDroitCode", Other: "Cette opération est réservée aux employés ayant le droit « {{.Right}} ». Tapez votre code :"}
	msgNoRight   = &i18n.Message{ID: "UIPasLeDroit", Other: "Ce code n'a pas le droit « {{.Right}} »."}
	msgNeedRight = &i18n.Message{ID: "UIDroitRequis", Other: "Cette opération demande le code d'un employé ayant le droit « {{.Right}} »."}
)

// neededRight is the employee right the chosen operation needs with the
// wizard's choices (README, « Employés ») — the same rights the exit prompt
// and the Configuration window ask for:
//   - sauvegarder: a backup, an export, a transfer sent, a tax-audit copy
//     (each makes a copy of the books);
//   - restaurer: a restore that replaces a dossier, an import d'archive,
//     a transfer received (each changes a dossier's books); a restore
//     under a free number changes none and needs no right;
//   - archiver / découper: archive, cut (op.right);
//   - configurer: the Configuration window (codes.go).
func neededRight(w *wizard) employes.Right {
	op := w.op()
	switch op.id {
	case "sauvegarde", "export", "transfert-envoi", "administration":
		return employes.Sauvegarder
	case "restauration":
		if w.plan != nil && w.plan.Replaces != nil {
			return employes.Restaurer
		}
		return ""
	case "desarchivage", "transfert-reception":
		return employes.Restaurer
	}
	return op.right
}

// summaryValidate refuses « Lancer » while a program open on the dossier
// blocks the change unconfirmed (sessions.go), then asks, before an
// operation that needs a right runs, for
// the code of an employee who has it, once per session: the wizard does not
// otherwise know who sits at the keyboard. Suivant is refused until then;
// a right code goes on to Exécution by itself.
func summaryValidate(w *wizard) error {
	if err := sessionsValidate(w); err != nil {
		return err
	}
	op := w.op()
	right := neededRight(w)
	if right == "" || (w.employee != nil && w.employee.Has(right)) {
		return nil
	}
	st, err := employes.OpenDefault()
	if err != nil {
		return err
	}
	data := map[string]any{"Right": right.Label()}
	codeDialog(w.win, i18n.T(op.label, nil), i18n.T(msgRightCode, data), func(code string) (func(), error) {
		e, ok, err := st.Allows(employes.AtWizard, code, right)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, i18n.E(msgNoRight, data, nil)
		}
		goOn := func() {
			w.employee = &e
			w.forward()
		}
		if e.MustChange {
			return func() { changeCodeDialog(w.win, st, e.Name, goOn) }, nil
		}
		return goOn, nil
	})
	return i18n.E(msgNeedRight, data, nil)
}
