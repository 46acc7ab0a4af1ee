package app

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/catalogue"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/prefs"
)

var (
	colNumero          = &i18n.Message{ID: "UIColNumero", Other: "N°"}
	colNom             = &i18n.Message{ID: "UIColNom", Other: "Nom"}
	colRaison          = &i18n.Message{ID: "UIColRaisonSociale", Other: "Raison sociale"}
	colExercices       = &i18n.Message{ID: "UIColExercices", Other: "Exercices"}
	colTaille          = &i18n.Message{ID: "UIColTaille", Other: "Taille"}
	colDerniere        = &i18n.Message{ID: "UIColDerniereSauvegarde", Other: "Dernière sauvegarde"}
	colFichier         = &i18n.Message{ID: "UIColFichier", Other: "Fichier"}
	colDossier         = &i18n.Message{ID: "UIColDossier", Other: "Dossier"}
	colCreee           = &i18n.Message{ID: "UIColCreeeLe", Other: "Créée le"}
	colEtat            = &i18n.Message{ID: "UIColEtat", Other: "État"}
	msgFilter          = &i18n.Message{ID: "UIFiltre", Other: "Filtrer : numéro, nom ou raison sociale"}
	msgSelectAll       = &i18n.Message{ID: "UIToutSelectionner", Other: "Tout sélectionner"}
	msgSelectedCount   = &i18n.Message{ID: "UIDossiersSelectionnes", One: "{{.Count}} dossier sélectionné sur {{.Total}}", Other: "{{.Count}} dossiers sélectionnés sur {{.Total}}"}
	msgNoDossier       = &i18n.Message{ID: "UIAucunDossier", Other: "Aucun dossier dans cette connexion."}
	msgUnreadable      = &i18n.Message{ID: "UIIllisible", Other: "illisible"}
	msgNeedDossier     = &i18n.Message{ID: "UIDossierRequisSelection", Other: "Cochez au moins un dossier."}
	msgBackupsFolder   = &i18n.Message{ID: "UIDossierSauvegardes", Other: "Répertoire des sauvegardes :"}
	msgAddFile         = &i18n.Message{ID: "UIAjouterFichier", Other: "Ajouter un fichier…"}
	msgNoBackup        = &i18n.Message{ID: "UIAucuneSauvegarde", Other: "Aucune sauvegarde (.pbf) dans ce répertoire : choisissez-en un autre, ou ajoutez un fichier."}
	msgFilesCount      = &i18n.Message{ID: "UIFichiersSelectionnes", One: "{{.Count}} fichier sélectionné sur {{.Total}}", Other: "{{.Count}} fichiers sélectionnés sur {{.Total}}"}
	msgEncrypted       = &i18n.Message{ID: "UIChiffree", Other: "chiffrée"}
	msgOK              = &i18n.Message{ID: "UILisible", Other: "lisible"}
	msgNeedFile        = &i18n.Message{ID: "UIFichierRequis", Other: "Choisissez une sauvegarde dans la liste."}
	msgOneFile         = &i18n.Message{ID: "UIUnSeulFichier", Other: "Choisissez une seule sauvegarde à restaurer."}
	msgFileBad         = &i18n.Message{ID: "UIFichierIllisible", Other: "« {{.File}} » ne peut pas être lu : {{.Error}}"}
	msgRestoreAs       = &i18n.Message{ID: "UIRestaurerSous", Other: "Restaurer sous le numéro :"}
	msgPickNumero      = &i18n.Message{ID: "UISelectionner", Other: "Sélectionner"}
	msgPickNumeroTip   = &i18n.Message{ID: "UISelectionnerAide", Other: "« Sélectionner » propose le premier numéro libre."}
	msgNumeroFree      = &i18n.Message{ID: "UINumeroLibre", Other: "Le n° {{.Numero}} est libre."}
	msgShowAll         = &i18n.Message{ID: "UIAfficherTousDossiers", Other: "Afficher tous les dossiers"}
	msgOneDossier      = &i18n.Message{ID: "UIUnSeulDossier", Other: "Cette opération se fait dossier par dossier : cochez un seul dossier."}
	msgNeedV1          = &i18n.Message{ID: "UIDossierSchemaRequis", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : cette opération a besoin de ses exercices. Décochez-le."}
	msgApplyTo         = &i18n.Message{ID: "UIAppliquerAuDossier", Other: "Appliquer au dossier :"}
	msgApplyToHint     = &i18n.Message{ID: "UIAppliquerAuDossierAide", Other: "Proposé d'après le dossier que nomme le fichier."}
	msgNeedTarget      = &i18n.Message{ID: "UIDossierCibleRequis", Other: "Choisissez le dossier de la connexion auquel appliquer le fichier."}
	msgUnrecognisedRow = &i18n.Message{ID: "UIDossierNonReconnu", Other: "Non reconnu — {{.File}} : {{.Reason}}"}
	msgConflictRow     = &i18n.Message{ID: "UIDossierConflit", Other: "{{.File}} : même numéro que {{.Others}} — renommez ou renumérotez l'un d'eux"}
)

// column is one column of a selection table.
type column struct {
	title *i18n.Message
	width float32
	value func(row int) string
}

// selectionTable is a table whose first column shows whether the row is
// selected; tapping a row toggles it.
func selectionTable(cols []column, rows func() int, selected func(row int) bool, toggle func(row int)) *keyTable {
	return greyableTable(cols, rows, selected, toggle, nil)
}

// choiceTable is a selectionTable for a choice of one: its first column
// shows radio buttons, not check boxes.
func choiceTable(cols []column, rows func() int, selected func(row int) bool, choose func(row int)) *keyTable {
	return markTable(cols, rows, selected, choose, nil, radioMarks)
}

// greyableTable is a selectionTable whose rows for which enabled is false
// are greyed and cannot be ticked (nil: every row can).
func greyableTable(cols []column, rows func() int, selected func(row int) bool, toggle func(row int), enabled func(row int) bool) *keyTable {
	return markTable(cols, rows, selected, toggle, enabled, checkMarks)
}

// marks are the icons of a selection table's first column.
type marks struct{ off, on func() fyne.Resource }

var (
	checkMarks = marks{theme.CheckButtonIcon, theme.CheckButtonCheckedIcon}
	radioMarks = marks{theme.RadioButtonIcon, theme.RadioButtonCheckedIcon}
)

func markTable(cols []column, rows func() int, selected func(row int) bool, toggle func(row int), enabled func(row int) bool, m marks) *keyTable {
	on := func(row int) bool { return enabled == nil || enabled(row) }
	t := newKeyTable(
		func() (int, int) { return rows(), len(cols) + 1 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(widget.NewIcon(theme.CheckButtonIcon()), l)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			icon, l := st.Objects[0].(*widget.Icon), st.Objects[1].(*widget.Label)
			if id.Col == 0 {
				l.Hide()
				icon.Show()
				switch {
				case !on(id.Row):
					icon.SetResource(theme.NewDisabledResource(m.off()))
				case selected(id.Row):
					icon.SetResource(m.on())
				default:
					icon.SetResource(m.off())
				}
				return
			}
			icon.Hide()
			l.Show()
			// Cells are reused: every row sets its importance.
			l.Importance = widget.MediumImportance
			if !on(id.Row) {
				l.Importance = widget.LowImportance
			}
			l.SetText(cols[id.Col-1].value(id.Row))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col <= 0 {
			l.SetText("")
			return
		}
		l.SetText(i18n.T(cols[id.Col-1].title, nil))
	}
	t.SetColumnWidth(0, 40)
	for i, c := range cols {
		t.SetColumnWidth(i+1, c.width)
	}
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < rows() && on(id.Row) {
			toggle(id.Row)
		}
		t.UnselectAll()
		t.Refresh()
	}
	return t
}

func dossiersView(w *wizard) fyne.CanvasObject {
	if w.op().input == fromFiles {
		return filesView(w)
	}
	return connexionDossiersView(w)
}

// connexionDossiersView: the dossiers of the connexion, filter and
// multi-select.
func connexionDossiersView(w *wizard) fyne.CanvasObject {
	o := &w.opts
	op := w.op()
	var visible []dossier.Info
	isSel := func(n string) bool { return slices.Contains(o.Dossiers, n) }
	proposed := func(d dossier.Info) bool { return op.listed == nil || o.ShowAll || op.listed(d) }
	count := widget.NewLabel("")
	all := newCheck(i18n.T(msgSelectAll, nil), nil)
	syncing := false // the box follows the rows without selecting them
	updateCount := func() {
		count.SetText(i18n.N(msgSelectedCount, int64(len(o.Dossiers)), map[string]any{"Total": len(w.dossiers)}))
		every := false
		for _, d := range visible {
			if d.Usable() {
				every = isSel(d.Numero)
				if !every {
					break
				}
			}
		}
		syncing = true
		all.SetChecked(every)
		syncing = false
	}
	setSel := func(n string, on bool) {
		if op.single && on {
			o.Dossiers = nil
		}
		o.Dossiers = slices.DeleteFunc(o.Dossiers, func(s string) bool { return s == n })
		if on {
			o.Dossiers = append(o.Dossiers, n)
			slices.Sort(o.Dossiers)
		}
	}
	cols := []column{
		{colNumero, 60, func(r int) string { return visible[r].Numero }},
		{colNom, 110, func(r int) string { return visible[r].Nom }},
		{colRaison, 250, func(r int) string { return listedState(visible[r]) }},
		{colExercices, 90, func(r int) string { return strconv.Itoa(visible[r].Exercices) }},
		{colTaille, 90, func(r int) string { return i18n.Bytes(visible[r].Taille) }},
		{colDerniere, 160, func(r int) string { return i18n.DateTime(visible[r].DerniereSauvegarde) }},
	}
	mark := checkMarks
	if op.single {
		mark = radioMarks
	}
	table := markTable(cols, func() int { return len(visible) },
		func(r int) bool { return isSel(visible[r].Numero) },
		func(r int) { setSel(visible[r].Numero, op.single || !isSel(visible[r].Numero)); updateCount() },
		func(r int) bool { return visible[r].Usable() }, mark)
	filter := newEntry()
	filter.SetPlaceHolder(i18n.T(msgFilter, nil))
	applyFilter := func(q string) {
		q = strings.ToLower(strings.TrimSpace(q))
		visible = visible[:0:0]
		for _, d := range w.dossiers {
			hay := strings.ToLower(d.Numero + " " + d.Nom + " " + d.RaisonSociale)
			if (q == "" || strings.Contains(hay, q)) && proposed(d) {
				visible = append(visible, d)
			}
		}
		table.Refresh()
		updateCount()
	}
	filter.OnChanged = applyFilter
	all.OnChanged = func(b bool) {
		if syncing {
			return
		}
		for _, d := range visible {
			if d.Usable() {
				setSel(d.Numero, b)
			}
		}
		table.Refresh()
		updateCount()
	}
	applyFilter("")

	var right fyne.CanvasObject = all
	if op.single {
		right = nil
	}
	top := container.NewBorder(nil, nil, nil, right, filter)
	if op.listed != nil {
		// Dossiers hidden by the proposal are unticked: what is ticked is seen.
		showAll := newCheck(i18n.T(msgShowAll, nil), func(b bool) {
			o.ShowAll = b
			if !b {
				o.Dossiers = slices.DeleteFunc(o.Dossiers, func(n string) bool { return !proposed(w.info(n)) })
			}
			applyFilter(filter.Text)
		})
		showAll.SetChecked(o.ShowAll)
		top = container.NewVBox(container.NewBorder(nil, nil, nil, showAll, lowLabel(i18n.T(op.listedHint, nil))), top)
	}
	var center fyne.CanvasObject = table
	if len(w.dossiers) == 0 {
		center = container.NewVBox(wrapLabel(i18n.T(msgNoDossier, nil)))
	}
	return container.NewBorder(top, count, nil, nil, center)
}

func dossiersValidate(w *wizard) error {
	o := &w.opts
	op := w.op()
	if op.input == fromDossiers {
		if len(o.Dossiers) == 0 {
			return i18n.E(msgNeedDossier, nil, nil)
		}
		if op.single && len(o.Dossiers) > 1 {
			return i18n.E(msgOneDossier, nil, nil)
		}
		if op.needV1 {
			for _, n := range o.Dossiers {
				if d := w.info(n); d.Schema != "v1" {
					return i18n.E(msgNeedV1, map[string]any{"Dossier": dossier.Label(d.Numero, d.Nom)}, dossier.ErrSchema)
				}
			}
		}
		return nil
	}
	if len(o.Files) == 0 {
		return i18n.E(op.fileKind().need, nil, nil)
	}
	if op.single && len(o.Files) > 1 {
		return i18n.E(msgOneFile, nil, nil)
	}
	for _, f := range o.Files {
		if e := w.entry(f); e.Err != nil {
			return i18n.E(msgFileBad, map[string]any{"File": filepath.Base(f), "Error": i18n.Describe(e.Err)}, e.Err)
		}
	}
	if op.numero && !dossier.ValidNumero(o.Numero) {
		return dossier.ErrBadNumero
	}
	if op.target {
		if _, ok := w.taken(o.Numero); !ok {
			return i18n.E(msgNeedTarget, nil, nil)
		}
	}
	if op.fileKind() == backupFiles {
		_ = prefs.Update(func(p *prefs.Prefs) { p.Sauvegardes = o.FilesFolder })
	}
	return nil
}

// entry is the listing line of file path.
func (w *wizard) entry(path string) catalogue.Entry {
	for _, e := range w.files {
		if e.Path == path {
			return e
		}
	}
	return catalogue.Entry{Path: path}
}

// loadFiles lists the backups of the chosen folder off the UI goroutine
// (each file's header is read: slow on a network share), keeping the files
// added one by one from elsewhere; done runs once they are in w.files.
func (w *wizard) loadFiles(done func()) {
	folder, ext := w.opts.FilesFolder, w.op().fileKind().ext
	w.check(func(ctx context.Context) (func(bool) error, error) {
		list, _ := catalogue.Folder(ctx, folder, ext)
		return func(ok bool) error {
			if !ok {
				return nil
			}
			var extra []catalogue.Entry
			for _, e := range w.files {
				if filepath.Dir(e.Path) != filepath.Clean(folder) && slices.Contains(w.opts.Files, e.Path) {
					extra = append(extra, e)
				}
			}
			w.files = append(extra, list...)
			w.opts.Files = slices.DeleteFunc(w.opts.Files, func(f string) bool {
				return !slices.ContainsFunc(w.files, func(e catalogue.Entry) bool { return e.Path == f })
			})
			return nil
		}, nil
	}, done)
}

// filesView: the backups of a folder with what they hold; for a restore,
// the number to restore under.
func filesView(w *wizard) fyne.CanvasObject {
	o := &w.opts
	op := w.op()
	kind := op.fileKind()
	isSel := func(p string) bool { return slices.Contains(o.Files, p) }
	count := widget.NewLabel("")
	empty := wrapLabel(i18n.T(kind.empty, nil))
	empty.Importance = widget.WarningImportance

	numero := newEntry()
	numero.SetText(o.Numero)
	numero.OnChanged = func(s string) { o.Numero = strings.TrimSpace(s) }
	numeroState := wrapLabel("")
	showNumero := func() {
		if !op.numero {
			return
		}
		if d, ok := w.taken(o.Numero); ok {
			numeroState.Importance = widget.WarningImportance
			numeroState.SetText(i18n.T(msgTakenBy, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "RaisonSociale": d.RaisonSociale}))
		} else if dossier.ValidNumero(o.Numero) {
			numeroState.Importance = widget.SuccessImportance
			numeroState.SetText(i18n.T(msgNumeroFree, map[string]any{"Numero": o.Numero}))
		} else {
			numeroState.SetText("")
		}
	}
	numero.OnChanged = func(s string) { o.Numero = strings.TrimSpace(s); showNumero() }
	update := func() {
		count.SetText(i18n.N(msgFilesCount, int64(len(o.Files)), map[string]any{"Total": len(w.files)}))
		if len(w.files) == 0 {
			empty.Show()
		} else {
			empty.Hide()
		}
		showNumero()
	}
	target := targetSelect(w)
	choose := func(p string, on bool) {
		if op.single {
			o.Files = nil
		}
		o.Files = slices.DeleteFunc(o.Files, func(s string) bool { return s == p })
		if on {
			o.Files = append(o.Files, p)
			if op.numero {
				if id := w.entry(p).Identity(); dossier.ValidNumero(id.Numero) {
					numero.SetText(id.Numero)
				}
			}
			if op.target {
				if n := w.dossierOf(w.entry(p).Identity()); n != "" {
					target.SetSelected(w.dossierLabel(n))
				}
			}
		}
		update()
	}
	state := func(e catalogue.Entry) string {
		switch {
		case e.Encrypted:
			return i18n.T(msgEncrypted, nil)
		case e.Err != nil:
			return i18n.T(msgUnreadable, nil) + " : " + i18n.Describe(e.Err)
		}
		return i18n.T(msgOK, nil)
	}
	cols := []column{
		{colFichier, 250, func(r int) string { return filepath.Base(w.files[r].Path) }},
		{colDossier, 100, func(r int) string { id := w.files[r].Identity(); return dossier.Label(id.Numero, id.Nom) }},
		{colRaison, 190, func(r int) string { return w.files[r].Identity().RaisonSociale }},
		{colCreee, 140, func(r int) string { return i18n.DateTime(w.files[r].Taken()) }},
		{colTaille, 80, func(r int) string { return i18n.Bytes(w.files[r].Size) }},
		{colEtat, 90, func(r int) string { return state(w.files[r]) }},
	}
	rowCount, rowSel := func() int { return len(w.files) }, func(r int) bool { return isSel(w.files[r].Path) }
	var table *keyTable
	if op.single {
		// A choice of one: radio buttons, and choosing again keeps it.
		table = choiceTable(cols, rowCount, rowSel, func(r int) { choose(w.files[r].Path, true) })
	} else {
		table = selectionTable(cols, rowCount, rowSel, func(r int) { p := w.files[r].Path; choose(p, !isSel(p)) })
	}

	folder := newEntry()
	folder.SetText(o.FilesFolder)
	reload := func() { w.loadFiles(func() { table.Refresh(); update() }) }
	folder.OnSubmitted = func(s string) { o.FilesFolder = strings.TrimSpace(s); reload() }
	browse := stepButton(i18n.T(msgBrowse, nil), theme.FolderOpenIcon(), func() {
		w.pickFolder(i18n.T(msgPickFolder, nil), o.FilesFolder, func(dir string) {
			folder.SetText(dir)
			o.FilesFolder = dir
			reload()
		})
	})
	add := stepButton(i18n.T(msgAddFile, nil), theme.FileIcon(), func() {
		w.pickFile(i18n.T(kind.pick, nil), o.FilesFolder, kind, func(p string) {
			if !slices.ContainsFunc(w.files, func(e catalogue.Entry) bool { return e.Path == p }) {
				w.files = append([]catalogue.Entry{catalogue.File(context.Background(), p)}, w.files...)
			}
			choose(p, true)
			table.Refresh()
		})
	})
	top := container.NewVBox(widget.NewLabel(i18n.T(kind.folder, nil)),
		container.NewBorder(nil, nil, nil, container.NewHBox(browse, add), folder), empty)
	bottom := container.NewVBox(count)
	if op.numero {
		pick := stepButton(i18n.T(msgPickNumero, nil), theme.ContentAddIcon(), func() {
			var used []string
			for _, d := range w.dossiers {
				used = append(used, d.Numero)
			}
			numero.SetText(dossier.FirstFree(used))
		})
		numero.SetPlaceHolder("001")
		row := container.NewHBox(widget.NewLabelWithStyle(i18n.T(msgRestoreAs, nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewGridWrap(fyne.NewSize(90, numero.MinSize().Height), numero), pick, lowLabel(i18n.T(msgPickNumeroTip, nil)))
		bottom.Add(widget.NewSeparator())
		bottom.Add(row)
		bottom.Add(numeroState)
	}
	if op.target {
		bottom.Add(widget.NewSeparator())
		bottom.Add(container.NewBorder(nil, nil, fieldTitle(i18n.T(msgApplyTo, nil)), nil, target))
		bottom.Add(lowLabel(i18n.T(msgApplyToHint, nil)))
	}
	update()
	reload()
	return container.NewBorder(top, bottom, nil, nil, table)
}

// listedState is the Raison sociale column of a listed dossier: its name,
// or why it cannot be chosen (« non reconnu », another file with its number).
func listedState(d dossier.Info) string {
	switch {
	case d.Unrecognised:
		return i18n.T(msgUnrecognisedRow, map[string]any{"File": d.Fichier, "Reason": d.Error})
	case len(d.Conflict) > 0:
		return i18n.T(msgConflictRow, map[string]any{"File": d.Fichier, "Others": strings.Join(d.Conflict, ", ")})
	case d.Error != "":
		return d.Error
	}
	return d.RaisonSociale
}

// dossierLabel is how a dossier of the connexion is named in a choice:
// « 001 SOC — Raison sociale ».
func (w *wizard) dossierLabel(n string) string {
	d := w.info(n)
	label := dossier.Label(d.Numero, d.Nom)
	if d.RaisonSociale != "" {
		label += " — " + d.RaisonSociale
	}
	return label
}

// dossierOf is the connexion's dossier a file names: the same identifiant,
// else the same number; "" when none.
func (w *wizard) dossierOf(id dossier.Identity) string {
	for _, d := range w.dossiers {
		if id.Identifiant != "" && d.Identifiant == id.Identifiant {
			return d.Numero
		}
	}
	if _, ok := w.taken(id.Numero); ok {
		return id.Numero
	}
	return ""
}

// targetSelect chooses the connexion's dossier a file is applied to; it
// writes Options.Numero.
func targetSelect(w *wizard) *keySelect {
	o := &w.opts
	var labels []string
	byLabel := map[string]string{}
	for _, d := range w.dossiers {
		if !d.Usable() {
			continue
		}
		l := w.dossierLabel(d.Numero)
		labels = append(labels, l)
		byLabel[l] = d.Numero
	}
	sel := newSelect(labels, func(l string) {
		if n := byLabel[l]; n != o.Numero {
			o.Numero = n
			o.Exercices = nil // ticks of another dossier's state
		}
	})
	if _, ok := w.taken(o.Numero); ok {
		sel.SetSelected(w.dossierLabel(o.Numero))
	}
	return sel
}
