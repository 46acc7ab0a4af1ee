package app

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/config"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/remote"
	"coffre/internal/secret"
	"coffre/internal/service"
)

var (
	msgAutoTab        = &i18n.Message{ID: "UIAutoOnglet", Other: "Sauvegarde automatique"}
	msgAutoActive     = &i18n.Message{ID: "UIAutoActive", Other: "Sauvegarder automatiquement"}
	msgAutoHeure      = &i18n.Message{ID: "UIAutoHeure", Other: "Heure (21:30, vide = aucune)"}
	msgAutoJours      = &i18n.Message{ID: "UIAutoJours", Other: "Jours (aucun coché = tous)"}
	msgAutoDossiers   = &i18n.Message{ID: "UIAutoDossiers", Other: "Dossiers (001,002 — vide = tous)"}
	msgAutoConnexion  = &i18n.Message{ID: "UIAutoConnexion", Other: "Connexion (vide = répertoire de Coffre)"}
	msgAutoDest       = &i18n.Message{ID: "UIAutoDestination", Other: "Répertoire des sauvegardes"}
	msgAutoConserver  = &i18n.Message{ID: "UIAutoConserver", Other: "Sauvegardes conservées par dossier"}
	msgAutoJoursN     = &i18n.Message{ID: "UIAutoTousLesNJours", Other: "Aussi tous les N jours (0 = non)"}
	msgAutoEcritures  = &i18n.Message{ID: "UIAutoApresNEcritures", Other: "Aussi après N nouvelles écritures (0 = non)"}
	msgDistTab        = &i18n.Message{ID: "UIDistantOnglet", Other: "Copie distante"}
	msgDistType       = &i18n.Message{ID: "UIDistantType", Other: "Destination"}
	msgDistNone       = &i18n.Message{ID: "UIDistantAucune", Other: "Aucune"}
	msgDistSFTP       = &i18n.Message{ID: "UIDistantSFTP", Other: "Serveur SFTP"}
	msgDistFolder     = &i18n.Message{ID: "UIDistantDossier", Other: "Répertoire réseau"}
	msgDistHost       = &i18n.Message{ID: "UIDistantHote", Other: "Serveur"}
	msgDistPort       = &i18n.Message{ID: "UIDistantPort", Other: "Port"}
	msgDistUser       = &i18n.Message{ID: "UIDistantUtilisateur", Other: "Utilisateur"}
	msgDistAuth       = &i18n.Message{ID: "UIDistantAuth", Other: "Authentification"}
	msgDistKey        = &i18n.Message{ID: "UIDistantCle", Other: "Clé"}
	msgDistPassword   = &i18n.Message{ID: "UIDistantMotDePasse", Other: "Mot de passe"}
	msgDistKeyFile    = &i18n.Message{ID: "UIDistantFichierCle", Other: "Fichier de clé privée"}
	msgDistPath       = &i18n.Message{ID: "UIDistantChemin", Other: "Répertoire sur le serveur"}
	msgDistFolderPath = &i18n.Message{ID: "UIDistantCheminReseau", Other: "Répertoire réseau"}
	msgDistKeep       = &i18n.Message{ID: "UIDistantConserver", Other: "Copies conservées par dossier"}
	msgTrust          = &i18n.Message{ID: "UIFaireConfiance", Other: "Faire confiance à ce serveur"}
	msgTrustTitle     = &i18n.Message{ID: "UIFaireConfianceTitre", Other: "Faire confiance à {{.Host}} ?"}
	msgTrustText      = &i18n.Message{ID: "UIFaireConfianceTexte", Other: "Empreinte de la clé du serveur :\n{{.Fingerprint}}\n\nComparez-la avec celle donnée par l'administrateur du serveur. Ne faites confiance que si elles sont identiques."}
	msgTrustKnown     = &i18n.Message{ID: "UIServeurDejaConnu", Other: "Ce serveur est déjà reconnu (empreinte {{.Fingerprint}})."}
	msgTrustDone      = &i18n.Message{ID: "UIServeurEnregistre", Other: "Serveur enregistré comme sûr (empreinte {{.Fingerprint}})."}
	msgPwSaved        = &i18n.Message{ID: "UIMotDePasseEnregistre", Other: "enregistré — tapez-en un autre pour le changer"}
	msgPwNone         = &i18n.Message{ID: "UIMotDePasseAucun", Other: "aucun mot de passe enregistré"}
	msgMailTab        = &i18n.Message{ID: "UIEmailOnglet", Other: "E-mail"}
	msgMailActive     = &i18n.Message{ID: "UIEmailActive", Other: "Envoyer les alertes par e-mail"}
	msgMailHost       = &i18n.Message{ID: "UIEmailServeur", Other: "Serveur SMTP"}
	msgMailSecurity   = &i18n.Message{ID: "UIEmailSecurite", Other: "Sécurité"}
	msgMailUser       = &i18n.Message{ID: "UIEmailUtilisateur", Other: "Utilisateur"}
	msgMailFrom       = &i18n.Message{ID: "UIEmailExpediteur", Other: "Adresse d'expédition"}
	msgMailFailOnly   = &i18n.Message{ID: "UIEmailEchecsSeulement", Other: "N'envoyer que les e-mails qui signalent un problème"}
	msgMailDigest     = &i18n.Message{ID: "UIEmailResume", Other: "Résumé de la semaine"}
	msgMailNoDigest   = &i18n.Message{ID: "UIEmailSansResume", Other: "aucun"}
	msgMailTest       = &i18n.Message{ID: "UIEmailTest", Other: "Envoyer un e-mail de test"}
	msgMailTestDone   = &i18n.Message{ID: "UIEmailTestEnvoye", Other: "E-mail de test envoyé à {{.To}}."}
	msgRcptTab        = &i18n.Message{ID: "UIDestinatairesOnglet", Other: "Destinataires"}
	msgRcptEmployees  = &i18n.Message{ID: "UIDestinatairesEmployes", Other: "Les employés qui ont coché « Alerte e-mail » (onglet Employés) :"}
	msgRcptNone       = &i18n.Message{ID: "UIDestinatairesAucun", Other: "aucun pour l'instant"}
	msgRcptExtra      = &i18n.Message{ID: "UIDestinatairesAutres", Other: "Autres adresses (une par ligne), par exemple votre prestataire :"}
	msgRcptUse        = &i18n.Message{ID: "UIDestinatairesUtiliser", Other: "Prévenir ces employés"}
	msgWatchAge       = &i18n.Message{ID: "UISurveillanceAge", Other: "« Sauvegarde non reçue » au-delà de (heures)"}
	msgAutoSave       = &i18n.Message{ID: "UIAutoEnregistrer", Other: "Enregistrer"}
	msgAutoSaved      = &i18n.Message{ID: "UIAutoEnregistre", Other: "Configuration enregistrée."}
	msgAutoNumber     = &i18n.Message{ID: "UIAutoNombre", Other: "« {{.Field}} » doit être un nombre entier."}
	msgAutoSecrets    = &i18n.Message{ID: "UIAutoSecrets", Other: "Les mots de passe ne sont jamais écrits dans coffre.toml : ils sont conservés {{.Where}}."}
	msgDistS3         = &i18n.Message{ID: "UIDistantS3", Other: "Stockage objet (S3)"}
	msgDistWebDAV     = &i18n.Message{ID: "UIDistantWebDAV", Other: "WebDAV (Nextcloud, NAS)"}
	msgDistEndpoint   = &i18n.Message{ID: "UIDistantAdresseS3", Other: "Adresse du service (https://…)"}
	msgDistRegion     = &i18n.Message{ID: "UIDistantRegion", Other: "Région"}
	msgDistBucket     = &i18n.Message{ID: "UIDistantCompartiment", Other: "Compartiment (bucket)"}
	msgDistPrefix     = &i18n.Message{ID: "UIDistantPrefixe", Other: "Préfixe (répertoire dans le compartiment)"}
	msgDistAccessKey  = &i18n.Message{ID: "UIDistantCleAcces", Other: "Clé d'accès"}
	msgDistSecretKey  = &i18n.Message{ID: "UIDistantCleSecrete", Other: "Clé secrète"}
	msgDistStyle      = &i18n.Message{ID: "UIDistantStyle", Other: "Adressage"}
	msgDistStyleAuto  = &i18n.Message{ID: "UIDistantStyleAuto", Other: "automatique"}
	msgDistStylePath  = &i18n.Message{ID: "UIDistantStyleChemin", Other: "par chemin (adresse/compartiment)"}
	msgDistStyleHost  = &i18n.Message{ID: "UIDistantStyleHote", Other: "par nom d'hôte (compartiment.adresse)"}
	msgDistURL        = &i18n.Message{ID: "UIDistantURL", Other: "Adresse du répertoire WebDAV (https://…)"}
	msgAutoEncrypt    = &i18n.Message{ID: "UIAutoChiffrement", Other: "Chiffrement"}
	msgAutoEncNone    = &i18n.Message{ID: "UIAutoChiffrementAucun", Other: "Aucun"}
	msgAutoEncPhrase  = &i18n.Message{ID: "UIAutoChiffrementPhrase", Other: "Phrase secrète"}
	msgAutoEncKey     = &i18n.Message{ID: "UIAutoChiffrementCle", Other: "Clé publique age"}
	msgAutoEncKeyHint = &i18n.Message{ID: "UIAutoCleAgeAide", Other: "age1… (ce poste ne garde pas la clé privée qui ouvre les sauvegardes)"}
	msgAutoPhraseSet  = &i18n.Message{ID: "UIAutoPhraseEnregistree", Other: "enregistrée — tapez-en une autre pour la changer"}
	msgAutoSheet      = &i18n.Message{ID: "UIAutoFicheSecours", Other: "Fiche de secours…"}
	msgAutoSheetTitle = &i18n.Message{ID: "UIAutoFicheTitre", Other: "Fiche de secours"}
	msgAutoSheetSave  = &i18n.Message{ID: "UIAutoFicheEnregistrer", Other: "Enregistrer pour imprimer…"}
	msgAutoSheetSaved = &i18n.Message{ID: "UIAutoFicheEnregistree", Other: "Fiche de secours enregistrée dans « {{.File}} » : imprimez-la, puis rangez-la sous clé, hors du bureau."}
	msgAutoTestNow    = &i18n.Message{ID: "UIAutoTesterMaintenant", Other: "Tester maintenant"}
	msgAutoTesting    = &i18n.Message{ID: "UIAutoTestEnCours", Other: "Sauvegarde automatique d'essai en cours, avec ces réglages…"}
	msgAutoTestTitle  = &i18n.Message{ID: "UIAutoTestTitre", Other: "Essai de la sauvegarde automatique"}
	msgAutoNothingDue = &i18n.Message{ID: "UIAutoRienAFaire", Other: "La sauvegarde automatique n'a rien fait : elle n'est pas activée (cochez « Sauvegarder automatiquement »)."}
	msgAutoScheduled  = &i18n.Message{ID: "UIAutoProgrammee", Other: "Configuration enregistrée. La sauvegarde automatique est programmée ({{.File}})."}
	msgAutoSchedCmds  = &i18n.Message{ID: "UIAutoProgrammeeCommandes", Other: "Configuration enregistrée. Pour activer la sauvegarde automatique, exécutez une fois : {{.Commands}}"}
	msgAutoNoDossier  = &i18n.Message{ID: "UIAutoAucunDossier", Other: "La connexion « {{.Conn}} » ne contient aucun dossier comptable : la sauvegarde automatique n'aurait rien à sauvegarder. Indiquez le répertoire de votre logiciel de comptabilité dans « Connexion »."}
	msgAutoUnknownDos = &i18n.Message{ID: "UIAutoDossierInconnu", Other: "Le dossier {{.Numero}} n'existe pas dans la connexion « {{.Conn}} » : retirez-le de la liste, ou corrigez la connexion."}
	msgAutoConnMiss   = &i18n.Message{ID: "UIAutoConnexionAbsente", Other: "Le répertoire de connexion « {{.Dir}} » n'existe pas, ou n'est pas joignable : vérifiez le chemin (et que le lecteur réseau est connecté)."}
	msgAutoFolderBad  = &i18n.Message{ID: "UIAutoRepertoireRefuse", Other: "{{.Field}} : {{.Reason}}"}
	msgAutoNeedPhrase = &i18n.Message{ID: "UIAutoPhraseRequise", Other: "Le chiffrement par phrase secrète est choisi : tapez la phrase secrète deux fois."}
	msgUnsavedTitle   = &i18n.Message{ID: "UIConfigNonEnregistreeTitre", Other: "Fermer sans enregistrer ?"}
	msgUnsavedText    = &i18n.Message{ID: "UIConfigNonEnregistreeTexte", Other: "Des modifications de la configuration ne sont pas enregistrées : elles seront perdues."}
	msgUnsavedClose   = &i18n.Message{ID: "UIConfigFermerSansEnregistrer", Other: "Fermer sans enregistrer"}
	msgTrustYes       = &i18n.Message{ID: "UIFaireConfianceOui", Other: "Faire confiance"}
)

// autoConfig is the state shared by the automatic-backup tabs: the file
// being edited and the form fields that fill it.
type autoConfig struct {
	win     fyne.Window
	path    string
	cfg     config.Config
	secrets config.Secrets
	fields  []func(*config.Config) error // copy the widgets into a config
	// typed are the password entries and the secret each one fills.
	typed  []typedSecret
	phrase *widget.Entry // the passphrase typed a second time
	status *widget.Label

	// Hooks replaced by tests.
	pickFolder func(title, start string, done func(string))
	goWork     func(func())
}

type typedSecret struct {
	e    *widget.Entry
	name string
}

// AutoConfigTabs returns the Configuration window's tabs for the automatic
// backup, the offsite copy, the e-mail and the recipients, editing the
// coffre.toml at configPath ("" = the default one). Each tab has
// « Enregistrer », which validates and writes the whole file atomically and
// puts typed passwords in the keyring (or the encrypted file), never in the
// file.
func AutoConfigTabs(win fyne.Window, configPath string) []*container.TabItem {
	return newAutoConfig(win, configPath).tabs()
}

func newAutoConfig(win fyne.Window, configPath string) *autoConfig {
	if configPath == "" {
		configPath = config.DefaultPath()
	}
	cfg, err := config.Load(configPath)
	ac := &autoConfig{win: win, path: configPath, cfg: cfg, secrets: config.OpenSecrets(), status: widget.NewLabel(""),
		pickFolder: nativeFolder, goWork: func(f func()) { go f() }}
	ac.status.Wrapping = fyne.TextWrapWord
	if err != nil {
		ac.status.SetText(i18n.Describe(err))
	}
	return ac
}

func (ac *autoConfig) tabs() []*container.TabItem {
	return []*container.TabItem{
		container.NewTabItemWithIcon(i18n.T(msgAutoTab, nil), theme.HistoryIcon(), ac.page(ac.autoForm())),
		container.NewTabItemWithIcon(i18n.T(msgDistTab, nil), theme.UploadIcon(), ac.page(ac.remoteForm())),
		container.NewTabItemWithIcon(i18n.T(msgMailTab, nil), theme.MailSendIcon(), ac.page(ac.mailForm())),
		container.NewTabItemWithIcon(i18n.T(msgRcptTab, nil), theme.AccountIcon(), ac.page(ac.recipientsForm())),
	}
}

// dirty reports whether the screen holds changes not yet saved.
func (ac *autoConfig) dirty() bool {
	for _, p := range ac.typed {
		if p.e.Text != "" {
			return true
		}
	}
	c, err := ac.collect()
	return err != nil || !reflect.DeepEqual(normalized(c), normalized(ac.cfg))
}

// normalized makes empty and nil lists alike, for dirty.
func normalized(c config.Config) config.Config {
	for _, l := range []*[]string{&c.Auto.Jours, &c.Auto.Dossiers, &c.Destinataire.Adresses} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return c
}

func (ac *autoConfig) page(content fyne.CanvasObject) fyne.CanvasObject {
	save := widget.NewButtonWithIcon(i18n.T(msgAutoSave, nil), theme.DocumentSaveIcon(), func() {
		if err := ac.save(); err != nil {
			ac.status.SetText("")
			showError(ac.win, err)
			return
		}
		ac.status.SetText(ac.schedule())
	})
	save.Importance = widget.HighImportance
	return container.NewBorder(nil, container.NewVBox(ac.status, container.NewHBox(save)), nil, nil, container.NewVScroll(content))
}

// collect reads every field into a copy of the configuration.
func (ac *autoConfig) collect() (config.Config, error) {
	c := ac.cfg
	for _, f := range ac.fields {
		if err := f(&c); err != nil {
			return ac.cfg, err
		}
	}
	return c, nil
}

// save validates and writes the file, then stores the passwords typed.
// Everything is checked first — the settings, each folder (it exists and
// can be written: a network folder that is not there is refused), the
// connexion and its dossiers when the automatic backup is on, the
// passphrase — so that nothing is saved that would fail at night.
func (ac *autoConfig) save() error {
	c, err := ac.collect()
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := ac.checkPhrase(c); err != nil {
		return err
	}
	if err := checkFolders(c); err != nil {
		return err
	}
	if err := config.Save(ac.path, c); err != nil {
		return err
	}
	ac.cfg = c
	for _, p := range ac.typed {
		if p.e.Text == "" {
			continue
		}
		if err := ac.secrets.Set(p.name, p.e.Text); err != nil {
			return err
		}
		p.e.SetText("")
		p.e.SetPlaceHolder(i18n.T(msgPwSaved, nil))
	}
	if ac.phrase != nil {
		ac.phrase.SetText("")
	}
	return nil
}

// checkPhrase: with « phrase », a passphrase is typed twice alike and
// strong enough, or one is already stored.
func (ac *autoConfig) checkPhrase(c config.Config) error {
	if c.Auto.Chiffrement != config.ChiffrementPhrase || ac.phrase == nil {
		return nil
	}
	var typed string
	for _, p := range ac.typed {
		if p.name == config.SecretPhrase {
			typed = p.e.Text
		}
	}
	if typed == "" && ac.phrase.Text == "" {
		if _, err := ac.secrets.Get(config.SecretPhrase); err == nil {
			return nil
		}
		return i18n.E(msgAutoNeedPhrase, nil, config.ErrInvalid)
	}
	if typed != ac.phrase.Text {
		return i18n.E(msgPassMismatch, nil, config.ErrInvalid)
	}
	return secret.CheckNew(typed)
}

// checkFolders checks every folder of c the way the engine will use it.
func checkFolders(c config.Config) error {
	if dir := c.Auto.DestinationDir(); dir == paths.Backups() {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := dossier.CheckDestination(c.Auto.DestinationDir()); err != nil {
		return folderError(msgAutoDest, err)
	}
	if c.Distant.Type == config.DistantDossier {
		if err := dossier.CheckDestination(c.Distant.Dossier); err != nil {
			return folderError(msgDistFolderPath, err)
		}
	}
	conn := strings.TrimSpace(c.Auto.Connexion)
	if conn != "" && !connexion.IsODBC(conn) {
		if fi, err := os.Stat(conn); err != nil || !fi.IsDir() {
			return i18n.E(msgAutoConnMiss, map[string]any{"Dir": conn}, dossier.ErrNotFound)
		}
	}
	if !c.Auto.Active {
		return nil
	}
	return checkDossiers(c)
}

func folderError(field *i18n.Message, err error) error {
	return i18n.E(msgAutoFolderBad, map[string]any{"Field": i18n.T(field, nil), "Reason": i18n.Described(err)}, err)
}

// checkDossiers opens the automatic backup's connexion: it must hold
// dossiers, and every dossier chosen.
func checkDossiers(c config.Config) error {
	conn := c.Auto.Connexion
	name := conn
	if name == "" {
		name = paths.Dossiers()
	}
	s, err := connexion.Open(conn)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.List(context.Background())
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, d := range list {
		if !d.Unrecognised {
			have[d.Numero] = true
		}
	}
	if len(have) == 0 {
		return i18n.E(msgAutoNoDossier, map[string]any{"Conn": name}, dossier.ErrNotFound)
	}
	for _, n := range c.Auto.Dossiers {
		if !have[n] {
			return i18n.E(msgAutoUnknownDos, map[string]any{"Numero": n, "Conn": name}, dossier.ErrNotFound)
		}
	}
	return nil
}

// schedule sets the scheduled task up when the automatic backup is on,
// through the code of `coffre service installer`, and says what was done.
func (ac *autoConfig) schedule() string {
	if !ac.cfg.Auto.Active {
		return i18n.T(msgAutoSaved, nil)
	}
	inst, err := service.New(ac.path).Install(context.Background(), service.InstallOptions{})
	if err != nil {
		return i18n.T(msgAutoSaved, nil) + " " + i18n.Describe(err)
	}
	if !inst.Registered {
		return i18n.T(msgAutoSchedCmds, map[string]any{"Commands": strings.Join(inst.Commands, " ; ")})
	}
	return i18n.T(msgAutoScheduled, map[string]any{"File": inst.File})
}

// testNow is « Tester maintenant »: save (everything checked), then one
// automatic run with these settings by the service's own engine, its
// result shown.
func (ac *autoConfig) testNow(button *widget.Button) {
	if err := ac.save(); err != nil {
		showError(ac.win, err)
		return
	}
	ac.status.SetText(i18n.T(msgAutoTesting, nil))
	button.Disable()
	ac.goWork(func() {
		eng := service.New(ac.path)
		eng.Secrets = ac.secrets
		rep, err := eng.RunOnce(context.Background(), service.Options{Force: true})
		var lines []string
		switch {
		case rep.Ran:
			lines = append([]string{rep.Entry.Title()}, rep.Entry.Lines()...)
			if err == nil {
				err = rep.Err()
			}
		case err == nil:
			lines = []string{i18n.T(msgAutoNothingDue, nil)}
		}
		if err != nil {
			lines = append(lines, i18n.Describe(err))
		}
		fyne.Do(func() {
			button.Enable()
			ac.status.SetText(strings.Join(lines, "\n"))
			dialog.NewCustom(i18n.T(msgAutoTestTitle, nil), i18n.T(msgClose, nil), minWidth(520, wrapLabel(strings.Join(lines, "\n"))), ac.win).Show()
		})
	})
}

// folderEntry is a folder's entry with its « Parcourir… ».
func (ac *autoConfig) folderEntry(value string, set func(*config.Config, string)) fyne.CanvasObject {
	e := ac.text(value, set)
	browse := widget.NewButtonWithIcon(i18n.T(msgBrowse, nil), theme.FolderOpenIcon(), func() {
		ac.pickFolder(i18n.T(msgPickFolder, nil), e.Text, e.SetText)
	})
	return container.NewBorder(nil, nil, nil, browse, e)
}

func (ac *autoConfig) text(value string, set func(*config.Config, string)) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(value)
	ac.fields = append(ac.fields, func(c *config.Config) error { set(c, strings.TrimSpace(e.Text)); return nil })
	return e
}

func (ac *autoConfig) number(label *i18n.Message, value int, set func(*config.Config, int)) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.Itoa(value))
	ac.fields = append(ac.fields, func(c *config.Config) error {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			return i18n.E(msgAutoNumber, map[string]any{"Field": i18n.T(label, nil)}, config.ErrInvalid)
		}
		set(c, n)
		return nil
	})
	return e
}

func (ac *autoConfig) check(label *i18n.Message, value bool, set func(*config.Config, bool)) *widget.Check {
	ch := widget.NewCheck(i18n.T(label, nil), nil)
	ch.SetChecked(value)
	ac.fields = append(ac.fields, func(c *config.Config) error { set(c, ch.Checked); return nil })
	return ch
}

func (ac *autoConfig) password(name string) *widget.Entry {
	e := widget.NewPasswordEntry()
	ac.typed = append(ac.typed, typedSecret{e, name})
	if _, err := ac.secrets.Get(name); err == nil {
		e.SetPlaceHolder(i18n.T(msgPwSaved, nil))
	} else {
		e.SetPlaceHolder(i18n.T(msgPwNone, nil))
	}
	return e
}

func (ac *autoConfig) autoForm() fyne.CanvasObject {
	a := ac.cfg.Auto
	jours := widget.NewCheckGroup(config.WeekdayNames, nil)
	jours.Horizontal = true
	jours.SetSelected(a.Jours)
	ac.fields = append(ac.fields, func(c *config.Config) error { c.Auto.Jours = append([]string(nil), jours.Selected...); return nil })
	if len(a.Jours) == 0 {
		ac.cfg.Auto.Jours = nil
	}
	form := widget.NewForm(
		widget.NewFormItem("", ac.check(msgAutoActive, a.Active, func(c *config.Config, v bool) { c.Auto.Active = v })),
		widget.NewFormItem(i18n.T(msgAutoHeure, nil), ac.text(a.Heure, func(c *config.Config, v string) { c.Auto.Heure = v })),
		widget.NewFormItem(i18n.T(msgAutoJours, nil), jours),
		widget.NewFormItem(i18n.T(msgAutoJoursN, nil), ac.number(msgAutoJoursN, a.TousLesNJours, func(c *config.Config, v int) { c.Auto.TousLesNJours = v })),
		widget.NewFormItem(i18n.T(msgAutoEcritures, nil), ac.number(msgAutoEcritures, a.ApresNEcritures, func(c *config.Config, v int) { c.Auto.ApresNEcritures = v })),
		widget.NewFormItem(i18n.T(msgAutoDossiers, nil), ac.text(strings.Join(a.Dossiers, ","), func(c *config.Config, v string) {
			c.Auto.Dossiers = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
		})),
		widget.NewFormItem(i18n.T(msgAutoConnexion, nil), ac.folderEntry(a.Connexion, func(c *config.Config, v string) { c.Auto.Connexion = v })),
		widget.NewFormItem(i18n.T(msgAutoDest, nil), ac.folderEntry(a.Destination, func(c *config.Config, v string) { c.Auto.Destination = v })),
		widget.NewFormItem(i18n.T(msgAutoConserver, nil), ac.number(msgAutoConserver, a.Conserver, func(c *config.Config, v int) { c.Auto.Conserver = v })),
	)
	encMode, encDetails := ac.encryptionItems()
	form.AppendItem(encMode)
	var testNow *widget.Button
	testNow = widget.NewButtonWithIcon(i18n.T(msgAutoTestNow, nil), theme.MediaPlayIcon(), func() { ac.testNow(testNow) })
	sheet := widget.NewButtonWithIcon(i18n.T(msgAutoSheet, nil), theme.DocumentPrintIcon(), ac.showSheet)
	return container.NewVBox(form, encDetails, container.NewHBox(testNow, sheet))
}

// encryptionItems are « Chiffrement » (aucun, phrase secrète, clé publique
// age), the passphrase typed twice (kept in the secret store) and the age
// key (kept in coffre.toml, cle_age).
func (ac *autoConfig) encryptionItems() (*widget.FormItem, fyne.CanvasObject) {
	a := ac.cfg.Auto
	labels := []string{i18n.T(msgAutoEncNone, nil), i18n.T(msgAutoEncPhrase, nil), i18n.T(msgAutoEncKey, nil)}
	values := []string{config.ChiffrementAucun, config.ChiffrementPhrase, config.ChiffrementCle}
	mode := newRadioList(labels, nil) // the wizard's: one Tab stop, the arrows move
	mode.Columns = len(labels)
	pass1 := ac.password(config.SecretPhrase)
	if _, err := ac.secrets.Get(config.SecretPhrase); err == nil {
		pass1.SetPlaceHolder(i18n.T(msgAutoPhraseSet, nil))
	}
	ac.phrase = widget.NewPasswordEntry()
	key := widget.NewEntry()
	key.SetPlaceHolder(i18n.T(msgAutoEncKeyHint, nil))
	key.SetText(a.CleAge)
	// The fields of the mode chosen only: a form's hidden widget would
	// leave its label.
	phraseForm := widget.NewForm(widget.NewFormItem(i18n.T(msgPass1, nil), pass1), widget.NewFormItem(i18n.T(msgPass2, nil), ac.phrase))
	keyForm := widget.NewForm(widget.NewFormItem(i18n.T(msgAutoEncKey, nil), key))
	show := func(v string) {
		phraseForm.Hide()
		keyForm.Hide()
		switch v {
		case config.ChiffrementPhrase:
			phraseForm.Show()
		case config.ChiffrementCle:
			keyForm.Show()
		}
	}
	mode.OnChanged = func(l string) {
		for i, x := range labels {
			if x == l {
				show(values[i])
			}
		}
	}
	for i, v := range values {
		if v == a.Chiffrement {
			mode.SetSelected(labels[i])
		}
	}
	show(a.Chiffrement)
	ac.fields = append(ac.fields, func(c *config.Config) error {
		for i, x := range labels {
			if x == mode.Selected {
				c.Auto.Chiffrement = values[i]
			}
		}
		c.Auto.CleAge = ""
		if c.Auto.Chiffrement == config.ChiffrementCle {
			c.Auto.CleAge = strings.TrimSpace(key.Text)
		}
		return nil
	})
	return widget.NewFormItem(i18n.T(msgAutoEncrypt, nil), mode), container.NewVBox(phraseForm, keyForm)
}

// showSheet shows the recovery sheet of the saved settings (the service's
// own), to print or save.
func (ac *autoConfig) showSheet() {
	if err := ac.save(); err != nil {
		showError(ac.win, err)
		return
	}
	eng := service.New(ac.path)
	eng.Secrets = ac.secrets
	sheet, err := eng.RecoverySheet(ac.cfg, "")
	if err != nil {
		showError(ac.win, err)
		return
	}
	var lines []string
	for _, n := range sheet.Lines {
		lines = append(lines, n.String())
	}
	text := strings.Join(lines, "\n\n")
	body := wrapLabel(text)
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon(i18n.T(msgAutoSheetSave, nil), theme.DocumentSaveIcon(), func() {
		ac.pickFolder(i18n.T(msgPickFolder, nil), "", func(dir string) {
			file := filepath.Join(dir, "Fiche de secours Coffre.txt")
			if err := writeSheet(file, text); err != nil {
				showError(ac.win, err)
				return
			}
			d.Hide()
			ac.status.SetText(i18n.T(msgAutoSheetSaved, map[string]any{"File": file}))
		})
	})
	closeB := widget.NewButton(i18n.T(msgClose, nil), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(i18n.T(msgAutoSheetTitle, nil), minWidth(640, container.NewVScroll(body)), ac.win)
	d.SetButtons([]fyne.CanvasObject{closeB, save})
	d.Resize(fyne.NewSize(700, 520))
	d.Show()
}

// writeSheet writes the sheet whole under its final name (temp file,
// then rename), with Windows line ends so that Notepad prints it.
func writeSheet(file, text string) error {
	tmp, err := fsutil.CreateTemp(file)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n") + "\r\n")); err != nil {
		return err
	}
	return tmp.Commit(true)
}

func (ac *autoConfig) remoteForm() fyne.CanvasObject {
	d := ac.cfg.Distant
	kinds := []string{i18n.T(msgDistNone, nil), i18n.T(msgDistSFTP, nil), i18n.T(msgDistFolder, nil), i18n.T(msgDistS3, nil), i18n.T(msgDistWebDAV, nil)}
	values := []string{config.DistantAucun, config.DistantSFTP, config.DistantDossier, config.DistantS3, config.DistantWebDAV}
	kind := newSelect(kinds, nil)
	selected := func() string {
		if i := kind.SelectedIndex(); i >= 0 {
			return values[i]
		}
		return d.Type
	}
	ac.fields = append(ac.fields, func(c *config.Config) error { c.Distant.Type = selected(); return nil })

	// SFTP
	auths := []string{i18n.T(msgDistKey, nil), i18n.T(msgDistPassword, nil)}
	auth := newRadioList(auths, nil)
	auth.Columns = len(auths)
	auth.SetSelected(auths[0])
	if d.Authentication == config.AuthMotDePasse {
		auth.SetSelected(auths[1])
	}
	ac.fields = append(ac.fields, func(c *config.Config) error {
		c.Distant.Authentication = config.AuthCle
		if auth.Selected == auths[1] {
			c.Distant.Authentication = config.AuthMotDePasse
		}
		return nil
	})
	// The user and the address are one key of coffre.toml each, shown in
	// the form of the kind chosen.
	sftpUser, davUser := widget.NewEntry(), widget.NewEntry()
	s3Addr, davAddr := widget.NewEntry(), widget.NewEntry()
	sftpUser.SetText(d.Utilisateur)
	davUser.SetText(d.Utilisateur)
	s3Addr.SetText(d.Adresse)
	davAddr.SetText(d.Adresse)
	ac.fields = append(ac.fields, func(c *config.Config) error {
		switch selected() {
		case config.DistantWebDAV:
			c.Distant.Utilisateur, c.Distant.Adresse = strings.TrimSpace(davUser.Text), strings.TrimSpace(davAddr.Text)
		case config.DistantS3:
			c.Distant.Utilisateur, c.Distant.Adresse = strings.TrimSpace(sftpUser.Text), strings.TrimSpace(s3Addr.Text)
		default:
			c.Distant.Utilisateur = strings.TrimSpace(sftpUser.Text)
		}
		return nil
	})
	trust := widget.NewButtonWithIcon(i18n.T(msgTrust, nil), theme.ConfirmIcon(), ac.trust)
	sftp := container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistHost, nil), ac.text(d.Hote, func(c *config.Config, v string) { c.Distant.Hote = v })),
		widget.NewFormItem(i18n.T(msgDistPort, nil), ac.number(msgDistPort, d.Port, func(c *config.Config, v int) { c.Distant.Port = v })),
		widget.NewFormItem(i18n.T(msgDistUser, nil), sftpUser),
		widget.NewFormItem(i18n.T(msgDistAuth, nil), auth),
		widget.NewFormItem(i18n.T(msgDistKeyFile, nil), ac.text(d.Cle, func(c *config.Config, v string) { c.Distant.Cle = v })),
		widget.NewFormItem(i18n.T(msgDistPassword, nil), ac.password(config.SecretSFTP)),
		widget.NewFormItem(i18n.T(msgDistPath, nil), ac.text(d.Chemin, func(c *config.Config, v string) { c.Distant.Chemin = v })),
	), container.NewHBox(trust))
	folder := widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistFolderPath, nil), ac.folderEntry(d.Dossier, func(c *config.Config, v string) { c.Distant.Dossier = v })),
	)
	styles := []string{i18n.T(msgDistStyleAuto, nil), i18n.T(msgDistStylePath, nil), i18n.T(msgDistStyleHost, nil)}
	styleValues := []string{config.StyleAuto, config.StyleChemin, config.StyleHote}
	style := newSelect(styles, nil)
	style.SetSelectedIndex(0)
	for i, v := range styleValues {
		if v == d.Style {
			style.SetSelectedIndex(i)
		}
	}
	ac.fields = append(ac.fields, func(c *config.Config) error { c.Distant.Style = styleValues[max(style.SelectedIndex(), 0)]; return nil })
	s3 := widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistEndpoint, nil), s3Addr),
		widget.NewFormItem(i18n.T(msgDistRegion, nil), ac.text(d.Region, func(c *config.Config, v string) { c.Distant.Region = v })),
		widget.NewFormItem(i18n.T(msgDistBucket, nil), ac.text(d.Compartiment, func(c *config.Config, v string) { c.Distant.Compartiment = v })),
		widget.NewFormItem(i18n.T(msgDistPrefix, nil), ac.text(d.Prefixe, func(c *config.Config, v string) { c.Distant.Prefixe = v })),
		widget.NewFormItem(i18n.T(msgDistAccessKey, nil), ac.text(d.CleAcces, func(c *config.Config, v string) { c.Distant.CleAcces = v })),
		widget.NewFormItem(i18n.T(msgDistSecretKey, nil), ac.password(config.SecretS3)),
		widget.NewFormItem(i18n.T(msgDistStyle, nil), style),
	)
	webdav := widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistURL, nil), davAddr),
		widget.NewFormItem(i18n.T(msgDistUser, nil), davUser),
		widget.NewFormItem(i18n.T(msgDistPassword, nil), ac.password(config.SecretWebDAV)),
	)
	groups := map[string]fyne.CanvasObject{config.DistantSFTP: sftp, config.DistantDossier: folder, config.DistantS3: s3, config.DistantWebDAV: webdav}
	showKind := func(v string) {
		for k, g := range groups {
			if k == v {
				g.Show()
			} else {
				g.Hide()
			}
		}
	}
	kind.OnChanged = func(string) { showKind(selected()) }
	for i, v := range values {
		if v == d.Type {
			kind.SetSelectedIndex(i)
		}
	}
	showKind(d.Type)
	common := widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistKeep, nil), ac.number(msgDistKeep, d.Conserver, func(c *config.Config, v int) { c.Distant.Conserver = v })),
		widget.NewFormItem(i18n.T(msgWatchAge, nil), ac.number(msgWatchAge, ac.cfg.Surveiller.AgeMaxHeures, func(c *config.Config, v int) { c.Surveiller.AgeMaxHeures = v })),
	)
	return container.NewVBox(widget.NewForm(widget.NewFormItem(i18n.T(msgDistType, nil), kind)),
		sftp, folder, s3, webdav, common, widget.NewLabel(i18n.T(msgAutoSecrets, map[string]any{"Where": ac.secrets.Where()})))
}

// trust is « Faire confiance à ce serveur »: fetch the server's key, show
// its fingerprint, and record it only when the user confirms that one.
func (ac *autoConfig) trust() {
	c, err := ac.collect()
	if err != nil {
		showError(ac.win, err)
		return
	}
	o := remote.SFTPOptions{Host: c.Distant.Hote, Port: c.Distant.Port, User: c.Distant.Utilisateur, KnownHosts: c.Distant.KnownHostsFile()}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		fp, known, err := remote.HostKey(ctx, o)
		fyne.Do(func() {
			switch {
			case err != nil && fp == "":
				showError(ac.win, err)
			case known:
				ac.status.SetText(i18n.T(msgTrustKnown, map[string]any{"Fingerprint": fp}))
			default:
				dialog.NewCustomConfirm(i18n.T(msgTrustTitle, map[string]any{"Host": o.Host}), i18n.T(msgTrustYes, nil), i18n.T(msgCancel, nil),
					wrapLabel(i18n.T(msgTrustText, map[string]any{"Fingerprint": fp})), func(ok bool) {
						if ok {
							ac.recordTrust(o, fp)
						}
					}, ac.win).Show()
			}
		})
	}()
}

func (ac *autoConfig) recordTrust(o remote.SFTPOptions, fp string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got, err := remote.Trust(ctx, o, fp)
		fyne.Do(func() {
			if err != nil {
				showError(ac.win, err)
				return
			}
			ac.status.SetText(i18n.T(msgTrustDone, map[string]any{"Fingerprint": got}))
		})
	}()
}

func (ac *autoConfig) mailForm() fyne.CanvasObject {
	e := ac.cfg.Email
	secu := []string{config.SecuriteSTARTTLS, config.SecuriteTLS, config.SecuriteAucune}
	sel := newSelect(secu, nil)
	sel.SetSelected(e.Securite)
	ac.fields = append(ac.fields, func(c *config.Config) error { c.Email.Securite = sel.Selected; return nil })
	smtpPw := ac.password(config.SecretSMTP)
	none := i18n.T(msgMailNoDigest, nil)
	digest := newSelect(append([]string{none}, config.WeekdayNames...), nil)
	digest.SetSelected(none)
	if _, ok := e.DigestDay(); ok {
		digest.SetSelected(strings.ToLower(strings.TrimSpace(e.ResumeHebdomadaire)))
	}
	ac.fields = append(ac.fields, func(c *config.Config) error {
		c.Email.ResumeHebdomadaire = ""
		if digest.Selected != none {
			c.Email.ResumeHebdomadaire = digest.Selected
		}
		return nil
	})
	test := widget.NewButtonWithIcon(i18n.T(msgMailTest, nil), theme.MailSendIcon(), ac.testMail)
	return container.NewVBox(widget.NewForm(
		widget.NewFormItem("", ac.check(msgMailActive, e.Active, func(c *config.Config, v bool) { c.Email.Active = v })),
		widget.NewFormItem(i18n.T(msgMailHost, nil), ac.text(e.Hote, func(c *config.Config, v string) { c.Email.Hote = v })),
		widget.NewFormItem(i18n.T(msgDistPort, nil), ac.number(msgDistPort, e.Port, func(c *config.Config, v int) { c.Email.Port = v })),
		widget.NewFormItem(i18n.T(msgMailSecurity, nil), sel),
		widget.NewFormItem(i18n.T(msgMailUser, nil), ac.text(e.Utilisateur, func(c *config.Config, v string) { c.Email.Utilisateur = v })),
		widget.NewFormItem(i18n.T(msgDistPassword, nil), smtpPw),
		widget.NewFormItem(i18n.T(msgMailFrom, nil), ac.text(e.Expediteur, func(c *config.Config, v string) { c.Email.Expediteur = v })),
		widget.NewFormItem("", ac.check(msgMailFailOnly, e.EchecsSeulement, func(c *config.Config, v bool) { c.Email.EchecsSeulement = v })),
		widget.NewFormItem(i18n.T(msgMailDigest, nil), digest),
	), container.NewHBox(test))
}

// testMail is « Envoyer un e-mail de test »: it saves first, so that the
// test uses exactly what the service will use.
func (ac *autoConfig) testMail() {
	if err := ac.save(); err != nil {
		showError(ac.win, err)
		return
	}
	c := ac.cfg
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		eng := service.New(ac.path)
		eng.Secrets = ac.secrets
		to, err := eng.TestEmail(ctx, c)
		fyne.Do(func() {
			if err != nil {
				showError(ac.win, err)
				return
			}
			ac.status.SetText(i18n.T(msgMailTestDone, map[string]any{"To": strings.Join(to, ", ")}))
		})
	}()
}

func autoEmployees() []employes.Employee {
	st, err := employes.OpenDefault()
	if err != nil {
		return nil
	}
	list, _ := st.List()
	return list
}

func (ac *autoConfig) recipientsForm() fyne.CanvasObject {
	var names []string
	for _, e := range autoEmployees() {
		if e.Alert && e.Email != "" {
			names = append(names, e.Name+" <"+e.Email+">")
		}
	}
	if len(names) == 0 {
		names = []string{i18n.T(msgRcptNone, nil)}
	}
	extra := widget.NewMultiLineEntry()
	extra.SetText(strings.Join(ac.cfg.Destinataire.Adresses, "\n"))
	extra.SetMinRowsVisible(4)
	ac.fields = append(ac.fields, func(c *config.Config) error {
		c.Destinataire.Adresses = strings.Fields(strings.NewReplacer(",", " ", ";", " ").Replace(extra.Text))
		return nil
	})
	return container.NewVBox(
		ac.check(msgRcptUse, ac.cfg.Destinataire.Employes, func(c *config.Config, v bool) { c.Destinataire.Employes = v }),
		widget.NewLabel(i18n.T(msgRcptEmployees, nil)),
		widget.NewLabel(strings.Join(names, "\n")),
		widget.NewLabel(i18n.T(msgRcptExtra, nil)),
		extra,
	)
}
