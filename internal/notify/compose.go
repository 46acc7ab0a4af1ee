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

// The alerts. Each offsite failure has its own kind, so that its title and
// its advice say what happened (a full disk is not a damaged copy).
const (
	BackupOK         Kind = "sauvegarde_reussie"
	BackupFailed     Kind = "sauvegarde_echouee"
	BackupSuspicious Kind = "sauvegarde_suspecte" // made, but the dossier changed alarmingly
	BackupStuck      Kind = "sauvegarde_bloquee"  // a run holds the service for hours
	NotReceived      Kind = "sauvegarde_non_recue"
	WatchFailed      Kind = "surveillance_impossible" // the watch could not reach the destination
	RemoteOK         Kind = "copie_distante_validee"
	RemoteDamaged    Kind = "copie_distante_endommagee"
	RemoteRefused    Kind = "copie_distante_connexion_refusee"
	RemoteNoHost     Kind = "copie_distante_hote_introuvable"
	RemoteNoAnswer   Kind = "copie_distante_injoignable"
	RemoteUnknownKey Kind = "copie_distante_serveur_inconnu"
	RemoteKeyChanged Kind = "copie_distante_cle_changee"
	RemoteAuth       Kind = "copie_distante_authentification"
	RemoteNoSpace    Kind = "copie_distante_espace_insuffisant"
	RemoteDenied     Kind = "copie_distante_permission"
	RemoteStalled    Kind = "copie_distante_bloquee"
	RemoteTLS        Kind = "copie_distante_certificat"
	RemoteNotFound   Kind = "copie_distante_introuvable"
	RemoteFailed     Kind = "copie_distante_echouee" // any other cause
	Digest           Kind = "resume_hebdomadaire"
	Test             Kind = "test"
)

// Kinds lists every alert, in the order the examples are shown.
var Kinds = []Kind{BackupOK, BackupFailed, BackupSuspicious, BackupStuck, RemoteOK, RemoteDamaged,
	RemoteRefused, RemoteNoHost, RemoteNoAnswer, RemoteUnknownKey, RemoteKeyChanged, RemoteAuth,
	RemoteNoSpace, RemoteDenied, RemoteStalled, RemoteTLS, RemoteNotFound, RemoteFailed,
	NotReceived, WatchFailed, Digest, Test}

// IsFailure reports whether an alert of kind k says something went wrong
// (sent even with « échecs seulement »).
func (k Kind) IsFailure() bool { return k != BackupOK && k != RemoteOK && k != Digest && k != Test }

// IsRemote reports whether k is about the offsite copy.
func (k Kind) IsRemote() bool { return strings.HasPrefix(string(k), "copie_distante_") }

// Dossier is one dossier in an alert.
type Dossier struct {
	Numero, Nom, RaisonSociale string
	Fichier                    string
	Taille                     int64
	// Duree is how long its local backup took; DureeDistante its offsite
	// copy.
	Duree, DureeDistante time.Duration
	Verifiee             bool
	DerniereEcriture     string // AAAA-MM-JJ, from the backup's manifest
	Sessions             []string
	Erreur               string
	// Changements say what changed alarmingly since the previous healthy
	// backup (« from what to what »).
	Changements []string
	// Controle is the outcome of the weekly complete verification.
	Controle string
	// Distant is the offsite verdict of this dossier's copy.
	Distant string
	// EnRetard: a backup from an earlier run, sent now (the outbox).
	EnRetard bool
	// DerniereRecue is the newest offsite backup (for « non reçue »).
	DerniereRecue time.Time
	// Week sums the dossier's runs of the week (the digest).
	Week *Week
}

// Week is one dossier's week, for the digest.
type Week struct {
	OK, Failed, Suspicious int
	// LastOK is its newest good backup; LastRemote its newest validated
	// offsite copy (zero: none this week).
	LastOK, LastRemote time.Time
}

// Report is the content of one alert.
type Report struct {
	Kind  Kind
	Poste string
	Debut time.Time
	// Duree is the whole run's time; DureeLocale and DureeDistante its
	// local backups' and offsite copies'.
	Duree, DureeLocale, DureeDistante time.Duration
	Destination                       string // local folder of the backups
	Distant                           string // offsite destination, no password
	Dossiers                          []Dossier
	// Remarques are facts about the whole run (the clock is wrong, space was
	// made offsite…).
	Remarques []string
	// AgeMax is the age beyond which a backup is « non reçue ».
	AgeMax time.Duration
	// Runs is the number of runs the digest covers, since Debut.
	Runs int
}

var (
	subjects = map[Kind]*i18n.Message{
		BackupOK:         {ID: "MailSujetReussie", One: "[Coffre] Sauvegarde réussie — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Sauvegarde réussie — {{.Count}} dossiers ({{.Poste}})"},
		BackupFailed:     {ID: "MailSujetEchouee", One: "[Coffre] Sauvegarde échouée — {{.Count}} dossier en échec ({{.Poste}})", Other: "[Coffre] Sauvegarde échouée — {{.Count}} dossiers en échec ({{.Poste}})"},
		BackupSuspicious: {ID: "MailSujetSuspecte", One: "[Coffre] ATTENTION : {{.Count}} dossier a changé de façon inquiétante ({{.Poste}})", Other: "[Coffre] ATTENTION : {{.Count}} dossiers ont changé de façon inquiétante ({{.Poste}})"},
		BackupStuck:      {ID: "MailSujetBloquee", Other: "[Coffre] Sauvegarde automatique bloquée depuis le {{.Date}} ({{.Poste}})"},
		NotReceived:      {ID: "MailSujetNonRecue", One: "[Coffre] Sauvegarde non reçue — {{.Count}} dossier", Other: "[Coffre] Sauvegarde non reçue — {{.Count}} dossiers"},
		WatchFailed:      {ID: "MailSujetSurveillanceImpossible", Other: "[Coffre] Surveillance impossible : la destination distante ne répond pas"},
		RemoteOK:         {ID: "MailSujetDistanteValidee", One: "[Coffre] Copie distante reçue et validée — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Copie distante reçue et validée — {{.Count}} dossiers ({{.Poste}})"},
		RemoteDamaged:    {ID: "MailSujetDistanteEndommagee", One: "[Coffre] Copie distante reçue endommagée — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante reçue endommagée — {{.Count}} copies ({{.Poste}})"},
		RemoteRefused:    {ID: "MailSujetDistanteRefusee", One: "[Coffre] Copie distante non envoyée : le serveur refuse la connexion — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : le serveur refuse la connexion — {{.Count}} copies ({{.Poste}})"},
		RemoteNoHost:     {ID: "MailSujetDistanteIntrouvable", One: "[Coffre] Copie distante non envoyée : serveur introuvable — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : serveur introuvable — {{.Count}} copies ({{.Poste}})"},
		RemoteNoAnswer:   {ID: "MailSujetDistanteInjoignable", One: "[Coffre] Copie distante non envoyée : le serveur ne répond pas — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : le serveur ne répond pas — {{.Count}} copies ({{.Poste}})"},
		RemoteUnknownKey: {ID: "MailSujetDistanteInconnu", One: "[Coffre] Copie distante non envoyée : serveur pas encore reconnu — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : serveur pas encore reconnu — {{.Count}} copies ({{.Poste}})"},
		RemoteKeyChanged: {ID: "MailSujetDistanteCleChangee", One: "[Coffre] ATTENTION : la clé du serveur distant a changé — {{.Count}} copie non envoyée ({{.Poste}})", Other: "[Coffre] ATTENTION : la clé du serveur distant a changé — {{.Count}} copies non envoyées ({{.Poste}})"},
		RemoteAuth:       {ID: "MailSujetDistanteAuthentification", One: "[Coffre] Copie distante non envoyée : identification refusée — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : identification refusée — {{.Count}} copies ({{.Poste}})"},
		RemoteNoSpace:    {ID: "MailSujetDistanteEspace", One: "[Coffre] Copie distante non envoyée : espace insuffisant sur la destination — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : espace insuffisant sur la destination — {{.Count}} copies ({{.Poste}})"},
		RemoteDenied:     {ID: "MailSujetDistantePermission", One: "[Coffre] Copie distante non envoyée : accès refusé sur la destination — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : accès refusé sur la destination — {{.Count}} copies ({{.Poste}})"},
		RemoteStalled:    {ID: "MailSujetDistanteBloquee", One: "[Coffre] Copie distante interrompue : le serveur ne répond plus — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante interrompue : le serveur ne répond plus — {{.Count}} copies ({{.Poste}})"},
		RemoteTLS:        {ID: "MailSujetDistanteCertificat", One: "[Coffre] Copie distante non envoyée : certificat du serveur non reconnu — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : certificat du serveur non reconnu — {{.Count}} copies ({{.Poste}})"},
		RemoteNotFound:   {ID: "MailSujetDistanteAbsente", One: "[Coffre] Copie distante non envoyée : dossier distant introuvable — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée : dossier distant introuvable — {{.Count}} copies ({{.Poste}})"},
		RemoteFailed:     {ID: "MailSujetDistanteEchouee", One: "[Coffre] Copie distante non envoyée — {{.Count}} copie ({{.Poste}})", Other: "[Coffre] Copie distante non envoyée — {{.Count}} copies ({{.Poste}})"},
		Digest:           {ID: "MailSujetResume", One: "[Coffre] Résumé de la semaine — {{.Count}} dossier ({{.Poste}})", Other: "[Coffre] Résumé de la semaine — {{.Count}} dossiers ({{.Poste}})"},
		Test:             {ID: "MailSujetTest", Other: "[Coffre] E-mail de test"},
	}
	intros = map[Kind]*i18n.Message{
		BackupOK:         {ID: "MailIntroReussie", Other: "La sauvegarde automatique du {{.Date}} sur le poste {{.Poste}} s'est bien passée : chaque sauvegarde a été relue et vérifiée."},
		BackupFailed:     {ID: "MailIntroEchouee", Other: "La sauvegarde automatique du {{.Date}} sur le poste {{.Poste}} a ÉCHOUÉ pour au moins un dossier. Les sauvegardes précédentes sont conservées."},
		BackupSuspicious: {ID: "MailIntroSuspecte", Other: "La sauvegarde automatique du {{.Date}} sur le poste {{.Poste}} a été faite, mais un dossier a changé de façon inquiétante depuis sa sauvegarde précédente (voir ci-dessous). Cette sauvegarde est gardée, et les sauvegardes saines d'avant aussi : aucune n'est supprimée à cause d'elle."},
		BackupStuck:      {ID: "MailIntroBloquee", Other: "La sauvegarde automatique commencée le {{.Date}} sur le poste {{.Poste}} n'est toujours pas terminée. Tant qu'elle tient le service, aucune autre sauvegarde automatique ne peut se faire."},
		NotReceived:      {ID: "MailIntroNonRecue", Other: "Aucune sauvegarde récente n'est arrivée sur {{.Distant}} : la plus récente a plus de {{.Age}}."},
		WatchFailed:      {ID: "MailIntroSurveillanceImpossible", Other: "La surveillance des copies distantes n'a pas pu lire {{.Distant}} le {{.Date}} : elle ne peut donc pas dire si les sauvegardes y arrivent."},
		RemoteOK:         {ID: "MailIntroDistanteValidee", Other: "La copie distante vers {{.Distant}} a été relue depuis le serveur et validée (taille et empreinte SHA-256 identiques)."},
		RemoteDamaged:    {ID: "MailIntroDistanteEndommagee", Other: "Une copie arrivée sur {{.Distant}} est ENDOMMAGÉE : ce que le serveur rend ne correspond pas au fichier envoyé, ou une copie plus ancienne a changé depuis qu'elle a été validée. La sauvegarde locale, elle, est intacte."},
		RemoteRefused:    {ID: "MailIntroDistanteRefusee", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le serveur refuse la connexion (service arrêté, mauvais port). Les sauvegardes locales sont faites ; elles seront envoyées au prochain passage qui joindra le serveur."},
		RemoteNoHost:     {ID: "MailIntroDistanteIntrouvable", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le nom du serveur est inconnu du réseau. Les sauvegardes locales sont faites ; elles seront envoyées au prochain passage qui joindra le serveur."},
		RemoteNoAnswer:   {ID: "MailIntroDistanteInjoignable", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le serveur ne répond pas (réseau, pare-feu, serveur éteint). Les sauvegardes locales sont faites ; elles seront envoyées au prochain passage qui joindra le serveur."},
		RemoteUnknownKey: {ID: "MailIntroDistanteInconnu", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : ce serveur n'a pas encore été reconnu comme sûr sur ce poste. Les sauvegardes locales sont faites."},
		RemoteKeyChanged: {ID: "MailIntroDistanteCleChangee", Other: "La copie distante vers {{.Distant}} n'a PAS été envoyée : le serveur présente une autre clé que celle enregistrée. Ce peut être une réinstallation du serveur, ou quelqu'un qui se fait passer pour lui. Les sauvegardes locales sont faites."},
		RemoteAuth:       {ID: "MailIntroDistanteAuthentification", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le serveur refuse l'utilisateur, la clé ou le mot de passe. Les sauvegardes locales sont faites."},
		RemoteNoSpace:    {ID: "MailIntroDistanteEspace", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : il n'y a plus assez de place sur la destination, même après avoir retiré la plus ancienne copie qui pouvait l'être (jamais la plus récente d'un dossier). Les sauvegardes locales sont faites."},
		RemoteDenied:     {ID: "MailIntroDistantePermission", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : l'utilisateur n'a pas le droit d'écrire à cet endroit. Les sauvegardes locales sont faites."},
		RemoteStalled:    {ID: "MailIntroDistanteBloquee", Other: "La copie distante vers {{.Distant}} a été interrompue : le serveur a cessé de répondre en cours de route. Rien d'incomplet n'a été laissé sous un nom définitif ; les sauvegardes locales sont faites et seront envoyées au prochain passage."},
		RemoteTLS:        {ID: "MailIntroDistanteCertificat", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le certificat du serveur n'est pas reconnu par ce poste. Les sauvegardes locales sont faites."},
		RemoteNotFound:   {ID: "MailIntroDistanteAbsente", Other: "La copie distante vers {{.Distant}} n'a pas été envoyée : le dossier (ou le compartiment) de destination est introuvable. Les sauvegardes locales sont faites."},
		RemoteFailed:     {ID: "MailIntroDistanteEchouee", Other: "La copie distante vers {{.Distant}} n'a pas pu être faite (voir l'erreur de chaque dossier). Les sauvegardes locales sont faites ; elles seront envoyées au prochain passage qui réussira."},
		Digest:           {ID: "MailIntroResume", Other: "Voici le résumé des sauvegardes automatiques du poste {{.Poste}} depuis le {{.Date}} ({{.Runs}} passages)."},
		Test:             {ID: "MailIntroTest", Other: "Ceci est un e-mail de test envoyé par Coffre depuis le poste {{.Poste}} le {{.Date}}. Si vous le lisez, les alertes de sauvegarde vous parviendront."},
	}
	advice = map[Kind]*i18n.Message{
		BackupFailed:     {ID: "MailConseilEchouee", Other: "Que faire : lisez l'erreur de chaque dossier ci-dessus. Vérifiez que le disque de destination est branché et a de la place, puis lancez « Sauvegarder maintenant » depuis l'icône de Coffre (ou « coffre service maintenant »). Si l'erreur dit que la base est endommagée, ne travaillez plus dans ce dossier et appelez votre prestataire informatique."},
		BackupSuspicious: {ID: "MailConseilSuspecte", Other: "Que faire : si vous venez d'archiver, de découper ou de remplacer ce dossier, c'est attendu ; confirmez-le avec « coffre service accepter --dossier NUMÉRO » pour que la prochaine sauvegarde serve de référence. Sinon, ne travaillez plus dans ce dossier et appelez votre prestataire informatique : le fichier a peut-être été vidé, écrasé ou chiffré par un logiciel malveillant, et les sauvegardes saines d'avant permettent de le restaurer."},
		BackupStuck:      {ID: "MailConseilBloquee", Other: "Que faire : regardez si un disque réseau ou un partage ne répond plus, ou si un programme garde un dossier ouvert ; redémarrez l'ordinateur principal si besoin (une sauvegarde interrompue ne laisse rien à moitié écrit). Si cela se répète, transmettez cet e-mail à votre prestataire informatique."},
		NotReceived:      {ID: "MailConseilNonRecue", Other: "Que faire : vérifiez que l'ordinateur principal est allumé, que le service Coffre tourne (icône près de l'horloge) et qu'il a accès à Internet ; lisez son « Historique ». Appelez votre prestataire informatique si cela dure."},
		WatchFailed:      {ID: "MailConseilSurveillanceImpossible", Other: "Que faire : vérifiez que le serveur de sauvegarde est allumé et joignable depuis ce poste (réseau, pare-feu, identifiants). Tant qu'il ne l'est pas, ni les copies ni leur surveillance ne fonctionnent."},
		RemoteDamaged:    {ID: "MailConseilDistanteEndommagee", Other: "Que faire : la copie endommagée a été retirée du serveur et sera envoyée de nouveau tant que la sauvegarde locale existe. Si cela se répète, faites vérifier le disque du serveur et la connexion par votre prestataire (« coffre verifier --distant » relit toutes les copies)."},
		RemoteRefused:    {ID: "MailConseilDistanteRefusee", Other: "Que faire : vérifiez que le serveur de sauvegarde est allumé et que son service (SFTP, partage) tourne ; vérifiez le port dans l'écran Configuration. Rien n'est perdu : le prochain passage enverra ce qui manque."},
		RemoteNoHost:     {ID: "MailConseilDistanteIntrouvable", Other: "Que faire : vérifiez le nom du serveur dans l'écran Configuration et la connexion Internet du poste. Rien n'est perdu : le prochain passage enverra ce qui manque."},
		RemoteNoAnswer:   {ID: "MailConseilDistanteInjoignable", Other: "Que faire : vérifiez la connexion Internet du poste, le pare-feu et que le serveur est allumé. Rien n'est perdu : le prochain passage enverra ce qui manque."},
		RemoteUnknownKey: {ID: "MailConseilDistanteInconnu", Other: "Que faire : dans l'écran Configuration, vérifiez l'empreinte du serveur auprès de son administrateur puis cliquez « Faire confiance à ce serveur » (ou « coffre service faire-confiance »)."},
		RemoteKeyChanged: {ID: "MailConseilDistanteCleChangee", Other: "Que faire : n'acceptez rien sans avoir demandé à votre prestataire si le serveur a été réinstallé. S'il l'a été, il retirera l'ancienne clé et fera de nouveau confiance au serveur ; sinon, c'est peut-être une attaque : ne changez rien et prévenez-le."},
		RemoteAuth:       {ID: "MailConseilDistanteAuthentification", Other: "Que faire : vérifiez l'utilisateur, la clé ou le mot de passe de la copie distante dans l'écran Configuration (le mot de passe a peut-être été changé sur le serveur)."},
		RemoteNoSpace:    {ID: "MailConseilDistanteEspace", Other: "Que faire : libérez de la place sur la destination, agrandissez le quota, ou réduisez le nombre de copies conservées sur le serveur (écran Configuration). Rien n'est perdu : le prochain passage enverra ce qui manque."},
		RemoteDenied:     {ID: "MailConseilDistantePermission", Other: "Que faire : donnez à l'utilisateur de la copie distante le droit d'écrire dans le dossier de destination, ou choisissez un autre dossier (écran Configuration)."},
		RemoteStalled:    {ID: "MailConseilDistanteBloquee", Other: "Que faire : rien dans l'immédiat, le prochain passage reprendra l'envoi. Si cela se répète, la ligne est peut-être saturée ou le serveur surchargé : parlez-en à votre prestataire."},
		RemoteTLS:        {ID: "MailConseilDistanteCertificat", Other: "Que faire : vérifiez l'adresse du serveur dans l'écran Configuration ; si elle est juste, faites installer le certificat du serveur sur ce poste par votre prestataire."},
		RemoteNotFound:   {ID: "MailConseilDistanteAbsente", Other: "Que faire : vérifiez le chemin, le dossier réseau ou le compartiment de la copie distante dans l'écran Configuration, et que le partage est bien monté."},
		RemoteFailed:     {ID: "MailConseilDistanteEchouee", Other: "Que faire : lisez l'erreur de chaque dossier ci-dessus ; si elle se répète, transmettez cet e-mail à votre prestataire informatique. Rien n'est perdu : le prochain passage enverra ce qui manque."},
		Digest:           {ID: "MailConseilResume", Other: "Ce résumé arrive chaque semaine, même quand les e-mails ne signalent que les échecs : s'il n'arrive plus, le service ne tourne plus."},
	}
	msgFile       = &i18n.Message{ID: "MailFichier", Other: "Fichier"}
	msgSize       = &i18n.Message{ID: "MailTaille", Other: "Taille"}
	msgDuration   = &i18n.Message{ID: "MailDuree", Other: "Durée"}
	msgRemoteTime = &i18n.Message{ID: "MailDureeEnvoi", Other: "Durée de l'envoi"}
	msgVerif      = &i18n.Message{ID: "MailVerification", Other: "Vérification"}
	msgVerifOK    = &i18n.Message{ID: "MailVerifReussie", Other: "réussie (relue et contrôlée)"}
	msgVerifNo    = &i18n.Message{ID: "MailVerifNon", Other: "non faite"}
	msgFullCheck  = &i18n.Message{ID: "MailControleComplet", Other: "Contrôle complet"}
	msgChange     = &i18n.Message{ID: "MailChangement", Other: "Changement inquiétant"}
	msgLastEntry  = &i18n.Message{ID: "MailDerniereEcriture", Other: "Dernière écriture"}
	msgSessions   = &i18n.Message{ID: "MailSessions", Other: "Ouvert pendant la sauvegarde"}
	msgSessNote   = &i18n.Message{ID: "MailSessionsNote", Other: "(la sauvegarde est cohérente, mais ne contient pas ce qui n'était pas encore enregistré)"}
	msgError      = &i18n.Message{ID: "MailErreur", Other: "ERREUR"}
	msgRemote     = &i18n.Message{ID: "MailDistant", Other: "Copie distante"}
	msgLate       = &i18n.Message{ID: "MailEnRetard", Other: "Envoyée avec retard"}
	msgLateValue  = &i18n.Message{ID: "MailEnRetardValeur", Other: "oui : faite lors d'un passage où elle n'a pas pu être envoyée (destination injoignable, envoi interrompu)"}
	msgReceived   = &i18n.Message{ID: "MailDerniereRecue", Other: "Dernière sauvegarde reçue"}
	msgNone       = &i18n.Message{ID: "MailAucune", Other: "aucune"}
	msgDest       = &i18n.Message{ID: "MailDestination", Other: "Dossier des sauvegardes"}
	msgTotal      = &i18n.Message{ID: "MailDureeTotale", Other: "Durée totale"}
	msgLocalTotal = &i18n.Message{ID: "MailDureeLocale", Other: "Durée des sauvegardes locales"}
	msgRemoteTot  = &i18n.Message{ID: "MailDureeDistante", Other: "Durée de la copie distante"}
	msgNote       = &i18n.Message{ID: "MailRemarque", Other: "Remarque"}
	msgWeekOK     = &i18n.Message{ID: "MailSemaineReussies", Other: "Sauvegardes réussies"}
	msgWeekBad    = &i18n.Message{ID: "MailSemaineEchouees", Other: "Échecs"}
	msgWeekSusp   = &i18n.Message{ID: "MailSemaineSuspectes", Other: "Changements inquiétants"}
	msgWeekLast   = &i18n.Message{ID: "MailSemaineDerniere", Other: "Dernière sauvegarde réussie"}
	msgWeekRemote = &i18n.Message{ID: "MailSemaineDistante", Other: "Dernière copie distante validée"}
	msgSignature  = &i18n.Message{ID: "MailSignature", Other: "— Coffre, le coffre-fort de vos dossiers comptables. Vous recevez ce message parce que « Alerte e-mail » est coché pour vous dans la configuration de Coffre."}
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

// count is the number the subject of r gives: the dossiers in trouble for
// a failure, all of them otherwise.
func count(r Report) int64 {
	var n int64
	for _, d := range r.Dossiers {
		switch {
		case r.Kind == BackupFailed && d.Erreur != "":
			n++
		case r.Kind == BackupSuspicious && len(d.Changements) > 0:
			n++
		case r.Kind.IsRemote() && r.Kind != RemoteOK && d.Erreur != "":
			n++
		case r.Kind == BackupOK || r.Kind == RemoteOK || r.Kind == NotReceived || r.Kind == Digest:
			n++
		}
	}
	return n
}

// Compose writes the alert for r to the recipients to.
func Compose(r Report, to []string) Mail {
	data := map[string]any{"Poste": r.Poste, "Date": i18n.DateTime(r.Debut), "Distant": r.Distant, "Age": i18n.Duration(r.AgeMax), "Runs": r.Runs}
	subject := i18n.N(subjects[r.Kind], count(r), data)
	intro := i18n.T(intros[r.Kind], data)
	var secs []section
	for _, d := range r.Dossiers {
		secs = append(secs, dossierSection(r.Kind, d))
	}
	var footer []field
	for _, n := range r.Remarques {
		footer = append(footer, field{i18n.T(msgNote, nil), n})
	}
	if r.Destination != "" {
		footer = append(footer, field{i18n.T(msgDest, nil), r.Destination})
	}
	if r.Distant != "" && r.Kind != NotReceived && r.Kind != WatchFailed {
		footer = append(footer, field{i18n.T(msgRemote, nil), r.Distant})
	}
	if r.DureeLocale > 0 {
		footer = append(footer, field{i18n.T(msgLocalTotal, nil), i18n.Duration(r.DureeLocale)})
	}
	if r.DureeDistante > 0 {
		footer = append(footer, field{i18n.T(msgRemoteTot, nil), i18n.Duration(r.DureeDistante)})
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

func dossierSection(k Kind, d Dossier) section {
	s := section{Title: strings.TrimSpace(fmt.Sprintf("%s %s %s", d.Numero, d.Nom, dash(d.RaisonSociale))), Error: d.Erreur}
	add := func(label *i18n.Message, value string) { s.Fields = append(s.Fields, field{i18n.T(label, nil), value}) }
	if d.Fichier != "" {
		add(msgFile, filepath.Base(d.Fichier))
	}
	if d.Taille > 0 {
		add(msgSize, i18n.Bytes(d.Taille))
	}
	if d.Duree > 0 && !k.IsRemote() {
		add(msgDuration, i18n.Duration(d.Duree))
	}
	if (k == BackupOK || k == BackupFailed || k == BackupSuspicious) && d.Erreur == "" {
		v := i18n.T(msgVerifNo, nil)
		if d.Verifiee {
			v = i18n.T(msgVerifOK, nil)
		}
		add(msgVerif, v)
	}
	if d.Controle != "" {
		add(msgFullCheck, d.Controle)
	}
	for _, c := range d.Changements {
		add(msgChange, c)
	}
	if d.DerniereEcriture != "" {
		add(msgLastEntry, frenchDate(d.DerniereEcriture))
	}
	if len(d.Sessions) > 0 {
		add(msgSessions, strings.Join(d.Sessions, " ; ")+" "+i18n.T(msgSessNote, nil))
	}
	if d.Distant != "" {
		add(msgRemote, d.Distant)
	}
	if d.EnRetard {
		add(msgLate, i18n.T(msgLateValue, nil))
	}
	if d.DureeDistante > 0 {
		add(msgRemoteTime, i18n.Duration(d.DureeDistante))
	}
	if k == NotReceived {
		v := i18n.T(msgNone, nil)
		if !d.DerniereRecue.IsZero() {
			v = i18n.DateTime(d.DerniereRecue)
		}
		add(msgReceived, v)
	}
	if w := d.Week; w != nil {
		add(msgWeekOK, fmt.Sprint(w.OK))
		if w.Failed > 0 {
			add(msgWeekBad, fmt.Sprint(w.Failed))
		}
		if w.Suspicious > 0 {
			add(msgWeekSusp, fmt.Sprint(w.Suspicious))
		}
		add(msgWeekLast, dateOrNone(w.LastOK))
		add(msgWeekRemote, dateOrNone(w.LastRemote))
	}
	return s
}

func dateOrNone(t time.Time) string {
	if t.IsZero() {
		return i18n.T(msgNone, nil)
	}
	return i18n.DateTime(t)
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
