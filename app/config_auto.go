package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/config"
	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/remote"
	"coffre/internal/service"
)

var (
	msgAutoTab        = &i18n.Message{ID: "UIAutoOnglet", Other: "Sauvegarde automatique"}
	msgAutoActive     = &i18n.Message{ID: "UIAutoActive", Other: "Sauvegarder automatiquement"}
	msgAutoHeure      = &i18n.Message{ID: "UIAutoHeure", Other: "Heure (21:30, vide = aucune)"}
	msgAutoJours      = &i18n.Message{ID: "UIAutoJours", Other: "Jours (aucun coché = tous)"}
	msgAutoDossiers   = &i18n.Message{ID: "UIAutoDossiers", Other: "Dossiers (001,002 — vide = tous)"}
	msgAutoConnexion  = &i18n.Message{ID: "UIAutoConnexion", Other: "Connexion (vide = dossiers de Coffre)"}
	msgAutoDest       = &i18n.Message{ID: "UIAutoDestination", Other: "Dossier des sauvegardes"}
	msgAutoConserver  = &i18n.Message{ID: "UIAutoConserver", Other: "Sauvegardes conservées par dossier"}
	msgAutoJoursN     = &i18n.Message{ID: "UIAutoTousLesNJours", Other: "Aussi tous les N jours (0 = non)"}
	msgAutoEcritures  = &i18n.Message{ID: "UIAutoApresNEcritures", Other: "Aussi après N nouvelles écritures (0 = non)"}
	msgDistTab        = &i18n.Message{ID: "UIDistantOnglet", Other: "Copie distante"}
	msgDistType       = &i18n.Message{ID: "UIDistantType", Other: "Destination"}
	msgDistNone       = &i18n.Message{ID: "UIDistantAucune", Other: "Aucune"}
	msgDistSFTP       = &i18n.Message{ID: "UIDistantSFTP", Other: "Serveur SFTP"}
	msgDistFolder     = &i18n.Message{ID: "UIDistantDossier", Other: "Dossier réseau"}
	msgDistHost       = &i18n.Message{ID: "UIDistantHote", Other: "Serveur"}
	msgDistPort       = &i18n.Message{ID: "UIDistantPort", Other: "Port"}
	msgDistUser       = &i18n.Message{ID: "UIDistantUtilisateur", Other: "Utilisateur"}
	msgDistAuth       = &i18n.Message{ID: "UIDistantAuth", Other: "Authentification"}
	msgDistKey        = &i18n.Message{ID: "UIDistantCle", Other: "Clé"}
	msgDistPassword   = &i18n.Message{ID: "UIDistantMotDePasse", Other: "Mot de passe"}
	msgDistKeyFile    = &i18n.Message{ID: "UIDistantFichierCle", Other: "Fichier de clé privée"}
	msgDistPath       = &i18n.Message{ID: "UIDistantChemin", Other: "Dossier sur le serveur"}
	msgDistFolderPath = &i18n.Message{ID: "UIDistantCheminReseau", Other: "Dossier réseau"}
	msgDistKeep       = &i18n.Message{ID: "UIDistantConserver", Other: "Copies conservées par dossier"}
	msgTrust          = &i18n.Message{ID: "UIFaireConfiance", Other: "Faire confiance à ce serveur"}
	msgTrustTitle     = &i18n.Message{ID: "UIFaireConfianceTitre", Other: "Faire confiance à {{.Host}} ?"}
	msgTrustText      = &i18n.Message{ID: "UIFaireConfianceTexte", Other: "Empreinte de la clé du serveur :\n{{.Fingerprint}}\n\nComparez-la avec celle donnée par l'administrateur du serveur. Ne faites confiance que si elles sont identiques."}
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
	msgRcptEmployees  = &i18n.Message{ID: "UIDestinatairesEmployes", Other: "Les employés qui ont coché « Alerte e-mail » (onglet Employés) :"}
	msgRcptNone       = &i18n.Message{ID: "UIDestinatairesAucun", Other: "aucun pour l'instant"}
	msgRcptExtra      = &i18n.Message{ID: "UIDestinatairesAutres", Other: "Autres adresses (une par ligne), par exemple votre prestataire :"}
	msgRcptUse        = &i18n.Message{ID: "UIDestinatairesUtiliser", Other: "Prévenir ces employés"}
	msgWatchAge       = &i18n.Message{ID: "UISurveillanceAge", Other: "« Sauvegarde non reçue » au-delà de (heures)"}
	msgAutoSave       = &i18n.Message{ID: "UIAutoEnregistrer", Other: "Enregistrer"}
	msgAutoSaved      = &i18n.Message{ID: "UIAutoEnregistre", Other: "Configuration enregistrée."}
	msgAutoNumber     = &i18n.Message{ID: "UIAutoNombre", Other: "« {{.Field}} » doit être un nombre entier."}
	msgAutoSecrets    = &i18n.Message{ID: "UIAutoSecrets", Other: "Les mots de passe sont gardés {{.Where}}, jamais dans coffre.toml."}
)

// autoConfig is the state shared by the automatic-backup tabs: the file
// being edited and the form fields that fill it.
type autoConfig struct {
	win     fyne.Window
	path    string
	cfg     config.Config
	secrets config.Secrets
	fields  []func(*config.Config) error // copy the widgets into a config
	smtpPw  *widget.Entry
	sftpPw  *widget.Entry
	status  *widget.Label
}

// AutoConfigTabs returns the Configuration window's tabs for the automatic
// backup, the offsite copy, the e-mail and the recipients, editing the
// coffre.toml at configPath ("" = the default one). Each tab has
// « Enregistrer », which validates and writes the whole file atomically and
// puts typed passwords in the keyring (or the encrypted file), never in the
// file.
func AutoConfigTabs(win fyne.Window, configPath string) []*container.TabItem {
	if configPath == "" {
		configPath = config.DefaultPath()
	}
	cfg, err := config.Load(configPath)
	ac := &autoConfig{win: win, path: configPath, cfg: cfg, secrets: config.OpenSecrets(), status: widget.NewLabel("")}
	ac.status.Wrapping = fyne.TextWrapWord
	if err != nil {
		ac.status.SetText(i18n.Describe(err))
	}
	return []*container.TabItem{
		container.NewTabItemWithIcon(i18n.T(msgAutoTab, nil), theme.HistoryIcon(), ac.page(ac.autoForm())),
		container.NewTabItemWithIcon(i18n.T(msgDistTab, nil), theme.UploadIcon(), ac.page(ac.remoteForm())),
		container.NewTabItemWithIcon(i18n.T(msgMailTab, nil), theme.MailSendIcon(), ac.page(ac.mailForm())),
		container.NewTabItemWithIcon(i18n.T(msgRcptTab, nil), theme.AccountIcon(), ac.page(ac.recipientsForm())),
	}
}

func (ac *autoConfig) page(content fyne.CanvasObject) fyne.CanvasObject {
	save := widget.NewButtonWithIcon(i18n.T(msgAutoSave, nil), theme.DocumentSaveIcon(), func() {
		if err := ac.save(); err != nil {
			dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
			return
		}
		ac.status.SetText(i18n.T(msgAutoSaved, nil))
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
func (ac *autoConfig) save() error {
	c, err := ac.collect()
	if err != nil {
		return err
	}
	if err := config.Save(ac.path, c); err != nil {
		return err
	}
	ac.cfg = c
	for _, p := range []struct {
		e    *widget.Entry
		name string
	}{{ac.smtpPw, config.SecretSMTP}, {ac.sftpPw, config.SecretSFTP}} {
		if p.e != nil && p.e.Text != "" {
			if err := ac.secrets.Set(p.name, p.e.Text); err != nil {
				return err
			}
			p.e.SetText("")
			p.e.SetPlaceHolder(i18n.T(msgPwSaved, nil))
		}
	}
	return nil
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
	return widget.NewForm(
		widget.NewFormItem("", ac.check(msgAutoActive, a.Active, func(c *config.Config, v bool) { c.Auto.Active = v })),
		widget.NewFormItem(i18n.T(msgAutoHeure, nil), ac.text(a.Heure, func(c *config.Config, v string) { c.Auto.Heure = v })),
		widget.NewFormItem(i18n.T(msgAutoJours, nil), jours),
		widget.NewFormItem(i18n.T(msgAutoJoursN, nil), ac.number(msgAutoJoursN, a.TousLesNJours, func(c *config.Config, v int) { c.Auto.TousLesNJours = v })),
		widget.NewFormItem(i18n.T(msgAutoEcritures, nil), ac.number(msgAutoEcritures, a.ApresNEcritures, func(c *config.Config, v int) { c.Auto.ApresNEcritures = v })),
		widget.NewFormItem(i18n.T(msgAutoDossiers, nil), ac.text(strings.Join(a.Dossiers, ","), func(c *config.Config, v string) {
			c.Auto.Dossiers = nil
			for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				c.Auto.Dossiers = append(c.Auto.Dossiers, f)
			}
		})),
		widget.NewFormItem(i18n.T(msgAutoConnexion, nil), ac.text(a.Connexion, func(c *config.Config, v string) { c.Auto.Connexion = v })),
		widget.NewFormItem(i18n.T(msgAutoDest, nil), ac.text(a.Destination, func(c *config.Config, v string) { c.Auto.Destination = v })),
		widget.NewFormItem(i18n.T(msgAutoConserver, nil), ac.number(msgAutoConserver, a.Conserver, func(c *config.Config, v int) { c.Auto.Conserver = v })),
	)
}

func (ac *autoConfig) remoteForm() fyne.CanvasObject {
	d := ac.cfg.Distant
	kinds := []string{i18n.T(msgDistNone, nil), i18n.T(msgDistSFTP, nil), i18n.T(msgDistFolder, nil)}
	values := []string{config.DistantAucun, config.DistantSFTP, config.DistantDossier}
	kind := widget.NewSelect(kinds, nil)
	for i, v := range values {
		if v == d.Type {
			kind.SetSelectedIndex(i)
		}
	}
	ac.fields = append(ac.fields, func(c *config.Config) error {
		if i := kind.SelectedIndex(); i >= 0 {
			c.Distant.Type = values[i]
		}
		return nil
	})
	auths := []string{i18n.T(msgDistKey, nil), i18n.T(msgDistPassword, nil)}
	auth := widget.NewRadioGroup(auths, nil)
	auth.Horizontal = true
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
	ac.sftpPw = ac.password(config.SecretSFTP)
	trust := widget.NewButtonWithIcon(i18n.T(msgTrust, nil), theme.ConfirmIcon(), ac.trust)
	return container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T(msgDistType, nil), kind),
		widget.NewFormItem(i18n.T(msgDistHost, nil), ac.text(d.Hote, func(c *config.Config, v string) { c.Distant.Hote = v })),
		widget.NewFormItem(i18n.T(msgDistPort, nil), ac.number(msgDistPort, d.Port, func(c *config.Config, v int) { c.Distant.Port = v })),
		widget.NewFormItem(i18n.T(msgDistUser, nil), ac.text(d.Utilisateur, func(c *config.Config, v string) { c.Distant.Utilisateur = v })),
		widget.NewFormItem(i18n.T(msgDistAuth, nil), auth),
		widget.NewFormItem(i18n.T(msgDistKeyFile, nil), ac.text(d.Cle, func(c *config.Config, v string) { c.Distant.Cle = v })),
		widget.NewFormItem(i18n.T(msgDistPassword, nil), ac.sftpPw),
		widget.NewFormItem(i18n.T(msgDistPath, nil), ac.text(d.Chemin, func(c *config.Config, v string) { c.Distant.Chemin = v })),
		widget.NewFormItem(i18n.T(msgDistFolderPath, nil), ac.text(d.Dossier, func(c *config.Config, v string) { c.Distant.Dossier = v })),
		widget.NewFormItem(i18n.T(msgDistKeep, nil), ac.number(msgDistKeep, d.Conserver, func(c *config.Config, v int) { c.Distant.Conserver = v })),
		widget.NewFormItem(i18n.T(msgWatchAge, nil), ac.number(msgWatchAge, ac.cfg.Surveiller.AgeMaxHeures, func(c *config.Config, v int) { c.Surveiller.AgeMaxHeures = v })),
	), container.NewHBox(trust), widget.NewLabel(i18n.T(msgAutoSecrets, map[string]any{"Where": ac.secrets.Where()})))
}

// trust is « Faire confiance à ce serveur »: fetch the server's key, show
// its fingerprint, and record it only when the user confirms that one.
func (ac *autoConfig) trust() {
	c, err := ac.collect()
	if err != nil {
		dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
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
				dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
			case known:
				ac.status.SetText(i18n.T(msgTrustKnown, map[string]any{"Fingerprint": fp}))
			default:
				dialog.ShowConfirm(i18n.T(msgTrustTitle, map[string]any{"Host": o.Host}), i18n.T(msgTrustText, map[string]any{"Fingerprint": fp}), func(ok bool) {
					if ok {
						ac.recordTrust(o, fp)
					}
				}, ac.win)
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
				dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
				return
			}
			ac.status.SetText(i18n.T(msgTrustDone, map[string]any{"Fingerprint": got}))
		})
	}()
}

func (ac *autoConfig) mailForm() fyne.CanvasObject {
	e := ac.cfg.Email
	secu := []string{config.SecuriteSTARTTLS, config.SecuriteTLS, config.SecuriteAucune}
	sel := widget.NewSelect(secu, nil)
	sel.SetSelected(e.Securite)
	ac.fields = append(ac.fields, func(c *config.Config) error { c.Email.Securite = sel.Selected; return nil })
	ac.smtpPw = ac.password(config.SecretSMTP)
	none := i18n.T(msgMailNoDigest, nil)
	digest := widget.NewSelect(append([]string{none}, config.WeekdayNames...), nil)
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
		widget.NewFormItem(i18n.T(msgDistPassword, nil), ac.smtpPw),
		widget.NewFormItem(i18n.T(msgMailFrom, nil), ac.text(e.Expediteur, func(c *config.Config, v string) { c.Email.Expediteur = v })),
		widget.NewFormItem("", ac.check(msgMailFailOnly, e.EchecsSeulement, func(c *config.Config, v bool) { c.Email.EchecsSeulement = v })),
		widget.NewFormItem(i18n.T(msgMailDigest, nil), digest),
	), container.NewHBox(test))
}

// testMail is « Envoyer un e-mail de test »: it saves first, so that the
// test uses exactly what the service will use.
func (ac *autoConfig) testMail() {
	if err := ac.save(); err != nil {
		dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
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
				dialog.ShowError(errors.New(i18n.Describe(err)), ac.win)
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
