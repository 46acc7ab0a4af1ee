package app

import (
	"context"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/prefs"
	"coffre/internal/restore"
	"coffre/internal/store"
)

var (
	msgLocal          = &i18n.Message{ID: "UIConnexionLocale", Other: "Dossiers locaux"}
	msgODBC           = &i18n.Message{ID: "UIConnexionODBC", Other: "Serveur SQL (ODBC)"}
	msgLocalFolder    = &i18n.Message{ID: "UIConnexionDossier", Other: "Répertoire où se trouvent les dossiers comptables (fichiers 001NOM.db) :"}
	msgLocalDefault   = &i18n.Message{ID: "UIConnexionDefaut", Other: "Emplacement habituel : {{.Dir}}"}
	msgBrowse         = &i18n.Message{ID: "UIParcourir", Other: "Parcourir…"}
	msgServer         = &i18n.Message{ID: "UIServeur", Other: "DSN ou serveur"}
	msgServerHint     = &i18n.Message{ID: "UIServeurAide", Other: "nom de la source ODBC, ou chaîne Driver=…;Server=…"}
	msgUser           = &i18n.Message{ID: "UIUtilisateur", Other: "Utilisateur"}
	msgPassword       = &i18n.Message{ID: "UIMotDePasse", Other: "Mot de passe"}
	msgTestConn       = &i18n.Message{ID: "UITesterConnexion", Other: "Tester la connexion"}
	msgConnOK         = &i18n.Message{ID: "UIConnexionReussie", One: "Connexion réussie : {{.Count}} dossier trouvé.", Other: "Connexion réussie : {{.Count}} dossiers trouvés."}
	msgNeedFolder     = &i18n.Message{ID: "UIDossierRequis", Other: "Indiquez le répertoire où se trouvent les dossiers comptables."}
	msgFolderMissing  = &i18n.Message{ID: "UIDossierAbsent", Other: "Le répertoire « {{.Dir}} » n'existe pas, ou n'est pas joignable (lecteur réseau déconnecté) : vérifiez le chemin, ou cliquez sur « Parcourir… » pour choisir le répertoire où votre logiciel de comptabilité range ses dossiers."}
	msgNeedServer     = &i18n.Message{ID: "UIServeurRequis", Other: "Indiquez le DSN ou le serveur."}
	msgOperationLabel = &i18n.Message{ID: "UIQuelleOperation", Other: "Que voulez-vous faire ?"}
	msgVerifyAfter    = &i18n.Message{ID: "UIVerifierApres", Other: "Vérifier après (relire chaque fichier écrit et le contrôler)"}
	msgNeedOperation  = &i18n.Message{ID: "UIOperationRequise", Other: "Choisissez une opération."}
)

// connexionView: a folder of dossiers, or an ODBC server.
func connexionView(w *wizard) fyne.CanvasObject {
	o := &w.opts
	folder := newEntry()
	folder.SetText(o.Folder)
	folder.OnChanged = func(s string) { o.Folder = strings.TrimSpace(s) }
	browse := stepButton(i18n.T(msgBrowse, nil), theme.FolderOpenIcon(), func() {
		w.pickFolder(i18n.T(msgPickFolder, nil), o.Folder, folder.SetText)
	})
	hint := lowLabel(i18n.T(msgLocalDefault, map[string]any{"Dir": paths.Dossiers()}))
	local := container.NewVBox(wrapLabel(i18n.T(msgLocalFolder, nil)), container.NewBorder(nil, nil, nil, browse, folder), hint)
	if welcome := welcomeBox(w, folder.SetText); welcome != nil {
		local.Objects = append([]fyne.CanvasObject{welcome}, local.Objects...)
	}

	server := newEntry()
	server.SetPlaceHolder(i18n.T(msgServerHint, nil))
	server.SetText(o.ODBCServer)
	server.OnChanged = func(s string) { o.ODBCServer = s }
	user := newEntry()
	user.SetText(o.ODBCUser)
	user.OnChanged = func(s string) { o.ODBCUser = s }
	pass := newPasswordEntry()
	pass.SetText(o.ODBCPassword)
	pass.OnChanged = func(s string) { o.ODBCPassword = s }
	result := wrapLabel("")
	result.Hide()
	test := stepButton(i18n.T(msgTestConn, nil), theme.SearchIcon(), func() {
		n, err := testConnexion(o)
		result.Show()
		if err != nil {
			result.Importance = widget.DangerImportance
			result.SetText(i18n.Describe(err))
			return
		}
		result.Importance = widget.SuccessImportance
		result.SetText(i18n.N(msgConnOK, int64(n), nil))
	})
	form := widget.NewForm(
		widget.NewFormItem(i18n.T(msgServer, nil), server),
		widget.NewFormItem(i18n.T(msgUser, nil), user),
		widget.NewFormItem(i18n.T(msgPassword, nil), pass),
	)
	odbc := container.NewVBox(form, container.NewHBox(test), result)

	localText, odbcText := i18n.T(msgLocal, nil), i18n.T(msgODBC, nil)
	kind := newRadioList([]string{localText, odbcText}, nil)
	kind.Columns = 2
	kind.OnChanged = func(s string) {
		o.ODBC = s == odbcText
		if o.ODBC {
			local.Hide()
			odbc.Show()
		} else {
			odbc.Hide()
			local.Show()
		}
	}
	if o.ODBC {
		kind.SetSelected(odbcText)
	} else {
		kind.SetSelected(localText)
	}
	return container.NewVScroll(container.NewVBox(kind, widget.NewSeparator(), local, odbc))
}

func connexionFieldsError(o *Options) error {
	if o.ODBC {
		if strings.TrimSpace(o.ODBCServer) == "" {
			return i18n.E(msgNeedServer, nil, nil)
		}
		return nil
	}
	if o.Folder == "" {
		return i18n.E(msgNeedFolder, nil, nil)
	}
	if fi, err := os.Stat(o.Folder); err != nil || !fi.IsDir() {
		if o.Folder == paths.Dossiers() {
			return nil // the default folder is created on first use
		}
		return i18n.E(msgFolderMissing, map[string]any{"Dir": o.Folder}, dossier.ErrNotFound)
	}
	return nil
}

// connexionValidate checks the fields; connexionSlow opens the connexion
// and lists its dossiers, off the UI goroutine.
func connexionValidate(w *wizard) error {
	return connexionFieldsError(&w.opts)
}

func connexionSlow(w *wizard) slowCheck {
	spec, remembered, open := w.opts.Spec(), w.opts.RememberedConnexion(), w.openStore
	return func(ctx context.Context) (func(bool) error, error) {
		s, err := open(ctx, spec)
		if err != nil {
			return nil, err
		}
		keepList, err := w.listDossiers(s, s.Close)(ctx)
		return func(ok bool) error {
			if !ok {
				s.Close()
				return nil
			}
			if w.store != nil && w.store != s {
				w.store.Close()
			}
			w.store = s
			if err := keepList(true); err != nil {
				return err
			}
			_ = prefs.Update(func(p *prefs.Prefs) { p.Connexion = remembered })
			return nil
		}, err
	}
}

// loadDossiers lists the dossiers again, on the calling goroutine (the
// screenshot mode, which drives the window from outside).
func (w *wizard) loadDossiers() error {
	if w.store == nil {
		return nil
	}
	keep, err := w.listDossiers(w.store, nil)(context.Background())
	if err != nil {
		return err
	}
	return keep(true)
}

// listDossiers lists s's dossiers with their last backup, looked for in
// every folder backups are known to go to (knownBackupDirs); closeOnError releases s
// when the listing fails.
func (w *wizard) listDossiers(s store.Store, closeOnError func() error) slowCheck {
	dirs := connexion.DefaultBackupDirs(knownBackupDirs(w.opts.DestDir)...)
	return func(ctx context.Context) (func(bool) error, error) {
		list, err := connexion.List(ctx, s, dirs)
		if err != nil {
			if closeOnError != nil {
				closeOnError()
			}
			return nil, err
		}
		return func(ok bool) error {
			if ok {
				w.dossiers = list
				w.exercices = nil
			}
			return nil
		}, nil
	}
}

// operationView lists the operations (data) and « Vérifier après ».
func operationView(w *wizard) fyne.CanvasObject {
	o := &w.opts
	var labels []string
	for _, op := range operations {
		labels = append(labels, i18n.T(op.label, nil))
	}
	help := lowLabel("")
	verifyAfter := newCheck(i18n.T(msgVerifyAfter, nil), func(b bool) { o.VerifyAfter = b })
	verifyAfter.SetChecked(o.VerifyAfter)
	radio := newRadioList(labels, nil)
	radio.Columns = 2
	radio.OnChanged = func(s string) {
		for i, l := range labels {
			if l != s {
				continue
			}
			op := operations[i]
			if o.Operation != op.id {
				o.resetChoices()
			}
			o.Operation = op.id
			help.SetText(i18n.T(op.help, nil))
			if op.verifyAfter {
				verifyAfter.Enable()
			} else {
				verifyAfter.Disable()
			}
		}
	}
	radio.SetSelected(i18n.T(w.op().label, nil))
	return container.NewVScroll(container.NewVBox(wrapLabel(i18n.T(msgOperationLabel, nil)), radio, help, widget.NewSeparator(), verifyAfter))
}

func operationValidate(w *wizard) error {
	if operationByID(w.opts.Operation) == nil {
		return i18n.E(msgNeedOperation, nil, nil)
	}
	return nil
}

var (
	msgDestDir      = &i18n.Message{ID: "UIDestination", Other: "Répertoire de destination"}
	msgFileName     = &i18n.Message{ID: "UINomFichier", Other: "Nom du fichier"}
	msgFileNameHint = &i18n.Message{ID: "UINomFichierAide", Other: "Sans extension : « .pbf » est ajouté."}
	msgManyNames    = &i18n.Message{ID: "UINomsAutomatiques", Other: "Plusieurs dossiers : chacun reçoit son propre nom, 001-SOC_AAAAMMJJ_HHMM.pbf."}
	msgEncrypt      = &i18n.Message{ID: "UIChiffrer", Other: "Chiffrer la sauvegarde avec une phrase secrète"}
	msgPass1        = &i18n.Message{ID: "UIPhraseSecrete", Other: "Phrase secrète"}
	msgPass2        = &i18n.Message{ID: "UIPhraseSecreteConfirmation", Other: "Confirmation"}
	msgPassWarn     = &i18n.Message{ID: "UIPhraseSecreteAvertissement", Other: "Notez-la en lieu sûr : sans elle, la sauvegarde ne peut pas être restaurée."}
	msgPassRead     = &i18n.Message{ID: "UIPhraseSecreteLecture", Other: "Cette sauvegarde est chiffrée : indiquez sa phrase secrète."}
	msgReplace      = &i18n.Message{ID: "UIRemplacer", Other: "Remplacer le dossier existant (une sauvegarde de sécurité en est faite avant)"}
	msgTakenBy      = &i18n.Message{ID: "UINumeroPrisPar", Other: "Le dossier n° {{.Numero}} existe déjà dans la connexion : {{.Nom}} — {{.RaisonSociale}}."}
	msgOther        = &i18n.Message{ID: "UIAutreDossier", Other: "C'est un autre dossier (identité différente) : le remplacer quand même"}
	msgLevel        = &i18n.Message{ID: "UINiveau", Other: "Niveau de vérification"}
	msgLevelQuick   = &i18n.Message{ID: "UINiveauRapideChoix", Other: "Rapide : sommes de contrôle, base, nombres de lignes et totaux"}
	msgLevelFull    = &i18n.Message{ID: "UINiveauCompletChoix", Other: "Complète : en plus, intégrité détaillée de la base (plus lente)"}
	msgNoOptions    = &i18n.Message{ID: "UIAucuneOption", Other: "Aucune option pour cette opération : cliquez sur Suivant."}

	msgNeedPass     = &i18n.Message{ID: "UIPhraseRequise", Other: "Indiquez la phrase secrète."}
	msgPassMismatch = &i18n.Message{ID: "UIPhrasesDifferentes", Other: "Les deux phrases secrètes ne sont pas identiques."}
	msgNeedReplace  = &i18n.Message{ID: "UIRemplacementRequis", Other: "Le dossier n° {{.Numero}} existe déjà : cochez « Remplacer le dossier existant », ou revenez à l'étape Dossiers pour choisir un autre numéro."}
	msgNeedOther    = &i18n.Message{ID: "UIAutreDossierRequis", Other: "Le dossier n° {{.Numero}} actuel n'est pas le même dossier que la sauvegarde : cochez la case de confirmation pour le remplacer quand même."}
)

// optionsView shows the chosen operation's fields, in order; a field set
// apart gets a separator when others come before it.
func optionsView(w *wizard) fyne.CanvasObject {
	box := container.NewVBox()
	for _, f := range w.op().fields {
		obj := f.view(w)
		if obj == nil {
			continue
		}
		if _, ok := f.(apart); ok && len(box.Objects) > 0 {
			box.Add(widget.NewSeparator())
		}
		box.Add(obj)
	}
	if len(box.Objects) == 0 {
		box.Add(wrapLabel(i18n.T(msgNoOptions, nil)))
	}
	return container.NewVScroll(box)
}

// fieldTitle is a field's title on the Options step.
func fieldTitle(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// destRow is the destination folder's entry and its « Parcourir… ».
func destRow(w *wizard) fyne.CanvasObject {
	o := &w.opts
	dest := newEntry()
	dest.SetText(o.DestDir)
	probe := newDestProbe(w)
	dest.OnChanged = func(s string) { o.DestDir = strings.TrimSpace(s); probe.changed(o.DestDir) }
	browse := stepButton(i18n.T(msgBrowse, nil), theme.FolderOpenIcon(), func() {
		w.pickFolder(i18n.T(msgPickFolder, nil), o.DestDir, dest.SetText)
	})
	return container.NewVBox(container.NewBorder(nil, nil, nil, browse, dest), probe.label)
}

// ensureDefaultDest creates Coffre's default destination folder on first
// use; any other folder must exist (dossier.CheckDestination).
func ensureDefaultDest(dir string) error {
	if dir != paths.Backups() {
		return nil
	}
	return os.MkdirAll(dir, 0o755)
}

// destError says why dir cannot be a destination, as the engine's requests
// do; the default folder is created first.
func destError(dir string) error {
	if err := ensureDefaultDest(dir); err != nil {
		return err
	}
	return dossier.CheckDestination(dir)
}

// lowLabel is a hint: italic, in the normal colour (the theme's low
// importance colour is too pale to read on white).
func lowLabel(s string) *widget.Label {
	l := wrapLabel(s)
	l.TextStyle.Italic = true
	return l
}

func warnLabel(s string) *widget.Label {
	l := wrapLabel(s)
	l.Importance = widget.WarningImportance
	return l
}

// taken reports whether numero is a dossier of the connexion.
func (w *wizard) taken(numero string) (dossier.Info, bool) {
	for _, d := range w.dossiers {
		if d.Numero == numero {
			return d, true
		}
	}
	return dossier.Info{}, false
}

// otherIdentity reports whether the dossier to replace is known to be
// another dossier than the one in the chosen backup.
func (w *wizard) otherIdentity() bool {
	d, ok := w.taken(w.opts.Numero)
	if !ok || len(w.opts.Files) == 0 {
		return false
	}
	return restore.OtherDossier(d.Identity, w.entry(w.opts.Files[0]).Identity())
}

func (w *wizard) encryptedInput() bool {
	for _, f := range w.opts.Files {
		if w.entry(f).Encrypted {
			return true
		}
	}
	return false
}

// validator is an engine request: Validate says why it cannot run, the
// same rules the command line applies.
type validator interface{ Validate() error }

// optionsValidate checks each field, then the engine's request built from
// the choices.
func optionsValidate(w *wizard) error {
	op := w.op()
	for _, f := range op.fields {
		if err := f.validate(w); err != nil {
			return err
		}
	}
	if op.request == nil {
		return nil
	}
	return op.request(w).Validate()
}

// slowValidator is an engine request whose check reads files (a restore
// reads the whole backup): it runs off the UI goroutine.
type slowValidator interface{ slow() slowCheck }

func optionsSlow(w *wizard) slowCheck {
	if op := w.op(); op.request != nil {
		if v, ok := op.request(w).(slowValidator); ok {
			return v.slow()
		}
	}
	return nil
}

// summaryView says in plain French what will happen.
func summaryView(w *wizard) fyne.CanvasObject {
	box := container.NewVBox()
	for _, l := range w.op().summary(w) {
		lb := wrapLabel(l.text)
		if l.warn {
			lb.Importance = widget.WarningImportance
			lb.TextStyle.Bold = true
		}
		box.Add(lb)
	}
	if v := sessionsView(w); v != nil { // sessions.go
		box.Add(v)
	}
	return container.NewVScroll(box)
}
