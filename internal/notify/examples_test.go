package notify

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/i18n"
)

//go:generate go test -run TestExampleMails -args -exemples

var rewrite = flag.Bool("exemples", false, "rewrite the example mails in docs/courriels")

// examplesDir is where the example of each mail is kept.
var examplesDir = filepath.Join("..", "..", "docs", "courriels")

// exampleReport is a realistic report of kind k: what a firm's office
// computer would send.
func exampleReport(k Kind) Report {
	at := time.Date(2026, 11, 23, 21, 30, 0, 0, time.Local)
	soc := Dossier{Numero: "001", Nom: "SOC", RaisonSociale: "Société Exemple SARL", Fichier: "001-SOC_20261123_2130.pbf",
		Taille: 48 << 20, Duree: 9 * time.Second, Verifiee: true, DerniereEcriture: "2026-11-23",
		Sessions: []string{"POSTE-2 (marie, Gestion 2026, depuis 2026-11-23T08:12:00)"}}
	bou := Dossier{Numero: "002", Nom: "BOULANG", RaisonSociale: "Boulangerie Martin", Fichier: "002-BOULANG_20261123_2130.pbf",
		Taille: 12 << 20, Duree: 3 * time.Second, Verifiee: true, DerniereEcriture: "2026-11-22"}
	r := Report{Kind: k, Poste: "ACCUEIL", Debut: at, Duree: 41 * time.Second, DureeLocale: 14 * time.Second, DureeDistante: 27 * time.Second,
		Destination: `D:\Sauvegardes`, Distant: "sftp://cabinet@sauvegarde.exemple.fr:22/coffre"}
	remote := func(d Dossier, verdict string, failed bool) Dossier {
		c := Dossier{Numero: d.Numero, Nom: d.Nom, RaisonSociale: d.RaisonSociale, Fichier: d.Fichier, Taille: d.Taille, Distant: verdict, DureeDistante: 19 * time.Second}
		if failed {
			c.Erreur, c.Distant, c.DureeDistante = verdict, "", 2*time.Second
		}
		return c
	}
	failure := func(detail string) {
		r.Duree, r.DureeLocale = 0, 0
		r.Destination = ""
		r.Dossiers = []Dossier{remote(soc, detail, true), remote(bou, detail, true)}
	}
	switch k {
	case BackupOK:
		r.Dossiers = []Dossier{soc, bou}
		soc.Controle = "réussi (intégrité de la base vérifiée en entier, chaque semaine)"
		r.Dossiers[0] = soc
	case BackupFailed:
		bad := Dossier{Numero: bou.Numero, Nom: bou.Nom, RaisonSociale: bou.RaisonSociale,
			Erreur: "Le dossier 002BOULANG est déjà en cours de traitement par une autre opération Coffre. Attendez qu'elle se termine."}
		missing := Dossier{Numero: "004", Erreur: "Le dossier 004 choisi pour la sauvegarde automatique n'existe pas dans la connexion « D:\\Compta\\Dossiers » : il n'a pas été sauvegardé. Retirez-le de la liste des dossiers ou vérifiez la connexion."}
		r.Dossiers = []Dossier{soc, bad, missing}
	case BackupSuspicious:
		empty := bou
		empty.Taille, empty.DerniereEcriture = 640, ""
		empty.Changements = []string{"le fichier du dossier est vide : aucune table (la sauvegarde précédente en avait 11)"}
		r.Dossiers = []Dossier{soc, empty}
		r.Remarques = []string{"Attention : l'horloge de ce poste indique 23/11/2026 21:30, plus tôt que la sauvegarde la plus récente (24/11/2026 21:30). Vérifiez la date et l'heure de l'ordinateur (pile de la carte mère, serveur de temps) : la sauvegarde de ce passage est bien gardée comme la plus récente."}
	case BackupStuck:
		r.Duree, r.DureeLocale, r.DureeDistante, r.Destination, r.Distant = 0, 0, 0, "", ""
		r.Debut = at.Add(-3 * time.Hour)
		r.Dossiers = []Dossier{{Numero: "—", Erreur: "La sauvegarde automatique commencée le 23/11/2026 18:30 (processus 4312) n'est toujours pas terminée : les sauvegardes suivantes ne peuvent pas se faire."}}
	case RemoteOK:
		late := remote(bou, "copie distante reçue et validée (envoi interrompu repris à 8,4 Mo sur 12,6 Mo)", false)
		late.Fichier, late.EnRetard = "002-BOULANG_20261122_2130.pbf", true
		r.Dossiers = []Dossier{remote(soc, "copie distante reçue et validée", false), remote(bou, "copie distante reçue et validée", false), late}
		r.Duree, r.DureeLocale, r.Destination = 0, 0, ""
	case RemoteDamaged:
		r.Duree, r.DureeLocale, r.Destination = 0, 0, ""
		r.Dossiers = []Dossier{
			remote(soc, "ce qui est arrivé sur le serveur ne correspond pas au fichier envoyé (taille 50331648 au lieu de 50331648, empreinte différente : oui)", true),
			{Numero: "002", Nom: "BOULANG", Fichier: "002-BOULANG_20261116_2130.pbf",
				Erreur: "copie distante plus ancienne « 002-BOULANG_20261116_2130.pbf » endommagée : la copie « 002-BOULANG_20261116_2130.pbf » ne correspond plus à ce qui avait été envoyé et validé (taille 12582912 au lieu de 12582912, empreinte différente) : elle a été retirée du serveur"},
		}
	case RemoteRefused:
		failure("Le serveur sftp://cabinet@sauvegarde.exemple.fr:22/coffre refuse la connexion (service arrêté ou mauvais port) : vérifiez qu'il est allumé et que le port est le bon.")
	case RemoteNoHost:
		failure("Le serveur de sftp://cabinet@sauvegarde.exemple.fr:22/coffre est introuvable (nom inconnu du réseau) : vérifiez son nom et la connexion Internet.")
	case RemoteNoAnswer:
		failure("Le serveur sftp://cabinet@sauvegarde.exemple.fr:22/coffre ne répond pas : vérifiez la connexion réseau, le pare-feu et qu'il est allumé.")
	case RemoteUnknownKey:
		failure("Le serveur sauvegarde.exemple.fr:22 n'est pas encore reconnu (empreinte de sa clé : SHA256:q3N1kZ8fXy2c6m0vJ4bT9wQe7rUo5pLs1aHdGfKjZxM). Vérifiez cette empreinte auprès de son administrateur puis cliquez « Faire confiance à ce serveur » (ou « coffre service faire-confiance »).")
	case RemoteKeyChanged:
		failure("ATTENTION : la clé du serveur sauvegarde.exemple.fr:22 a changé (empreinte reçue : SHA256:Vb7tR2mQ9zX4cK1nP8sL3dF6gH0jW5yE2uA7iO4pT1s). Cela peut être une attaque : aucune copie n'a été envoyée.")
	case RemoteAuth:
		failure("sftp://cabinet@sauvegarde.exemple.fr:22/coffre refuse l'identification : vérifiez l'utilisateur, la clé, le mot de passe ou la clé d'accès.")
	case RemoteNoSpace:
		failure("Espace insuffisant sur sftp://cabinet@sauvegarde.exemple.fr:22/coffre : libérez de la place, agrandissez le quota ou conservez moins de copies.")
		r.Remarques = []string{"espace insuffisant sur la destination distante : la copie la plus ancienne « 001-SOC_20261116_2130.pbf » a été supprimée pour faire de la place, puis l'envoi recommencé"}
	case RemoteDenied:
		failure("Accès refusé sur sftp://cabinet@sauvegarde.exemple.fr:22/coffre (création du fichier) : l'utilisateur n'a pas le droit d'écrire ou de lire à cet endroit.")
	case RemoteStalled:
		failure("sftp://cabinet@sauvegarde.exemple.fr:22/coffre ne répond plus (aucun progrès depuis 60 s, envoi) : la copie est abandonnée et rien n'a été laissé sous son nom définitif.")
	case RemoteTLS:
		r.Distant = "s3://cabinet-sauvegardes/coffre (https://s3.hebergeur.example)"
		failure("Le certificat de s3://cabinet-sauvegardes/coffre (https://s3.hebergeur.example) n'est pas reconnu : vérifiez l'adresse du serveur (ou installez son certificat sur cet ordinateur).")
	case RemoteNotFound:
		r.Distant = `\\NAS\Sauvegardes\Coffre`
		failure(`Le dossier réseau « \\NAS\Sauvegardes\Coffre » est inaccessible : vérifiez qu'il est branché et partagé.`)
	case RemoteFailed:
		failure("La copie vers sftp://cabinet@sauvegarde.exemple.fr:22/coffre a échoué (renommage) : Erreur inattendue : sftp: « Failure » (SSH_FX_FAILURE)")
	case NotReceived:
		r.Duree, r.DureeLocale, r.DureeDistante, r.Destination = 0, 0, 0, ""
		r.Debut, r.Poste, r.AgeMax = at.Add(11*time.Hour), "PRESTATAIRE", 36*time.Hour
		r.Dossiers = []Dossier{{Numero: "001-SOC", DerniereRecue: at.AddDate(0, 0, -3)}, {Numero: "004"}}
	case WatchFailed:
		r.Duree, r.DureeLocale, r.DureeDistante, r.Destination = 0, 0, 0, ""
		r.Debut, r.Poste = at.Add(11*time.Hour), "PRESTATAIRE"
		r.Dossiers = []Dossier{{Numero: "—", Erreur: "Surveillance impossible : Le serveur sftp://cabinet@sauvegarde.exemple.fr:22/coffre ne répond pas : vérifiez la connexion réseau, le pare-feu et qu'il est allumé."}}
	case Digest:
		r.Duree, r.DureeLocale, r.DureeDistante = 0, 0, 0
		r.Debut, r.Runs = at.AddDate(0, 0, -7), 9
		r.Dossiers = []Dossier{
			{Numero: "001", Nom: "SOC", Week: &Week{OK: 7, LastOK: at, LastRemote: at}},
			{Numero: "002", Nom: "BOULANG", Week: &Week{OK: 6, Failed: 1, LastOK: at, LastRemote: at.AddDate(0, 0, -1)}},
			{Numero: "004", Week: &Week{Failed: 2}},
		}
	case Test:
		r = Report{Kind: Test, Poste: "ACCUEIL", Debut: at}
	}
	return r
}

// TestExampleMails keeps one example of each mail in docs/courriels,
// written by the real composer: the test fails when a mail changed and its
// example was not regenerated (`go generate ./internal/notify`).
func TestExampleMails(t *testing.T) {
	i18n.SetLanguage("fr")
	to := []string{"gerante@societe-exemple.fr", "support@prestataire.example"}
	var index strings.Builder
	index.WriteString("# Exemples d'e-mails de Coffre\n\n" +
		"Un exemple de chaque alerte, écrit par le composeur des e-mails (`internal/notify`) à partir de\n" +
		"données d'exemple ; regénérés par `go generate ./internal/notify` (le test `TestExampleMails`\n" +
		"échoue s'ils ne correspondent plus au code). Chaque e-mail a une partie texte (`.txt`, ci-dessous)\n" +
		"et une partie HTML (`.html`).\n\n| e-mail | objet |\n|---|---|\n")
	for _, k := range Kinds {
		m := Compose(exampleReport(k), to)
		if strings.Contains(m.Subject, "{{") || strings.Contains(m.Text, "{{") {
			t.Errorf("%s: a placeholder is left: %q", k, m.Subject)
		}
		files := map[string]string{
			string(k) + ".txt":  fmt.Sprintf("À : %s\nObjet : %s\n\n%s", strings.Join(m.To, ", "), m.Subject, m.Text),
			string(k) + ".html": m.HTML,
		}
		fmt.Fprintf(&index, "| [%s](%s.txt) | %s |\n", k, k, m.Subject)
		for name, want := range files {
			check(t, name, want)
		}
	}
	check(t, "README.md", index.String())
}

func check(t *testing.T, name, want string) {
	t.Helper()
	p := filepath.Join(examplesDir, name)
	if *rewrite {
		if err := os.MkdirAll(examplesDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != want {
		t.Errorf("docs/courriels/%s is not what the composer writes: run `go generate ./internal/notify`", name)
	}
}
