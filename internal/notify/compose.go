package notify

import (
	"fmt"
	"html/template"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/i18n"
)

// Kind is what an alert is about.
type Kind string

// The alerts.
const (
	BackupOK      Kind = "sauvegarde_reussie"
	BackupFailed  Kind = "sauvegarde_echouee"
	NotReceived   Kind = "sauvegarde_non_recue"
	RemoteOK      Kind = "copie_distante_validee"
	RemoteDamaged Kind = "copie_distante_endommagee"
	Test          Kind = "test"
)

// Dossier is one dossier in an alert.
type Dossier struct {
	Numero, Nom, RaisonSociale string
	Fichier                    string
	Taille                     int64
	Duree                      time.Duration
	Verifiee                   bool
	DerniereEcriture           string // AAAA-MM-JJ, from the backup's manifest
	Sessions                   []string
	Erreur                     string
	// Distant is the offsite verdict of this dossier's copy.
	Distant string
	// DerniereRecue is the newest offsite backup (for « non reçue »).
	DerniereRecue time.Time
}

// Report is the content of one alert.
type Report struct {
	Kind        Kind
	Poste       string
	Debut       time.Time
	Duree       time.Duration
	Destination string // local folder of the backups
	Distant     string // offsite destination, no password
	Dossiers    []Dossier
	// AgeMax is the age beyond which a backup is « non reçue ».
	AgeMax time.Duration
}

var (
	subjects = map[Kind]*i18n.Message{
		BackupOK:      {ID: "MailSujetReussie", One: "[Coffre] Sauvegarde réussie — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Sauvegarde réussie — {{.Count}} dossiers ({{.Poste}})"},
		BackupFailed:  {ID: "MailSujetEchouee", One: "[Coffre] Sauvegarde échouée — {{.Count}} dossier en échec ({{.Poste}})", Other: "[Coffre] Sauvegarde échouée — {{.Count}} dossiers en échec ({{.Poste}})"},
		NotReceived:   {ID: "MailSujetNonRecue", One: "[Coffre] Sauvegarde non reçue — {{.Count}} dossier", Other: "[Coffre] Sauvegarde non reçue — {{.Count}} dossiers"},
		RemoteOK:      {ID: "MailSujetDistanteValidee", One: "[Coffre] Copie distante validée — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Copie distante validée — {{.Count}} dossiers ({{.Poste}})"},
		RemoteDamaged: {ID: "MailSujetDistanteEndommagee", One: "[Coffre] Copie distante endommagée — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Copie distante endommagée — {{.Count}} dossiers ({{.Poste}})"},
		Test:          {ID: "MailSujetTest", Other: "[Coffre] E-mail de test"},
	}
	intros = map[Kind]*i18n.Message{
		BackupOK:      {ID: "MailIntroReussie", Other: "La sauvegarde automatique du {{.Date}} sur le poste {{.Poste}} s'est bien passée : chaque sauvegarde a été relue et vérifiée."},
		BackupFailed:  {ID: "MailIntroEchouee", Other: "La sauvegarde automatique du {{.Date}} sur le poste {{.Poste}} a ÉCHOUÉ pour au moins un dossier. Les sauvegardes précédentes sont conservées."},
		NotReceived:   {ID: "MailIntroNonRecue", Other: "Aucune sauvegarde récente n'est arrivée sur {{.Distant}} : la plus récente a plus de {{.Age}}."},
		RemoteOK:      {ID: "MailIntroDistanteValidee", Other: "La copie distante vers {{.Distant}} a été relue depuis le serveur et validée (taille et empreinte SHA-256 identiques)."},
		RemoteDamaged: {ID: "MailIntroDistanteEndommagee", Other: "La copie distante vers {{.Distant}} est ENDOMMAGÉE ou n'a pas pu être faite, même après un second envoi. La sauvegarde locale, elle, est intacte."},
		Test:          {ID: "MailIntroTest", Other: "Ceci est un e-mail de test envoyé par Coffre depuis le poste {{.Poste}} le {{.Date}}. Si vous le lisez, les alertes de sauvegarde vous parviendront."},
	}
	advice = map[Kind]*i18n.Message{
		BackupFailed:  {ID: "MailConseilEchouee", Other: "Que faire : lisez l'erreur de chaque dossier ci-dessus. Vérifiez que le disque de destination est branché et a de la place, puis lancez « Sauvegarder maintenant » depuis l'icône de Coffre (ou « coffre service --une-fois --maintenant »). Si l'erreur dit que la base est endommagée, ne travaillez plus dans ce dossier et appelez votre prestataire informatique."},
		NotReceived:   {ID: "MailConseilNonRecue", Other: "Que faire : vérifiez que l'ordinateur principal est allumé, que le service Coffre tourne (icône près de l'horloge) et qu'il a accès à Internet ; lisez son « Historique ». Appelez votre prestataire informatique si cela dure."},
		RemoteDamaged: {ID: "MailConseilDistanteEndommagee", Other: "Que faire : la copie endommagée a été supprimée du serveur. Vérifiez la connexion Internet et la place disponible sur le serveur, puis lancez « Sauvegarder maintenant ». Si cela se répète, faites vérifier le serveur par votre prestataire."},
	}
	msgFile       = &i18n.Message{ID: "MailFichier", Other: "Fichier"}
	msgSize       = &i18n.Message{ID: "MailTaille", Other: "Taille"}
	msgDuration   = &i18n.Message{ID: "MailDuree", Other: "Durée"}
	msgVerif      = &i18n.Message{ID: "MailVerification", Other: "Vérification"}
	msgVerifOK    = &i18n.Message{ID: "MailVerifReussie", Other: "réussie (relue et contrôlée)"}
	msgVerifNo    = &i18n.Message{ID: "MailVerifNon", Other: "non faite"}
	msgLastEntry  = &i18n.Message{ID: "MailDerniereEcriture", Other: "Dernière écriture"}
	msgSessions   = &i18n.Message{ID: "MailSessions", Other: "Ouvert pendant la sauvegarde"}
	msgSessNote   = &i18n.Message{ID: "MailSessionsNote", Other: "(la sauvegarde est cohérente, mais ne contient pas ce qui n'était pas encore enregistré)"}
	msgError      = &i18n.Message{ID: "MailErreur", Other: "ERREUR"}
	msgRemote     = &i18n.Message{ID: "MailDistant", Other: "Copie distante"}
	msgReceived   = &i18n.Message{ID: "MailDerniereRecue", Other: "Dernière sauvegarde reçue"}
	msgNone       = &i18n.Message{ID: "MailAucune", Other: "aucune"}
	msgDest       = &i18n.Message{ID: "MailDestination", Other: "Dossier des sauvegardes"}
	msgTotal      = &i18n.Message{ID: "MailDureeTotale", Other: "Durée totale"}
	msgSignature  = &i18n.Message{ID: "MailSignature", Other: "— Coffre, le coffre-fort de vos dossiers comptables. Vous recevez ce message parce que « Alerte e-mail » est coché pour vous dans la configuration de Coffre."}
	msgDossierHdr = &i18n.Message{ID: "MailDossier", Other: "Dossier"}
)

// Mail is a composed alert, ready to send or to queue.
type Mail struct {
	Kind    Kind      `json:"type"`
	To      []string  `json:"a"`
	Subject string    `json:"sujet"`
	Text    string    `json:"texte"`
	HTML    string    `json:"html"`
	Created time.Time `json:"cree"`
	// Attempts and LastError are kept by the queue.
	Attempts  int    `json:"essais,omitempty"`
	LastError string `json:"derniere_erreur,omitempty"`
}

type field struct{ Label, Value string }

type section struct {
	Title  string
	Fields []field
	Error  string
}

// Compose writes the alert for r to the recipients to.
func Compose(r Report, to []string) Mail {
	count := int64(len(r.Dossiers))
	if r.Kind == BackupFailed {
		count = 0
		for _, d := range r.Dossiers {
			if d.Erreur != "" {
				count++
			}
		}
	}
	data := map[string]any{"Poste": r.Poste, "Date": i18n.DateTime(r.Debut), "Distant": r.Distant, "Age": i18n.Duration(r.AgeMax)}
	subject := i18n.N(subjects[r.Kind], count, data)
	intro := i18n.T(intros[r.Kind], data)
	var secs []section
	for _, d := range r.Dossiers {
		s := section{Title: strings.TrimSpace(fmt.Sprintf("%s %s %s", d.Numero, d.Nom, dash(d.RaisonSociale)))}
		if d.Erreur != "" {
			s.Error = d.Erreur
		}
		if d.Fichier != "" {
			s.Fields = append(s.Fields, field{i18n.T(msgFile, nil), filepath.Base(d.Fichier)})
		}
		if d.Taille > 0 {
			s.Fields = append(s.Fields, field{i18n.T(msgSize, nil), i18n.Bytes(d.Taille)})
		}
		if d.Duree > 0 {
			s.Fields = append(s.Fields, field{i18n.T(msgDuration, nil), i18n.Duration(d.Duree)})
		}
		if r.Kind == BackupOK || r.Kind == BackupFailed {
			v := i18n.T(msgVerifNo, nil)
			if d.Verifiee {
				v = i18n.T(msgVerifOK, nil)
			}
			if d.Erreur == "" {
				s.Fields = append(s.Fields, field{i18n.T(msgVerif, nil), v})
			}
		}
		if d.DerniereEcriture != "" {
			s.Fields = append(s.Fields, field{i18n.T(msgLastEntry, nil), frenchDate(d.DerniereEcriture)})
		}
		if len(d.Sessions) > 0 {
			s.Fields = append(s.Fields, field{i18n.T(msgSessions, nil), strings.Join(d.Sessions, " ; ") + " " + i18n.T(msgSessNote, nil)})
		}
		if d.Distant != "" {
			s.Fields = append(s.Fields, field{i18n.T(msgRemote, nil), d.Distant})
		}
		if r.Kind == NotReceived {
			v := i18n.T(msgNone, nil)
			if !d.DerniereRecue.IsZero() {
				v = i18n.DateTime(d.DerniereRecue)
			}
			s.Fields = append(s.Fields, field{i18n.T(msgReceived, nil), v})
		}
		secs = append(secs, s)
	}
	var footer []field
	if r.Destination != "" {
		footer = append(footer, field{i18n.T(msgDest, nil), r.Destination})
	}
	if r.Distant != "" && r.Kind != NotReceived {
		footer = append(footer, field{i18n.T(msgRemote, nil), r.Distant})
	}
	if r.Duree > 0 {
		footer = append(footer, field{i18n.T(msgTotal, nil), i18n.Duration(r.Duree)})
	}
	adv := ""
	if m, ok := advice[r.Kind]; ok {
		adv = i18n.T(m, nil)
	}
	sig := i18n.T(msgSignature, nil)
	return Mail{
		Kind: r.Kind, To: to, Subject: subject, Created: time.Now(),
		Text: plainText(intro, secs, footer, adv, sig),
		HTML: htmlBody(subject, intro, secs, footer, adv, sig),
	}
}

func dash(s string) string {
	if s == "" {
		return ""
	}
	return "— " + s
}

// frenchDate turns 2025-12-31 into 31/12/2025 (other forms are kept).
func frenchDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || i18n.Language() == "en" {
		return s
	}
	return t.Format("02/01/2006")
}

func plainText(intro string, secs []section, footer []field, adv, sig string) string {
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	for _, s := range secs {
		b.WriteString(i18n.T(msgDossierHdr, nil) + " " + s.Title + "\n")
		if s.Error != "" {
			fmt.Fprintf(&b, "  %s : %s\n", i18n.T(msgError, nil), s.Error)
		}
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "  %s : %s\n", f.Label, f.Value)
		}
		b.WriteString("\n")
	}
	for _, f := range footer {
		fmt.Fprintf(&b, "%s : %s\n", f.Label, f.Value)
	}
	if adv != "" {
		b.WriteString("\n" + adv + "\n")
	}
	b.WriteString("\n" + sig + "\n")
	return b.String()
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">
<p>{{.Intro}}</p>
{{range .Sections}}<h3 style="margin:16px 0 4px">{{$.DossierLabel}} {{.Title}}</h3>
{{if .Error}}<p style="color:#b00020"><strong>{{$.ErrorLabel}} :</strong> {{.Error}}</p>{{end}}
<table style="border-collapse:collapse">{{range .Fields}}<tr><td style="padding:2px 12px 2px 0;color:#555">{{.Label}}</td><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}{{if .Footer}}<hr><table style="border-collapse:collapse">{{range .Footer}}<tr><td style="padding:2px 12px 2px 0;color:#555">{{.Label}}</td><td>{{.Value}}</td></tr>{{end}}</table>{{end}}
{{if .Advice}}<p style="background:#fff3cd;padding:8px">{{.Advice}}</p>{{end}}
<p style="color:#777;font-size:12px">{{.Signature}}</p>
</body></html>
`))

func htmlBody(subject, intro string, secs []section, footer []field, adv, sig string) string {
	var b strings.Builder
	page.Execute(&b, map[string]any{
		"Subject": subject, "Intro": intro, "Sections": secs, "Footer": footer, "Advice": adv, "Signature": sig,
		"DossierLabel": i18n.T(msgDossierHdr, nil), "ErrorLabel": i18n.T(msgError, nil),
	})
	return b.String()
}
