package app

import (
	"coffre/internal/employes"
	"coffre/internal/i18n"
)

var (
	msgRightCode = &i18n.Message{ID: "UIDroitCode", Other: "Cette opération est réservée aux employés ayant le droit « {{.Right}} ». Tapez votre code :"}
	msgNoRight   = &i18n.Message{ID: "UIPasLeDroit", Other: "Ce code n'a pas le droit « {{.Right}} »."}
	msgNeedRight = &i18n.Message{ID: "UIDroitRequis", Other: "Cette opération demande le code d'un employé ayant le droit « {{.Right}} »."}
)

// summaryValidate asks, before an operation that needs a right runs, for
// the code of an employee who has it, once per session: the wizard does not
// otherwise know who sits at the keyboard. Suivant is refused until then;
// a right code goes on to Exécution by itself.
func summaryValidate(w *wizard) error {
	op := w.op()
	if op.right == "" || (w.employee != nil && w.employee.Has(op.right)) {
		return nil
	}
	st, err := employes.OpenDefault()
	if err != nil {
		return err
	}
	data := map[string]any{"Right": op.right.Label()}
	codeDialog(w.win, i18n.T(op.label, nil), i18n.T(msgRightCode, data), func(code string) (func(), error) {
		e, ok, err := st.Allows(employes.AtWizard, code, op.right)
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
