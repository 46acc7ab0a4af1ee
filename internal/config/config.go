package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/BurntSushi/toml"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/paths"
)

// FileName is the configuration file in the configuration folder.
const FileName = "coffre.toml"

// DefaultPath is ConfigDir/coffre.toml.
func DefaultPath() string { return filepath.Join(paths.ConfigDir(), FileName) }

// Config is the whole of coffre.toml. Passwords are never fields here: see
// Secrets.
type Config struct {
	Auto         Auto         `toml:"sauvegarde_automatique"`
	Distant      Distant      `toml:"copie_distante"`
	Email        Email        `toml:"email"`
	Destinataire Destinataire `toml:"destinataires"`
	Surveiller   Surveiller   `toml:"surveillance"`
	Sessions     Sessions     `toml:"sessions"`
}

// Auto is the automatic backup: when, what, where, how many kept.
type Auto struct {
	Active    bool   `toml:"active"`
	Connexion string `toml:"connexion"` // "" = Coffre's dossiers folder
	// Heure is the time of day of the daily run, « 21:30 »; "" for none.
	Heure string `toml:"heure"`
	// Jours are the weekdays of the daily run (lundi … dimanche); empty
	// means every day.
	Jours []string `toml:"jours"`
	// Dossiers are the numbers backed up; empty means all of them.
	Dossiers    []string `toml:"dossiers"`
	Destination string   `toml:"destination"` // "" = Coffre's backups folder
	Conserver   int      `toml:"conserver"`
	// TousLesNJours backs a dossier up when its last backup is that many
	// days old (0: off).
	TousLesNJours int `toml:"tous_les_n_jours"`
	// ApresNEcritures backs a dossier up once that many entries were added
	// since its last backup (0: off).
	ApresNEcritures int `toml:"apres_n_ecritures"`
	// Chiffrement encrypts the automatic backups, hence their offsite
	// copies: "" (no), « phrase » (the passphrase in Secrets, SecretPhrase)
	// or « cle » (for the age public key CleAge: this machine never holds
	// the private key that opens them).
	Chiffrement string `toml:"chiffrement"`
	CleAge      string `toml:"cle_age"` // « age1… », with chiffrement = "cle"
}

// Encryption modes of the automatic backups.
const (
	ChiffrementAucun  = ""
	ChiffrementPhrase = "phrase"
	ChiffrementCle    = "cle"
)

// Offsite target kinds.
const (
	DistantAucun   = ""
	DistantSFTP    = "sftp"
	DistantDossier = "dossier" // a network folder (mounted share, UNC path)
	DistantS3      = "s3"      // S3-compatible object storage
	DistantWebDAV  = "webdav"  // a WebDAV folder (Nextcloud, NAS)
)

// S3 bucket addressing styles (copie_distante.style).
const (
	StyleAuto   = ""
	StyleChemin = "chemin" // endpoint/bucket/key
	StyleHote   = "hote"   // bucket.endpoint/key
)

// SFTP authentication methods.
const (
	AuthCle        = "cle"
	AuthMotDePasse = "mot_de_passe"
)

// Distant is the offsite copy.
type Distant struct {
	Type           string `toml:"type"`
	Hote           string `toml:"hote"`
	Port           int    `toml:"port"`
	Utilisateur    string `toml:"utilisateur"`
	Authentication string `toml:"authentification"` // cle | mot_de_passe
	Cle            string `toml:"cle"`              // private key file (OpenSSH format, no passphrase)
	KnownHosts     string `toml:"known_hosts"`      // "" = ConfigDir/known_hosts
	Chemin         string `toml:"chemin"`           // remote folder (SFTP)
	Dossier        string `toml:"dossier"`          // network folder
	Conserver      int    `toml:"conserver"`
	// Adresse is the S3 endpoint (https://s3.exemple.fr) or the WebDAV
	// folder's URL.
	Adresse      string `toml:"adresse"`
	Region       string `toml:"region"`
	Compartiment string `toml:"compartiment"` // S3 bucket
	Prefixe      string `toml:"prefixe"`      // folder inside the bucket
	CleAcces     string `toml:"cle_acces"`    // S3 access key id (its secret is in Secrets)
	Style        string `toml:"style"`        // "" (automatic), chemin, hote
	// BlocageSecondes is the stall timeout: an offsite operation that
	// moves no byte for that long is abandoned (0: 60 s). Not a limit on
	// the length of a copy.
	BlocageSecondes int `toml:"blocage_secondes"`
}

// SMTP security modes.
const (
	SecuriteSTARTTLS = "starttls"
	SecuriteTLS      = "tls"
	SecuriteAucune   = "aucune" // only for a relay on the same machine or network
)

// Email is the SMTP server the alerts go through.
type Email struct {
	Active      bool   `toml:"active"`
	Hote        string `toml:"hote"`
	Port        int    `toml:"port"`
	Securite    string `toml:"securite"`
	Utilisateur string `toml:"utilisateur"`
	Expediteur  string `toml:"expediteur"`
	// EchecsSeulement sends only the alerts that say something went wrong
	// (and the weekly digest, whose absence says the service stopped).
	EchecsSeulement bool `toml:"echecs_seulement"`
	// ResumeHebdomadaire is the weekday of the weekly digest (« lundi »…);
	// "" for none.
	ResumeHebdomadaire string `toml:"resume_hebdomadaire"`
}

// DigestDay is the weekday of the weekly digest, ok false when none is set.
func (e Email) DigestDay() (time.Weekday, bool) {
	d, ok := weekdays[strings.ToLower(strings.TrimSpace(e.ResumeHebdomadaire))]
	return d, ok
}

// Destinataire says who receives the alerts.
type Destinataire struct {
	// Employes sends to every employee with « Alerte e-mail » and an address.
	Employes bool `toml:"employes"`
	// Adresses are more recipients (the IT provider).
	Adresses []string `toml:"adresses"`
}

// Surveiller is the watch of offsite copies (coffre surveiller).
type Surveiller struct {
	AgeMaxHeures int `toml:"age_max_heures"`
}

// Sessions is how the programs a dossier's sessions table lists count for
// the operations that change a dossier (dossier.SessionPolicy).
type Sessions struct {
	// InactiveHeures: a session without activity for that many hours is
	// « probablement fermée » and no longer blocks (0: 12 h).
	InactiveHeures int `toml:"inactive_apres_heures"`
}

// Idle is the policy's idle time.
func (s Sessions) Idle() time.Duration {
	if s.InactiveHeures <= 0 {
		return dossier.DefaultSessionIdle
	}
	return time.Duration(s.InactiveHeures) * time.Hour
}

// Default is the configuration before anything was chosen.
func Default() Config {
	return Config{
		Auto:         Auto{Heure: "21:30", Conserver: 10},
		Distant:      Distant{Port: 22, Authentication: AuthCle, Conserver: 7},
		Email:        Email{Port: 587, Securite: SecuriteSTARTTLS},
		Destinataire: Destinataire{Employes: true},
		Surveiller:   Surveiller{AgeMaxHeures: 36},
		Sessions:     Sessions{InactiveHeures: 12},
	}
}

var (
	msgBadFile   = &i18n.Message{ID: "ConfigIllisible", Other: "Le fichier de configuration « {{.File}} » est illisible : {{.Detail}}"}
	msgPassword  = &i18n.Message{ID: "ConfigMotDePasseEnClair", Other: "Le fichier de configuration « {{.File}} » contient un mot de passe en clair (« {{.Key}} ») : retirez-le et enregistrez le mot de passe depuis l'écran Configuration ou avec « coffre service mot-de-passe --smtp-fichier F / --sftp-fichier F »."}
	msgBadHeure  = &i18n.Message{ID: "ConfigHeure", Other: "Heure invalide « {{.Value}} » : écrivez-la comme 21:30."}
	msgBadJour   = &i18n.Message{ID: "ConfigJour", Other: "Jour inconnu « {{.Value}} » : lundi, mardi, mercredi, jeudi, vendredi, samedi ou dimanche."}
	msgConserver = &i18n.Message{ID: "ConfigConserver", Other: "Le nombre de sauvegardes à conserver doit être au moins 1."}
	msgNoTrigger = &i18n.Message{ID: "ConfigSansDeclencheur", Other: "La sauvegarde automatique est active mais rien ne la déclenche : indiquez une heure, « tous les N jours » ou « après N nouvelles écritures »."}
	msgBadType   = &i18n.Message{ID: "ConfigTypeDistant", Other: "Type de copie distante inconnu « {{.Value}} » : sftp, dossier, s3 ou webdav."}
	msgNoS3      = &i18n.Message{ID: "ConfigS3Manquant", Other: "Indiquez l'adresse du service S3, le compartiment et la clé d'accès de la copie distante."}
	msgNoWebDAV  = &i18n.Message{ID: "ConfigWebDAVManquant", Other: "Indiquez l'adresse WebDAV et l'utilisateur de la copie distante."}
	msgBadChiffr = &i18n.Message{ID: "ConfigChiffrement", Other: "Chiffrement inconnu « {{.Value}} » : phrase, cle ou vide (pas de chiffrement)."}
	msgBadCleAge = &i18n.Message{ID: "ConfigCleAge", Other: "Clé publique age invalide « {{.Value}} » : avec chiffrement = « cle », indiquez la clé publique « age1… » donnée par « age-keygen » (la clé privée reste hors de ce poste)."}
	msgNoPhrase  = &i18n.Message{ID: "ConfigPhraseAbsente", Other: "La sauvegarde automatique est chiffrée par phrase secrète mais aucune phrase n'est enregistrée : saisissez-la dans l'écran Configuration ou avec « coffre service mot-de-passe --phrase-fichier »."}
	msgBadStyle  = &i18n.Message{ID: "ConfigStyleS3", Other: "Style d'adresse S3 inconnu « {{.Value}} » : chemin, hote ou vide (automatique)."}
	msgNoHost    = &i18n.Message{ID: "ConfigHoteManquant", Other: "Indiquez le serveur et l'utilisateur de la copie distante."}
	msgNoFolder  = &i18n.Message{ID: "ConfigDossierDistant", Other: "Indiquez le dossier réseau de la copie distante."}
	msgBadSecu   = &i18n.Message{ID: "ConfigSecurite", Other: "Sécurité SMTP inconnue « {{.Value}} » : starttls, tls ou aucune."}
	msgNoSMTP    = &i18n.Message{ID: "ConfigSMTPManquant", Other: "Indiquez le serveur SMTP et l'adresse d'expédition."}
	msgBadAddr   = &i18n.Message{ID: "ConfigAdresse", Other: "Adresse e-mail invalide « {{.Value}} »."}
	msgNoConfig  = &i18n.Message{ID: "ConfigAbsente", Other: "Aucune configuration de sauvegarde automatique : le fichier « {{.File}} » n'existe pas. Réglez la sauvegarde automatique dans l'écran Configuration de Coffre (ou écrivez ce fichier : voir le README), puis relancez."}
	msgBadDigest = &i18n.Message{ID: "ConfigJourResume", Other: "Jour du résumé hebdomadaire inconnu « {{.Value}} » : lundi, mardi, mercredi, jeudi, vendredi, samedi ou dimanche (vide pour aucun)."}
)

// ErrMissing is wrapped by Require's error when there is no configuration
// file.
var ErrMissing = errors.New("config: no configuration file")

// Require reads path like Load, but a missing file is an error: the
// automatic backup and the watch must not run on defaults nobody chose.
func Require(path string) (Config, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Default(), i18n.E(msgNoConfig, map[string]any{"File": path}, ErrMissing)
	}
	return Load(path)
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("config: invalid")

// Load reads path; a missing file gives Default(). Keys that look like a
// password are refused: the file must never hold one.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, i18n.E(msgBadFile, map[string]any{"File": path, "Detail": err.Error()}, err)
	}
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		return Default(), i18n.E(msgBadFile, map[string]any{"File": path, "Detail": err.Error()}, fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	for _, k := range md.Undecoded() {
		last := strings.ToLower(k[len(k)-1])
		if strings.Contains(last, "passe") || strings.Contains(last, "password") {
			return Default(), i18n.E(msgPassword, map[string]any{"File": path, "Key": k.String()}, ErrInvalid)
		}
	}
	if len(md.Undecoded()) > 0 {
		return Default(), unknownKey(path, string(b), md)
	}
	return c, nil
}

// header documents the file for whoever opens it in a text editor.
const header = `# Coffre — configuration de la sauvegarde automatique, de la copie distante et des alertes.
# Modifiée par l'écran Configuration de Coffre (droit « Configurer ») et lue par « coffre service ».
# Les mots de passe (SMTP, SFTP) ne sont JAMAIS dans ce fichier : ils sont dans le trousseau du
# système, ou chiffrés dans le dossier de données de Coffre (voir « coffre service --help »).
#
# [sauvegarde_automatique]
#   active             true pour que le service sauvegarde
#   connexion          dossier des bases (.db) ; vide = dossiers de Coffre
#   heure              heure de la sauvegarde quotidienne, « 21:30 » ; vide = aucune
#   jours              jours de la semaine (« lundi » … « dimanche ») ; vide = tous les jours
#   dossiers           numéros à sauvegarder (« 001 ») ; vide = tous
#   destination        dossier des sauvegardes ; vide = dossier « sauvegardes » de Coffre
#   conserver          nombre de sauvegardes complètes et vérifiées gardées par dossier (10)
#   tous_les_n_jours   sauvegarder un dossier dont la dernière sauvegarde a N jours (0 = non)
#   apres_n_ecritures  sauvegarder un dossier après N nouvelles écritures (0 = non)
#   chiffrement        « phrase » (phrase secrète du trousseau), « cle » (clé publique age) ou vide
#   cle_age            avec chiffrement = "cle" : la clé publique « age1… » ; la clé privée reste
#                      hors de ce poste (fiche de secours) et sert aux restaurations
#   Une sauvegarde manquée (ordinateur éteint) est faite au démarrage suivant.
# [copie_distante]
#   type               « sftp », « dossier » (dossier réseau), « s3 », « webdav » ou vide (pas de copie)
#   hote, port, utilisateur, authentification (« cle » ou « mot_de_passe »), cle (fichier de clé privée)
#   known_hosts        clés des serveurs acceptés ; vide = known_hosts du dossier de configuration
#   chemin             dossier sur le serveur SFTP ; dossier : chemin du dossier réseau
#   adresse            s3 : adresse du service (https://s3.exemple.fr) ; webdav : adresse du dossier
#   region, compartiment, prefixe, cle_acces, style (« chemin », « hote » ou vide) : s3
#   (la clé secrète S3 et le mot de passe WebDAV sont dans le trousseau, comme ceux de SFTP)
#   conserver          nombre de copies gardées par dossier sur le serveur (7)
#   blocage_secondes   abandonner une opération qui n'avance plus depuis N secondes (60)
# [email]
#   active, hote, port, securite (« starttls », « tls » ou « aucune » : serveur local seulement),
#   utilisateur, expediteur
#   echecs_seulement   n'envoyer que les e-mails qui signalent un problème (false)
#   resume_hebdomadaire jour du résumé de la semaine (« lundi »…) ; vide = aucun
# [destinataires]
#   employes           envoyer aux employés qui ont coché « Alerte e-mail »
#   adresses           autres adresses (le prestataire informatique)
# [surveillance]
#   age_max_heures     « coffre surveiller » signale « sauvegarde non reçue » au-delà de cet âge
# [sessions]
#   inactive_apres_heures  une session de la table « sessions » d'un dossier sans activité depuis
#                      N heures est « probablement fermée » : elle n'empêche plus archiver, découper,
#                      restaurer par-dessus… (12)

`

// Save validates c and writes it to path atomically (temp file, sync,
// rename), so the service never reads a half-written file.
func Save(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return err
	}
	return tmp.Commit(true)
}

var weekdays = map[string]time.Weekday{
	"dimanche": time.Sunday, "lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday,
	"jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday,
}

// WeekdayNames are the accepted day names, Monday first.
var WeekdayNames = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// Weekdays returns the days of the daily run; nil means every day.
func (a Auto) Weekdays() ([]time.Weekday, error) {
	var out []time.Weekday
	for _, j := range a.Jours {
		d, ok := weekdays[strings.ToLower(strings.TrimSpace(j))]
		if !ok {
			return nil, i18n.E(msgBadJour, map[string]any{"Value": j}, ErrInvalid)
		}
		out = append(out, d)
	}
	return out, nil
}

// TimeOfDay parses Heure: hours and minutes, ok false when none is set.
func (a Auto) TimeOfDay() (h, m int, ok bool, err error) {
	s := strings.TrimSpace(a.Heure)
	if s == "" {
		return 0, 0, false, nil
	}
	t, perr := time.Parse("15:04", strings.Replace(s, "h", ":", 1))
	if perr != nil {
		return 0, 0, false, i18n.E(msgBadHeure, map[string]any{"Value": a.Heure}, ErrInvalid)
	}
	return t.Hour(), t.Minute(), true, nil
}

// DestinationDir is where the automatic backups go.
func (a Auto) DestinationDir() string {
	if a.Destination != "" {
		return a.Destination
	}
	return paths.Backups()
}

// Encryption says how the automatic backups are encrypted: the passphrase
// (read from secrets) or the age recipient, both empty for none. A missing
// passphrase is an error in French, so that no backup is made in clear by
// mistake.
func (a Auto) Encryption(secrets Secrets) (passphrase, recipient string, err error) {
	switch a.Chiffrement {
	case ChiffrementPhrase:
		p, err := secrets.Get(SecretPhrase)
		if errors.Is(err, ErrNoSecret) {
			return "", "", i18n.E(msgNoPhrase, nil, err)
		}
		return p, "", err
	case ChiffrementCle:
		return "", strings.TrimSpace(a.CleAge), nil
	}
	return "", "", nil
}

// KnownHostsFile is the known_hosts file used for the SFTP server.
func (d Distant) KnownHostsFile() string {
	if d.KnownHosts != "" {
		return d.KnownHosts
	}
	return filepath.Join(paths.ConfigDir(), "known_hosts")
}

// Validate says, in French, what is wrong with c.
func (c Config) Validate() error {
	a := c.Auto
	if _, _, _, err := a.TimeOfDay(); err != nil {
		return err
	}
	if _, err := a.Weekdays(); err != nil {
		return err
	}
	if a.Conserver < 1 {
		return i18n.E(msgConserver, nil, ErrInvalid)
	}
	if a.Active && strings.TrimSpace(a.Heure) == "" && a.TousLesNJours <= 0 && a.ApresNEcritures <= 0 {
		return i18n.E(msgNoTrigger, nil, ErrInvalid)
	}
	switch a.Chiffrement {
	case ChiffrementAucun, ChiffrementPhrase:
	case ChiffrementCle:
		if _, err := age.ParseX25519Recipient(strings.TrimSpace(a.CleAge)); err != nil {
			return i18n.E(msgBadCleAge, map[string]any{"Value": a.CleAge}, ErrInvalid)
		}
	default:
		return i18n.E(msgBadChiffr, map[string]any{"Value": a.Chiffrement}, ErrInvalid)
	}
	switch c.Distant.Type {
	case DistantAucun:
	case DistantSFTP:
		if c.Distant.Hote == "" || c.Distant.Utilisateur == "" {
			return i18n.E(msgNoHost, nil, ErrInvalid)
		}
	case DistantDossier:
		if c.Distant.Dossier == "" {
			return i18n.E(msgNoFolder, nil, ErrInvalid)
		}
	case DistantS3:
		if c.Distant.Adresse == "" || c.Distant.Compartiment == "" || c.Distant.CleAcces == "" {
			return i18n.E(msgNoS3, nil, ErrInvalid)
		}
		switch c.Distant.Style {
		case StyleAuto, StyleChemin, StyleHote:
		default:
			return i18n.E(msgBadStyle, map[string]any{"Value": c.Distant.Style}, ErrInvalid)
		}
	case DistantWebDAV:
		if c.Distant.Adresse == "" || c.Distant.Utilisateur == "" {
			return i18n.E(msgNoWebDAV, nil, ErrInvalid)
		}
	default:
		return i18n.E(msgBadType, map[string]any{"Value": c.Distant.Type}, ErrInvalid)
	}
	if c.Distant.Type != DistantAucun && c.Distant.Conserver < 1 {
		return i18n.E(msgConserver, nil, ErrInvalid)
	}
	if _, ok := c.Email.DigestDay(); !ok && strings.TrimSpace(c.Email.ResumeHebdomadaire) != "" {
		return i18n.E(msgBadDigest, map[string]any{"Value": c.Email.ResumeHebdomadaire}, ErrInvalid)
	}
	switch c.Email.Securite {
	case SecuriteSTARTTLS, SecuriteTLS, SecuriteAucune:
	default:
		return i18n.E(msgBadSecu, map[string]any{"Value": c.Email.Securite}, ErrInvalid)
	}
	if c.Email.Active && (c.Email.Hote == "" || !ValidAddress(c.Email.Expediteur)) {
		return i18n.E(msgNoSMTP, nil, ErrInvalid)
	}
	for _, a := range c.Destinataire.Adresses {
		if !ValidAddress(a) {
			return i18n.E(msgBadAddr, map[string]any{"Value": a}, ErrInvalid)
		}
	}
	return nil
}

// ValidAddress is a light check of an e-mail address: one @, something on
// both sides, a dot in the domain, no spaces.
func ValidAddress(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-1 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \t\r\n<>,;")
}
